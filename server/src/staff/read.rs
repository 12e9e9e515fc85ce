//! What the staff pages read, as the app's `StaffSource`: parcel search and detail, raw
//! deliveries, the audit log and carrier health.
use super::read_search::{search, PER_PAGE};
use crate::domain::{Carrier, Origin};
use crate::entity::{audit_log, parcel, parcel_reference, pod_file, raw_delivery, share_link, tracking_event};
use crate::http::webhooks::{is_credential, SecretUse, REDACTED};
use crate::settings::{CarrierSecrets, SecretSlot, Settings};
use app::outcome::Outcome;
use app::source::{SourceUnavailable, StaffSource};
use app::staff::*;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::sync::Arc;

/// Longest body shown on a delivery's page.
const MAX_SHOWN_BODY: usize = 256 * 1024;

#[derive(Clone, Debug)]
pub struct StaffReadModel {
    pub(super) db: DatabaseConnection,
    settings: Arc<Settings>,
    secret_use: Arc<SecretUse>,
}

/// The delivery list's columns: everything but the body, whose size is computed in SQL.
type DeliveryTuple = (i64, Carrier, chrono::DateTime<chrono::Utc>, Outcome, Option<String>, Option<String>, i64);

impl StaffReadModel {
    pub fn new(db: DatabaseConnection, settings: Arc<Settings>, secret_use: Arc<SecretUse>) -> Self {
        Self { db, settings, secret_use }
    }

    fn body_length(&self) -> SimpleExpr {
        match self.db.get_database_backend() {
            // Rows archived before bodies were stored once carry their body; since, its length.
            DbBackend::Postgres => Expr::cust("COALESCE(body_size, CAST(octet_length(body) AS BIGINT))"),
            _ => Expr::cust("COALESCE(body_size, length(body))"),
        }
    }

    /// The list columns of the deliveries `condition` selects, newest first.
    fn delivery_rows(&self, condition: Condition) -> sea_orm::Select<raw_delivery::Entity> {
        raw_delivery::Entity::find()
            .select_only()
            .columns([
                raw_delivery::Column::Id,
                raw_delivery::Column::Carrier,
                raw_delivery::Column::ReceivedAt,
                raw_delivery::Column::Outcome,
            ])
            .columns([raw_delivery::Column::Error, raw_delivery::Column::TrackingNumber])
            .column_as(self.body_length(), "bytes")
            .filter(condition)
            .order_by_desc(raw_delivery::Column::Id)
    }

