//! Projects: everyone reads every project; the lead organisation's recruiters, admins and
//! integration tokens (and platform admins) create, edit and archive them.

use std::collections::HashSet;

use chrono::Utc;
use entity::{organisation, project, project_country, project_partner};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use serde_json::{json, Value};

use crate::auth::Actor;
use crate::domain::{CountryCode, PartnerRole, ProjectStatus};
use crate::error::{AppError, AppResult, OnUnique};
use crate::policy;
use crate::service::audit::{self, AuditEntry};
use crate::service::fields::{
    bilingual_changes, optional_text, required_text, translations, ChangeSet, MAX_LINE, MAX_TEXT,
};
use crate::service::organisation as organisation_service;
use crate::service::pagination::{paginate, Page, PageRequest};
use crate::service::vacancy::search_document;

mod input;

use input::{check_dates, code, countries, objectives, partners, Partner};
pub use input::{NewProject, ObjectivesInput, PartnerInput, ProjectChanges};

/// Longest project code the database holds.
const MAX_CODE: usize = 32;

/// Narrows a project list; every field is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Projects this organisation leads or partners in.
    pub organisation_id: Option<i32>,
    pub country: Option<CountryCode>,
    pub status: Option<ProjectStatus>,
    /// Projects in which this organisation is a partner (in `role`, when given).
    pub partner_id: Option<i32>,
    /// Projects with a partner in this role (`partner_id`, when given): `DONOR` with a partner
    /// gives the projects it funds.
    pub role: Option<PartnerRole>,
}

#[tracing::instrument(level = "debug", skip(_actor, db))]
pub async fn list(
    _actor: &Actor,
    db: &DatabaseConnection,
    filter: &ProjectFilter,
    page: PageRequest,
) -> AppResult<Page<project::Model>> {
    let mut select = project::Entity::find();
    if let Some(org) = filter.organisation_id {
        let partnered = project_partner::Entity::find()
            .select_only()
            .column(project_partner::Column::ProjectId)
            .filter(project_partner::Column::OrganisationId.eq(org))
            .filter(project_partner::Column::AcceptedAt.is_not_null())
            .into_query();
        select = select.filter(
            project::Column::LeadOrganisationId
                .eq(org)
                .or(project::Column::Id.in_subquery(partnered)),
        );
    }
    if let Some(country) = &filter.country {
        let in_country = project_country::Entity::find()
            .select_only()
            .column(project_country::Column::ProjectId)
            .filter(project_country::Column::CountryCode.eq(country.as_str()))
            .into_query();
        select = select.filter(project::Column::Id.in_subquery(in_country));
    }
    if let Some(status) = filter.status {
        select = select.filter(project::Column::Status.eq(status.as_str()));
    }
    if filter.partner_id.is_some() || filter.role.is_some() {
        let mut partnered = project_partner::Entity::find()
            .select_only()
            .column(project_partner::Column::ProjectId)
            .filter(project_partner::Column::AcceptedAt.is_not_null());
        if let Some(org) = filter.partner_id {
            partnered = partnered.filter(project_partner::Column::OrganisationId.eq(org));
        }
        if let Some(role) = filter.role {
            partnered = partnered.filter(project_partner::Column::Role.eq(role.as_str()));
        }
        select = select.filter(project::Column::Id.in_subquery(partnered.into_query()));
    }
    paginate(db, select, project::Column::Id, page).await
}

#[tracing::instrument(level = "debug", skip(_actor, db))]
pub async fn get(_actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<project::Model> {
    project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("project"))
}

/// The project with this code (case does not matter). A code is unique within its lead
/// organisation only: with `organisation` (any of its acronyms) the project that organisation
/// leads; without, the one project with that code, and a code that several organisations use is
/// a bad input on the `organisation` argument, never an arbitrary pick.
#[tracing::instrument(level = "debug", skip(_actor, db))]
pub async fn get_by_code(
    _actor: &Actor,
    db: &DatabaseConnection,
    code: &str,
    organisation: Option<&str>,
) -> AppResult<project::Model> {
    let code = code.trim().to_uppercase();
    let mut select = project::Entity::find().filter(project::Column::Code.eq(&code));
    if let Some(acronym) = organisation {
        let lead = organisation_service::find_by_acronym(db, acronym)
            .await?
            .ok_or(AppError::NotFound("project"))?;
        select = select.filter(project::Column::LeadOrganisationId.eq(lead.id));
    }
    let mut found = select
        .order_by_asc(project::Column::Id)
        .limit(2)
        .all(db)
        .await?;
    if found.len() > 1 {
        return Err(AppError::bad_input(
            "organisation",
            format!(
                "several organisations have a project with the code {code}: \
                 pass `organisation`, the acronym of the one that leads it"
            ),
        ));
    }
    found.pop().ok_or(AppError::NotFound("project"))
}

