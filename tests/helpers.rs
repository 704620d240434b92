//! `TestApp`: a server on a free loopback port over a database made for one test.

use entity::vacancy;
use jobboard::app::Application;
use jobboard::config::ServerConfig;
use jobboard::domain::{Role, VacancyStatus};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};

/// A database created for one test and dropped after it.
pub enum TestDatabase {
    Sqlite {
        path: std::path::PathBuf,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another handle on a database owned by someone else (a second replica): dropping it
    /// leaves the database alone.
    Shared {
        url: String,
        backend: &'static str,
    },
}

impl TestDatabase {
    /// A connection of the test's own, set up as the server's would be (behind a pooler too).
    pub async fn connect(&self) -> DatabaseConnection {
        let mut config = ServerConfig::for_database(self.url());
        behind_pooler(&mut config);
        jobboard::db::connect(&config.database)
            .await
            .expect("connect to the test database")
    }

    pub fn url(&self) -> String {
        match self {
            Self::Sqlite { path } => format!("sqlite://{}?mode=rwc", path.display()),
            Self::Postgres { admin_url, name } => {
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base);
                format!("{base}/{name}")
            }
            Self::Shared { url, .. } => url.clone(),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
            Self::Shared { backend, .. } => backend,
        }
    }

    /// A handle on the same database that does not drop it.
    pub fn shared(&self) -> Self {
        Self::Shared {
            url: self.url(),
            backend: self.backend(),
        }
    }

    /// A fresh PostgreSQL database when `TEST_DATABASE_URL` is set.
    pub async fn postgres_only() -> Option<Self> {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Some(Self::postgres(url).await),
            _ => None,
        }
    }

    /// A fresh SQLite database (for a test that needs a second one).
    pub async fn sqlite_for_tests() -> Self {
        Self::sqlite().await
    }

    async fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("jobboard-test-{}.db", uuid::Uuid::new_v4()));
        Self::Sqlite { path }
    }

    async fn postgres(admin_url: String) -> Self {
        let name = format!("jobboard_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to TEST_DATABASE_URL");
        // Unprepared (the simple protocol), as a transaction pooler in front needs.
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create the test database");
        admin.close().await.ok();
        Self::Postgres { admin_url, name }
    }

    /// One fresh database per configured backend: SQLite, then PostgreSQL when configured.
    pub async fn all() -> Vec<Self> {
        let mut databases = vec![Self::sqlite().await];
        if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
            if !url.is_empty() {
                databases.push(Self::postgres(url).await);
            }
        }
        databases
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            Self::Sqlite { path } => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Self::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs outside async code: drop the database from a runtime of its own.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    runtime.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                            let _ = admin.execute_unprepared(&sql).await;
                            let _ = admin.close().await;
                        }
                    });
                    Ok::<_, std::io::Error>(())
                })
                .join();
            }
            Self::Shared { .. } => {}
        }
    }
}

/// When `TEST_DATABASE_URL` names a transaction pooler (PgBouncer), the settings a server
/// needs behind it: `TEST_DATABASE_LISTEN_URL`, a direct server URL (its database name is
/// replaced by the test's) for the event bus, and no statement cache.
pub fn behind_pooler(config: &mut ServerConfig) {
    let Ok(direct) = std::env::var("TEST_DATABASE_LISTEN_URL") else {
        return;
    };
    let database = &mut config.database;
    if direct.is_empty() || !database.database_url.starts_with("postgres") {
        return;
    }
    let name = database.database_url.rsplit('/').next().unwrap_or_default();
    let base = direct
        .rsplit_once('/')
        .map_or(direct.as_str(), |(base, _)| base);
    database.database_listen_url = Some(format!("{base}/{name}"));
    database.database_statement_cache = 0;
}

