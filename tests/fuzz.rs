//! Random requests over the whole request path: mutated valid operations, random tokens and
//! random variables, sent anonymously and signed in, over POST and GET. Every answer must be a
//! well-formed GraphQL response (or a refusal with a 4xx status), never a 500 (a panic answers
//! 500), never internal text.
//!
//! A bounded number of cases runs with the normal tests. A failing case is written to
//! `tests/fuzz.proptest-regressions` and replayed first on every later run: keep that file.

use jobboard::domain::Role;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestDatabase};

/// Cases per database.
const CASES: u32 = 200;

const REGRESSIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fuzz.proptest-regressions"
);

/// Valid operations to start from: reads of every kind, writes, variables, fragments.
const SEEDS: &[&str] = &[
    "{ vacancies(first: 20, filter: { country: \"MA\" }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id reference title closingAt grade organisation { acronym name(language: \"fr\") } project { code } dutyStations { city country } } } } }",
    "{ vacancy(organisation: \"OIM\", reference: \"VN 2023/005\") { title status text(language: \"fr\") { context responsibilities } languages { language level } competencies { competency { name kind } } } }",
    "query ($first: Int, $after: String) { organisations(first: $first, after: $after) { edges { node { id acronym projects(first: 2) { nodes { code leadOrganisation { acronym } } } } } } }",
    "query ($id: ID!) { node(id: $id) { id ... on Vacancy { reference } ... on Organisation { acronym } } }",
    "{ projects(first: 5) { nodes { code partners { role organisation { acronym } } } } competencies(first: 5) { nodes { code name } } }",
    "query Q { ...F } fragment F on Query { organisations(last: 3) { totalCount } }",
    "mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
    "mutation { register(input: { email: \"fuzz@example.org\", password: \"long enough password\", fullName: \"F\" }) { email } }",
    "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }",
    "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { status } }",
    "{ me { email role organisation { acronym } } myApplications(first: 5) { totalCount } }",
    "{ __schema { queryType { name } types { name fields { name type { name ofType { name } } } } } }",
];

/// Pieces of GraphQL and of nonsense to splice into operations.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "...",
    "... on Query",
    "on",
    "query",
    "mutation",
    "subscription",
    "fragment F on Query",
    "...F",
    "$x",
    "$id",
    ":",
    "=",
    "!",
    "@include(if: true)",
    "@skip(if: $x)",
    "@nonsense",
    "first: 100",
    "first: -1",
    "last: 0",
    "after: \"garbage\"",
    "id: \"\"",
    "\"",
    "\"\"\"",
    "#",
    ",",
    "null",
    "true",
    "2147483648",
    "-9223372036854775809",
    "1e400",
    "0.5",
    "\"\\u0000\"",
    "\"\\uD800\"",
    "__typename",
    "__schema",
    "__type(name: \"Vacancy\")",
    "vacancies",
    "vacancy",
    "organisations",
    "organisation(acronym: \"IOM\")",
    "node(id: \"VmFjYW5jeTox\")",
    "edges",
    "node",
    "nodes",
    "totalCount",
    "pageInfo",
    "applications(vacancyId: \"x\")",
    "createVacancy",
    "input: {}",
    "a: vacancies",
    "b: __typename",
    "é",
    "😀",
    "\u{0}",
];

/// An edit of an operation's text.
#[derive(Debug, Clone)]
enum Edit {
    /// Removes the characters in this range (as fractions of the length).
    Delete(f64, f64),
    /// Inserts a token at this position.
    Insert(f64, &'static str),
    /// Repeats the text from here to there, so fragments of it nest or multiply.
    Repeat(f64, f64, u8),
}

fn at(text: &str, fraction: f64) -> usize {
    let chars = text.chars().count();
    // A fraction of the length, in characters.
    let index = ((chars as f64) * fraction.clamp(0.0, 1.0)) as usize;
    text.char_indices()
        .nth(index)
        .map_or(text.len(), |(byte, _)| byte)
}

fn apply(mut text: String, edits: &[Edit]) -> String {
    for edit in edits {
        match edit {
            Edit::Delete(from, to) => {
                let (from, to) = (at(&text, from.min(*to)), at(&text, from.max(*to)));
                text.replace_range(from..to, "");
            }
            Edit::Insert(position, token) => {
                let position = at(&text, *position);
                text.insert_str(position, &format!(" {token} "));
            }
            Edit::Repeat(from, to, times) => {
                let (from, to) = (at(&text, from.min(*to)), at(&text, from.max(*to)));
                // At most 200 characters, at most 3 times: the text grows, but stays small.
                let piece: String = text[from..to].chars().take(200).collect();
                let end = from + piece.len();
                text.insert_str(end, &piece.repeat(usize::from(*times % 4)));
            }
        }
    }
    text
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0, 0.0..1.0).prop_map(|(a, b)| Edit::Delete(a, b)),
        (0.0..1.0, prop::sample::select(TOKENS)).prop_map(|(a, t)| Edit::Insert(a, t)),
        (0.0..1.0, 0.0..1.0, any::<u8>()).prop_map(|(a, b, n)| Edit::Repeat(a, b, n)),
    ]
}