    async fn parcel_detail_inner(&self, carrier: &str, number: &str) -> Result<Option<StaffParcelDetail>, DbErr> {
        let Some(parcel) = parcel::Entity::find()
            .filter(parcel::Column::Carrier.eq(carrier))
            .filter(parcel::Column::TrackingNumber.eq(number))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let references = parcel_reference::Entity::find()
            .filter(parcel_reference::Column::ParcelId.eq(parcel.id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.reference)
            .collect();
        let events = tracking_event::Entity::find()
            .filter(tracking_event::Column::ParcelId.eq(parcel.id))
            .order_by_desc(tracking_event::Column::OccurredAt)
            .order_by_desc(tracking_event::Column::StepRank)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| StaffEvent {
                id: e.id,
                voided: e.voided_at.map(|at| EventVoided { at, by: e.voided_by.clone(), reason: e.void_reason.clone() }),
                staff_note: e.staff_note.clone(),
                occurred_at: e.occurred_at,
                status: e.status,
                substatus: e.substatus,
                raw_status: e.raw_status,
                description: e.description,
                location: e.location,
                recorded_by: e.recorded_by,
            })
            .collect();
        let pods = pod_file::Entity::find()
            .filter(pod_file::Column::ParcelId.eq(parcel.id))
            .order_by_desc(pod_file::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| StaffPod {
                url: (!p.storage_key.is_empty()).then(|| format!("/staff/pod/{}", p.id)),
                id: p.id,
                kind: p.kind,
                content_type: p.content_type,
                bytes: p.bytes,
                sha256: p.sha256,
                source: p.source,
                uploaded_by: p.uploaded_by,
                original_name: p.original_name,
                created_at: p.created_at,
                remote_url: p.remote_url,
                value: p.value,
            })
            .collect();
        let share_url = share_link::Entity::find()
            .filter(share_link::Column::ParcelId.eq(parcel.id))
            .filter(share_link::Column::RevokedAt.is_null())
            .order_by_desc(share_link::Column::Id)
            .one(&self.db)
            .await?
            .map(|link| format!("{}/t/{}", self.settings.public_url, link.token));
        let deliveries = self
            .delivery_rows(
                Condition::all().add(raw_delivery::Column::Carrier.eq(carrier)).add(raw_delivery::Column::TrackingNumber.eq(number)),
            )
            .limit(200)
            .into_tuple::<DeliveryTuple>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(delivery_row)
            .collect();
        let subscribers = crate::entity::mail_subscription::Entity::find()
            .filter(crate::entity::mail_subscription::Column::ParcelId.eq(parcel.id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| {
                (crate::mail::subscriptions::masked(&s.email), s.state == crate::entity::mail_subscription::SubscriptionState::Confirmed)
            })
            .collect();
        Ok(Some(StaffParcelDetail {
            subscribers,
            parcel: ParcelRow {
                carrier: parcel.carrier,
                tracking_number: parcel.tracking_number,
                status: parcel.status,
                references,
                created_at: parcel.created_at,
                updated_at: parcel.updated_at,
            },
            eta: parcel.eta,
            events,
            pods,
            share_url,
            deliveries,
            max_pod_bytes: self.settings.max_pod_bytes,
        }))
    }

    async fn deliveries_inner(&self, query: &DeliveryQuery) -> Result<DeliveryPage, DbErr> {
        let mut condition = Condition::all();
        if let Some(carrier) = &query.carrier {
            condition = condition.add(raw_delivery::Column::Carrier.eq(carrier));
        }
        if let Some(outcome) = &query.outcome {
            condition = condition.add(raw_delivery::Column::Outcome.eq(*outcome));
        }
        if let Some(number) = query.number.as_deref().filter(|n| !n.trim().is_empty()) {
            condition = condition.add(crate::queries::number_is("tracking_number", number));
        }
        if let Some(from) = query.from.as_deref().and_then(super::read_search::day_start) {
            condition = condition.add(raw_delivery::Column::ReceivedAt.gte(from));
        }
        if let Some(until) = query.until.as_deref().and_then(super::read_search::day_start) {
            condition = condition.add(raw_delivery::Column::ReceivedAt.lt(until + chrono::Duration::days(1)));
        }
        let total = raw_delivery::Entity::find().filter(condition.clone()).count(&self.db).await?;
        let pages = total.div_ceil(PER_PAGE).max(1);
        let page = query.page.unwrap_or(1).clamp(1, pages);
        let rows = self
            .delivery_rows(condition)
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
            .into_tuple::<DeliveryTuple>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(delivery_row)
            .collect();
        Ok(DeliveryPage { rows, total, page, pages })
    }

    async fn delivery_inner(&self, id: i64) -> Result<Option<DeliveryDetail>, DbErr> {
        let Some(raw) = raw_delivery::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        let headers: Vec<(String, String)> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&raw.headers)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, value)| {
                let shown = if is_credential(&name) {
                    REDACTED.to_string()
                } else {
                    value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string())
                };
                (name, shown)
            })
            .collect();
        let stored = crate::ingest::BodyReader::default().body_of(&self.db, &raw).await?;
        let mut body = match serde_json::from_slice::<serde_json::Value>(&stored) {
            Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
            Err(_) => String::from_utf8_lossy(&stored).into_owned(),
        };
        let body_truncated = body.len() > MAX_SHOWN_BODY;
        if body_truncated {
            let cut = (0..=MAX_SHOWN_BODY).rev().find(|i| body.is_char_boundary(*i)).unwrap_or(0);
            body.truncate(cut);
        }
        let bytes = stored.len() as u64;
        Ok(Some(DeliveryDetail {
            content_type: raw.content_type.clone(),
            headers,
            body,
            body_truncated,
            row: DeliveryRow {
                id: raw.id,
                carrier: raw.carrier,
                received_at: raw.received_at,
                outcome: raw.outcome,
                error: raw.error,
                tracking_number: raw.tracking_number,
                bytes,
            },
        }))
    }

    async fn audit_inner(&self, page: u64) -> Result<(Vec<AuditRow>, u64), DbErr> {
        let pages = audit_log::Entity::find().order_by_desc(audit_log::Column::Id).paginate(&self.db, PER_PAGE);
        let count = pages.num_pages().await?.max(1);
        let rows = pages
            .fetch_page(page.clamp(1, count) - 1)
            .await?
            .into_iter()
            .map(|r| AuditRow { at: r.at, actor: r.actor, action: r.action, subject: r.subject, detail: r.detail })
            .collect();
        Ok((rows, count))
    }

    async fn carrier_health_inner(&self) -> Result<Vec<CarrierHealth>, DbErr> {
        let since = chrono::Utc::now() - chrono::Duration::hours(24);
        let mut health = Vec::new();
        for carrier in Carrier::ALL.iter().copied() {
            let from_carrier = || {
                raw_delivery::Entity::find()
                    .filter(raw_delivery::Column::Carrier.eq(carrier))
                    .filter(raw_delivery::Column::Origin.eq(Origin::Carrier))
            };
            let last_delivery_at =
                from_carrier().order_by_desc(raw_delivery::Column::ReceivedAt).one(&self.db).await?.map(|r| r.received_at);
            let deliveries_24h = from_carrier().filter(raw_delivery::Column::ReceivedAt.gte(since)).count(&self.db).await?;
            let errors_24h = from_carrier()
                .filter(raw_delivery::Column::ReceivedAt.gte(since))
                .filter(raw_delivery::Column::Outcome.is_in([Outcome::Quarantined, Outcome::Discarded]))
                .count(&self.db)
                .await?;
            health.push(CarrierHealth {
                carrier,
                variable: CarrierSecrets::variable(carrier).to_string(),
                secret_configured: self.settings.secrets.get(carrier).is_some(),
                previous_variable: CarrierSecrets::previous_variable(carrier).to_string(),
                previous_configured: self.settings.secrets.get(carrier).is_some_and(|s| s.previous.is_some()),
                last_matched: self.secret_use.last(carrier).map(|slot| match slot {
                    SecretSlot::Current => SecretMatch::Current,
                    SecretSlot::Previous => SecretMatch::Previous,
                }),
                last_delivery_at,
                deliveries_24h,
                errors_24h,
            });
        }
        Ok(health)
    }
}

