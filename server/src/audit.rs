//! The audit log: what staff change and sign-ins (staff actions, webhook endpoints, API-key
//! revocation, login and logout, the CSV export), who did it, on what, and when, written in
//! the same transaction as the change where there is one. Its own module: staff actions and
//! the outbound endpoints both record here. Creating accounts or API keys and sending
//! webhooks again are not recorded.
use crate::db::Writer;
use crate::entity::audit_log;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, Set};

/// What staff can do, as recorded in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    Login,
    Logout,
    UploadPod,
    ManualEvent,
    VoidEvent,
    RotateShareLink,
    ReprocessDelivery,
    DiscardDelivery,
    ExportParcels,
    RevokeApiKey,
    AddWebhookEndpoint,
    RemoveWebhookEndpoint,
    RotateWebhookSecret,
    EnableWebhookEndpoint,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Logout => "logout",
            Self::UploadPod => "upload_pod",
            Self::ManualEvent => "manual_event",
            Self::VoidEvent => "void_event",
            Self::RotateShareLink => "rotate_share_link",
            Self::ReprocessDelivery => "reprocess_delivery",
            Self::DiscardDelivery => "discard_delivery",
            Self::ExportParcels => "export_parcels",
            Self::RevokeApiKey => "revoke_api_key",
            Self::AddWebhookEndpoint => "add_webhook_endpoint",
            Self::RemoveWebhookEndpoint => "remove_webhook_endpoint",
            Self::RotateWebhookSecret => "rotate_webhook_secret",
            Self::EnableWebhookEndpoint => "enable_webhook_endpoint",
        }
    }
}

/// Records one action inside the caller's write transaction, so the action and its record
/// land together.
pub async fn record(
    db: &DatabaseTransaction,
    actor: &str,
    action: AuditAction,
    subject: &str,
    detail: Option<String>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor: Set(actor.to_string()),
        action: Set(action.as_str().to_string()),
        subject: Set(subject.to_string()),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records an action whose own write committed elsewhere (the ingest pipeline's batch, a
/// sign-in), in a write of its own through the door.
pub async fn record_alone(writer: &Writer, actor: &str, action: AuditAction, subject: &str, detail: Option<String>) -> Result<(), DbErr> {
    let txn = writer.begin().await?;
    record(&txn, actor, action, subject, detail).await?;
    txn.commit().await
}