/// The application running on its own database.
pub struct TestApp {
    pub jwt: std::sync::Arc<jobboard::auth::jwt::JwtKeys>,
    pub address: String,
    /// Where `/metrics` is served, when the configuration asked for it.
    pub metrics_address: Option<String>,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub database: TestDatabase,
    /// The server's event bus (to see how many subscriptions it serves).
    pub bus: jobboard::event_bus::EventBus,
    /// Stops the server gracefully when sent (or dropped).
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// The server's task: it ends when graceful shutdown finishes.
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl TestApp {
    pub async fn spawn(database: TestDatabase, seed: bool) -> Self {
        let mut config = ServerConfig::for_database(database.url());
        config.seed_demo_data = Some(seed);
        Self::spawn_with(database, config).await
    }

    /// The application with a configuration of the test's own (made for `database`'s URL).
    pub async fn spawn_with(database: TestDatabase, mut config: ServerConfig) -> Self {
        behind_pooler(&mut config);
        let app = Application::build(config)
            .await
            .expect("build the application");
        let address = format!("http://{}", app.local_addr());
        let metrics_address = app.metrics_addr().map(|addr| format!("http://{addr}"));
        let db = app.state().db.clone();
        let jwt = app.state().jwt.clone();
        let bus = app.state().bus.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Self {
            jwt,
            address,
            metrics_address,
            client: reqwest::Client::new(),
            db,
            database,
            bus,
            stop: Some(stop),
            server,
        }
    }

    /// An app whose mail goes to a test SMTP server (started here), on `database`.
    pub async fn spawn_with_smtp(
        database: TestDatabase,
        seed: bool,
    ) -> (Self, crate::smtp::SmtpServer) {
        let smtp = crate::smtp::SmtpServer::start().await;
        let mut config = ServerConfig::for_database(database.url());
        config.seed_demo_data = Some(seed);
        config.mail.smtp_url = Some(smtp.url());
        (Self::spawn_with(database, config).await, smtp)
    }

    /// A seeded app with a test SMTP server, on every configured backend.
    pub async fn all_seeded_with_smtp() -> Vec<(Self, crate::smtp::SmtpServer)> {
        let mut apps = Vec::new();
        for database in TestDatabase::all().await {
            apps.push(Self::spawn_with_smtp(database, true).await);
        }
        apps
    }

    /// The WebSocket address of subscriptions.
    pub fn ws_url(&self) -> String {
        format!(
            "{}/graphql/ws",
            self.address.replacen("http://", "ws://", 1)
        )
    }

    /// A seeded app on every configured backend.
    pub async fn all_seeded() -> Vec<Self> {
        let mut apps = Vec::new();
        for database in TestDatabase::all().await {
            apps.push(Self::spawn(database, true).await);
        }
        apps
    }

    /// An empty (migrated, unseeded) app on every configured backend.
    pub async fn all_empty() -> Vec<Self> {
        let mut apps = Vec::new();
        for database in TestDatabase::all().await {
            apps.push(Self::spawn(database, false).await);
        }
        apps
    }

    pub fn backend(&self) -> &'static str {
        self.database.backend()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// POSTs a GraphQL operation and returns the JSON response.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_as(None, query, variables).await
    }

    /// POSTs a GraphQL operation with a bearer token (or none) and returns the JSON response.
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send the request");
        assert_eq!(response.status(), 200, "{}", self.backend());
        response.json().await.expect("a JSON response")
    }

    /// Creates an active account (its address proven) straight in the database and returns a
    /// token for a new session of it. `organisation` is an acronym; use `None` for candidates
    /// and platform admins.
    pub async fn sign_in_as(&self, role: Role, organisation: Option<&str>) -> String {
        let (id, _) = create_account(&self.db, role, organisation).await;
        self.token_for(id).await
    }

    /// A token for a new session of account `id`.
    pub async fn token_for(&self, id: i32) -> String {
        self.token_with_ttl(id, chrono::Duration::minutes(10)).await
    }

    /// A token for a new session of account `id` that lasts `ttl`.
    pub async fn token_with_ttl(&self, id: i32, ttl: chrono::Duration) -> String {
        use sea_orm::EntityTrait;
        let account = entity::account::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .unwrap()
            .expect("the account");
        let signing = jobboard::service::account::Signing {
            keys: &self.jwt,
            ttl,
            pacing: Default::default(),
        };
        jobboard::service::account::start_session(&self.db, signing, account)
            .await
            .expect("start a session")
            .token
            .token
    }

    /// Runs an operation as `token` that must succeed and returns its `data`.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.graphql_as(Some(token), query, variables).await;
        assert!(
            body.get("errors").is_none(),
            "[{}] unexpected errors: {body}",
            self.backend()
        );
        body["data"].clone()
    }

    /// Runs an operation as `token` (or anonymously) that must fail; returns the first error's code.
    pub async fn error_code_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> String {
        let body = self.graphql_as(token, query, variables).await;
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("[{}] expected an error with a code: {body}", self.backend()))
            .to_owned()
    }

    /// Runs an operation that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(
            body.get("errors").is_none(),
            "[{}] unexpected errors: {body}",
            self.backend()
        );
        body["data"].clone()
    }

    /// Runs an operation that must fail and returns the first error's `extensions.code`.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let body = self.graphql(query, variables).await;
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("[{}] expected an error with a code: {body}", self.backend()))
            .to_owned()
    }
}

