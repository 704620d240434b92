//! Organisations: everyone reads every organisation; platform admins create them and an
//! organisation's admins edit its profile, acronyms and offices.

use chrono::Utc;
use entity::{office, organisation, organisation_acronym, project_partner};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use serde_json::{json, Value};

use crate::auth::Actor;
use crate::domain::names::Translation;
use crate::domain::{ApplicationStatus, CountryCode, LanguageCode, OrganisationKind, PartnerRole};
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::audit::{self, AuditEntry};
use crate::service::fields::{
    bilingual_changes, email, optional_text, required_text, translations, ChangeSet, MAX_LINE,
    MAX_TEXT,
};
use crate::service::pagination::{paginate, Page, PageRequest};
use crate::service::vacancy::search_document;

#[derive(Debug, thiserror::Error)]
#[error("organisation {id}: stored announced statuses do not read back: {reason}")]
struct StoredAnnounced {
    id: i32,
    reason: String,
}

/// The application statuses the organisation tells candidates of by mail, in pipeline order.
pub fn announced_statuses(org: &organisation::Model) -> AppResult<Vec<ApplicationStatus>> {
    let mut statuses: Vec<ApplicationStatus> = serde_json::from_str(&org.announced_statuses)
        .map_err(|e| {
            AppError::internal(StoredAnnounced {
                id: org.id,
                reason: e.to_string(),
            })
        })?;
    statuses.sort();
    statuses.dedup();
    Ok(statuses)
}

/// How announced statuses are stored: a JSON array of codes, without duplicates, in pipeline
/// order.
fn announced_json(statuses: &[ApplicationStatus]) -> String {
    let mut statuses = statuses.to_vec();
    statuses.sort();
    statuses.dedup();
    Value::Array(
        statuses
            .iter()
            .map(|s| Value::String(s.as_str().to_owned()))
            .collect(),
    )
    .to_string()
}

/// Longest acronym the database holds.
const MAX_ACRONYM: usize = 32;
/// Founding years the database accepts.
const FOUNDED_YEARS: std::ops::RangeInclusive<i32> = 1800..=2100;

/// Narrows an organisation list by the partnerships (accepted ones) its members have; the
/// fields combine with AND.
#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    /// Organisations that are partners of this project.
    pub partner_of: Option<i32>,
    /// Organisations with this role in a project (in `partner_of`, when given): every donor.
    pub role: Option<PartnerRole>,
}

#[tracing::instrument(level = "debug", skip(_actor, db))]
pub async fn list(
    _actor: &Actor,
    db: &DatabaseConnection,
    filter: &OrganisationFilter,
    page: PageRequest,
) -> AppResult<Page<organisation::Model>> {
    let mut select = organisation::Entity::find();
    if filter.partner_of.is_some() || filter.role.is_some() {
        let mut partners = project_partner::Entity::find()
            .select_only()
            .column(project_partner::Column::OrganisationId)
            .filter(project_partner::Column::AcceptedAt.is_not_null());
        if let Some(project) = filter.partner_of {
            partners = partners.filter(project_partner::Column::ProjectId.eq(project));
        }
        if let Some(role) = filter.role {
            partners = partners.filter(project_partner::Column::Role.eq(role.as_str()));
        }
        select = select.filter(organisation::Column::Id.in_subquery(partners.into_query()));
    }
    paginate(db, select, organisation::Column::Id, page).await
}

#[tracing::instrument(level = "debug", skip(_actor, db))]
pub async fn get(
    _actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("organisation"))
}

/// Finds an organisation by any of its acronyms, in any language (`IOM`, `OIM`, `bit`).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn find_by_acronym(
    db: &DatabaseConnection,
    acronym: &str,
) -> AppResult<Option<organisation::Model>> {
    let normalised = acronym.trim().to_uppercase();
    let owner = organisation_acronym::Entity::find()
        .select_only()
        .column(organisation_acronym::Column::OrganisationId)
        .filter(organisation_acronym::Column::Acronym.eq(normalised))
        .into_tuple::<i32>()
        .one(db)
        .await?;
    match owner {
        Some(id) => Ok(organisation::Entity::find_by_id(id).one(db).await?),
        None => Ok(None),
    }
}

#[tracing::instrument(level = "debug", skip(_actor, db))]
pub async fn get_by_acronym(
    _actor: &Actor,
    db: &DatabaseConnection,
    acronym: &str,
) -> AppResult<organisation::Model> {
    find_by_acronym(db, acronym)
        .await?
        .ok_or(AppError::NotFound("organisation"))
}

fn acronym(field: &str, value: &str) -> AppResult<String> {
    Ok(required_text(field, value, MAX_ACRONYM)?.to_uppercase())
}

