//! Merchant webhook endpoints as staff manage them (the back office's API, `waybill
//! webhook add|list|remove`): a URL checked by `destination`, the event kinds it wants
//! (all parcel kinds when none are named), optionally one carrier, and a `whsec_` secret
//! made here and shown once. A new endpoint receives the events committed after it was
//! added (its cursor starts at the newest event). An endpoint disabled (a 410, failing
//! longer than the retry schedule) is enabled again by staff, and then receives what it
//! missed. Every change is in the audit log, written with it through the door.
use super::destination::{check_url, DestinationError};
use super::signature::new_secret;
use crate::audit::{record, AuditAction};
use crate::db::Writer;
use crate::entity::{outbound_event, webhook_attempt, webhook_delivery, webhook_endpoint};
use app::carrier::Carrier;
use app::event_kind::{EventKind, UnknownEventKind};
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// How long a rotated-out secret still signs, beside the new one.
pub const PREVIOUS_SECRET_VALID: Duration = Duration::hours(24);

/// Longest endpoint URL accepted.
const MAX_URL_BYTES: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error(transparent)]
    Destination(#[from] DestinationError),
    #[error("the URL is {0} bytes long; at most {MAX_URL_BYTES}")]
    UrlTooLong(usize),
    #[error(transparent)]
    UnknownKind(#[from] UnknownEventKind),
    #[error("no webhook endpoint has the id {0:?}")]
    NoSuchEndpoint(String),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// An endpoint as staff ask for it.
#[derive(Clone, Debug)]
pub struct NewEndpoint {
    pub url: String,
    /// Empty: every parcel kind.
    pub events: Vec<EventKind>,
    pub carrier: Option<Carrier>,
}

/// Reads `parcel.status_changed,parcel.delivered` (a CLI flag's list).
pub fn parse_kinds(list: &str) -> Result<Vec<EventKind>, UnknownEventKind> {
    list.split(',').filter(|k| !k.trim().is_empty()).map(str::parse).collect()
}

/// The kinds an endpoint receives.
pub fn kinds_of(endpoint: &webhook_endpoint::Model) -> Vec<EventKind> {
    if endpoint.events.is_empty() {
        return EventKind::OF_PARCELS.to_vec();
    }
    endpoint.events.split(',').filter_map(|k| k.parse().ok()).collect()
}

/// Whether `endpoint` wants an event of `kind` about a parcel of `carrier`.
pub fn wants(endpoint: &webhook_endpoint::Model, kind: EventKind, carrier: Option<Carrier>) -> bool {
    let kind_wanted = kinds_of(endpoint).contains(&kind);
    let carrier_wanted = endpoint.carrier.is_none() || carrier.is_none() || endpoint.carrier == carrier;
    kind_wanted && carrier_wanted
}

/// Adds an endpoint; returns it with its secret (the only time the secret is shown).
pub async fn add_endpoint(
    writer: &Writer,
    new: NewEndpoint,
    allow_private: bool,
    by: &str,
) -> Result<webhook_endpoint::Model, EndpointError> {
    if new.url.len() > MAX_URL_BYTES {
        return Err(EndpointError::UrlTooLong(new.url.len()));
    }
    let url = check_url(&new.url, allow_private)?;
    let mut events: Vec<EventKind> = new.events;
    events.sort();
    events.dedup();
    let txn = writer.begin().await?;
    let newest: Option<i64> = outbound_event::Entity::find()
        .select_only()
        .column_as(outbound_event::Column::Seq.max(), "seq")
        .into_tuple()
        .one(&txn)
        .await?
        .flatten();
    let endpoint = webhook_endpoint::ActiveModel {
        id: Set(new_endpoint_id()),
        url: Set(url.to_string()),
        events: Set(events.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")),
        carrier: Set(new.carrier),
        secret: Set(new_secret()),
        previous_secret: Set(None),
        previous_until: Set(None),
        share_links: Set(false),
        cursor: Set(newest.unwrap_or(0)),
        created_at: Set(Utc::now()),
        created_by: Set(by.to_string()),
        failing_since: Set(None),
        disabled_at: Set(None),
        disabled_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    record(&txn, by, AuditAction::AddWebhookEndpoint, &endpoint.id, Some(endpoint.url.clone())).await?;
    txn.commit().await?;
    Ok(endpoint)
}

/// Every endpoint, oldest first.
pub async fn list_endpoints(db: &DatabaseConnection) -> Result<Vec<webhook_endpoint::Model>, DbErr> {
    webhook_endpoint::Entity::find()
        .order_by_asc(webhook_endpoint::Column::CreatedAt)
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(db)
        .await
}

/// Removes an endpoint; what it had not received yet is given up (its attempts stay in the
/// log).
pub async fn remove_endpoint(writer: &Writer, id: &str, by: &str) -> Result<(), EndpointError> {
    let txn = writer.begin().await?;
    let removed = webhook_endpoint::Entity::delete_by_id(id).exec(&txn).await?;
    if removed.rows_affected == 0 {
        return Err(EndpointError::NoSuchEndpoint(id.to_string()));
    }
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(webhook_delivery::DeliveryState::Failed))
        .col_expr(webhook_delivery::Column::LastError, Expr::value("the endpoint was removed"))
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .filter(webhook_delivery::Column::State.eq(webhook_delivery::DeliveryState::Pending))
        .exec(&txn)
        .await?;
    record(&txn, by, AuditAction::RemoveWebhookEndpoint, id, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Gives an endpoint a new secret; the old one still signs for [`PREVIOUS_SECRET_VALID`].
pub async fn rotate_secret(writer: &Writer, id: &str, by: &str) -> Result<String, EndpointError> {
    let txn = writer.begin().await?;
    let endpoint =
        webhook_endpoint::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| EndpointError::NoSuchEndpoint(id.to_string()))?;
    let secret = new_secret();
    let mut update: webhook_endpoint::ActiveModel = endpoint.clone().into();
    update.previous_secret = Set(Some(endpoint.secret));
    update.previous_until = Set(Some(Utc::now() + PREVIOUS_SECRET_VALID));
    update.secret = Set(secret.clone());
    update.update(&txn).await?;
    record(&txn, by, AuditAction::RotateWebhookSecret, id, None).await?;
    txn.commit().await?;
    Ok(secret)
}

/// Enables a disabled endpoint again; returns it. What it missed follows: its cursor
/// stayed where it was disabled, so the hand-out gives it every event since, and the
/// deliveries given up while it failed (the one answered 410 among them) are made due again
/// with a fresh schedule. Enabling an enabled endpoint changes nothing.
pub async fn enable_endpoint(writer: &Writer, id: &str, by: &str) -> Result<webhook_endpoint::Model, EndpointError> {
    let txn = writer.begin().await?;
    let endpoint =
        webhook_endpoint::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| EndpointError::NoSuchEndpoint(id.to_string()))?;
    if endpoint.disabled_at.is_none() {
        return Ok(endpoint);
    }
    let failing_since = endpoint.failing_since.or(endpoint.disabled_at).unwrap_or_else(Utc::now);
    let failed_then = sea_orm::sea_query::Query::select()
        .column(webhook_attempt::Column::DeliveryId)
        .from(webhook_attempt::Entity)
        .and_where(webhook_attempt::Column::EndpointId.eq(id))
        .and_where(webhook_attempt::Column::At.gte(failing_since))
        .to_owned();
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(webhook_delivery::DeliveryState::Pending))
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(0i64))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
        .col_expr(webhook_delivery::Column::ClaimedUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .filter(webhook_delivery::Column::State.eq(webhook_delivery::DeliveryState::Failed))
        .filter(webhook_delivery::Column::Id.in_subquery(failed_then))
        .exec(&txn)
        .await?;
    let mut update: webhook_endpoint::ActiveModel = endpoint.into();
    update.disabled_at = Set(None);
    update.disabled_reason = Set(None);
    update.failing_since = Set(None);
    let enabled = update.update(&txn).await?;
    record(&txn, by, AuditAction::EnableWebhookEndpoint, id, None).await?;
    txn.commit().await?;
    Ok(enabled)
}

/// `ep_` and 16 random hex digits.
fn new_endpoint_id() -> String {
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    format!("ep_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(events: &str, carrier: Option<Carrier>) -> webhook_endpoint::Model {
        webhook_endpoint::Model {
            id: "ep_1".into(),
            url: "https://x.example/".into(),
            events: events.into(),
            carrier,
            secret: new_secret(),
            previous_secret: None,
            previous_until: None,
            share_links: false,
            cursor: 0,
            created_at: Utc::now(),
            created_by: "t".into(),
            failing_since: None,
            disabled_at: None,
            disabled_reason: None,
        }
    }

    #[test]
    fn an_endpoint_without_a_list_wants_every_parcel_kind_and_a_carrier_narrows_it() {
        let all = endpoint("", None);
        assert!(EventKind::OF_PARCELS.iter().all(|&k| wants(&all, k, Some(Carrier::Uber))));
        let delivered = endpoint("parcel.delivered", Some(Carrier::Peddler));
        assert!(wants(&delivered, EventKind::Delivered, Some(Carrier::Peddler)));
        assert!(!wants(&delivered, EventKind::Delivered, Some(Carrier::Uber)));
        assert!(!wants(&delivered, EventKind::StatusChanged, Some(Carrier::Peddler)));
        assert_eq!(parse_kinds("parcel.delivered, parcel.exception").unwrap(), [EventKind::Delivered, EventKind::Exception]);
        assert!(parse_kinds("parcel.lost").is_err());
    }
}
