//! The outbox as the relay's hand-outs read it: commit order (`seq`), a window at a time
//! after the lowest cursor of a consumer's rows (endpoints, subscriptions). The hand-outs
//! (`outbound::handout`, `mail::handout`) then move every cursor below the window's end to
//! it in one statement, so a round costs the same few statements however many endpoints or
//! subscribers there are.
use crate::entity::outbound_event;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The last `seq` of the window after `low` of at most `size` events, or `None` when no
/// event came after `low`.
pub async fn window_end(db: &impl ConnectionTrait, low: i64, size: u64) -> Result<Option<i64>, DbErr> {
    let seqs: Vec<i64> = outbound_event::Entity::find()
        .select_only()
        .column(outbound_event::Column::Seq)
        .filter(outbound_event::Column::Seq.gt(low))
        .order_by_asc(outbound_event::Column::Seq)
        .offset(size.saturating_sub(1))
        .limit(1)
        .into_tuple()
        .all(db)
        .await?;
    match seqs.first() {
        Some(&end) => Ok(Some(end)),
        // Fewer than `size` events after `low`: the window ends at the newest.
        None => newest_after(db, low).await,
    }
}

/// The newest `seq` after `low`, if any.
async fn newest_after(db: &impl ConnectionTrait, low: i64) -> Result<Option<i64>, DbErr> {
    let newest: Option<Option<i64>> = outbound_event::Entity::find()
        .select_only()
        .column_as(outbound_event::Column::Seq.max(), "seq")
        .filter(outbound_event::Column::Seq.gt(low))
        .into_tuple()
        .one(db)
        .await?;
    Ok(newest.flatten())
}
