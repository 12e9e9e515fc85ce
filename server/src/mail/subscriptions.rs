//! A customer's subscription to one parcel's updates, from its share link: made `pending`
//! with a confirmation mail queued (double opt-in), confirmed by the link in that mail (from
//! then on the parcel's events are mailed), ended by the unsubscribe link in every mail, and
//! deleted with its address some days after the parcel's final status (`forget_finished`).
use super::compose::MailKind;
use crate::db::Writer;
use crate::entity::mail_subscription::{self, SubscriptionState};
use crate::entity::webhook_delivery::DeliveryState;
use crate::entity::{mail_message, outbound_event, parcel};
use app::model::TrackingStatus;
use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set};

/// Longest address accepted (RFC 5321's limit on a path).
const MAX_ADDRESS_BYTES: usize = 254;

/// Statuses after which a parcel changes no more: its addresses are deleted after a while.
const FINAL: [TrackingStatus; 4] = [TrackingStatus::Delivered, TrackingStatus::Returned, TrackingStatus::Canceled, TrackingStatus::Expired];

#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error("{0:?} is not an e-mail address")]
    InvalidAddress(String),
    #[error("this parcel already has {0} addresses")]
    Full(u64),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// What subscribing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscribed {
    /// A confirmation mail is on its way.
    ConfirmationSent,
    /// The address already gets this parcel's updates.
    Already,
}

/// An address as a customer typed it, checked (lettre's parser) and trimmed.
pub fn checked_address(text: &str) -> Result<lettre::Address, SubscribeError> {
    let text = text.trim();
    if text.len() > MAX_ADDRESS_BYTES {
        return Err(SubscribeError::InvalidAddress(text.chars().take(40).collect()));
    }
    text.parse::<lettre::Address>().map_err(|_| SubscribeError::InvalidAddress(text.to_string()))
}

