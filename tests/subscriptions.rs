//! Subscriptions over WebSocket (`graphql-transport-ws`): published vacancies with the list's
//! filter, a candidate's own status changes, delivery across replicas on PostgreSQL, slow
//! subscribers and shutdown.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use jobboard::domain::Role;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::events::{application, notice, publish, APPLY, MOVE};
use crate::helpers::{TestApp, TestDatabase};

/// How long a test waits for something that should come at once, before failing.
const PATIENCE: Duration = Duration::from_secs(5);

pub(crate) const PUBLISHED: &str = "subscription ($filter: VacancyFilterInput) { vacancyPublished(filter: $filter) { id reference organisation { acronym } dutyStations { country } } }";
pub(crate) const STATUS: &str = "subscription { applicationStatusChanged { from to occurredAt application { id status vacancy { reference } } } }";

/// A `graphql-transport-ws` client.
pub(crate) struct WsClient {
    pub(crate) socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How a connection attempt ended.
pub(crate) enum Connected {
    Acknowledged(Box<WsClient>),
    Refused(Option<(CloseCode, String)>),
}

impl WsClient {
    /// Opens `url` and sends `connection_init` with `payload`.
    pub(crate) async fn open(url: &str, payload: Value) -> Connected {
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "graphql-transport-ws"
        );
        let mut client = Self { socket };
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        match client.frame().await {
            Some(Message::Text(text)) => {
                let message: Value = serde_json::from_str(text.as_str()).unwrap();
                assert_eq!(message["type"], "connection_ack", "{message}");
                Connected::Acknowledged(Box::new(client))
            }
            Some(Message::Close(frame)) => {
                Connected::Refused(frame.map(|f| (f.code, f.reason.as_str().to_owned())))
            }
            None => Connected::Refused(None),
            Some(other) => panic!("unexpected frame {other:?}"),
        }
    }

    /// Connects and expects `connection_ack`.
    pub(crate) async fn connect(url: &str, payload: Value) -> Self {
        match Self::open(url, payload).await {
            Connected::Acknowledged(client) => *client,
            Connected::Refused(frame) => panic!("connection refused: {frame:?}"),
        }
    }

    pub(crate) async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
    }

    pub(crate) async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "type": "subscribe", "id": id, "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next data or close frame (pings are skipped); `None` when the connection ended.
    pub(crate) async fn frame(&mut self) -> Option<Message> {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("a message within the time limit");
            match frame {
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(message)) => return Some(message),
                Some(Err(_)) | None => return None,
            }
        }
    }

    /// The next protocol message.
    pub(crate) async fn message(&mut self) -> Value {
        match self.frame().await {
            Some(Message::Text(text)) => serde_json::from_str(text.as_str()).unwrap(),
            other => panic!("expected a message, got {other:?}"),
        }
    }

    /// The payload of the next `next` message, which must be for subscription `id`.
    pub(crate) async fn next(&mut self, id: &str) -> Value {
        let message = self.message().await;
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], id, "{message}");
        message["payload"].clone()
    }
}

/// Waits until `app` serves `n` subscription streams (a subscription is registered on the
/// bus a moment after the client sends it).
pub(crate) async fn wait_for_subscribers(app: &TestApp, n: usize) {
    tokio::time::timeout(PATIENCE, async {
        while app.bus.subscriber_count() < n {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("[{}] {n} subscriptions never started", app.backend()));
}

/// A notice with its one duty station in `city`, `country`.
async fn notice_in(app: &TestApp, reference: &str, city: &str, country: &str) -> Value {
    let mut input = notice(app, reference).await;
    input["dutyStations"] = json!([{ "city": city, "country": country }]);
    input
}

#[tokio::test]
async fn subscribers_receive_published_vacancies_that_pass_their_filter() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        // One client on /graphql/ws with a filter, one on /graphql itself without.
        let mut tunisia = WsClient::connect(&app.ws_url(), json!({})).await;
        tunisia
            .subscribe("tn", PUBLISHED, json!({ "filter": { "country": "TN" } }))
            .await;
        let graphql_url = app.url("/graphql").replacen("http://", "ws://", 1);
        let mut everything = WsClient::connect(&graphql_url, json!({})).await;
        everything.subscribe("all", PUBLISHED, json!({})).await;
        wait_for_subscribers(&app, 2).await;

        // A draft is not published: nobody hears of it.
        app.data_as(
            &iom,
            crate::events::CREATE,
            json!({ "input": notice_in(&app, "SUB/DRAFT", "Tunis", "TN").await }),
        )
        .await;
        let (rabat, _) = publish(&app, &iom, notice_in(&app, "SUB/MA", "Rabat", "MA").await).await;
        let (tunis, _) = publish(&app, &iom, notice_in(&app, "SUB/TN", "Tunis", "TN").await).await;

        // Events arrive in order: the unfiltered subscriber sees both, the filtered one only
        // the Tunisian notice (the Moroccan one, published first, never reaches it).
        let first = everything.next("all").await;
        assert_eq!(first["data"]["vacancyPublished"]["id"], rabat);
        let second = everything.next("all").await;
        assert_eq!(second["data"]["vacancyPublished"]["id"], tunis);
        let only = tunisia.next("tn").await;
        assert_eq!(
            only["data"]["vacancyPublished"],
            json!({ "id": tunis, "reference": "SUB/TN", "organisation": { "acronym": "IOM" }, "dutyStations": [{ "country": "TN" }] }),
            "[{}]",
            app.backend()
        );

        // A filter that contradicts itself is refused like the list's.
        let mut bad = WsClient::connect(&app.ws_url(), json!({})).await;
        bad.subscribe(
            "bad",
            PUBLISHED,
            json!({ "filter": { "closingAfter": "2030-01-01T00:00:00Z", "closingBefore": "2029-01-01T00:00:00Z" } }),
        )
        .await;
        let refused = bad.next("bad").await;
        assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(
            refused["errors"][0]["extensions"]["field"],
            "filter.closingBefore"
        );
    }
}

