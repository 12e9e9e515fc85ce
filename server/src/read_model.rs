//! Reads what customers see, for the Leptos pages (as `TrackingSource`) and the JSON API:
//! the public view of a parcel as the write path wrote it (`parcel_view`, see
//! `ingest::public_view`), one row per parcel whatever the length of its timeline, plus
//! what depends on the time of reading (late, quiet). The share link adds what only it
//! shows: the courier and the proof of delivery.
//!
//! Each public read runs under the database deadline (`db::DbLimits`), so a database that
//! stops answering gives the page a "temporarily unavailable" within that bound.
use crate::entity::{parcel, parcel_view, pod_file};
use crate::queries;
use app::model::{CourierView, ParcelView, PodView, SharedParcelView, TrackingStatus};
use app::source::{SourceUnavailable, TrackingSource};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

#[derive(Clone, Debug)]
pub struct ReadModel {
    db: DatabaseConnection,
    /// Days without news after which a parcel under way says so (`WAYBILL_QUIET_AFTER_DAYS`).
    quiet_after_days: Option<u32>,
    limits: crate::db::DbLimits,
    /// Whether customers can subscribe to mail updates (`WAYBILL_SMTP_URL` is set).
    mail: bool,
}

impl ReadModel {
    pub fn new(db: DatabaseConnection, quiet_after_days: Option<u32>) -> Self {
        Self { db, quiet_after_days, limits: Default::default(), mail: false }
    }

    /// The same, offering mail updates on share links.
    pub fn with_mail(self, mail: bool) -> Self {
        Self { mail, ..self }
    }

    /// The same, with these database time limits.
    pub fn with_limits(self, limits: crate::db::DbLimits) -> Self {
        Self { limits, ..self }
    }

    pub async fn parcels_by_number(&self, number: &str) -> Result<Vec<ParcelView>, DbErr> {
        self.limits.within(self.parcels_by_number_unbounded(number)).await
    }

    pub async fn shared_parcel(&self, token: &str) -> Result<Option<(i64, SharedParcelView)>, DbErr> {
        self.limits.within(self.shared_parcel_unbounded(token)).await
    }

    pub async fn shared_pod(&self, token: &str, pod_id: &str) -> Result<Option<pod_file::Model>, DbErr> {
        self.limits.within(self.shared_pod_unbounded(token, pod_id)).await
    }

    /// The parcel behind a live share token.
    pub async fn shared_parcel_id(&self, token: &str) -> Result<Option<i64>, DbErr> {
        self.limits.within(self.shared_parcel_id_unbounded(token)).await
    }

    /// Every parcel with this number, or with it as another reference (Uber's
    /// `external_id`, Peddler's `id` and `metaData`), events newest first.
    async fn parcels_by_number_unbounded(&self, number: &str) -> Result<Vec<ParcelView>, DbErr> {
        let referenced: Vec<i64> = queries::referencing(number).into_tuple().all(&self.db).await?;
        let rows = queries::views_by_number(number, referenced).all(&self.db).await?;
        rows.into_iter().map(|row| self.view_from(row)).collect()
    }

    /// The parcel behind a live share token, with its POD files.
    async fn shared_parcel_unbounded(&self, token: &str) -> Result<Option<(i64, SharedParcelView)>, DbErr> {
        let Some(parcel_id) = self.shared_parcel_id_unbounded(token).await? else {
            return Ok(None);
        };
        let Some(parcel) = parcel::Entity::find_by_id(parcel_id).one(&self.db).await? else {
            return Ok(None);
        };
        // Proof of delivery once there is a delivery: Uber sends its verification (photo,
        // PIN, barcode) with every ping, long before the door.
        let delivered = parcel.status == TrackingStatus::Delivered;
        let stored = if delivered { queries::pods_of(parcel.id).all(&self.db).await? } else { Vec::new() };
        let pods = stored
            .into_iter()
            .map(|pod| PodView {
                url: match (&pod.remote_url, pod.storage_key.is_empty()) {
                    (Some(remote), _) => Some(remote.clone()),
                    (None, false) => Some(format!("/t/{token}/pod/{}", pod.id)),
                    (None, true) => None,
                },
                id: pod.id,
                kind: pod.kind,
                content_type: pod.content_type,
                bytes: pod.bytes,
                created_at: pod.created_at,
                value: pod.value,
            })
            .collect();
        let courier = self.courier_view(&parcel).await?;
        let id = parcel.id;
        let Some(row) = parcel_view::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        Ok(Some((id, SharedParcelView { parcel: self.view_from(row)?, pods, courier })))
    }