/// The organisation a [`VacancyBuilder`] posts for: an acronym of a seeded organisation, or a
/// row id.
#[derive(Debug, Clone)]
pub enum OrganisationRef {
    Acronym(String),
    Id(i32),
}

impl From<&str> for OrganisationRef {
    fn from(acronym: &str) -> Self {
        Self::Acronym(acronym.to_owned())
    }
}

impl From<i32> for OrganisationRef {
    fn from(id: i32) -> Self {
        Self::Id(id)
    }
}

impl OrganisationRef {
    async fn id(&self, db: &DatabaseConnection) -> i32 {
        match self {
            Self::Acronym(acronym) => organisation_by_acronym(db, acronym).await,
            Self::Id(id) => *id,
        }
    }
}

/// A bare vacancy written straight into the database (behind the server's back: no events, no
/// cache invalidation). By default a `DRAFT` P3 post with no closing instant, no project and
/// no publication instant, titled "Test post {reference}" in English, at one duty station
/// (Tunis).
///
/// ```ignore
/// let id = VacancyBuilder::new("IOM", "REF/1")
///     .status(VacancyStatus::Published)
///     .closing_in(chrono::Duration::days(30))
///     .insert(&app.db)
///     .await;
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is inserted"]
pub struct VacancyBuilder {
    organisation: OrganisationRef,
    reference: String,
    status: VacancyStatus,
    closing_at: Option<chrono::DateTime<chrono::Utc>>,
    published_at: Option<chrono::DateTime<chrono::Utc>>,
    project_id: Option<i32>,
    start_asap: bool,
}

impl VacancyBuilder {
    /// A draft of `organisation` (an acronym or an organisation id) with this reference.
    pub fn new(organisation: impl Into<OrganisationRef>, reference: impl Into<String>) -> Self {
        Self {
            organisation: organisation.into(),
            reference: reference.into(),
            status: VacancyStatus::Draft,
            closing_at: None,
            published_at: None,
            project_id: None,
            start_asap: false,
        }
    }

    pub fn status(mut self, status: VacancyStatus) -> Self {
        self.status = status;
        self
    }

    /// Closes at this instant.
    pub fn closing_at(mut self, instant: chrono::DateTime<chrono::Utc>) -> Self {
        self.closing_at = Some(instant);
        self
    }

    /// Closes this long from now (negative: closed that long ago).
    pub fn closing_in(self, duration: chrono::Duration) -> Self {
        self.closing_at(chrono::Utc::now() + duration)
    }

    pub fn published_at(mut self, instant: chrono::DateTime<chrono::Utc>) -> Self {
        self.published_at = Some(instant);
        self
    }

    pub fn project(mut self, project_id: i32) -> Self {
        self.project_id = Some(project_id);
        self
    }

    /// Starts as soon as possible.
    pub fn start_asap(mut self) -> Self {
        self.start_asap = true;
        self
    }