// ---------------------------------------------------------------------------------------------
// Writes.

/// The acronym of an organisation that must exist, or a bad-input error on `field`.
async fn organisation_acronym(
    db: &impl ConnectionTrait,
    field: &str,
    id: i32,
) -> AppResult<String> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|o| o.acronym)
        .ok_or_else(|| AppError::bad_input(field, format!("`{field}` is not an organisation")))
}

/// What a duplicate code means, naming the organisation that has it.
fn code_taken(acronym: &str, code: &str) -> String {
    format!("this organisation ({acronym}) already has a project with the code {code}")
}

/// Refuses a code the lead organisation already has, with a clear message (the unique index on
/// code and lead organisation keeps two racing requests from both succeeding). Another
/// organisation's project with the same code is no obstacle.
async fn ensure_code_free(
    db: &impl ConnectionTrait,
    lead: (i32, &str),
    code: &str,
    except: Option<i32>,
) -> AppResult<()> {
    let mut same = project::Entity::find()
        .filter(project::Column::Code.eq(code))
        .filter(project::Column::LeadOrganisationId.eq(lead.0));
    if let Some(id) = except {
        same = same.filter(project::Column::Id.ne(id));
    }
    match same.one(db).await? {
        Some(_) => Err(AppError::Conflict(code_taken(lead.1, code))),
        None => Ok(()),
    }
}

