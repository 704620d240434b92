//! `cargo bench`: the frontend's main operations, executed in-process through the schema
//! (authentication, per-request DataLoaders and all, without the HTTP layer) against a database
//! of `seed --synthetic` data.
//!
//! `BENCH_DATABASE_URL` names that database (PostgreSQL or SQLite, generated beforehand, see
//! BENCHMARKS.md). Without it, a SQLite file `target/bench-operations.db` is generated once with
//! a smaller set (5,000 vacancies, 50,000 applications), so `cargo bench` works on a fresh
//! clone. The write benchmarks add their own rows (drafts `BENCH/…`, applications of candidates
//! `bench.…@bench.jobboard.invalid`) on every run.
//!
//! The GraphQL documents are those the load test sends, in `bench/operations/`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Request, UploadValue, Variables};
use axum::http::{header, HeaderMap, HeaderValue};
use chrono::Utc;
use criterion::{criterion_group, criterion_main, Criterion};
use entity::{account, application, organisation, vacancy};
use jobboard::auth::authenticate;
use jobboard::auth::jwt::JwtKeys;
use jobboard::cache::counts::CountCache;
use jobboard::cache::writes::Writes;
use jobboard::cli::{mint_token, TokenArgs};
use jobboard::config::{DatabaseConfig, Environment, JwtConfig, LimitsConfig};
use jobboard::domain::global_id::{global_id, NodeKind};
use jobboard::domain::{Role, VacancyStatus};
use jobboard::graphql::loaders::Loaders;
use jobboard::graphql::{self, AppSchema, SchemaOptions, Settings};
use jobboard::seed::synthetic::{generate, SyntheticOptions};
use jobboard::service::account::{start_session, Signing};
use jobboard::service::mail::{LinkSigner, Mailer};
use jobboard::service::webhook::{SecretBox, UrlRules};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;
use tokio::runtime::Runtime;

const LIST: &str = include_str!("../../bench/operations/list.graphql");
const SEARCH: &str = include_str!("../../bench/operations/search.graphql");
const DETAIL: &str = include_str!("../../bench/operations/detail.graphql");
const PIPELINE: &str = include_str!("../../bench/operations/pipeline.graphql");
const CREATE: &str = include_str!("../../bench/operations/create.graphql");
const CREATE_VARIABLES: &str = include_str!("../../bench/operations/create.variables.json");
const APPLY: &str = include_str!("../../bench/operations/apply.graphql");
const APPLY_VARIABLES: &str = include_str!("../../bench/operations/apply.variables.json");

/// Candidates made for each run: each applies once to each open vacancy, in turn.
const CANDIDATES: usize = 64;

/// A PDF small enough not to dominate the write.
fn cv() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.resize(16 * 1024, b' ');
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

struct Fixture {
    schema: AppSchema,
    /// The same schema with `totalCount` counted on every request.
    uncached: AppSchema,
    db: DatabaseConnection,
    keys: Arc<JwtKeys>,
    /// Global IDs of vacancies open for at least another day.
    open: Vec<String>,
    /// The vacancy with the most applications, and a token of its organisation's recruiter.
    pipeline_vacancy: String,
    recruiter: String,
    /// Tokens of this run's candidates.
    candidates: Vec<String>,
    /// Makes this run's references unique.
    nonce: String,
    cv: Vec<u8>,
    counter: AtomicUsize,
}

fn database_url() -> String {
    std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}/../target/bench-operations.db?mode=rwc",
            env!("CARGO_MANIFEST_DIR")
        )
    })
}

