//! A vacancy's applications as one table, for an HR tool.

use entity::{account, application, application_language};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::access::{record, Accessed};
use super::documents::documents_of;
use super::own_vacancy;
use super::screening::eligibility_of;
use crate::auth::Actor;
use crate::domain::ApplicationAccessKind;
use crate::error::AppResult;

/// One line of a vacancy's export.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub application: application::Model,
    pub candidate_name: String,
    pub candidate_email: String,
    pub languages: Vec<(String, String)>,
    pub eligible: bool,
    pub unmet: Vec<String>,
    pub documents: Vec<String>,
}

/// Every application to one of the caller's organisation's vacancies, oldest first, with what
/// an HR tool needs.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn export(
    actor: &Actor,
    db: &DatabaseConnection,
    vacancy_id: i32,
) -> AppResult<Vec<ExportRow>> {
    let vacancy = own_vacancy(actor, db, vacancy_id).await?;
    let rows = application::Entity::find()
        .filter(application::Column::VacancyId.eq(vacancy_id))
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let candidates = account::Entity::find()
        .filter(account::Column::Id.is_in(rows.iter().map(|r| r.candidate_id)))
        .all(db)
        .await?;
    let languages = application_language::Entity::find()
        .filter(application_language::Column::ApplicationId.is_in(ids.iter().copied()))
        .order_by_asc(application_language::Column::Id)
        .all(db)
        .await?;
    let documents = documents_of(db, &ids).await?;
    // Every exporter is staff (or a token) of the posting organisation, so every export is
    // logged, one entry per application, in one statement.
    let accessed: Vec<Accessed> = rows
        .iter()
        .map(|r| Accessed {
            application_id: r.id,
            organisation_id: vacancy.organisation_id,
            document_id: None,
        })
        .collect();
    record(db, actor, ApplicationAccessKind::CsvExport, &accessed).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let candidate = candidates.iter().find(|c| c.id == row.candidate_id);
        let eligibility = eligibility_of(db, &row).await?;
        out.push(ExportRow {
            candidate_name: candidate.map(|c| c.full_name.clone()).unwrap_or_default(),
            candidate_email: candidate.map(|c| c.email.clone()).unwrap_or_default(),
            languages: languages
                .iter()
                .filter(|l| l.application_id == row.id)
                .map(|l| (l.language_code.clone(), l.level.clone()))
                .collect(),
            eligible: eligibility.eligible,
            unmet: eligibility.unmet.into_iter().map(|u| u.message).collect(),
            documents: documents
                .iter()
                .filter(|(app, _)| *app == row.id)
                .map(|(_, d)| d.file_name.clone())
                .collect(),
            application: row,
        });
    }
    Ok(out)
}