async fn insert_countries(
    db: &impl ConnectionTrait,
    project_id: i32,
    codes: &[String],
) -> AppResult<()> {
    for code in codes {
        project_country::ActiveModel {
            project_id: Set(project_id),
            country_code: Set(code.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Inserts the partners, checking that each organisation exists; returns them for the audit.
/// A partnership stands at once if it stood before (`accepted`) or the caller is the partner's
/// staff; otherwise it is proposed until the partner's admins accept it.
async fn insert_partners(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: i32,
    partners: &[Partner],
    accepted: &HashSet<i32>,
) -> AppResult<Value> {
    let now = Utc::now();
    let mut recorded = Vec::with_capacity(partners.len());
    for (order, p) in partners.iter().enumerate() {
        let field = format!("input.partners[{order}].organisationId");
        let acronym = organisation_acronym(db, &field, p.organisation_id).await?;
        let through = match p.through_organisation_id {
            Some(id) => {
                let field = format!("input.partners[{order}].throughOrganisationId");
                Some(organisation_acronym(db, &field, id).await?)
            }
            None => None,
        };
        let stands = accepted.contains(&p.organisation_id)
            || policy::partnership_stands(actor, p.organisation_id);
        project_partner::ActiveModel {
            project_id: Set(project_id),
            organisation_id: Set(p.organisation_id),
            role: Set(p.role.clone()),
            note: Set(p.note.clone()),
            through_organisation_id: Set(p.through_organisation_id),
            sort_order: Set(order as i32),
            accepted_at: Set(stands.then_some(now)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        recorded.push(json!({
            "organisation": acronym,
            "role": p.role,
            "note": p.note,
            "through": through,
            "accepted": stands,
        }));
    }
    Ok(Value::Array(recorded))
}

/// Whether the caller sees a partnership of a project led by `lead`.
pub fn partnership_visible(actor: &Actor, lead: i32, partnership: &project_partner::Model) -> bool {
    policy::can_see_partnership(
        actor,
        partnership.accepted_at.is_some(),
        lead,
        partnership.organisation_id,
    )
}

/// The partner organisation's admins accept a partnership proposed to it. Accepting one that
/// stands already changes nothing.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn accept_partnership(
    actor: &Actor,
    db: &DatabaseConnection,
    project_id: i32,
    organisation_id: i32,
) -> AppResult<project::Model> {
    let project = get(actor, db, project_id).await?;
    let partnership = project_partner::Entity::find()
        .filter(project_partner::Column::ProjectId.eq(project_id))
        .filter(project_partner::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .filter(|p| partnership_visible(actor, project.lead_organisation_id, p))
        .ok_or(AppError::NotFound("partnership"))?;
    policy::accept_partnership(actor, organisation_id)?;
    if partnership.accepted_at.is_some() {
        return Ok(project);
    }
    let txn = crate::db::begin_write(db).await?;
    project_partner::Entity::update_many()
        .col_expr(project_partner::Column::AcceptedAt, Expr::value(Utc::now()))
        .filter(project_partner::Column::ProjectId.eq(project_id))
        .filter(project_partner::Column::OrganisationId.eq(organisation_id))
        .filter(project_partner::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(organisation_id),
            entity_type: "project",
            entity_id: project_id,
            action: "accept_partnership",
            changes: json!({ "organisationId": organisation_id, "role": partnership.role }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(project)
}

/// Creates a project with its countries and partners, for an organisation the caller posts for.
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn create(
    actor: &Actor,
    db: &DatabaseConnection,
    input: NewProject,
) -> AppResult<project::Model> {
    policy::manage_postings(actor, input.lead_organisation_id)?;
    let code = code(&input.code)?;
    let name_en = required_text("input.nameEn", &input.name_en, MAX_LINE)?;
    let name_fr = required_text("input.nameFr", &input.name_fr, MAX_LINE)?;
    let description_en = optional_text(
        "input.descriptionEn",
        input.description_en.as_deref(),
        MAX_TEXT,
    )?;
    let description_fr = optional_text(
        "input.descriptionFr",
        input.description_fr.as_deref(),
        MAX_TEXT,
    )?;
    let translations = translations(&input.translations)?;
    let objectives = objectives(&input.objectives)?;
    let countries = countries(&input.countries)?;
    check_dates(input.start_date, input.end_date)?;
    let partners = partners(&input.partners)?;

    let txn = crate::db::begin_write(db).await?;
    let lead =
        organisation_acronym(&txn, "input.leadOrganisationId", input.lead_organisation_id).await?;
    ensure_code_free(&txn, (input.lead_organisation_id, &lead), &code, None).await?;
    let now = Utc::now();
    let row = project::ActiveModel {
        code: Set(code.clone()),
        name_en: Set(name_en.clone()),
        name_fr: Set(name_fr.clone()),
        description_en: Set(description_en.clone()),
        description_fr: Set(description_fr.clone()),
        translations: Set(translations.clone()),
        objectives: Set(objectives.clone()),
        start_on: Set(input.start_date),
        end_on: Set(input.end_date),
        lead_organisation_id: Set(input.lead_organisation_id),
        status: Set(ProjectStatus::Active.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .on_unique(&code_taken(&lead, &code))?;
    insert_countries(&txn, row.id, &countries).await?;
    let recorded_partners =
        insert_partners(&txn, actor, row.id, &partners, &HashSet::new()).await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(row.lead_organisation_id),
            entity_type: "project",
            entity_id: row.id,
            action: "create",
            changes: json!({
                "code": code,
                "nameEn": name_en,
                "nameFr": name_fr,
                "descriptionEn": description_en,
                "descriptionFr": description_fr,
                "translations": translations,
                "objectives": objectives,
                "countries": countries,
                "startDate": input.start_date,
                "endDate": input.end_date,
                "leadOrganisation": lead,
                "partners": recorded_partners,
                "status": ProjectStatus::Active.as_str(),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Loads a project for a write by a caller who must manage its lead organisation's postings.
async fn load_for_write(
    actor: &Actor,
    db: &impl ConnectionTrait,
    id: i32,
    version: i32,
) -> AppResult<project::Model> {
    let current = project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("project"))?;
    policy::manage_postings(actor, current.lead_organisation_id)?;
    if current.version != version {
        return Err(AppError::stale("project"));
    }
    Ok(current)
}

/// Edits a project; `version` must be the one the caller read. Nothing is written when nothing
/// changes. Handing the project to another lead organisation needs the right to post for both.
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn update(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    version: i32,
    input: ProjectChanges,
) -> AppResult<project::Model> {
    use project::Column as C;

    let txn = crate::db::begin_write(db).await?;
    let current = load_for_write(actor, &txn, id, version).await?;
    if let Some(lead) = input.lead_organisation_id {
        policy::manage_postings(actor, lead)?;
    }

    let mut set = ChangeSet::default();
    let new_code = input.code.as_deref().map(code).transpose()?;
    let new_lead = input
        .lead_organisation_id
        .filter(|l| *l != current.lead_organisation_id);
    // The code must be free in the organisation that will lead the project, when either changes.
    let target_code = new_code.clone().unwrap_or_else(|| current.code.clone());
    let taken = if target_code != current.code || new_lead.is_some() {
        let lead = new_lead.unwrap_or(current.lead_organisation_id);
        let acronym = organisation_acronym(&txn, "input.leadOrganisationId", lead).await?;
        ensure_code_free(&txn, (lead, &acronym), &target_code, Some(id)).await?;
        if let Some(lead) = new_lead {
            set.columns.push((C::LeadOrganisationId, Expr::value(lead)));
            set.record("leadOrganisation", json!(acronym));
        }
        Some(code_taken(&acronym, &target_code))
    } else {
        None
    };
    set.field("code", C::Code, &current.code, new_code);
    bilingual_changes!(set, current, input, C)?;
    let new_objectives = input.objectives.as_deref().map(objectives).transpose()?;
    set.field(
        "objectives",
        C::Objectives,
        &current.objectives,
        new_objectives,
    );
    let start = input.start_date.unwrap_or(current.start_on);
    let end = input.end_date.unwrap_or(current.end_on);
    check_dates(start, end)?;
    set.field("startDate", C::StartOn, &current.start_on, input.start_date);
    set.field("endDate", C::EndOn, &current.end_on, input.end_date);

    let new_countries = input.countries.as_deref().map(countries).transpose()?;
    let stored_countries: Vec<String> = project_country::Entity::find()
        .filter(project_country::Column::ProjectId.eq(id))
        .order_by_asc(project_country::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|c| c.country_code)
        .collect();
    let new_countries = new_countries.filter(|c| *c != stored_countries);
    if let Some(list) = &new_countries {
        set.record("countries", json!(list));
    }

    let new_partners = input.partners.as_deref().map(partners).transpose()?;
    let stored_rows = project_partner::Entity::find()
        .filter(project_partner::Column::ProjectId.eq(id))
        .order_by_asc(project_partner::Column::SortOrder)
        .all(&txn)
        .await?;
    let accepted: HashSet<i32> = stored_rows
        .iter()
        .filter(|p| p.accepted_at.is_some())
        .map(|p| p.organisation_id)
        .collect();
    let stored_partners: Vec<Partner> = stored_rows
        .into_iter()
        .map(|p| Partner {
            organisation_id: p.organisation_id,
            role: p.role,
            note: p.note,
            through_organisation_id: p.through_organisation_id,
        })
        .collect();
    let new_partners = new_partners.filter(|p| *p != stored_partners);

    if set.is_empty() && new_partners.is_none() {
        return Ok(current);
    }
    let mut update = project::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version));
    for (column, value) in std::mem::take(&mut set.columns) {
        update = update.col_expr(column, value);
    }
    let updated_rows = match &taken {
        Some(message) => update.exec(&txn).await.on_unique(message)?,
        None => update.exec(&txn).await?,
    };
    if updated_rows.rows_affected == 0 {
        return Err(AppError::stale("project"));
    }
    if let Some(list) = &new_countries {
        project_country::Entity::delete_many()
            .filter(project_country::Column::ProjectId.eq(id))
            .exec(&txn)
            .await?;
        insert_countries(&txn, id, list).await?;
    }
    if let Some(list) = &new_partners {
        project_partner::Entity::delete_many()
            .filter(project_partner::Column::ProjectId.eq(id))
            .exec(&txn)
            .await?;
        let recorded = insert_partners(&txn, actor, id, list, &accepted).await?;
        set.record("partners", recorded);
    }
    let updated = project::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("project"))?;
    let renamed = (
        &updated.code,
        &updated.name_en,
        &updated.name_fr,
        &updated.translations,
    ) != (
        &current.code,
        &current.name_en,
        &current.name_fr,
        &current.translations,
    );
    if renamed {
        search_document::refresh_project(&txn, id).await?;
    }
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(updated.lead_organisation_id),
            entity_type: "project",
            entity_id: id,
            action: "update",
            changes: Value::Object(set.changes),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Archives a project: it stays readable, for its history. An archived project is a conflict.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn archive(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    version: i32,
) -> AppResult<project::Model> {
    use project::Column as C;

    let txn = crate::db::begin_write(db).await?;
    let current = load_for_write(actor, &txn, id, version).await?;
    let archived = ProjectStatus::Archived.as_str();
    if current.status == archived {
        return Err(AppError::Conflict(
            "this project is already archived".into(),
        ));
    }
    let result = project::Entity::update_many()
        .col_expr(C::Status, Expr::value(archived))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::stale("project"));
    }
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(current.lead_organisation_id),
            entity_type: "project",
            entity_id: id,
            action: "archive",
            changes: json!({ "status": archived }),
        },
    )
    .await?;
    let updated = project::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("project"))?;
    txn.commit().await?;
    Ok(updated)
}
