//! The back office's view of the merchant webhook endpoints: each with its health, how many
//! events it received, waits for or was given up on, and its newest attempts (what came
//! back, how long it took). Never a secret.
use crate::entity::webhook_delivery::{self, DeliveryState};
use crate::entity::webhook_endpoint;
use crate::outbound::endpoints::{kinds_of, list_endpoints};
use crate::outbound::resend::attempts_of;
use app::staff::{WebhookAttemptRow, WebhookEndpointRow};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};

/// Every endpoint, oldest first.
pub async fn webhook_endpoints(db: &DatabaseConnection) -> Result<Vec<WebhookEndpointRow>, DbErr> {
    let mut rows = Vec::new();
    for endpoint in list_endpoints(db).await? {
        let counts: Vec<(DeliveryState, i64)> = webhook_delivery::Entity::find()
            .select_only()
            .column(webhook_delivery::Column::State)
            .column_as(webhook_delivery::Column::Id.count(), "n")
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint.id.clone()))
            .group_by(webhook_delivery::Column::State)
            .into_tuple()
            .all(db)
            .await?;
        let count = |state: DeliveryState| counts.iter().find(|(s, _)| *s == state).map_or(0, |(_, n)| *n as u64);
        let attempts = attempts_of(db, &endpoint.id)
            .await?
            .into_iter()
            .map(|(a, d)| WebhookAttemptRow {
                at: a.at,
                event_id: d.map(|d| d.event_id).unwrap_or_default(),
                status: a.status,
                latency_ms: a.latency_ms,
                answer: a.answer,
                error: a.error,
            })
            .collect();
        rows.push(WebhookEndpointRow {
            events: kinds_of(&endpoint),
            pending: count(DeliveryState::Pending),
            delivered: count(DeliveryState::Delivered),
            failed: count(DeliveryState::Failed),
            attempts,
            id: endpoint.id,
            url: endpoint.url,
            carrier: endpoint.carrier,
            created_at: endpoint.created_at,
            created_by: endpoint.created_by,
            failing_since: endpoint.failing_since,
            disabled_at: endpoint.disabled_at,
            disabled_reason: endpoint.disabled_reason,
        });
    }
    Ok(rows)
}

/// How many endpoints are disabled.
pub async fn disabled_webhooks(db: &DatabaseConnection) -> Result<u64, DbErr> {
    webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::DisabledAt.is_not_null()).count(db).await
}