fn delivery_row((id, carrier, received_at, outcome, error, tracking_number, bytes): DeliveryTuple) -> DeliveryRow {
    DeliveryRow { id, carrier, received_at, outcome, error, tracking_number, bytes: bytes.max(0) as u64 }
}

/// Logs a read failure once, here, and tells the page only that the source is down.
fn logged(what: &'static str) -> impl FnOnce(DbErr) -> SourceUnavailable {
    move |error| {
        tracing::error!(%error, "loading {what} for staff failed");
        SourceUnavailable
    }
}

#[async_trait::async_trait]
impl StaffSource for StaffReadModel {
    async fn search_parcels(&self, query: &ParcelQuery) -> Result<ParcelSearchPage, SourceUnavailable> {
        self.settings.db_limits.within(search(&self.db, query)).await.map_err(logged("the parcel search"))
    }
    async fn parcel_detail(&self, carrier: &str, number: &str) -> Result<Option<StaffParcelDetail>, SourceUnavailable> {
        self.settings.db_limits.within(self.parcel_detail_inner(carrier, number)).await.map_err(logged("a parcel"))
    }
    async fn deliveries(&self, query: &DeliveryQuery) -> Result<DeliveryPage, SourceUnavailable> {
        self.settings.db_limits.within(self.deliveries_inner(query)).await.map_err(logged("raw deliveries"))
    }
    async fn delivery(&self, id: i64) -> Result<Option<DeliveryDetail>, SourceUnavailable> {
        self.settings.db_limits.within(self.delivery_inner(id)).await.map_err(logged("a raw delivery"))
    }
    async fn audit_log(&self, page: u64) -> Result<(Vec<AuditRow>, u64), SourceUnavailable> {
        self.settings.db_limits.within(self.audit_inner(page)).await.map_err(logged("the audit log"))
    }
    async fn carrier_health(&self) -> Result<Vec<CarrierHealth>, SourceUnavailable> {
        self.settings.db_limits.within(self.carrier_health_inner()).await.map_err(logged("carrier health"))
    }
    async fn api_keys(&self) -> Result<Vec<app::staff::ApiKeyRow>, SourceUnavailable> {
        self.settings.db_limits.within(crate::staff::api_keys::list_api_keys(&self.db)).await.map_err(logged("the API keys"))
    }
    async fn webhook_endpoints(&self) -> Result<Vec<app::staff::WebhookEndpointRow>, SourceUnavailable> {
        self.settings.db_limits.within(super::read_webhooks::webhook_endpoints(&self.db)).await.map_err(logged("the webhook endpoints"))
    }
    async fn alerts(&self) -> Result<Vec<app::staff::AlertRow>, SourceUnavailable> {
        self.settings.db_limits.within(super::read_alerts::alerts(&self.db)).await.map_err(logged("the alerts"))
    }
    async fn recent_alerts(&self) -> Result<u64, SourceUnavailable> {
        self.settings.db_limits.within(super::read_alerts::recent_alerts(&self.db)).await.map_err(logged("the recent alerts"))
    }
    async fn disabled_webhooks(&self) -> Result<u64, SourceUnavailable> {
        self.settings.db_limits.within(super::read_webhooks::disabled_webhooks(&self.db)).await.map_err(logged("the disabled webhooks"))
    }
    fn dev_mode(&self) -> bool {
        self.settings.dev
    }
}
