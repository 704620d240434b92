//! The retention periods housekeeping applies: applications of long-closed vacancies
//! anonymised, old webhook deliveries and mails deleted; a dry run only counts.

use entity::{account, application, mail_outbox};
use jobboard::domain::Role;
use jobboard::service::retention::{self, Retention};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

use crate::erasure::{apply, candidate, documents_of, open_vacancy, set_status};
use crate::helpers::TestApp;

/// Closes vacancy `row` `months` months ago.
async fn closed_months_ago(app: &TestApp, row: i32, months: u32) {
    let when = chrono::Utc::now() - chrono::Months::new(months);
    entity::vacancy::Entity::update_many()
        .col_expr(entity::vacancy::Column::Status, Expr::value("CLOSED"))
        .col_expr(entity::vacancy::Column::ClosingAt, Expr::value(Some(when)))
        .col_expr(entity::vacancy::Column::UpdatedAt, Expr::value(when))
        .filter(entity::vacancy::Column::Id.eq(row))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn mail(app: &TestApp, status: &str, days_ago: i64) {
    let when = chrono::Utc::now() - chrono::Duration::days(days_ago);
    mail_outbox::ActiveModel {
        kind: Set("verify_email".into()),
        recipient: Set("someone@example.org".into()),
        language: Set("en".into()),
        subject: Set("Hello".into()),
        status: Set(status.into()),
        attempts: Set(1),
        // Never due: the mail worker leaves it alone.
        next_attempt_at: Set(chrono::Utc::now() + chrono::Duration::days(1)),
        created_at: Set(when),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

/// A delivery `days_ago` days old of an inactive IOM endpoint.
async fn delivery(app: &TestApp, status: &str, days_ago: i64) {
    let (_, organisation) =
        crate::helpers::create_account(&app.db, Role::Recruiter, Some("IOM")).await;
    let now = chrono::Utc::now();
    let endpoint = entity::webhook_endpoint::ActiveModel {
        organisation_id: Set(organisation.unwrap()),
        url: Set("https://hooks.example.org/jobs".into()),
        secret: Set("sealed".into()),
        event_kinds: Set(json!(["vacancy.published"])),
        active: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let when = now - chrono::Duration::days(days_ago);
    entity::webhook_delivery::ActiveModel {
        endpoint_id: Set(endpoint.id),
        event_id: Set(uuid::Uuid::new_v4().to_string()),
        event_kind: Set("vacancy.published".into()),
        payload: Set("{}".into()),
        status: Set(status.into()),
        attempts: Set(1),
        next_attempt_at: Set(when),
        created_at: Set(when),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn retention_anonymises_applications_of_vacancies_closed_long_ago() {
    for app in TestApp::all_seeded().await {
        let (token, _) = candidate(&app, "retained@example.org").await;
        let (second, _) = candidate(&app, "hired.long.ago@example.org").await;
        let old = open_vacancy(&app, "IOM-OLD-1").await;
        let recent = open_vacancy(&app, "IOM-RECENT-1").await;
        let expired = apply(&app, &token, old).await;
        let hired = apply(&app, &second, old).await;
        set_status(&app, hired, "HIRED").await;
        let kept = apply(&app, &token, recent).await;
        let (third, held_account) = candidate(&app, "held.long.ago@example.org").await;
        let held = apply(&app, &third, old).await;
        account::Entity::update_many()
            .col_expr(
                account::Column::LegalHoldReason,
                Expr::value(Some("litigation 2026/5")),
            )
            .filter(account::Column::Id.eq(held_account))
            .exec(&app.db)
            .await
            .unwrap();
        closed_months_ago(&app, old, 25).await;
        closed_months_ago(&app, recent, 1).await;
        mail_outbox::Entity::delete_many()
            .exec(&app.db)
            .await
            .unwrap();
        mail(&app, "SENT", 31).await;
        mail(&app, "FAILED", 40).await;
        mail(&app, "PENDING", 40).await;
        mail(&app, "SENT", 2).await;
        delivery(&app, "DELIVERED", 91).await;
        delivery(&app, "FAILED", 89).await;

        let now = chrono::Utc::now();
        let dry = retention::run(&app.db, &Retention::default(), now, true)
            .await
            .unwrap();
        let expected = retention::RetentionReport {
            applications_anonymised: 1,
            documents_deleted: 1,
            webhook_deliveries_deleted: 1,
            mails_deleted: 2,
        };
        assert_eq!(dry, expected);
        assert_eq!(documents_of(&app, expired).await, 1);
        assert_eq!(mail_outbox::Entity::find().count(&app.db).await.unwrap(), 4);

        let done = retention::run(&app.db, &Retention::default(), now, false)
            .await
            .unwrap();
        assert_eq!(done, expected);
        let row = |id: i32| application::Entity::find_by_id(id).one(&app.db);
        let anonymised = row(expired).await.unwrap().unwrap();
        assert_eq!(anonymised.cover_letter, None);
        assert!(anonymised.anonymised_at.is_some());
        assert_eq!(documents_of(&app, expired).await, 0);
        for untouched in [hired, kept, held] {
            let untouched_row = row(untouched).await.unwrap().unwrap();
            assert!(untouched_row.cover_letter.is_some());
            assert_eq!(documents_of(&app, untouched).await, 1);
        }
        assert_eq!(mail_outbox::Entity::find().count(&app.db).await.unwrap(), 2);
        let deliveries = entity::webhook_delivery::Entity::find()
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(deliveries, 1);

        // Done once: the next run finds nothing.
        let again = retention::run(&app.db, &Retention::default(), now, false)
            .await
            .unwrap();
        assert!(again.is_empty(), "{again}");
    }
}