/// Subscribes `email` to `parcel_id`'s updates in `lang`; at most `per_parcel` addresses.
pub async fn subscribe(
    writer: &Writer,
    parcel_id: i64,
    email: &str,
    lang: app::i18n::Lang,
    host: Option<String>,
    per_parcel: u64,
) -> Result<Subscribed, SubscribeError> {
    let address = checked_address(email)?;
    let email = address.to_string();
    let txn = writer.begin().await?;
    let existing = mail_subscription::Entity::find()
        .filter(mail_subscription::Column::ParcelId.eq(parcel_id))
        .filter(mail_subscription::Column::Email.eq(email.clone()))
        .one(&txn)
        .await?;
    if let Some(existing) = existing {
        txn.commit().await?;
        return Ok(match existing.state {
            SubscriptionState::Confirmed => Subscribed::Already,
            // The first mail is on its way or was sent; it is not sent again.
            SubscriptionState::Pending => Subscribed::ConfirmationSent,
        });
    }
    let count = mail_subscription::Entity::find().filter(mail_subscription::Column::ParcelId.eq(parcel_id)).count(&txn).await?;
    if count >= per_parcel {
        return Err(SubscribeError::Full(count));
    }
    let now = Utc::now();
    let subscription = mail_subscription::ActiveModel {
        parcel_id: Set(parcel_id),
        email: Set(email),
        lang: Set(lang.code().to_string()),
        token: Set(crate::domain::new_share_token()),
        state: Set(SubscriptionState::Pending),
        cursor: Set(0),
        created_at: Set(now),
        confirmed_at: Set(None),
        host: Set(host),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    mail_message::ActiveModel {
        subscription_id: Set(subscription.id),
        event_id: Set(MailKind::Confirm.as_str().to_string()),
        kind: Set(MailKind::Confirm.as_str().to_string()),
        data: Set("{}".into()),
        state: Set(DeliveryState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Subscribed::ConfirmationSent)
}

/// Confirms the subscription of `token`: the parcel's events from now on are mailed.
/// Returns it, or `None` for an unknown token (found by a read: a stranger's guess costs no
/// write).
pub async fn confirm(writer: &Writer, token: &str) -> Result<Option<mail_subscription::Model>, DbErr> {
    if by_token(writer.db(), token).await?.is_none() {
        return Ok(None);
    }
    let txn = writer.begin().await?;
    let Some(subscription) = by_token(&txn, token).await? else { return Ok(None) };
    if subscription.state == SubscriptionState::Confirmed {
        txn.commit().await?;
        return Ok(Some(subscription));
    }
    // The newest event of all (committed, by the commit-order lock): every hand-out window
    // starts at the lowest cursor, so a cursor far behind would hold everyone's mail back.
    let newest: Option<i64> = outbound_event::Entity::find()
        .select_only()
        .column_as(outbound_event::Column::Seq.max(), "seq")
        .into_tuple()
        .one(&txn)
        .await?
        .flatten();
    let mut update: mail_subscription::ActiveModel = subscription.into();
    update.state = Set(SubscriptionState::Confirmed);
    update.confirmed_at = Set(Some(Utc::now()));
    update.cursor = Set(newest.unwrap_or(0));
    let confirmed = update.update(&txn).await?;
    txn.commit().await?;
    Ok(Some(confirmed))
}

/// Ends the subscription of `token` and deletes its address; returns what it was.
pub async fn unsubscribe(writer: &Writer, token: &str) -> Result<Option<mail_subscription::Model>, DbErr> {
    if by_token(writer.db(), token).await?.is_none() {
        return Ok(None);
    }
    let txn = writer.begin().await?;
    let Some(subscription) = by_token(&txn, token).await? else { return Ok(None) };
    mail_message::Entity::delete_many().filter(mail_message::Column::SubscriptionId.eq(subscription.id)).exec(&txn).await?;
    mail_subscription::Entity::delete_by_id(subscription.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(Some(subscription))
}

/// The subscription of a confirm or unsubscribe link.
pub async fn by_token(db: &impl ConnectionTrait, token: &str) -> Result<Option<mail_subscription::Model>, DbErr> {
    if token.len() > 100 {
        return Ok(None);
    }
    mail_subscription::Entity::find().filter(mail_subscription::Column::Token.eq(token)).one(db).await
}

/// Deletes the addresses of parcels whose final status is older than `keep`; returns how
/// many.
pub async fn forget_finished(db: &impl ConnectionTrait, keep: std::time::Duration) -> Result<u64, DbErr> {
    let before = Utc::now() - chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::MAX);
    let finished = Query::select()
        .column(parcel::Column::Id)
        .from(parcel::Entity)
        .and_where(parcel::Column::Status.is_in(FINAL))
        .and_where(parcel::Column::StatusAt.lt(before))
        .to_owned();
    let gone = Query::select()
        .column(mail_subscription::Column::Id)
        .from(mail_subscription::Entity)
        .and_where(Expr::col(mail_subscription::Column::ParcelId).in_subquery(finished.clone()))
        .to_owned();
    mail_message::Entity::delete_many().filter(mail_message::Column::SubscriptionId.in_subquery(gone)).exec(db).await?;
    let deleted =
        mail_subscription::Entity::delete_many().filter(mail_subscription::Column::ParcelId.in_subquery(finished)).exec(db).await?;
    Ok(deleted.rows_affected)
}

/// An address as staff see it: `j***@example.com`.
pub fn masked(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_staff_see_them_masked() {
        assert!(checked_address(" jane@example.com ").is_ok());
        for bad in ["jane", "jane@", "@example.com", "jane doe@example.com", "<script>@x"] {
            assert!(matches!(checked_address(bad), Err(SubscribeError::InvalidAddress(_))), "{bad}");
        }
        assert!(checked_address(&format!("{}@example.com", "a".repeat(300))).is_err());
        assert_eq!(masked("jane@example.com"), "j***@example.com");
        assert_eq!(masked("nobody"), "***");
    }
}