    fn row(
        &self,
        organisation_id: i32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> vacancy::ActiveModel {
        use sea_orm::Set;

        vacancy::ActiveModel {
            organisation_id: Set(organisation_id),
            project_id: Set(self.project_id),
            reference: Set(self.reference.clone()),
            authoritative_language: Set("en".into()),
            grade: Set(Some("P3".into())),
            grade_category: Set(Some("PROFESSIONAL".into())),
            positions: Set(1),
            open_to_internal: Set(true),
            open_to_external: Set(true),
            internal_first: Set(false),
            residency: Set("NONE".into()),
            time_zone: Set("Africa/Tunis".into()),
            published_at: Set(self.published_at),
            closing_at: Set(self.closing_at),
            start_asap: Set(self.start_asap),
            status: Set(self.status.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }

    /// Inserts the vacancy with its English text and its duty station; returns its row id.
    pub async fn insert(self, db: &DatabaseConnection) -> i32 {
        use entity::{vacancy_duty_station, vacancy_text};
        use sea_orm::{ActiveModelTrait, Set};

        let organisation_id = self.organisation.id(db).await;
        let row = self
            .row(organisation_id, chrono::Utc::now())
            .insert(db)
            .await
            .unwrap();
        vacancy_text::ActiveModel {
            vacancy_id: Set(row.id),
            language: Set("en".into()),
            title: Set(format!("Test post {}", self.reference)),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        vacancy_duty_station::ActiveModel {
            vacancy_id: Set(row.id),
            city: Set(Some("Tunis".into())),
            country_code: Set("TN".into()),
            sort_order: Set(0),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        row.id
    }

    /// Inserts the vacancy rows alone in one statement, without texts or duty stations (the
    /// caller adds its own): for tests that need many.
    pub async fn insert_rows(db: &DatabaseConnection, builders: impl IntoIterator<Item = Self>) {
        use sea_orm::EntityTrait;

        let now = chrono::Utc::now();
        let mut rows = Vec::new();
        for builder in builders {
            let organisation_id = builder.organisation.id(db).await;
            rows.push(builder.row(organisation_id, now));
        }
        vacancy::Entity::insert_many(rows).exec(db).await.unwrap();
    }
}

/// The id of a seeded organisation by one of its acronyms.
async fn organisation_by_acronym(db: &DatabaseConnection, acronym: &str) -> i32 {
    use entity::organisation_acronym;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    organisation_acronym::Entity::find()
        .filter(organisation_acronym::Column::Acronym.eq(acronym))
        .one(db)
        .await
        .unwrap()
        .expect("a seeded organisation")
        .organisation_id
}

/// The global ID the API gives a vacancy row.
pub fn vacancy_id(row: i32) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Vacancy:{row}"))
}

/// Inserts an active account; returns its id and organisation id.
pub async fn create_account(
    db: &DatabaseConnection,
    role: Role,
    organisation: Option<&str>,
) -> (i32, Option<i32>) {
    use entity::account;
    use sea_orm::{ActiveModelTrait, Set};

    let org = match organisation {
        Some(acronym) => Some(organisation_by_acronym(db, acronym).await),
        None => None,
    };
    let now = chrono::Utc::now();
    let row = account::ActiveModel {
        email: Set(format!("{}@example.org", uuid::Uuid::new_v4().simple())),
        password_hash: Set("!".into()),
        full_name: Set(format!("Test {}", role.as_str())),
        role: Set(role.as_str().to_owned()),
        organisation_id: Set(org),
        active: Set(true),
        email_verified_at: Set(Some(now)),
        language: Set("en".to_owned()),
        notify_application_updates: Set(true),
        recruiter_digest: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    (row.id, org)
}

/// Renames an account (tests that read names back).
pub async fn rename_account(db: &DatabaseConnection, id: i32, full_name: &str) {
    use entity::account;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    account::Entity::update_many()
        .col_expr(account::Column::FullName, Expr::value(full_name))
        .filter(account::Column::Id.eq(id))
        .exec(db)
        .await
        .unwrap();
}

/// The global ID of row `id` of `kind` (`Account`, `Organisation`, …).
pub fn global_id(kind: &str, id: i32) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{id}"))
}

/// The demo data in a database migrated up to the first `applied` migrations only, for tests of
/// a migration over existing rows. The loader writes today's schema, so it runs on the latest
/// one and the schema is then taken back down; duty stations without a city (which migration
/// 000022 brought in, and whose `down` refuses them) are left out.
pub async fn demo_data_before(db: &DatabaseConnection, applied: u32) {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::ConnectionTrait;

    Migrator::up(db, None).await.expect("up");
    jobboard::seed::load_demo(db).await.expect("demo data");
    db.execute_unprepared("DELETE FROM vacancy_duty_station WHERE city IS NULL")
        .await
        .expect("country-only stations");
    let later = Migrator::migrations().len() as u32 - applied;
    Migrator::down(db, Some(later)).await.expect("down");
}
