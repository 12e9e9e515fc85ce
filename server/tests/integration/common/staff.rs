//! Staff helpers: accounts made with the real `waybill create-staff` binary, and a client
//! that acts like a browser on the back office: it keeps the session cookie, and sends the
//! form token and the Origin header the way the pages' forms do.
use super::TestApp;
use std::io::Write;

pub const STAFF_EMAIL: &str = "ops@example.com";
pub const STAFF_PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    fn waybill(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_waybill"));
        // The server's own configuration (a replay parses with the same settings), but
        // not its address.
        command.args(args).current_dir(self.dir.path()).env_clear();
        for (name, value) in self.vars.iter().filter(|(name, _)| name.as_str() != "WAYBILL_ADDR") {
            command.env(name, value);
        }
        command
    }

    /// `waybill create-staff --email E`, the password written to its standard input.
    pub fn create_staff(&self, email: &str, password: &str) -> std::process::Output {
        let mut child = self
            .waybill(&["create-staff", "--email", email])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("waybill create-staff starts");
        child.stdin.take().expect("stdin").write_all(format!("{password}\n").as_bytes()).expect("password written");
        child.wait_with_output().expect("waybill create-staff ends")
    }

    /// `waybill replay` on this app's database, as the real binary; asserts it succeeded.
    /// Replay refuses while a server signs in to the database (`server_instance`); the tests
    /// replay beside their own server, whose sign of life comes only every hour (set by
    /// `spawn_app`), so its row is removed first, as if it had been stopped.
    pub async fn replay(&self) -> String {
        use sea_orm::EntityTrait;
        server::entity::server_instance::Entity::delete_many().exec(&self.db).await.expect("server_instance cleared");
        let out = self.waybill(&["replay"]).output().expect("waybill replay runs");
        assert!(out.status.success(), "replay: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Any `waybill` command on this app's database, as the real binary.
    pub fn run_waybill(&self, args: &[&str]) -> std::process::Output {
        self.waybill(args).output().expect("waybill runs")
    }

    /// The default staff account, made once per test.
    pub fn with_staff(&self) {
        let out = self.create_staff(STAFF_EMAIL, STAFF_PASSWORD);
        assert!(out.status.success(), "create-staff: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// `waybill create-api-key --email E`: the key it prints.
    pub fn create_api_key(&self, email: &str) -> String {
        let out = self.waybill(&["create-api-key", "--email", email]).output().expect("waybill create-api-key runs");
        assert!(out.status.success(), "create-api-key: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8").trim().to_string()
    }

    /// A browser signed in as the default staff account.
    pub async fn staff_browser(&self) -> StaffBrowser {
        self.with_staff();
        let mut browser = StaffBrowser::new(&self.address);
        let response = browser.login(STAFF_EMAIL, STAFF_PASSWORD).await;
        assert_eq!(response.status(), 303, "login redirects");
        assert_eq!(response.headers()["location"], "/staff");
        browser
    }
}

/// A cookie-keeping client for the back office.
pub struct StaffBrowser {
    pub base: String,
    /// The session cookie (`waybill_session=…`), once there is a session.
    pub cookie: Option<String>,
    /// The login form's token cookie (`waybill_login_csrf=…`) of a visitor not signed in.
    pub login_cookie: Option<String>,
    /// The value of the `Origin` header sent with every post.
    pub origin: String,
    client: reqwest::Client,
}

impl StaffBrowser {
    pub fn new(base: &str) -> Self {
        Self::with_client(base, Self::client_builder())
    }

    /// A browser whose client is `builder` (a source address of its own, headers of its own).
    pub fn with_client(base: &str, builder: reqwest::ClientBuilder) -> Self {
        Self {
            base: base.to_string(),
            cookie: None,
            login_cookie: None,
            origin: base.to_string(),
            client: builder.build().expect("client"),
        }
    }

    /// The client settings of a browser: no redirects followed, no pooled connections.
    pub fn client_builder() -> reqwest::ClientBuilder {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(0)
    }

    /// Takes the session and login-form cookies a response sets (or clears).
    fn remember(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap_or("");
            let pair = text.split(';').next().unwrap_or("");
            let cleared = text.contains("Max-Age=0") || pair.ends_with('=');
            if pair.starts_with("waybill_session=") {
                self.cookie = (!cleared).then(|| pair.to_string());
            } else if pair.starts_with("waybill_login_csrf=") {
                self.login_cookie = (!cleared).then(|| pair.to_string());
            }
        }
    }

    fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let cookies: Vec<&str> = [&self.cookie, &self.login_cookie].into_iter().flatten().map(String::as_str).collect();
        match cookies.is_empty() {
            true => request,
            false => request.header("cookie", cookies.join("; ")),
        }
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let response = self.with_cookie(self.client.get(format!("{}{path}", self.base))).send().await.expect("request sent");
        self.remember(&response);
        response
    }

    /// A page's status and HTML.
    pub async fn page(&mut self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        (response.status().as_u16(), response.text().await.expect("page"))
    }

    /// The form token a page carries.
    pub async fn csrf(&mut self, path: &str) -> String {
        let (_, html) = self.page(path).await;
        csrf_in(&html).unwrap_or_else(|| panic!("no form token on {path}"))
    }

    /// Posts a urlencoded form as the page's own form would (Origin of this site).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let request = self.client.post(format!("{}{path}", self.base)).header("origin", &self.origin).form(fields);
        let response = self.with_cookie(request).send().await.expect("request sent");
        self.remember(&response);
        response
    }

    /// Posts a multipart body (e.g. POD files) as the upload form would.
    pub async fn post_multipart(&mut self, path: &str, form: reqwest::multipart::Form) -> reqwest::Response {
        let request = self.client.post(format!("{}{path}", self.base)).header("origin", &self.origin).multipart(form);
        let response = self.with_cookie(request).send().await.expect("request sent");
        self.remember(&response);
        response
    }

    /// The notice the page shows after a form post redirected to it (`form-error` or
    /// `notice`), with the class; `None` when it shows none.
    pub async fn notice(&mut self, response: reqwest::Response) -> Option<(String, String)> {
        assert_eq!(response.status(), 303, "a form post redirects");
        let location = response.headers()["location"].to_str().expect("location").to_string();
        assert!(!location.contains("notice=") && !location.contains("error="), "no notice in the URL: {location}");
        let (_, html) = self.page(&location).await;
        ["form-error", "notice"].iter().find_map(|class| {
            let start = html.find(&format!(r#"class="{class}">"#))?;
            let text = html[start..].split_once('>')?.1.split("</p>").next()?.replace("<!>", "");
            Some((class.to_string(), text))
        })
    }

    /// Opens the login page, then posts email and password with its form token.
    pub async fn login(&mut self, email: &str, password: &str) -> reqwest::Response {
        let token = self.csrf("/staff/login").await;
        self.post_form("/staff/login", &[("email", email), ("password", password), ("csrf", &token), ("next", "/staff")]).await
    }
}

/// The value of the first `csrf` form field in `html`.
pub fn csrf_in(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[start..].chars().take_while(|c| *c != '"').collect())
}