#[tokio::test]
async fn candidates_follow_only_their_own_applications() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let amina = app.sign_in_as(Role::Candidate, None).await;
        let omar = app.sign_in_as(Role::Candidate, None).await;
        let (vacancy, _) = publish(&app, &iom, notice(&app, "SUB/APPS").await).await;
        let input = json!({ "input": application(&vacancy) });
        let amina_application =
            app.data_as(&amina, APPLY, input.clone()).await["applyToVacancy"]["id"].clone();
        let omar_application =
            app.data_as(&omar, APPLY, input).await["applyToVacancy"]["id"].clone();

        let mut amina_ws = WsClient::connect(
            &app.ws_url(),
            json!({ "Authorization": format!("Bearer {amina}") }),
        )
        .await;
        amina_ws.subscribe("mine", STATUS, json!({})).await;
        // The token may also come as `token`, without `Bearer `.
        let mut omar_ws = WsClient::connect(&app.ws_url(), json!({ "token": omar })).await;
        omar_ws.subscribe("mine", STATUS, json!({})).await;
        wait_for_subscribers(&app, 2).await;

        let moved = |id: &Value, status: &str| {
            app.data_as(&iom, MOVE, json!({ "id": id, "status": status }))
        };
        moved(&omar_application, "SCREENING").await;
        moved(&amina_application, "SCREENING").await;
        moved(&amina_application, "SHORTLISTED").await;

        // Amina hears of her own application only, in order; Omar of his.
        let first = amina_ws.next("mine").await["data"]["applicationStatusChanged"].clone();
        assert_eq!(first["application"]["id"], amina_application);
        assert_eq!(
            (first["from"].clone(), first["to"].clone()),
            (json!("SUBMITTED"), json!("SCREENING"))
        );
        let second = amina_ws.next("mine").await["data"]["applicationStatusChanged"].clone();
        assert_eq!(second["application"]["id"], amina_application);
        assert_eq!(second["to"], "SHORTLISTED");
        let his = omar_ws.next("mine").await["data"]["applicationStatusChanged"].clone();
        assert_eq!(
            his["application"]["id"],
            omar_application,
            "[{}]",
            app.backend()
        );
        assert_eq!(his["application"]["vacancy"]["reference"], "SUB/APPS");
    }
}

