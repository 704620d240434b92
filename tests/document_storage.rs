//! Where documents' bytes live: the database, a directory, or an S3-compatible bucket (a real
//! moto server); who may download them from each; erasing them; moving them between backends.

use entity::{application, application_document};
use jobboard::config::{DocumentBackend, ServerConfig, StorageConfig};
use jobboard::domain::document::sha256_hex;
use jobboard::domain::{Role, VacancyStatus};
use jobboard::service::application::delete_for_applications;
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

use crate::helpers::{vacancy_id, TestApp, TestDatabase, VacancyBuilder};
use crate::s3::MotoServer;

const APPLY: &str = "mutation ($input: ApplyInput!, $documents: [DocumentUploadInput!]) { applyToVacancy(input: $input, documents: $documents) { id documents { sha256 downloadUrl } } }";

/// A PDF of `len` bytes whose content says `tag`.
fn pdf(tag: &str, len: usize) -> Vec<u8> {
    let mut bytes =
        format!("%PDF-1.4\n%\u{e2}\n% {tag}\n1 0 obj << /Type /Catalog >> endobj\n").into_bytes();
    bytes.resize(len.max(bytes.len()), b' ');
    bytes
}

async fn spawn(database: TestDatabase, storage: StorageConfig) -> TestApp {
    let mut config = ServerConfig::for_database(database.url());
    config.seed_demo_data = Some(true);
    config.storage = storage;
    TestApp::spawn_with(database, config).await
}

/// A published IOM notice open for a month: its global ID.
async fn open_vacancy(app: &TestApp, reference: &str) -> String {
    let row = VacancyBuilder::new("IOM", reference)
        .status(VacancyStatus::Published)
        .published_at(chrono::Utc::now())
        .closing_in(chrono::Duration::days(30))
        .insert(&app.db)
        .await;
    vacancy_id(row)
}

