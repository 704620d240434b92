//! Saved-search alerts: the vacancies newly matching a search whose owner asked for alerts are
//! mailed to them, each vacancy once per search. Every replica runs [`send_due_alerts`]; a
//! search's run claims it with a conditional update, so one replica mails it.

use chrono::{DateTime, Duration, Utc};
use entity::{account, organisation, saved_search, saved_search_alert, vacancy};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use serde::Serialize;

use super::filter_of;
use crate::auth::Actor;
use crate::domain::WrittenLanguage;
use crate::domain::{AlertFrequency, Role};
use crate::error::AppResult;
use crate::service::mail::{Mail, MailKind, Mailer, Unsubscribe};
use crate::service::notice_facts::{
    closing_line, duty_stations_line, duty_stations_of, language_of, organisation_name, texts_of,
    title_in,
};
use crate::service::vacancy::{self as vacancies, VacancyFilter};

/// The most vacancies one alert lists (the newest are left for the search's own page).
const MAX_PER_ALERT: u64 = 50;
/// How long a daily alert waits after it last looked.
const DAILY: Duration = Duration::hours(24);
/// How far behind the clock a run looks again: a vacancy published (stamped) just before a
/// run but committed after it is still found by the next one; `saved_search_alert` keeps it
/// from being announced twice.
const COMMIT_LAG: Duration = Duration::minutes(10);

/// A vacancy as an alert lists it.
#[derive(Serialize)]
struct Listed {
    title: String,
    organisation: String,
    duty_stations: String,
    closing: String,
    link: String,
}

/// Mails every due saved-search alert: `INSTANT` ones at each run, `DAILY` ones a day after
/// they last looked; only to active owners whose address is verified. Returns how many mails
/// were queued. A search that fails is logged and left for the next run.
pub async fn send_due_alerts(
    db: &DatabaseConnection,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let due = saved_search::Entity::find()
        .filter(
            Condition::any()
                .add(saved_search::Column::Alert.eq(AlertFrequency::Instant.as_str()))
                .add(
                    Condition::all()
                        .add(saved_search::Column::Alert.eq(AlertFrequency::Daily.as_str()))
                        .add(
                            Condition::any()
                                .add(saved_search::Column::AlertCheckedAt.is_null())
                                .add(saved_search::Column::AlertCheckedAt.lte(now - DAILY)),
                        ),
                ),
        )
        .find_also_related(account::Entity)
        .filter(account::Column::Active.eq(true))
        .filter(account::Column::EmailVerifiedAt.is_not_null())
        .order_by_asc(saved_search::Column::Id)
        .all(db)
        .await?;
    let mut sent = 0;
    for (search, owner) in due {
        let Some(owner) = owner else { continue };
        match alert_one(db, mailer, &search, &owner, now).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(%error, saved_search = search.id, "could not send a saved-search alert");
            }
        }
    }
    Ok(sent)
}