    /// The courier card: name, vehicle and, until delivery, the last known position.
    async fn courier_view(&self, parcel: &parcel::Model) -> Result<Option<CourierView>, DbErr> {
        let delivered = parcel.status == TrackingStatus::Delivered;
        let mut trail = if delivered { Vec::new() } else { queries::courier_trail(parcel.id).all(&self.db).await? };
        trail.reverse();
        let last = trail.last().cloned();
        if parcel.courier_name.is_none() && parcel.courier_vehicle.is_none() && last.is_none() {
            return Ok(None);
        }
        let point = |lat: Option<f64>, lng: Option<f64>| lat.zip(lng).filter(|_| !delivered);
        Ok(Some(CourierView {
            name: parcel.courier_name.clone(),
            vehicle: parcel.courier_vehicle.clone(),
            position: last.as_ref().map(|p| (p.lat, p.lng)),
            position_at: last.map(|p| p.recorded_at),
            trail: trail.iter().map(|p| (p.lat, p.lng)).collect(),
            pickup: point(parcel.pickup_lat, parcel.pickup_lng),
            dropoff: point(parcel.dropoff_lat, parcel.dropoff_lng),
        }))
    }

    async fn shared_parcel_id_unbounded(&self, token: &str) -> Result<Option<i64>, DbErr> {
        Ok(queries::live_share_link(token).one(&self.db).await?.map(|link| link.parcel_id))
    }

    /// A POD file of the parcel behind a live share token.
    async fn shared_pod_unbounded(&self, token: &str, pod_id: &str) -> Result<Option<pod_file::Model>, DbErr> {
        let Some(parcel_id) = self.shared_parcel_id_unbounded(token).await? else {
            return Ok(None);
        };
        pod_file::Entity::find_by_id(pod_id.to_string())
            .filter(pod_file::Column::ParcelId.eq(parcel_id))
            .filter(pod_file::Column::StorageKey.ne(""))
            .one(&self.db)
            .await
    }

    /// A written view, with what depends on the time of reading.
    fn view_from(&self, row: parcel_view::Model) -> Result<ParcelView, DbErr> {
        let mut view: ParcelView = serde_json::from_str(&row.document)
            .map_err(|e| DbErr::Custom(format!("the written view of parcel {} does not read: {e}", row.parcel_id)))?;
        // Judged by the server's clock, so that the page hydrates to what it rendered.
        let now = chrono::Utc::now();
        view.late = matches!(view.arrival(now), app::eta::Arrival::Expected { late: true, .. });
        view.quiet_days = self.quiet_after_days.and_then(|days| view.quiet_days(now, days));
        Ok(view)
    }
}

#[async_trait::async_trait]
impl TrackingSource for ReadModel {
    async fn has_unreadable_updates(&self, number: &str) -> Result<bool, SourceUnavailable> {
        self.limits.within(queries::quarantined_for(number).count(&self.db)).await.map(|n| n > 0).map_err(|e| {
            tracing::error!(error = %e, "checking the quarantine failed");
            SourceUnavailable
        })
    }

    async fn parcels_by_number(&self, number: &str) -> Result<Vec<ParcelView>, SourceUnavailable> {
        self.parcels_by_number(number).await.map_err(|e| {
            tracing::error!(error = %e, "loading the tracking page failed");
            SourceUnavailable
        })
    }

    fn mail_updates(&self) -> bool {
        self.mail
    }

    async fn parcel_by_share_token(&self, token: &str) -> Result<Option<SharedParcelView>, SourceUnavailable> {
        match self.shared_parcel(token).await {
            Ok(found) => Ok(found.map(|(_, view)| view)),
            Err(e) => {
                tracing::error!(error = %e, "loading a share link failed");
                Err(SourceUnavailable)
            }
        }
    }
}
