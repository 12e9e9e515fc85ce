//! The lease claim every queue of the relay shares: due rows (pending, their next attempt
//! reached, no live lease) are claimed in one statement, so two instances never hold one
//! row. Called inside the caller's write transaction (`db::Writer`).
use super::DeliveryState;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, LockBehavior, LockType, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, Order, QueryFilter};

/// A table the relay queues in: its columns of the protocol.
pub trait Queued: EntityTrait {
    const ID: Self::Column;
    const STATE: Self::Column;
    const NEXT_ATTEMPT_AT: Self::Column;
    const CLAIMED_UNTIL: Self::Column;
}

impl Queued for crate::entity::webhook_delivery::Entity {
    const ID: Self::Column = crate::entity::webhook_delivery::Column::Id;
    const STATE: Self::Column = crate::entity::webhook_delivery::Column::State;
    const NEXT_ATTEMPT_AT: Self::Column = crate::entity::webhook_delivery::Column::NextAttemptAt;
    const CLAIMED_UNTIL: Self::Column = crate::entity::webhook_delivery::Column::ClaimedUntil;
}

impl Queued for crate::entity::mail_message::Entity {
    const ID: Self::Column = crate::entity::mail_message::Column::Id;
    const STATE: Self::Column = crate::entity::mail_message::Column::State;
    const NEXT_ATTEMPT_AT: Self::Column = crate::entity::mail_message::Column::NextAttemptAt;
    const CLAIMED_UNTIL: Self::Column = crate::entity::mail_message::Column::ClaimedUntil;
}

/// Claims at most `n` due rows matching `only` until `until`, oldest due first (rows due
/// at one time by id, which keeps the order they were queued in), also setting `also`;
/// returns them.
pub async fn claim<Q: Queued>(
    db: &impl ConnectionTrait,
    only: Condition,
    n: u64,
    until: DateTime<Utc>,
    also: Vec<(Q::Column, SimpleExpr)>,
) -> Result<Vec<Q::Model>, DbErr> {
    let now = Utc::now();
    let mut due = Query::select()
        .column(Q::ID)
        .from(Q::default())
        .cond_where(only)
        .and_where(Q::STATE.eq(DeliveryState::Pending))
        .and_where(Q::NEXT_ATTEMPT_AT.lte(now))
        .and_where(Q::CLAIMED_UNTIL.is_null().or(Q::CLAIMED_UNTIL.lt(now)))
        .order_by(Q::NEXT_ATTEMPT_AT, Order::Asc)
        .order_by(Q::ID, Order::Asc)
        .limit(n)
        .to_owned();
    if db.get_database_backend() == DbBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut claim = Q::update_many().col_expr(Q::CLAIMED_UNTIL, sea_orm::sea_query::Expr::value(until));
    for (column, value) in also {
        claim = claim.col_expr(column, value);
    }
    claim.filter(Q::ID.in_subquery(due)).exec_with_returning(db).await
}
