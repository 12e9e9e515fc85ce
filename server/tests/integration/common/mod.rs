//! `spawn_app`: the real server on port 0 with a fresh database (a temp SQLite file, or a
//! PostgreSQL database created for the test and dropped after) and a temp POD directory.
#![allow(dead_code)]

pub use sea_orm::ConnectionTrait;

pub mod nginx;
pub mod proxy;
pub mod receiver;
pub mod s3;
pub mod smtp;
pub mod staff;
use sea_orm::{ColumnTrait, Database, DatabaseConnection, EntityTrait, QueryFilter};
use server::entity::{parcel, share_link};
use server::settings::Settings;
use server::startup::Application;
use std::collections::HashMap;
use tempfile::TempDir;

pub const DEPOT_TOKEN: &str = "test-depot-token";
pub const DELIVERECT_SECRET: &str = "test-deliverect-secret";
pub const UBER_KEY: &str = "test-uber-signing-key";
pub const PEDDLER_TOKEN: &str = "test-peddler-token";
pub const KEYDELIVERY_TOKEN: &str = "test-keydelivery-token";
pub const SIGNATURE_PNG: &[u8] = include_bytes!("../../fixtures/pod-signature.png");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The server under test and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub settings: Settings,
    pub vars: HashMap<String, String>,
    pub db: DatabaseConnection,
    pub dir: TempDir,
    /// The S3 server, for apps started with [`spawn_app_on_s3`].
    pub s3: Option<s3::Moto>,
    _postgres: Option<PostgresDatabase>,
}

/// Runs the same test body against SQLite and PostgreSQL, as two named tests.
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::$name(common::spawn_app(common::Backend::Sqlite).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                super::$name(common::spawn_app(common::Backend::Postgres).await).await;
            }
        }
    };
    // The same, the server started with `$extra` variables (`spawn_app_with`).
    ($name:ident, $extra:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::$name(common::spawn_app_with(common::Backend::Sqlite, &$extra).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                super::$name(common::spawn_app_with(common::Backend::Postgres, &$extra).await).await;
            }
        }
    };
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// Starts the server with its POD files in a real S3-compatible server (moto).
pub async fn spawn_app_on_s3(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    let moto = s3::Moto::start().await;
    let vars = moto.vars();
    let mut all: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.extend_from_slice(extra);
    let mut app = spawn_app_with(backend, &all).await;
    app.s3 = Some(moto);
    app
}

/// Starts the server; `extra` overrides or adds configuration variables.
pub async fn spawn_app_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let postgres = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(PostgresDatabase::create().await),
    };
    let database_url = match &postgres {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}/waybill.db?mode=rwc", dir.path().display()),
    };
    let mut vars: HashMap<String, String> = [
        ("WAYBILL_ADDR", "127.0.0.1:0".to_string()),
        ("WAYBILL_DATABASE_URL", database_url),
        ("WAYBILL_STORAGE_URL", format!("file://{}/pod", dir.path().display())),
        ("WAYBILL_DEPOT_TOKEN", DEPOT_TOKEN.to_string()),
        ("WAYBILL_DELIVERECT_SECRET", DELIVERECT_SECRET.to_string()),
        ("WAYBILL_UBER_SIGNING_KEY", UBER_KEY.to_string()),
        ("WAYBILL_PEDDLER_TOKEN", PEDDLER_TOKEN.to_string()),
        ("WAYBILL_KEYDELIVERY_TOKEN", KEYDELIVERY_TOKEN.to_string()),
        ("WAYBILL_MAX_POD_BYTES", "1048576".to_string()),
        // Written at start, renewed hourly: a test can clear it and run `waybill replay`.
        ("WAYBILL_HEARTBEAT_SECS", "3600".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    // A carrier without a constant above gets its profile's test secret.
    for profile in server::carriers::profiles() {
        vars.entry(profile.secret_variable.to_string()).or_insert_with(|| profile.demo_secret("test"));
    }
    for (k, v) in extra {
        if v.is_empty() {
            vars.remove(*k);
        } else {
            vars.insert(k.to_string(), v.to_string());
        }
    }
    let all: Vec<(String, String)> = vars.clone().into_iter().collect();
    let settings = Settings::from_lookup(|k| vars.get(k).cloned(), &all).expect("settings");
    let app = Application::build(settings.clone()).await.expect("server starts");
    let address = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until_stopped());
    let db = Database::connect(settings.database_url.expose()).await.expect("test db connection");
    TestApp {
        address,
        // No pooled connections: a connection whose body the server refused unread (413)
        // is closed by the server, and must not carry the test's next request.
        client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(0).build().expect("client"),
        settings,
        vars,
        db,
        dir,
        s3: None,
        _postgres: postgres,
    }
}

impl TestApp {
    /// Starts one more server on the same database and object store (a restart, or a
    /// second instance), with `extra` variables changed; returns its base URL.
    pub async fn start_another(&self, extra: &[(&str, &str)]) -> String {
        let mut vars = self.vars.clone();
        for (k, v) in extra {
            vars.insert(k.to_string(), v.to_string());
        }
        let all: Vec<(String, String)> = vars.clone().into_iter().collect();
        let settings = Settings::from_lookup(|k| vars.get(k).cloned(), &all).expect("settings");
        let app = Application::build(settings).await.expect("second server starts");
        let address = format!("http://{}", app.local_addr());
        tokio::spawn(app.run_until_stopped());
        address
    }