impl Fixture {
    async fn new() -> Self {
        let url = database_url();
        let db = jobboard::db::connect_and_migrate(&DatabaseConfig::for_url(url.clone()))
            .await
            .expect("connect to BENCH_DATABASE_URL");
        let generated = organisation::Entity::find()
            .filter(organisation::Column::Acronym.eq("ORG001"))
            .count(&db)
            .await
            .expect("look for synthetic data");
        if generated == 0 {
            if std::env::var("BENCH_DATABASE_URL").is_ok() {
                panic!("{url} holds no synthetic data: run `jobboard seed --synthetic N` on it");
            }
            eprintln!("generating the benchmark database (once): {url}");
            let report = generate(
                &db,
                &SyntheticOptions {
                    organisations: 20,
                    projects: 200,
                    vacancies: 5_000,
                    applications: 50_000,
                    ..Default::default()
                },
            )
            .await
            .expect("generate synthetic data");
            eprintln!("{report}");
        }

        let keys = Arc::new(
            JwtConfig::default()
                .keys(Environment::Development)
                .expect("development keys"),
        );
        let schema = |count_ttl| {
            graphql::build_schema(
                Some((
                    db.clone(),
                    keys.clone(),
                    Settings {
                        token_ttl: chrono::Duration::hours(1),
                        sign_in_pacing: Default::default(),
                        webhook_urls: UrlRules {
                            allow_http: true,
                            allow_private_networks: true,
                        },
                        webhook_secrets: SecretBox::new(&[0; 32]),
                        counts: CountCache::new(count_ttl, Writes::default()),
                        exact_count_bound: jobboard::service::vacancy::listing::EXACT_COUNT_BOUND,
                        writes: Writes::default(),
                        document_quota_bytes: LimitsConfig::default()
                            .max_document_bytes_per_account,
                        mailer: Mailer::new(
                            "http://127.0.0.1",
                            LinkSigner::derive(b"bench mail links"),
                        ),
                        documents: Default::default(),
                    },
                )),
                SchemaOptions::new(true, false, &LimitsConfig::default()),
            )
        };
        // As the server runs by default (COUNT_CACHE_SECONDS=30), and without the cache.
        let (schema, uncached) = (schema(Duration::from_secs(30)), schema(Duration::ZERO));

        let open: Vec<i32> = vacancy::Entity::find()
            .select_only()
            .column(vacancy::Column::Id)
            .filter(vacancy::Column::Status.eq(VacancyStatus::Published.as_str()))
            .filter(vacancy::Column::ClosingAt.gt(Utc::now() + chrono::Duration::days(1)))
            .order_by_asc(vacancy::Column::Id)
            .limit(20_000)
            .into_tuple()
            .all(&db)
            .await
            .expect("open vacancies");
        assert!(!open.is_empty(), "the database has no open vacancy");

        let (busiest, _): (i32, i64) = application::Entity::find()
            .select_only()
            .column(application::Column::VacancyId)
            .column_as(application::Column::Id.count(), "n")
            .group_by(application::Column::VacancyId)
            .order_by_desc(Expr::cust("COUNT(id)"))
            .into_tuple()
            .one(&db)
            .await
            .expect("applications per vacancy")
            .expect("the database has no application");
        let owner = vacancy::Entity::find_by_id(busiest)
            .one(&db)
            .await
            .expect("busiest vacancy")
            .expect("busiest vacancy exists")
            .organisation_id;
        let acronym = organisation::Entity::find_by_id(owner)
            .one(&db)
            .await
            .expect("its organisation")
            .expect("its organisation exists")
            .acronym;
        let ttl = chrono::Duration::hours(10);
        let recruiter = mint_token(
            &db,
            &keys,
            Environment::Development,
            ttl,
            &TokenArgs {
                role: Role::Recruiter,
                org: Some(acronym),
                subject_account: None,
                ttl_minutes: None,
            },
        )
        .await
        .expect("recruiter token")
        .token
        .token;

        let nonce = Utc::now().format("%Y%m%d%H%M%S%3f").to_string();
        let now = Utc::now();
        let emails: Vec<String> = (0..CANDIDATES)
            .map(|i| format!("bench.{nonce}.{i}@bench.jobboard.invalid"))
            .collect();
        account::Entity::insert_many(emails.iter().map(|email| account::ActiveModel {
            email: Set(email.clone()),
            password_hash: Set("!".to_owned()),
            full_name: Set("Bench Candidate".to_owned()),
            role: Set(Role::Candidate.as_str().to_owned()),
            organisation_id: Set(None),
            active: Set(true),
            email_verified_at: Set(Some(now)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec(&db)
        .await
        .expect("insert candidates");
        let rows = account::Entity::find()
            .filter(account::Column::Email.is_in(emails))
            .all(&db)
            .await
            .expect("read candidates back");
        let signing = Signing {
            keys: &keys,
            ttl,
            pacing: Default::default(),
        };
        let mut candidates = Vec::with_capacity(rows.len());
        for row in rows {
            let signed_in = start_session(&db, signing, row)
                .await
                .expect("candidate session");
            candidates.push(signed_in.token.token);
        }

        Self {
            schema,
            uncached,
            db,
            keys,
            open: open
                .into_iter()
                .map(|id| global_id(NodeKind::Vacancy, id).0)
                .collect(),
            pipeline_vacancy: global_id(NodeKind::Vacancy, busiest).0,
            recruiter,
            candidates,
            nonce,
            cv: cv(),
            counter: AtomicUsize::new(0),
        }
    }

    fn next(&self) -> usize {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// Runs one request as the HTTP handler does: authenticate, fresh loaders, execute.
    async fn execute(&self, token: Option<&str>, request: Request) -> Value {
        self.execute_with(&self.schema, token, request).await
    }

    async fn execute_with(
        &self,
        schema: &AppSchema,
        token: Option<&str>,
        request: Request,
    ) -> Value {
        let mut headers = HeaderMap::new();
        if let Some(token) = token {
            headers.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {token}")).expect("header value"),
            );
        }
        // In process: there is no client address.
        let actor = authenticate(&self.db, &self.keys, &headers, None)
            .await
            .expect("authenticated");
        let response = schema
            .execute(request.data(actor).data(Loaders::new(&self.db)))
            .await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        response.data.into_json().expect("JSON data")
    }

    fn list(&self, filter: Value) -> Request {
        Request::new(LIST).variables(Variables::from_json(
            serde_json::json!({ "filter": filter }),
        ))
    }

    /// Search with facets, ten searches over the open list in turn (as `bench/load.sh`).
    fn search(&self) -> Request {
        const WORDS: [&str; 10] = [
            "coordinat",
            "reintegration maroc",
            "protection",
            "assistant",
            "migration",
            "programme officer",
            "finance",
            "logistique",
            "sante",
            "education",
        ];
        let words = WORDS[self.next() % WORDS.len()];
        Request::new(SEARCH).variables(Variables::from_json(serde_json::json!({
            "filter": { "openOnly": true, "search": words }
        })))
    }

    fn detail(&self) -> Request {
        let id = &self.open[self.next() % self.open.len()];
        Request::new(DETAIL).variables(Variables::from_json(serde_json::json!({ "id": id })))
    }

    fn pipeline(&self) -> Request {
        Request::new(PIPELINE).variables(Variables::from_json(
            serde_json::json!({ "vacancy": self.pipeline_vacancy }),
        ))
    }

    fn create(&self) -> Request {
        let reference = format!("BENCH/{}/{}", self.nonce, self.next());
        let variables = CREATE_VARIABLES.replace("__REFERENCE__", &reference);
        Request::new(CREATE).variables(Variables::from_json(
            serde_json::from_str(&variables).expect("create variables"),
        ))
    }

    /// The next (candidate, vacancy) pair: every candidate applies to a vacancy before any
    /// applies to the next, so no pair repeats within a run.
    fn apply(&self) -> (&str, Request) {
        let n = self.next();
        let candidate = &self.candidates[n % self.candidates.len()];
        let vacancy = &self.open[(n / self.candidates.len()) % self.open.len()];
        let variables = APPLY_VARIABLES.replace("__VACANCY__", vacancy);
        let mut request = Request::new(APPLY).variables(Variables::from_json(
            serde_json::from_str(&variables).expect("apply variables"),
        ));
        request.set_upload(
            "variables.documents.0.file",
            UploadValue {
                filename: "cv.pdf".to_owned(),
                content_type: Some("application/pdf".to_owned()),
                content: self.cv.clone().into(),
            },
        );
        (candidate, request)
    }
}

fn operations(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let fixture = runtime.block_on(Fixture::new());
    let fixture = &fixture;
    let rt: &Runtime = &runtime;

    // Check once that each operation answers what a frontend expects.
    runtime.block_on(async {
        let page = fixture
            .execute(None, fixture.list(serde_json::json!({ "openOnly": true })))
            .await;
        assert_eq!(
            page["vacancies"]["edges"].as_array().map(Vec::len),
            Some(20),
            "a full list page"
        );
        let pipeline = fixture
            .execute(Some(&fixture.recruiter), fixture.pipeline())
            .await;
        eprintln!(
            "pipeline vacancy {} has {} applications",
            fixture.pipeline_vacancy, pipeline["applications"]["totalCount"]
        );
    });

    let mut group = c.benchmark_group("operations");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("list_page", |b| {
        b.to_async(rt).iter(|| async {
            fixture
                .execute(None, fixture.list(serde_json::json!({ "openOnly": true })))
                .await
        })
    });
    group.bench_function("list_page_counted_every_time", |b| {
        b.to_async(rt).iter(|| async {
            fixture
                .execute_with(
                    &fixture.uncached,
                    None,
                    fixture.list(serde_json::json!({ "openOnly": true })),
                )
                .await
        })
    });
    group.bench_function("list_filtered", |b| {
        b.to_async(rt).iter(|| async {
            fixture
                .execute(
                    None,
                    fixture.list(serde_json::json!({
                        "openOnly": true, "country": "KE", "gradeCategory": "PROFESSIONAL"
                    })),
                )
                .await
        })
    });
    group.bench_function("search_with_facets", |b| {
        b.to_async(rt)
            .iter(|| async { fixture.execute(None, fixture.search()).await })
    });
    group.bench_function("search_with_facets_counted_every_time", |b| {
        b.to_async(rt).iter(|| async {
            fixture
                .execute_with(&fixture.uncached, None, fixture.search())
                .await
        })
    });
    group.bench_function("vacancy_detail", |b| {
        b.to_async(rt)
            .iter(|| async { fixture.execute(None, fixture.detail()).await })
    });
    group.bench_function("recruiter_pipeline", |b| {
        b.to_async(rt).iter(|| async {
            fixture
                .execute(Some(&fixture.recruiter), fixture.pipeline())
                .await
        })
    });
    group.bench_function("create_vacancy", |b| {
        b.to_async(rt).iter(|| async {
            fixture
                .execute(Some(&fixture.recruiter), fixture.create())
                .await
        })
    });
    group.bench_function("apply_to_vacancy", |b| {
        b.to_async(rt).iter(|| async {
            let (candidate, request) = fixture.apply();
            fixture.execute(Some(candidate), request).await
        })
    });
    group.finish();
}

criterion_group!(benches, operations);
criterion_main!(benches);