fn founded_year(year: Option<i32>) -> AppResult<Option<i32>> {
    match year {
        Some(y) if !FOUNDED_YEARS.contains(&y) => Err(AppError::bad_input(
            "input.foundedYear",
            format!(
                "`foundedYear` must be between {} and {}",
                FOUNDED_YEARS.start(),
                FOUNDED_YEARS.end()
            ),
        )),
        other => Ok(other),
    }
}

fn website(value: Option<&str>) -> AppResult<Option<String>> {
    let field = "input.website";
    let site = optional_text(field, value, MAX_LINE)?;
    match &site {
        Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => Err(
            AppError::bad_input(field, "`website` must be an http:// or https:// address"),
        ),
        _ => Ok(site),
    }
}

// ---------------------------------------------------------------------------------------------
// Writes.

/// An acronym of the organisation in another language (`OIM` in French).
#[derive(Debug, Clone)]
pub struct AcronymInput {
    pub language: LanguageCode,
    pub acronym: String,
}

/// An office of the organisation.
#[derive(Debug, Clone)]
pub struct OfficeInput {
    pub name: Option<String>,
    pub city: String,
    pub country: CountryCode,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A new organisation, as received (codes already parsed).
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub acronym: String,
    pub other_acronyms: Vec<AcronymInput>,
    pub name_en: String,
    pub name_fr: String,
    pub kind: OrganisationKind,
    pub founded_year: Option<i32>,
    pub description_en: Option<String>,
    pub description_fr: Option<String>,
    /// Names and descriptions in languages other than English and French.
    pub translations: Vec<Translation>,
    pub website: Option<String>,
    pub recruitment_email: Option<String>,
    pub offices: Vec<OfficeInput>,
}

/// Changes to an organisation: `None` leaves a field as it is; `Some(None)` clears an optional
/// field; a list given replaces the stored one.
#[derive(Debug, Clone, Default)]
pub struct OrganisationChanges {
    pub acronym: Option<String>,
    pub other_acronyms: Option<Vec<AcronymInput>>,
    pub name_en: Option<String>,
    pub name_fr: Option<String>,
    pub kind: Option<OrganisationKind>,
    pub founded_year: Option<Option<i32>>,
    pub description_en: Option<Option<String>>,
    pub description_fr: Option<Option<String>>,
    /// Names and descriptions in other languages, replacing the stored ones.
    pub translations: Option<Vec<Translation>>,
    pub website: Option<Option<String>>,
    pub recruitment_email: Option<Option<String>>,
    pub offices: Option<Vec<OfficeInput>>,
    /// The application statuses candidates are told of by mail, replacing the stored ones.
    pub announced_statuses: Option<Vec<ApplicationStatus>>,
}

/// An office row's content, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Office {
    name: Option<String>,
    city: String,
    country: String,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

impl Office {
    fn from_row(row: &office::Model) -> Self {
        Self {
            name: row.name.clone(),
            city: row.city.clone(),
            country: row.country_code.clone(),
            address: row.address.clone(),
            phone: row.phone.clone(),
            email: row.email.clone(),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "city": self.city,
            "country": self.country,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
        })
    }
}

fn offices(input: &[OfficeInput]) -> AppResult<Vec<Office>> {
    input
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let field = |name: &str| format!("input.offices[{i}].{name}");
            Ok(Office {
                name: optional_text(&field("name"), o.name.as_deref(), MAX_LINE)?,
                city: required_text(&field("city"), &o.city, MAX_LINE)?,
                country: o.country.as_str().to_owned(),
                address: optional_text(&field("address"), o.address.as_deref(), MAX_TEXT)?,
                phone: optional_text(&field("phone"), o.phone.as_deref(), MAX_LINE)?,
                email: email(&field("email"), o.email.as_deref())?,
            })
        })
        .collect()
}

/// Every acronym of an organisation: its canonical one (recorded as English, as the seeder
/// does) first, then the others. The same acronym twice is refused.
fn acronyms(canonical: &str, others: &[AcronymInput]) -> AppResult<Vec<(String, String)>> {
    let mut all = vec![("en".to_owned(), canonical.to_owned())];
    for (i, other) in others.iter().enumerate() {
        let field = format!("input.otherAcronyms[{i}].acronym");
        let value = acronym(&field, &other.acronym)?;
        if all.iter().any(|(_, a)| *a == value) {
            return Err(AppError::bad_input(
                field,
                format!("the acronym {value} is given twice"),
            ));
        }
        all.push((other.language.as_str().to_owned(), value));
    }
    Ok(all)
}

