//! The recruiters' daily digest: to each recruiter or agency admin who asked for it, once a day,
//! how many applications each of their organisation's vacancies received since the last one.
//! Every replica runs [`send_due_digests`]; an account's digest is claimed with a conditional
//! update, so one replica mails it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use entity::{account, application, organisation, vacancy};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use serde::Serialize;

use crate::domain::Role;
use crate::error::AppResult;
use crate::service::mail::{Mail, MailKind, Mailer, Unsubscribe};
use crate::service::notice_facts::{language_of, organisation_name, texts_of, title_in};

/// How often a digest goes out.
const EVERY: Duration = Duration::hours(24);

/// One vacancy's line in a digest.
#[derive(Serialize)]
struct Line {
    title: String,
    reference: String,
    count: i64,
}

/// Mails every due digest: to active, verified recruiters and agency admins who opted in, a day
/// after their last one (the first covers the last day). A digest with no new application is
/// not sent, but its day counts. Returns how many mails were queued.
pub async fn send_due_digests(
    db: &DatabaseConnection,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let due = account::Entity::find()
        .filter(account::Column::RecruiterDigest.eq(true))
        .filter(account::Column::Active.eq(true))
        .filter(account::Column::EmailVerifiedAt.is_not_null())
        .filter(account::Column::OrganisationId.is_not_null())
        .filter(account::Column::Role.is_in([Role::Recruiter.as_str(), Role::AgencyAdmin.as_str()]))
        .filter(
            Condition::any()
                .add(account::Column::DigestSentThrough.is_null())
                .add(account::Column::DigestSentThrough.lte(now - EVERY)),
        )
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?;
    let mut sent = 0;
    for recruiter in due {
        match digest_one(db, mailer, &recruiter, now).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(%error, account = recruiter.id, "could not send a digest");
            }
        }
    }
    Ok(sent)
}

/// One recruiter's digest, in one transaction; whether a mail was queued.
async fn digest_one(
    db: &DatabaseConnection,
    mailer: &Mailer,
    recruiter: &account::Model,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let Some(organisation_id) = recruiter.organisation_id else {
        return Ok(false);
    };
    let since = recruiter.digest_sent_through.unwrap_or(now - EVERY);
    let txn = crate::db::begin_write(db).await?;
    if !claim(&txn, recruiter, now).await? {
        return Ok(false);
    }
    let counts: Vec<(i32, i64)> = application::Entity::find()
        .select_only()
        .column(application::Column::VacancyId)
        .column_as(application::Column::Id.count(), "count")
        .join(JoinType::InnerJoin, application::Relation::Vacancy.def())
        .filter(vacancy::Column::OrganisationId.eq(organisation_id))
        .filter(application::Column::SubmittedAt.gt(since))
        .filter(application::Column::SubmittedAt.lte(now))
        .group_by(application::Column::VacancyId)
        .into_tuple()
        .all(&txn)
        .await?;
    if counts.is_empty() {
        txn.commit().await?;
        return Ok(false);
    }
    let counts: BTreeMap<i32, i64> = counts.into_iter().collect();
    let ids: Vec<i32> = counts.keys().copied().collect();
    let vacancies = vacancy::Entity::find()
        .filter(vacancy::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(vacancy::Column::Reference)
        .all(&txn)
        .await?;
    let texts = texts_of(&txn, &ids).await?;
    let language = language_of(recruiter);
    let lines: Vec<Line> = vacancies
        .iter()
        .map(|v| Line {
            title: title_in(&texts, v, language),
            reference: v.reference.clone(),
            count: counts.get(&v.id).copied().unwrap_or(0),
        })
        .collect();
    let organisation = organisation::Entity::find_by_id(organisation_id)
        .one(&txn)
        .await?
        .map(|org| organisation_name(&org, language).to_owned())
        .unwrap_or_default();
    mailer
        .queue(
            &txn,
            Mail {
                kind: MailKind::RecruiterDigest,
                to: recruiter.email.clone(),
                language,
                context: serde_json::json!({
                    "name": recruiter.full_name,
                    "organisation": organisation,
                    "total": lines.iter().map(|line| line.count).sum::<i64>(),
                    "vacancies": lines,
                }),
                unsubscribe: Some(mailer.unsubscribe_link(
                    Unsubscribe::RecruiterDigest {
                        account: recruiter.id,
                    },
                    language,
                )),
            },
        )
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// Moves the account's digest on to `now`, if no other replica did since it was read.
async fn claim(
    txn: &DatabaseTransaction,
    recruiter: &account::Model,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let update = account::Entity::update_many()
        .col_expr(account::Column::DigestSentThrough, Expr::value(Some(now)))
        .filter(account::Column::Id.eq(recruiter.id));
    let update = match recruiter.digest_sent_through {
        Some(read) => update.filter(account::Column::DigestSentThrough.eq(read)),
        None => update.filter(account::Column::DigestSentThrough.is_null()),
    };
    Ok(update.exec(txn).await?.rows_affected == 1)
}