/// Applies with one CV as a GraphQL multipart request: the response body.
async fn apply(app: &TestApp, token: &str, vacancy: &str, cv: &[u8]) -> Value {
    let input = json!({
        "vacancyId": vacancy,
        "residenceCountry": "MA",
        "educationLevel": "BACHELOR",
        "yearsExperience": 6,
        "languages": [{ "language": "en", "level": "FLUENT" }],
        "referees": []
    });
    let operations = json!({
        "query": APPLY,
        "variables": { "input": input, "documents": [{ "kind": "CV", "file": null }] },
    });
    let form = Form::new()
        .text("operations", operations.to_string())
        .text(
            "map",
            json!({ "0": ["variables.documents.0.file"] }).to_string(),
        )
        .part(
            "0",
            Part::bytes(cv.to_vec())
                .file_name("cv.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let response = app
        .client
        .post(app.url("/graphql"))
        .multipart(form)
        .header("GraphQL-Require-Preflight", "1")
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "[{}]", app.backend());
    response.json().await.unwrap()
}

/// Applies and expects success: the application's global ID and its CV's download path.
async fn apply_ok(app: &TestApp, token: &str, vacancy: &str, cv: &[u8]) -> (String, String) {
    let body = apply(app, token, vacancy, cv).await;
    assert!(body.get("errors").is_none(), "[{}] {body}", app.backend());
    let applied = &body["data"]["applyToVacancy"];
    (
        applied["id"].as_str().unwrap().to_owned(),
        applied["documents"][0]["downloadUrl"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

/// GETs a document as `token`: the status and the body.
async fn download(app: &TestApp, token: &str, path: &str) -> (u16, Vec<u8>) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn documents(app: &TestApp) -> Vec<application_document::Model> {
    application_document::Entity::find()
        .order_by_asc(application_document::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn s3_documents_are_in_the_bucket_downloaded_by_their_readers_only_and_erased() {
    let moto = MotoServer::start().await;
    for database in TestDatabase::all().await {
        let bucket = moto.bucket().await;
        let app = spawn(database, moto.storage(&bucket, DocumentBackend::S3)).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let stranger = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let vacancy = open_vacancy(&app, "IOM-S3-1").await;
        let cv = pdf("s3", 20_000);

        let (_, path) = apply_ok(&app, &candidate, &vacancy, &cv).await;

        let objects = moto.objects(&bucket).await;
        assert_eq!(objects.len(), 1, "[{}]", app.backend());
        assert_eq!(objects[0].1, cv, "[{}]", app.backend());
        let rows = documents(&app).await;
        assert_eq!(
            rows[0].content,
            None,
            "[{}] no copy in the row",
            app.backend()
        );
        assert_eq!(
            rows[0].storage_path.as_deref(),
            Some(format!("s3://{bucket}/{}", objects[0].0).as_str())
        );
        for reader in [&recruiter, &candidate] {
            assert_eq!(
                download(&app, reader, &path).await,
                (200, cv.clone()),
                "[{}]",
                app.backend()
            );
        }
        assert_eq!(
            download(&app, &stranger, &path).await.0,
            404,
            "[{}]",
            app.backend()
        );

        delete_for_applications(&app.db, &[rows[0].application_id])
            .await
            .unwrap();
        assert!(
            moto.objects(&bucket).await.is_empty(),
            "[{}]",
            app.backend()
        );
        assert!(documents(&app).await.is_empty(), "[{}]", app.backend());
        // Erasing again finds nothing left to do.
        delete_for_applications(&app.db, &[rows[0].application_id])
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn with_the_bucket_down_applying_fails_cleanly_and_downloads_answer_503() {
    let mut moto = MotoServer::start().await;
    let bucket = moto.bucket().await;
    let database = TestDatabase::all().await.remove(0);
    let app = spawn(database, moto.storage(&bucket, DocumentBackend::S3)).await;
    let candidate = app.sign_in_as(Role::Candidate, None).await;
    let first = open_vacancy(&app, "IOM-S3-UP").await;
    let second = open_vacancy(&app, "IOM-S3-DOWN").await;
    let (_, path) = apply_ok(&app, &candidate, &first, &pdf("up", 3_000)).await;

    moto.stop();

    let body = apply(&app, &candidate, &second, &pdf("down", 3_000)).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "STORAGE_UNAVAILABLE",
        "{body}"
    );
    assert_eq!(
        application::Entity::find().count(&app.db).await.unwrap(),
        1,
        "no second application was written"
    );
    assert_eq!(documents(&app).await.len(), 1);
    let (status, message) = download(&app, &candidate, &path).await;
    assert_eq!(status, 503);
    assert!(
        String::from_utf8_lossy(&message).contains("storage is unavailable"),
        "{}",
        String::from_utf8_lossy(&message)
    );
}

#[tokio::test]
async fn documents_move_from_the_database_to_s3_and_back_without_losing_a_byte() {
    let moto = MotoServer::start().await;
    for database in TestDatabase::all().await {
        let bucket = moto.bucket().await;
        let url = database.url();
        // The server writes to the database and can read the bucket.
        let app = spawn(database, moto.storage(&bucket, DocumentBackend::Database)).await;
        let vacancy = open_vacancy(&app, "IOM-MOVE-1").await;
        let mut cvs = Vec::new();
        let mut paths = Vec::new();
        for i in 0..3 {
            let candidate = app.sign_in_as(Role::Candidate, None).await;
            let cv = pdf(&format!("move {i}"), 4_000 + i * 1_000);
            paths.push((apply_ok(&app, &candidate, &vacancy, &cv).await.1, candidate));
            cvs.push(cv);
        }
        let before = documents(&app).await;
        assert!(before.iter().all(|d| d.content.is_some()));
        // A copy a crashed run left behind under the key this one writes is overwritten.
        let store = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&bucket)
            .with_endpoint(&moto.endpoint)
            .with_region("us-east-1")
            .with_access_key_id("testing")
            .with_secret_access_key("testing")
            .with_allow_http(true)
            .build()
            .unwrap();
        object_store::ObjectStoreExt::put(
            &store,
            &format!("documents/{}-{}", before[0].id, before[0].sha256).into(),
            b"half a copy".to_vec().into(),
        )
        .await
        .unwrap();

        let mut config = ServerConfig::for_database(url);
        crate::helpers::behind_pooler(&mut config);
        config.storage = moto.storage(&bucket, DocumentBackend::Database);
        let report = jobboard::cli::move_documents(&config, DocumentBackend::S3)
            .await
            .unwrap();
        assert_eq!((report.moved, report.already, report.failed), (3, 0, 0));
        let objects = moto.objects(&bucket).await;
        assert_eq!(objects.len(), 3, "[{}]", app.backend());
        for (row, (key, bytes)) in documents(&app).await.iter().zip(&objects) {
            assert_eq!(row.content, None);
            assert_eq!(
                row.storage_path.as_deref(),
                Some(format!("s3://{bucket}/{key}").as_str())
            );
            assert_eq!(sha256_hex(bytes), row.sha256);
        }
        for ((path, token), cv) in paths.iter().zip(&cvs) {
            assert_eq!(download(&app, token, path).await, (200, cv.clone()));
        }
        // Run again: nothing left to move.
        let again = jobboard::cli::move_documents(&config, DocumentBackend::S3)
            .await
            .unwrap();
        assert_eq!((again.moved, again.already, again.failed), (0, 3, 0));

        let back = jobboard::cli::move_documents(&config, DocumentBackend::Database)
            .await
            .unwrap();
        assert_eq!((back.moved, back.failed), (3, 0));
        assert!(
            moto.objects(&bucket).await.is_empty(),
            "[{}]",
            app.backend()
        );
        let after = documents(&app).await;
        for (row, cv) in after.iter().zip(&cvs) {
            assert_eq!(row.storage_path, None);
            assert_eq!(row.content.as_deref(), Some(cv.as_slice()));
        }
        assert_eq!(
            before.iter().map(|d| &d.sha256).collect::<Vec<_>>(),
            after.iter().map(|d| &d.sha256).collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn directory_documents_are_files_read_back_erased_and_moved() {
    for database in TestDatabase::all().await {
        let dir = std::env::temp_dir().join(format!(
            "jobboard-documents-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let url = database.url();
        let storage = StorageConfig {
            document_storage: DocumentBackend::Directory,
            document_dir: Some(dir.clone()),
            ..StorageConfig::default()
        };
        let app = spawn(database, storage.clone()).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let stranger = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let vacancy = open_vacancy(&app, "IOM-DIR-1").await;
        let mut applications = Vec::new();
        for i in 0..2 {
            let candidate = app.sign_in_as(Role::Candidate, None).await;
            let cv = pdf(&format!("dir {i}"), 5_000);
            let (_, path) = apply_ok(&app, &candidate, &vacancy, &cv).await;
            applications.push((path, cv));
        }
        let rows = documents(&app).await;
        for (row, (path, cv)) in rows.iter().zip(&applications) {
            assert_eq!(row.content, None, "[{}]", app.backend());
            let file = row.storage_path.as_deref().unwrap().strip_prefix("file:");
            let file = std::path::PathBuf::from(file.unwrap());
            assert!(file.starts_with(dir.canonicalize().unwrap()));
            assert_eq!(&std::fs::read(&file).unwrap(), cv);
            assert_eq!(download(&app, &recruiter, path).await, (200, cv.clone()));
            assert_eq!(download(&app, &stranger, path).await.0, 404);
        }

        // The first is erased: its file goes with its row.
        let erased = std::path::PathBuf::from(&rows[0].storage_path.as_deref().unwrap()[5..]);
        delete_for_applications(&app.db, &[rows[0].application_id])
            .await
            .unwrap();
        assert!(!erased.exists(), "[{}]", app.backend());
        assert_eq!(documents(&app).await.len(), 1);

        // The other moves into the database, and its file goes.
        let mut config = ServerConfig::for_database(url);
        crate::helpers::behind_pooler(&mut config);
        config.storage = storage;
        let report = jobboard::cli::move_documents(&config, DocumentBackend::Database)
            .await
            .unwrap();
        assert_eq!((report.moved, report.failed), (1, 0));
        let moved = documents(&app).await.remove(0);
        assert_eq!(moved.content.as_deref(), Some(applications[1].1.as_slice()));
        assert_eq!(
            std::fs::read_dir(dir.join("documents")).unwrap().count(),
            0,
            "[{}]",
            app.backend()
        );
        let (path, cv) = &applications[1];
        assert_eq!(download(&app, &recruiter, path).await, (200, cv.clone()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test]
async fn deleting_documents_of_applications_in_the_database_deletes_their_rows_only() {
    for app in TestApp::all_seeded().await {
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let other = app.sign_in_as(Role::Candidate, None).await;
        let vacancy = open_vacancy(&app, "IOM-DB-1").await;
        apply_ok(&app, &candidate, &vacancy, &pdf("a", 2_000)).await;
        apply_ok(&app, &other, &vacancy, &pdf("b", 2_000)).await;
        let rows = documents(&app).await;
        delete_for_applications(&app.db, &[rows[0].application_id])
            .await
            .unwrap();
        let left = documents(&app).await;
        assert_eq!(left.len(), 1, "[{}]", app.backend());
        assert_eq!(left[0].id, rows[1].id);
        assert_eq!(
            application::Entity::find()
                .filter(application::Column::Id.eq(rows[0].application_id))
                .count(&app.db)
                .await
                .unwrap(),
            1,
            "the application itself stays"
        );
    }
}

#[tokio::test]
async fn an_apply_whose_transaction_fails_leaves_no_object_in_the_bucket() {
    let moto = MotoServer::start().await;
    let bucket = moto.bucket().await;
    let database = TestDatabase::all().await.remove(0);
    let app = spawn(database, moto.storage(&bucket, DocumentBackend::S3)).await;
    let candidate = app.sign_in_as(Role::Candidate, None).await;
    let vacancy = open_vacancy(&app, "IOM-S3-RACE").await;
    // The same candidate applies four times at once: each passes the early duplicate check and
    // writes its CV before the transactions race; the losers' inserts fail on the unique key.
    let cvs: Vec<Vec<u8>> = (0..4).map(|i| pdf(&format!("race {i}"), 3_000)).collect();
    let bodies =
        futures::future::join_all(cvs.iter().map(|cv| apply(&app, &candidate, &vacancy, cv))).await;
    let refused: Vec<&Value> = bodies
        .iter()
        .filter_map(|body| body.get("errors"))
        .collect();
    assert_eq!(refused.len(), 3, "{bodies:?}");
    for errors in refused {
        assert_eq!(errors[0]["extensions"]["code"], "CONFLICT", "{errors}");
    }
    let objects = moto.objects(&bucket).await;
    assert_eq!(
        objects.len(),
        1,
        "only the application written keeps its CV"
    );
    assert_eq!(
        documents(&app).await[0].storage_path.as_deref(),
        Some(format!("s3://{bucket}/{}", objects[0].0).as_str())
    );
}

#[tokio::test]
async fn documents_move_refuses_a_copy_that_does_not_match_its_sha256() {
    let database = TestDatabase::all().await.remove(0);
    let dir = std::env::temp_dir().join(format!(
        "jobboard-documents-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let url = database.url();
    let storage = StorageConfig {
        document_storage: DocumentBackend::Directory,
        document_dir: Some(dir.clone()),
        ..StorageConfig::default()
    };
    let app = spawn(database, storage.clone()).await;
    let candidate = app.sign_in_as(Role::Candidate, None).await;
    let vacancy = open_vacancy(&app, "IOM-DIR-BAD").await;
    apply_ok(&app, &candidate, &vacancy, &pdf("original", 3_000)).await;
    let before = documents(&app).await.remove(0);
    let file = before.storage_path.as_deref().unwrap()["file:".len()..].to_owned();
    std::fs::write(&file, pdf("tampered", 3_000)).unwrap();

    let mut config = ServerConfig::for_database(url);
    crate::helpers::behind_pooler(&mut config);
    config.storage = storage;
    let refused = jobboard::cli::move_documents(&config, DocumentBackend::Database).await;
    assert!(refused.unwrap_err().contains("1 failed"));
    assert_eq!(
        documents(&app).await.remove(0),
        before,
        "the row is left as it was"
    );
    assert!(std::path::Path::new(&file).exists());
    let _ = std::fs::remove_dir_all(&dir);
}
