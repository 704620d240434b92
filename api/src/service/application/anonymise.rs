//! Anonymising applications, for the erasure of their candidate and at the end of the
//! retention period. What goes and what stays, field by field:
//!
//! - deleted: documents (through `documents::delete_for_applications`), referees, declared
//!   languages, and the answers written as free text;
//! - blanked: the cover letter, the field of education, the country of residence, the
//!   nationality (stated only for a notice with a nationality rule), and the notes
//!   recruiters wrote on its status changes (they may describe the person);
//! - kept, for the agencies' statistics and the record of decisions: the vacancy, the status and
//!   its history (who moved it, when), the dates, the education level, the years of experience,
//!   whether the candidate was internal, the eligibility assessed when it was submitted, and the
//!   answers that are a choice, a yes or no, or a number.
//!
//! An application done once is skipped afterwards (`anonymised_at`).

use chrono::{DateTime, Utc};
use entity::application_referee;
use entity::{application, application_answer, application_event, application_language};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::documents;
use crate::error::AppResult;

/// Anonymises those of `application_ids` not anonymised yet, on the caller's transaction.
/// Returns how many were.
#[tracing::instrument(level = "debug", skip(conn))]
pub async fn anonymise(
    conn: &impl ConnectionTrait,
    application_ids: &[i32],
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let ids: Vec<i32> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .filter(application::Column::Id.is_in(application_ids.iter().copied()))
        .filter(application::Column::AnonymisedAt.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    documents::delete_for_applications(conn, &ids).await?;
    application_referee::Entity::delete_many()
        .filter(application_referee::Column::ApplicationId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    application_language::Entity::delete_many()
        .filter(application_language::Column::ApplicationId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    let written: Vec<i32> = application_answer::Entity::find()
        .filter(application_answer::Column::ApplicationId.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .filter(|answer| answer.value.is_string())
        .map(|answer| answer.id)
        .collect();
    if !written.is_empty() {
        application_answer::Entity::delete_many()
            .filter(application_answer::Column::Id.is_in(written))
            .exec(conn)
            .await?;
    }
    application_event::Entity::update_many()
        .col_expr(application_event::Column::Note, Expr::value(None::<String>))
        .filter(application_event::Column::ApplicationId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    let result = application::Entity::update_many()
        .col_expr(
            application::Column::CoverLetter,
            Expr::value(None::<String>),
        )
        .col_expr(
            application::Column::EducationField,
            Expr::value(None::<String>),
        )
        .col_expr(application::Column::ResidenceCountry, Expr::value(""))
        .col_expr(
            application::Column::Nationality,
            Expr::value(None::<String>),
        )
        .col_expr(application::Column::AnonymisedAt, Expr::value(Some(now)))
        .filter(application::Column::Id.is_in(ids.iter().copied()))
        .filter(application::Column::AnonymisedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