fn operation() -> impl Strategy<Value = String> {
    prop_oneof![
        // Valid operations, some left as they are.
        4 => (prop::sample::select(SEEDS), prop::collection::vec(edit(), 0..5))
            .prop_map(|(seed, edits)| apply(seed.to_owned(), &edits)),
        2 => prop::collection::vec(prop::sample::select(TOKENS), 0..40)
            .prop_map(|tokens| tokens.join(" ")),
        1 => any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(TOKENS).prop_map(Value::from),
        "[a-zA-Z0-9:=_ -]{0,30}".prop_map(Value::from),
        // A global ID of some kind, well-formed or not.
        prop::sample::select(&["VmFjYW5jeTox", "T3JnYW5pc2F0aW9uOjE", "WDox", "!!"][..])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop::sample::select(
                    &[
                        "x",
                        "id",
                        "first",
                        "after",
                        "input",
                        "email",
                        "password",
                        "version",
                        "reference",
                        "texts",
                        "dutyStations",
                        "grade",
                        "closingDate",
                    ][..]
                ),
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(
                map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

/// One request: the body's parts and how it is sent.
#[derive(Debug, Clone)]
struct Case {
    query: String,
    variables: Value,
    operation_name: Option<String>,
    signed_in: bool,
    over_get: bool,
    graphql_response: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        operation(),
        prop_oneof![3 => json_value(), 1 => Just(json!({}))],
        prop::option::of(prop::sample::select(&["Q", "", "F", "query"][..]).prop_map(String::from)),
        any::<bool>(),
        prop::bool::weighted(0.2),
        any::<bool>(),
    )
        .prop_map(
            |(query, variables, operation_name, signed_in, over_get, graphql_response)| Case {
                query,
                variables,
                operation_name,
                signed_in,
                over_get,
                graphql_response,
            },
        )
}

/// Words that only internal errors, database drivers and panics say.
const INTERNAL_TEXT: &[&str] = &[
    "sqlx",
    "SQLite",
    "SQLITE",
    "sqlite3",
    "PostgreSQL",
    "postgres",
    "SELECT ",
    "INSERT ",
    "constraint",
    "DbErr",
    "panicked",
    "RUST_BACKTRACE",
    "src/",
    ".rs:",
    "Custom(",
    "Exec(",
];

const CODES: &[&str] = &[
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "CONFLICT",
    "RATE_LIMITED",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
];

async fn send(app: &TestApp, token: &str, case: &Case) -> Result<(), TestCaseError> {
    let mut body = json!({ "query": case.query, "variables": case.variables });
    if let Some(name) = &case.operation_name {
        body["operationName"] = json!(name);
    }
    let mut request = if case.over_get {
        let variables = case.variables.to_string();
        let mut pairs = vec![
            ("query", case.query.as_str()),
            ("variables", variables.as_str()),
        ];
        if let Some(name) = &case.operation_name {
            pairs.push(("operationName", name.as_str()));
        }
        let url = reqwest::Url::parse_with_params(&app.url("/graphql"), &pairs)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        app.client.get(url)
    } else {
        app.client.post(app.url("/graphql")).json(&body)
    };
    if case.signed_in {
        request = request.bearer_auth(token);
    }
    if case.graphql_response {
        request = request.header("accept", "application/graphql-response+json");
    }
    let response = request
        .send()
        .await
        .map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
    let status = response.status().as_u16();
    let text = response
        .text()
        .await
        .map_err(|e| TestCaseError::fail(format!("no body: {e}")))?;
    prop_assert!(status < 500, "status {status}: {text}");
    for word in INTERNAL_TEXT {
        prop_assert!(!text.contains(word), "internal text {word:?} in {text}");
    }
    if status == 405 || status == 414 || status == 431 {
        // A mutation over GET, or a URL too long for the server: no GraphQL body.
        prop_assert!(case.over_get, "status {status} for a POST");
        return Ok(());
    }
    let body: Value = serde_json::from_str(&text)
        .map_err(|_| TestCaseError::fail(format!("status {status}, not JSON: {text}")))?;
    prop_assert!(
        body.get("data").is_some() || body.get("errors").is_some(),
        "neither data nor errors: {body}"
    );
    if let Some(errors) = body.get("errors") {
        let errors = errors
            .as_array()
            .ok_or_else(|| TestCaseError::fail(format!("errors is not a list: {body}")))?;
        prop_assert!(!errors.is_empty(), "an empty errors list: {body}");
        for error in errors {
            prop_assert!(error["message"].is_string(), "no message: {body}");
            let code = error["extensions"]["code"].as_str().unwrap_or("none");
            prop_assert!(CODES.contains(&code), "code {code}: {body}");
        }
    }
    if status != 200 {
        prop_assert!(
            case.graphql_response || status == 400 || status == 413,
            "status {status} for a plain JSON client: {body}"
        );
    }
    Ok(())
}

fn fuzz(database: TestDatabase) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (app, token) = runtime.block_on(async {
        let app = TestApp::spawn(database, true).await;
        let token = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        (app, token)
    });
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        max_shrink_iters: 200,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        ..Config::default()
    });
    let result = runner.run(&case(), |case| runtime.block_on(send(&app, &token, &case)));
    if let Err(failure) = result {
        panic!("[{}] {failure}", app.backend());
    }
    // Still serving after all that.
    let health = runtime.block_on(async {
        app.client
            .get(app.url("/health"))
            .send()
            .await
            .map(|r| r.status())
    });
    assert_eq!(health.unwrap(), 200);
    drop(app);
    runtime.shutdown_background();
}

#[test]
fn random_requests_get_well_formed_answers() {
    let databases = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(TestDatabase::all());
    for database in databases {
        fuzz(database);
    }
}
