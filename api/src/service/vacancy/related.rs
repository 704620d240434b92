//! What a page (or one notice) shows of its vacancies, read in one statement: their child rows,
//! their organisations and projects, and the projects' partners, nested levels through
//! subqueries. It reads only rows reachable from vacancies the caller was already allowed to
//! read, the rows the item resolvers would have loaded one relation at a time.

use entity::*;
use sea_orm::{ConnectionTrait, DbErr};

use crate::service::related::{Related, RelatedRows};

/// Which relations of the vacancies to read.
#[derive(Debug, Default, Clone, Copy)]
pub struct Selection {
    pub texts: bool,
    pub items: bool,
    pub duty_stations: bool,
    pub languages: bool,
    pub qualification_paths: bool,
    pub documents: bool,
    pub questions: bool,
    /// The competency links; `competency` the catalogue rows, `indicators` theirs.
    pub competencies: bool,
    pub competency: bool,
    pub indicators: bool,
    /// The main project (`project`), and the others a post serves (`projects`).
    pub main_project: bool,
    pub other_projects: bool,
    pub partners: bool,
    pub countries: bool,
    /// Organisations: the poster, the projects' leads, their partners, and whom a donor's
    /// funds flow through; `acronyms` and `offices` of every one read.
    pub poster: bool,
    pub leads: bool,
    pub partner_organisations: bool,
    pub through: bool,
    pub acronyms: bool,
    pub offices: bool,
}

/// Reads what `selection` asks for of the vacancies `ids`, in one statement (none when it asks
/// for nothing).
pub async fn related(
    db: &impl ConnectionTrait,
    ids: &[i32],
    s: Selection,
) -> Result<RelatedRows, DbErr> {
    let mut q = Related::new(db.get_database_backend());
    let (vacancies, projects_set) = (q.within("ids"), q.within("p"));
    if s.texts {
        q.rows::<vacancy_text::Entity>(
            vacancy_text::Column::VacancyId,
            vacancy_text::Column::Id,
            "ids",
        );
    }
    if s.items {
        q.rows::<vacancy_item::Entity>(
            vacancy_item::Column::VacancyId,
            vacancy_item::Column::SortOrder,
            "ids",
        );
    }
    if s.duty_stations {
        q.rows::<vacancy_duty_station::Entity>(
            vacancy_duty_station::Column::VacancyId,
            vacancy_duty_station::Column::SortOrder,
            "ids",
        );
    }
    if s.languages {
        q.rows::<vacancy_language::Entity>(
            vacancy_language::Column::VacancyId,
            vacancy_language::Column::SortOrder,
            "ids",
        );
    }
    if s.qualification_paths {
        q.rows::<vacancy_qualification_path::Entity>(
            vacancy_qualification_path::Column::VacancyId,
            vacancy_qualification_path::Column::SortOrder,
            "ids",
        );
    }
    if s.documents {
        q.rows::<vacancy_document::Entity>(
            vacancy_document::Column::VacancyId,
            vacancy_document::Column::SortOrder,
            "ids",
        );
    }
    if s.questions {
        q.rows::<vacancy_question::Entity>(
            vacancy_question::Column::VacancyId,
            vacancy_question::Column::SortOrder,
            "ids",
        );
    }
    if s.competencies {
        q.rows::<vacancy_competency::Entity>(
            vacancy_competency::Column::VacancyId,
            vacancy_competency::Column::SortOrder,
            "ids",
        );
    }
    if s.competency {
        q.set(
            "c",
            &format!("SELECT competency_id FROM vacancy_competency WHERE vacancy_id {vacancies}"),
        );
        q.rows::<competency::Entity>(competency::Column::Id, competency::Column::Id, "c");
        if s.indicators {
            q.rows::<competency_indicator::Entity>(
                competency_indicator::Column::CompetencyId,
                competency_indicator::Column::SortOrder,
                "c",
            );
        }
    }
    if s.other_projects {
        q.rows::<vacancy_project::Entity>(
            vacancy_project::Column::VacancyId,
            vacancy_project::Column::SortOrder,
            "ids",
        );
    }
    let mut projects = Vec::new();
    if s.main_project || s.other_projects {
        projects.push(format!(
            "SELECT project_id FROM vacancy WHERE id {vacancies} AND project_id IS NOT NULL"
        ));
    }
    if s.other_projects {
        projects.push(format!(
            "SELECT project_id FROM vacancy_project WHERE vacancy_id {vacancies}"
        ));
    }
    let with_projects = !projects.is_empty();
    if with_projects {
        q.set("p", &projects.join(" UNION "));
        q.rows::<project::Entity>(project::Column::Id, project::Column::Id, "p");
        if s.partners {
            q.rows::<project_partner::Entity>(
                project_partner::Column::ProjectId,
                project_partner::Column::SortOrder,
                "p",
            );
        }
        if s.countries {
            q.rows::<project_country::Entity>(
                project_country::Column::ProjectId,
                project_country::Column::Id,
                "p",
            );
        }
    }
    let mut organisations = Vec::new();
    if s.poster {
        organisations.push(format!(
            "SELECT organisation_id FROM vacancy WHERE id {vacancies}"
        ));
    }
    if with_projects && s.leads {
        organisations.push(format!(
            "SELECT lead_organisation_id FROM project WHERE id {projects_set}"
        ));
    }
    if with_projects && s.partners && s.partner_organisations {
        organisations.push(format!(
            "SELECT organisation_id FROM project_partner WHERE project_id {projects_set}"
        ));
    }
    if with_projects && s.partners && s.through {
        organisations.push(format!(
            "SELECT through_organisation_id FROM project_partner \
             WHERE project_id {projects_set} AND through_organisation_id IS NOT NULL"
        ));
    }
    if !organisations.is_empty() {
        q.set("o", &organisations.join(" UNION "));
        q.rows::<organisation::Entity>(organisation::Column::Id, organisation::Column::Id, "o");
        if s.acronyms {
            q.rows::<organisation_acronym::Entity>(
                organisation_acronym::Column::OrganisationId,
                organisation_acronym::Column::Id,
                "o",
            );
        }
        if s.offices {
            q.rows::<office::Entity>(
                office::Column::OrganisationId,
                office::Column::SortOrder,
                "o",
            );
        }
    }
    q.run(db, ids).await
}