fn acronyms_json(all: &[(String, String)]) -> Value {
    Value::Array(
        all.iter()
            .skip(1)
            .map(|(language, acronym)| json!({ "language": language, "acronym": acronym }))
            .collect(),
    )
}

/// Refuses acronyms another organisation already goes by.
async fn ensure_acronyms_free(
    db: &impl ConnectionTrait,
    organisation_id: Option<i32>,
    all: &[(String, String)],
) -> AppResult<()> {
    let mut taken = organisation_acronym::Entity::find()
        .filter(organisation_acronym::Column::Acronym.is_in(all.iter().map(|(_, a)| a.clone())));
    if let Some(id) = organisation_id {
        taken = taken.filter(organisation_acronym::Column::OrganisationId.ne(id));
    }
    match taken.one(db).await? {
        Some(row) => Err(AppError::Conflict(format!(
            "another organisation already goes by {}",
            row.acronym
        ))),
        None => Ok(()),
    }
}

async fn insert_acronyms(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    all: &[(String, String)],
) -> AppResult<()> {
    for (language, acronym) in all {
        organisation_acronym::ActiveModel {
            organisation_id: Set(organisation_id),
            language: Set(language.clone()),
            acronym: Set(acronym.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn insert_offices(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    offices: &[Office],
) -> AppResult<()> {
    for (order, o) in offices.iter().enumerate() {
        office::ActiveModel {
            organisation_id: Set(organisation_id),
            name: Set(o.name.clone()),
            city: Set(o.city.clone()),
            country_code: Set(o.country.clone()),
            address: Set(o.address.clone()),
            phone: Set(o.phone.clone()),
            email: Set(o.email.clone()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Creates an organisation with its acronyms and offices (platform admins).
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn create(
    actor: &Actor,
    db: &DatabaseConnection,
    input: NewOrganisation,
) -> AppResult<organisation::Model> {
    policy::administer_platform(actor)?;
    let canonical = acronym("input.acronym", &input.acronym)?;
    let all_acronyms = acronyms(&canonical, &input.other_acronyms)?;
    let name_en = required_text("input.nameEn", &input.name_en, MAX_LINE)?;
    let name_fr = required_text("input.nameFr", &input.name_fr, MAX_LINE)?;
    let founded_year = founded_year(input.founded_year)?;
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
    let website = website(input.website.as_deref())?;
    let recruitment_email = email("input.recruitmentEmail", input.recruitment_email.as_deref())?;
    let offices = offices(&input.offices)?;

    let txn = crate::db::begin_write(db).await?;
    ensure_acronyms_free(&txn, None, &all_acronyms).await?;
    let now = Utc::now();
    let org = organisation::ActiveModel {
        acronym: Set(canonical.clone()),
        name_en: Set(name_en.clone()),
        name_fr: Set(name_fr.clone()),
        kind: Set(input.kind.as_str().to_owned()),
        founded_year: Set(founded_year),
        description_en: Set(description_en.clone()),
        description_fr: Set(description_fr.clone()),
        translations: Set(translations.clone()),
        website: Set(website.clone()),
        recruitment_email: Set(recruitment_email.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    insert_acronyms(&txn, org.id, &all_acronyms).await?;
    insert_offices(&txn, org.id, &offices).await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(org.id),
            entity_type: "organisation",
            entity_id: org.id,
            action: "create",
            changes: json!({
                "acronym": canonical,
                "otherAcronyms": acronyms_json(&all_acronyms),
                "nameEn": name_en,
                "nameFr": name_fr,
                "kind": input.kind.as_str(),
                "foundedYear": founded_year,
                "descriptionEn": description_en,
                "descriptionFr": description_fr,
                "translations": translations,
                "website": website,
                "recruitmentEmail": recruitment_email,
                "offices": offices.iter().map(Office::to_json).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(org)
}

/// Edits an organisation's profile (its admins and platform admins). `version` must be the
/// one the caller read; nothing is written when nothing changes.
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn update(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    version: i32,
    input: OrganisationChanges,
) -> AppResult<organisation::Model> {
    use organisation::Column as C;

    policy::administer_organisation(actor, id)?;
    let txn = crate::db::begin_write(db).await?;
    let current = organisation::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    if current.version != version {
        return Err(AppError::stale("organisation"));
    }

    let mut set = ChangeSet::default();
    let canonical = input
        .acronym
        .as_deref()
        .map(|a| acronym("input.acronym", a))
        .transpose()?;
    set.field("acronym", C::Acronym, &current.acronym, canonical.clone());
    bilingual_changes!(set, current, input, C)?;
    set.field(
        "kind",
        C::Kind,
        &current.kind,
        input.kind.map(|k| k.as_str().to_owned()),
    );
    let year = input.founded_year.map(founded_year).transpose()?;
    set.field("foundedYear", C::FoundedYear, &current.founded_year, year);
    let site = input.website.map(|w| website(w.as_deref())).transpose()?;
    set.field("website", C::Website, &current.website, site);
    let mail = input
        .recruitment_email
        .map(|e| email("input.recruitmentEmail", e.as_deref()))
        .transpose()?;
    set.field(
        "recruitmentEmail",
        C::RecruitmentEmail,
        &current.recruitment_email,
        mail,
    );

    let announced = input.announced_statuses.as_deref().map(announced_json);
    set.field(
        "announcedApplicationStatuses",
        C::AnnouncedStatuses,
        &current.announced_statuses,
        announced,
    );

    // Acronyms: rewritten when the canonical one or the others change.
    let stored_acronyms: Vec<(String, String)> = organisation_acronym::Entity::find()
        .filter(organisation_acronym::Column::OrganisationId.eq(id))
        .order_by_asc(organisation_acronym::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| (a.language, a.acronym))
        .collect();
    let new_canonical = canonical.unwrap_or_else(|| current.acronym.clone());
    let others: Vec<AcronymInput> = match &input.other_acronyms {
        Some(given) => given.clone(),
        None => stored_acronyms
            .iter()
            .filter(|(_, a)| *a != current.acronym)
            .filter_map(|(language, acronym)| {
                Some(AcronymInput {
                    language: LanguageCode::parse(language).ok()?,
                    acronym: acronym.clone(),
                })
            })
            .collect(),
    };
    let new_acronyms = acronyms(&new_canonical, &others)?;
    let acronyms_changed = new_acronyms != stored_acronyms;
    if acronyms_changed && input.other_acronyms.is_some() {
        set.record("otherAcronyms", acronyms_json(&new_acronyms));
    }

    // Offices: replaced when given and different.
    let new_offices = input.offices.as_deref().map(offices).transpose()?;
    let stored_offices: Vec<Office> = office::Entity::find()
        .filter(office::Column::OrganisationId.eq(id))
        .order_by_asc(office::Column::SortOrder)
        .all(&txn)
        .await?
        .iter()
        .map(Office::from_row)
        .collect();
    let new_offices = new_offices.filter(|o| *o != stored_offices);
    if let Some(list) = &new_offices {
        set.record(
            "offices",
            Value::Array(list.iter().map(Office::to_json).collect()),
        );
    }

    if set.is_empty() && !acronyms_changed {
        return Ok(current);
    }
    if acronyms_changed {
        ensure_acronyms_free(&txn, Some(id), &new_acronyms).await?;
    }
    let mut update = organisation::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version));
    for (column, value) in set.columns {
        update = update.col_expr(column, value);
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::stale("organisation"));
    }
    if acronyms_changed {
        organisation_acronym::Entity::delete_many()
            .filter(organisation_acronym::Column::OrganisationId.eq(id))
            .exec(&txn)
            .await?;
        insert_acronyms(&txn, id, &new_acronyms).await?;
    }
    if let Some(list) = &new_offices {
        office::Entity::delete_many()
            .filter(office::Column::OrganisationId.eq(id))
            .exec(&txn)
            .await?;
        insert_offices(&txn, id, list).await?;
    }
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(id),
            entity_type: "organisation",
            entity_id: id,
            action: "update",
            changes: Value::Object(set.changes),
        },
    )
    .await?;
    let updated = organisation::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    let renamed = (
        &updated.acronym,
        &updated.name_en,
        &updated.name_fr,
        &updated.translations,
    ) != (
        &current.acronym,
        &current.name_en,
        &current.name_fr,
        &current.translations,
    );
    if renamed || acronyms_changed {
        search_document::refresh_organisation(&txn, id).await?;
    }
    txn.commit().await?;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_are_upper_cased_and_never_repeated() {
        let fr = LanguageCode::parse("fr").unwrap();
        let all = acronyms(
            "IOM",
            &[AcronymInput {
                language: fr.clone(),
                acronym: "oim".into(),
            }],
        )
        .unwrap();
        assert_eq!(all[1], ("fr".to_owned(), "OIM".to_owned()));
        let twice = acronyms(
            "IOM",
            &[AcronymInput {
                language: fr,
                acronym: "iom".into(),
            }],
        );
        match twice {
            Err(AppError::BadUserInput { field, .. }) => {
                assert_eq!(field, "input.otherAcronyms[0].acronym")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn e_mail_addresses_and_websites_are_checked_loosely() {
        assert!(website(Some("https://www.iom.int")).is_ok());
        assert!(website(Some("www.iom.int")).is_err());
    }
}