    /// A depot delivery with the right token.
    pub async fn post_depot(&self, form_data: &str, pod: Option<(&[u8], &str)>) -> reqwest::Response {
        self.post_depot_with_token(form_data, pod, Some(DEPOT_TOKEN)).await
    }

    pub async fn post_depot_with_token(&self, form_data: &str, pod: Option<(&[u8], &str)>, token: Option<&str>) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new().text("form_data", form_data.to_string());
        if let Some((bytes, name)) = pod {
            form = form.part("pod_file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
        }
        let mut request = self.client.post(format!("{}/webhooks/depot", self.address)).multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// Posts a JSON body to `path` with the given extra headers.
    pub async fn post_json(&self, path: &str, body: &str, headers: &[(&str, String)]) -> reqwest::Response {
        let mut request =
            self.client.post(format!("{}{path}", self.address)).header("content-type", "application/json").body(body.to_string());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        request.send().await.expect("request sent")
    }

    /// Posts as the carrier does, with its real credentials.
    pub async fn post_signed(&self, carrier: &str, body: &str) -> reqwest::Response {
        // As the carrier's profile says it authenticates, with the secret this app was given.
        let profile = server::carriers::profile(carrier.parse().expect("a carrier"));
        let secret = self.vars.get(profile.secret_variable).expect("the test app has every carrier's secret");
        let credentials = profile.auth.credentials(secret, body.as_bytes());
        let path = match &credentials.query {
            Some(query) => format!("{}?{query}", profile.paths[0]),
            None => profile.paths[0].to_string(),
        };
        self.post_json(&path, body, &credentials.headers).await
    }

    /// `/readyz` once it answers `status` (the object store is checked in the background,
    /// so its state shows after a check), or its last answer after 10 s.
    pub async fn readyz_once(&self, status: u16) -> reqwest::Response {
        let mut ready = self.get("/readyz").await;
        for _ in 0..100 {
            if ready.status().as_u16() == status {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            ready = self.get("/readyz").await;
        }
        ready
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("request sent")
    }

    pub async fn track_json(&self, number: &str) -> serde_json::Value {
        let response = self.get(&format!("/api/v1/track/{number}")).await;
        assert_eq!(response.status(), 200, "tracking {number}");
        response.json().await.expect("json")
    }

    /// The live share token of a depot parcel, read from the database.
    pub async fn share_token(&self, number: &str) -> String {
        let parcel = parcel::Entity::find()
            .filter(parcel::Column::TrackingNumber.eq(number))
            .one(&self.db)
            .await
            .expect("query")
            .expect("parcel exists");
        share_link::Entity::find()
            .filter(share_link::Column::ParcelId.eq(parcel.id))
            .filter(share_link::Column::RevokedAt.is_null())
            .one(&self.db)
            .await
            .expect("query")
            .expect("share link exists")
            .token
    }

    /// The URL of the first POD file the share page of `token` shows (without a query).
    pub async fn shared_pod_url(&self, token: &str) -> String {
        let html = self.get(&format!("/t/{token}")).await.text().await.expect("page");
        let start = html.find(&format!("/t/{token}/pod/")).expect("a POD file on the share link");
        html[start..].chars().take_while(|c| *c != '"' && *c != '?').collect()
    }

    /// The text in the first column of the first row of `sql`.
    pub async fn query_text(&self, sql: &str) -> String {
        let backend = self.db.get_database_backend();
        let row = self.db.query_one(sea_orm::Statement::from_string(backend, sql.to_string())).await.expect("query").expect("a row");
        row.try_get_by_index::<String>(0).expect("text")
    }

    pub async fn count(&self, table: &str) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one(sea_orm::Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM {table}")))
            .await
            .expect("count")
            .expect("row");
        row.try_get::<i64>("", "n").expect("n")
    }
}

/// Hex HMAC-SHA256 of `body` under `key`, as Deliverect and Uber sign.
pub fn hmac_hex(key: &str, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A depot `form_data` body.
pub fn depot_form(article: &str, status: &str, time: &str) -> String {
    serde_json::json!({ "articleId": article, "track_status": status, "track_datetime": time, "remarks": format!("{status} remark") })
        .to_string()
}

/// A Peddler body for `number` with `status` at `ts`, its event id derived from both.
pub fn peddler_body(number: &str, status: &str, ts: &str) -> String {
    serde_json::json!({"id": format!("{number}-{status}"), "carrierTrackingNumber": number, "status": status, "ts": ts, "code": 410})
        .to_string()
}

/// A PostgreSQL database of its own for one test, dropped when the test ends.
pub struct PostgresDatabase {
    pub url: String,
    name: String,
    admin_url: String,
}

impl PostgresDatabase {
    pub async fn create() -> Self {
        let admin_url =
            std::env::var("WAYBILL_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
        let name = format!("waybill_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.expect("PostgreSQL on 127.0.0.1:5432 (see README)");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
        let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin_url.clone());
        Self { url: format!("{base}/{name}"), name, admin_url }
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside async; a helper thread with its own runtime does the cleanup.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let admin = Database::connect(&admin_url).await.ok()?;
                admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.ok()
            })
        })
        .join();
    }
}