/// Runs one search's alert in one transaction; whether a mail was queued.
async fn alert_one(
    db: &DatabaseConnection,
    mailer: &Mailer,
    search: &saved_search::Model,
    owner: &account::Model,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let since = search.alerted_through.unwrap_or(search.created_at);
    let txn = crate::db::begin_write(db).await?;
    if !claim(&txn, search, since.max(now - COMMIT_LAG), now).await? {
        // Another replica ran it since it was read.
        return Ok(false);
    }
    let found = new_matches(&txn, search, owner, since, now).await?;
    if found.is_empty() {
        txn.commit().await?;
        return Ok(false);
    }
    for row in &found {
        saved_search_alert::ActiveModel {
            saved_search_id: Set(search.id),
            vacancy_id: Set(row.id),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let language = language_of(owner);
    let vacancies = listed(&txn, mailer, &found, language).await?;
    mailer
        .queue(
            &txn,
            Mail {
                kind: MailKind::SavedSearchAlert,
                to: owner.email.clone(),
                language,
                context: serde_json::json!({
                    "name": owner.full_name,
                    "search_name": search.name,
                    "vacancies": vacancies,
                }),
                unsubscribe: Some(
                    mailer.unsubscribe_link(Unsubscribe::SavedSearch { id: search.id }, language),
                ),
            },
        )
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// Moves the search's alert bookkeeping on, if nobody did since it was read.
async fn claim(
    txn: &DatabaseTransaction,
    search: &saved_search::Model,
    through: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    use saved_search::Column as C;

    let checked = match search.alert_checked_at {
        Some(at) => C::AlertCheckedAt.eq(at),
        None => C::AlertCheckedAt.is_null(),
    };
    let result = saved_search::Entity::update_many()
        .col_expr(C::AlertCheckedAt, Expr::value(now))
        .col_expr(C::AlertedThrough, Expr::value(through))
        .filter(C::Id.eq(search.id))
        .filter(C::Alert.eq(search.alert.clone()))
        .filter(checked)
        .exec(txn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The open vacancies its owner may see that match the search, published after `since` and not
/// yet announced to it, oldest first.
async fn new_matches(
    txn: &DatabaseTransaction,
    search: &saved_search::Model,
    owner: &account::Model,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<vacancy::Model>> {
    let Some(role) = Role::parse(&owner.role) else {
        return Ok(Vec::new());
    };
    let actor = Actor::Account {
        id: owner.id,
        role,
        organisation_id: owner.organisation_id,
        session_id: None,
        email_verified: true,
    };
    let filter = VacancyFilter {
        published_after: Some(since),
        open_only: true,
        ..filter_of(search)?
    };
    let words = vacancies::checked(&filter)?;
    let announced = saved_search_alert::Entity::find()
        .select_only()
        .column(saved_search_alert::Column::VacancyId)
        .filter(saved_search_alert::Column::SavedSearchId.eq(search.id))
        .into_query();
    Ok(
        vacancies::visible_select(&actor, &filter, &words, now, txn.get_database_backend())
            .filter(vacancy::Column::Id.not_in_subquery(announced))
            .order_by_asc(vacancy::Column::PublishedAt)
            .order_by_asc(vacancy::Column::Id)
            .limit(MAX_PER_ALERT)
            .all(txn)
            .await?,
    )
}

/// What the alert says of each vacancy, in the owner's language.
async fn listed(
    txn: &DatabaseTransaction,
    mailer: &Mailer,
    found: &[vacancy::Model],
    language: WrittenLanguage,
) -> AppResult<Vec<Listed>> {
    let ids: Vec<i32> = found.iter().map(|v| v.id).collect();
    let texts = texts_of(txn, &ids).await?;
    let stations = duty_stations_of(txn, &ids).await?;
    let organisations = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(found.iter().map(|v| v.organisation_id)))
        .all(txn)
        .await?;
    Ok(found
        .iter()
        .map(|v| Listed {
            title: title_in(&texts, v, language),
            organisation: organisations
                .iter()
                .find(|o| o.id == v.organisation_id)
                .map(|o| organisation_name(o, language).to_owned())
                .unwrap_or_default(),
            duty_stations: duty_stations_line(&stations, v.id, language),
            closing: closing_line(v),
            link: v
                .apply_url
                .clone()
                .unwrap_or_else(|| mailer.page(&format!("/vacancies/{}/jobposting.json", v.id))),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_is_written_in_the_notices_time_zone() {
        let at = DateTime::parse_from_rfc3339("2026-12-31T22:59:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let v = vacancy::Model {
            id: 1,
            organisation_id: 1,
            project_id: None,
            reference: "R".into(),
            external_job_id: None,
            unit: None,
            authoritative_language: "en".into(),
            grade: None,
            grade_category: None,
            contract_type: None,
            duration_months: None,
            renewable: None,
            positions: 1,
            open_to_internal: true,
            open_to_external: true,
            internal_first: false,
            residency: "NONE".into(),
            nationality_rule: "NONE".into(),
            nationality_countries: None,
            is_sample: false,
            time_zone: "Africa/Casablanca".into(),
            published_at: None,
            closing_at: Some(at),
            start_on: None,
            start_asap: false,
            apply_email: None,
            apply_url: None,
            apply_email_subject: None,
            working_language: None,
            job_family: None,
            department: None,
            accommodation_contact: None,
            stated_publication_date: None,
            status: "PUBLISHED".into(),
            version: 1,
            created_at: at,
            updated_at: at,
        };
        assert_eq!(closing_line(&v), "2026-12-31 23:59 (Africa/Casablanca)");
        let midnight = DateTime::parse_from_rfc3339("2025-06-03T22:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let geneva = vacancy::Model {
            time_zone: "Europe/Zurich".into(),
            closing_at: Some(midnight),
            ..v
        };
        assert_eq!(closing_line(&geneva), "2025-06-03 24:00 (Europe/Zurich)");
    }
}
