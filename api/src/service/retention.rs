//! Retention: what is kept only for a while. Housekeeping runs it every minute; the `retention`
//! command runs it once, or says what would go (`--dry-run`).
//!
//! - Applications to a vacancy closed longer ago than the retention period are anonymised as
//!   erasure anonymises them (`service::application::anonymise`: documents deleted through
//!   `documents::delete_for_applications`), unless HIRED or their candidate's account is under
//!   legal hold. A vacancy counts as closed from its closing instant, or, closed, archived or
//!   cancelled by hand, from its last change (never earlier than it really closed).
//! - Webhook deliveries delivered or failed, and mails sent or failed, are deleted after their
//!   own periods; pending ones are left to their workers.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Duration, Months, Utc};
use entity::{account, application, application_document, mail_outbox, vacancy, webhook_delivery};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};
use serde_json::json;

use crate::auth::Actor;
use crate::domain::{ApplicationStatus, MailStatus, VacancyStatus, WebhookDeliveryStatus};
use crate::error::AppResult;
use crate::service::application::anonymise;
use crate::service::audit::{self, AuditEntry};

/// How many applications one transaction anonymises.
const BATCH: u64 = 200;

/// The retention periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub months_after_closing: u32,
    pub webhook_delivery_days: u32,
    pub mail_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            months_after_closing: 24,
            webhook_delivery_days: 90,
            mail_days: 30,
        }
    }
}

/// What went (or, in a dry run, would go), by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub applications_anonymised: u64,
    pub documents_deleted: u64,
    pub webhook_deliveries_deleted: u64,
    pub mails_deleted: u64,
}

impl RetentionReport {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl fmt::Display for RetentionReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "applications anonymised: {}, documents deleted: {}, webhook deliveries deleted: {}, \
             mails deleted: {}",
            self.applications_anonymised,
            self.documents_deleted,
            self.webhook_deliveries_deleted,
            self.mails_deleted
        )
    }
}

/// Applies the retention periods as of `now`; with `dry_run`, only counts.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn run(
    db: &DatabaseConnection,
    retention: &Retention,
    now: DateTime<Utc>,
    dry_run: bool,
) -> AppResult<RetentionReport> {
    let cutoff = now
        .checked_sub_months(Months::new(retention.months_after_closing))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut report = if dry_run {
        let ids: Vec<i32> = due_applications(cutoff)
            .select_only()
            .column(application::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        RetentionReport {
            applications_anonymised: ids.len() as u64,
            documents_deleted: count_documents(db, &ids).await?,
            ..RetentionReport::default()
        }
    } else {
        anonymise_due(db, cutoff, retention.months_after_closing, now).await?
    };
    let deliveries = Condition::all()
        .add(webhook_delivery::Column::Status.ne(WebhookDeliveryStatus::Pending.as_str()))
        .add(
            webhook_delivery::Column::CreatedAt
                .lt(now - Duration::days(i64::from(retention.webhook_delivery_days))),
        );
    let mails = Condition::all()
        .add(
            mail_outbox::Column::Status
                .is_in([MailStatus::Sent.as_str(), MailStatus::Failed.as_str()]),
        )
        .add(
            mail_outbox::Column::CreatedAt.lt(now - Duration::days(i64::from(retention.mail_days))),
        );
    if dry_run {
        report.webhook_deliveries_deleted = webhook_delivery::Entity::find()
            .filter(deliveries)
            .count(db)
            .await?;
        report.mails_deleted = mail_outbox::Entity::find().filter(mails).count(db).await?;
    } else {
        report.webhook_deliveries_deleted = webhook_delivery::Entity::delete_many()
            .filter(deliveries)
            .exec(db)
            .await?
            .rows_affected;
        report.mails_deleted = mail_outbox::Entity::delete_many()
            .filter(mails)
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(report)
}

/// Applications not anonymised yet, to vacancies closed before `cutoff`, under no legal hold.
fn due_applications(cutoff: DateTime<Utc>) -> Select<application::Entity> {
    let closed_by_hand = [
        VacancyStatus::Closed.as_str(),
        VacancyStatus::Archived.as_str(),
        VacancyStatus::Cancelled.as_str(),
    ];
    application::Entity::find()
        .join(JoinType::InnerJoin, application::Relation::Vacancy.def())
        .join(JoinType::InnerJoin, application::Relation::Candidate.def())
        .filter(application::Column::AnonymisedAt.is_null())
        .filter(application::Column::Status.ne(ApplicationStatus::Hired.as_str()))
        .filter(account::Column::LegalHoldReason.is_null())
        .filter(
            Condition::any()
                .add(vacancy::Column::ClosingAt.lt(cutoff))
                .add(
                    Condition::all()
                        .add(vacancy::Column::Status.is_in(closed_by_hand))
                        .add(vacancy::Column::UpdatedAt.lt(cutoff)),
                ),
        )
}

async fn count_documents(conn: &impl ConnectionTrait, ids: &[i32]) -> AppResult<u64> {
    let mut total = 0;
    for chunk in ids.chunks(500) {
        total += application_document::Entity::find()
            .filter(application_document::Column::ApplicationId.is_in(chunk.iter().copied()))
            .count(conn)
            .await?;
    }
    Ok(total)
}

/// Anonymises what is due, a batch per transaction, each with one audit row per vacancy.
async fn anonymise_due(
    db: &DatabaseConnection,
    cutoff: DateTime<Utc>,
    months: u32,
    now: DateTime<Utc>,
) -> AppResult<RetentionReport> {
    let mut report = RetentionReport::default();
    loop {
        let txn = crate::db::begin_write(db).await?;
        let due: Vec<(i32, i32, i32)> = due_applications(cutoff)
            .select_only()
            .column(application::Column::Id)
            .column(application::Column::VacancyId)
            .column(vacancy::Column::OrganisationId)
            .order_by_asc(application::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&txn)
            .await?;
        if due.is_empty() {
            return Ok(report);
        }
        let ids: Vec<i32> = due.iter().map(|(id, _, _)| *id).collect();
        report.documents_deleted += count_documents(&txn, &ids).await?;
        report.applications_anonymised += anonymise(&txn, &ids, now).await?;
        let mut by_vacancy: BTreeMap<(i32, i32), u64> = BTreeMap::new();
        for (_, vacancy, organisation) in &due {
            *by_vacancy.entry((*vacancy, *organisation)).or_default() += 1;
        }
        for ((vacancy, organisation), count) in by_vacancy {
            audit::record(
                &txn,
                &Actor::Anonymous,
                AuditEntry {
                    organisation_id: Some(organisation),
                    entity_type: "vacancy",
                    entity_id: vacancy,
                    action: "anonymise_applications",
                    changes: json!({ "applications": count, "retentionMonths": months }),
                },
            )
            .await?;
        }
        txn.commit().await?;
    }
}