#[tokio::test]
async fn status_changes_need_a_candidates_token() {
    for app in TestApp::all_seeded().await {
        // Anonymous: the subscription errors with UNAUTHENTICATED and completes.
        let mut anonymous = WsClient::connect(&app.ws_url(), json!({})).await;
        anonymous.subscribe("1", STATUS, json!({})).await;
        let refused = anonymous.next("1").await;
        assert_eq!(
            refused["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
        assert_eq!(
            anonymous.message().await,
            json!({ "type": "complete", "id": "1" })
        );

        // Staff are signed in but have no applications of their own to follow.
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut staff = WsClient::connect(
            &app.ws_url(),
            json!({ "Authorization": format!("Bearer {iom}") }),
        )
        .await;
        staff.subscribe("1", STATUS, json!({})).await;
        let forbidden = staff.next("1").await;
        assert_eq!(forbidden["errors"][0]["extensions"]["code"], "FORBIDDEN");

        // A candidate's token is accepted.
        let amina = app.sign_in_as(Role::Candidate, None).await;
        let mut allowed = WsClient::connect(
            &app.ws_url(),
            json!({ "authorization": format!("Bearer {amina}") }),
        )
        .await;
        allowed.subscribe("1", STATUS, json!({})).await;
        wait_for_subscribers(&app, 1).await;

        // A bad token refuses the connection itself, as a bad bearer token refuses a request.
        match WsClient::open(
            &app.ws_url(),
            json!({ "Authorization": "Bearer forged.token.here" }),
        )
        .await
        {
            Connected::Refused(Some((code, reason))) => {
                assert_eq!(u16::from(code), 1002, "[{}]", app.backend());
                assert_eq!(reason, "authentication required");
            }
            Connected::Refused(None) => panic!("[{}] closed without a close frame", app.backend()),
            Connected::Acknowledged(_) => panic!("[{}] a forged token was accepted", app.backend()),
        }
    }
}

#[tokio::test]
async fn a_subscriber_that_never_reads_does_not_slow_the_publisher() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut idle = WsClient::connect(&app.ws_url(), json!({})).await;
        idle.subscribe("idle", PUBLISHED, json!({})).await;
        let mut reader = WsClient::connect(&app.ws_url(), json!({})).await;
        reader.subscribe("reader", PUBLISHED, json!({})).await;
        wait_for_subscribers(&app, 2).await;

        // The idle client never reads; every publication is still answered, and the reading
        // client receives each of them.
        let mut published = Vec::new();
        for i in 0..20 {
            let reference = format!("SUB/MANY/{i:02}");
            let (id, _) = publish(&app, &iom, notice(&app, &reference).await).await;
            published.push(id);
        }
        for id in &published {
            let payload = reader.next("reader").await;
            assert_eq!(
                &payload["data"]["vacancyPublished"]["id"],
                id,
                "[{}]",
                app.backend()
            );
        }
        drop(idle);
    }
}

#[tokio::test]
async fn shutting_down_completes_subscriptions_and_closes_connections() {
    for mut app in TestApp::all_seeded().await {
        let mut client = WsClient::connect(&app.ws_url(), json!({})).await;
        client.subscribe("a", PUBLISHED, json!({})).await;
        client
            .subscribe("b", PUBLISHED, json!({ "filter": { "country": "MA" } }))
            .await;
        wait_for_subscribers(&app, 2).await;

        app.stop.take().unwrap().send(()).unwrap();
        let mut completed = vec![client.message().await, client.message().await];
        completed.sort_by_key(|m| m["id"].as_str().unwrap_or_default().to_owned());
        assert_eq!(
            completed,
            vec![
                json!({ "type": "complete", "id": "a" }),
                json!({ "type": "complete", "id": "b" })
            ],
            "[{}]",
            app.backend()
        );
        match client.frame().await {
            Some(Message::Close(Some(frame))) => assert_eq!(u16::from(frame.code), 1001),
            other => panic!("[{}] expected a close frame, got {other:?}", app.backend()),
        }
        // Graceful shutdown finishes.
        tokio::time::timeout(PATIENCE, &mut app.server)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

#[tokio::test]
async fn a_vacancy_published_on_one_replica_reaches_a_subscriber_of_another() {
    let Some(database) = TestDatabase::postgres_only().await else {
        eprintln!("TEST_DATABASE_URL is not set: two replicas need PostgreSQL");
        return;
    };
    let shared = database.shared();
    let a = TestApp::spawn(database, true).await;
    let b = TestApp::spawn(shared, false).await;
    assert_ne!(a.address, b.address);
    let iom = a.sign_in_as(Role::Recruiter, Some("IOM")).await;

    let mut on_b = WsClient::connect(&b.ws_url(), json!({})).await;
    on_b.subscribe(
        "b",
        PUBLISHED,
        json!({ "filter": { "organisation": "IOM" } }),
    )
    .await;
    wait_for_subscribers(&b, 1).await;

    let started = std::time::Instant::now();
    let (id, _) = publish(&a, &iom, notice(&a, "SUB/REPLICA").await).await;
    let received = on_b.next("b").await;
    assert_eq!(received["data"]["vacancyPublished"]["id"], id);
    assert_eq!(
        received["data"]["vacancyPublished"]["reference"],
        "SUB/REPLICA"
    );
    eprintln!(
        "replica B heard of it {:?} after A was asked to publish",
        started.elapsed()
    );
}
