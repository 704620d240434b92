//! What notification mails say of a notice and its organisation, in the reader's language: the
//! facts the receipt, status and alert mails share.

use entity::{account, organisation, vacancy, vacancy_duty_station, vacancy_text};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::labels::{self, CodeKind};
use crate::domain::{LocalDeadline, WrittenLanguage};
use crate::error::{AppError, AppResult};

/// The language an account's mails are written in.
pub fn language_of(account: &account::Model) -> WrittenLanguage {
    WrittenLanguage::parse_or_default(&account.language)
}

/// The organisation's name in `language` (English for a language it has no name in).
pub fn organisation_name(org: &organisation::Model, language: WrittenLanguage) -> &str {
    match language {
        WrittenLanguage::Fr => &org.name_fr,
        WrittenLanguage::En | WrittenLanguage::Ar => &org.name_en,
    }
}

/// The notice's title in `language` if it has one, else in its authoritative language, else in
/// any language it is written in.
pub fn title_in(
    texts: &[vacancy_text::Model],
    vacancy: &vacancy::Model,
    language: WrittenLanguage,
) -> String {
    texts
        .iter()
        .filter(|t| t.vacancy_id == vacancy.id)
        .min_by_key(|t| {
            if t.language == language.code() {
                0
            } else if t.language == vacancy.authoritative_language {
                1
            } else {
                2
            }
        })
        .map(|t| t.title.clone())
        .unwrap_or_else(|| vacancy.reference.clone())
}

/// The texts of these vacancies, for [`title_in`].
pub async fn texts_of(
    db: &impl ConnectionTrait,
    vacancy_ids: &[i32],
) -> AppResult<Vec<vacancy_text::Model>> {
    Ok(vacancy_text::Entity::find()
        .filter(vacancy_text::Column::VacancyId.is_in(vacancy_ids.iter().copied()))
        .order_by_asc(vacancy_text::Column::Id)
        .all(db)
        .await?)
}

/// The duty stations of these vacancies, in their order.
pub async fn duty_stations_of(
    db: &impl ConnectionTrait,
    vacancy_ids: &[i32],
) -> AppResult<Vec<vacancy_duty_station::Model>> {
    Ok(vacancy_duty_station::Entity::find()
        .filter(vacancy_duty_station::Column::VacancyId.is_in(vacancy_ids.iter().copied()))
        .order_by_asc(vacancy_duty_station::Column::SortOrder)
        .order_by_asc(vacancy_duty_station::Column::Id)
        .all(db)
        .await?)
}

/// A vacancy's duty stations in one line: `Tunis (TN), Rabat (MA)`, a whole country by its
/// name in `language` (`Maroc (MA)`).
pub fn duty_stations_line(
    stations: &[vacancy_duty_station::Model],
    vacancy_id: i32,
    language: WrittenLanguage,
) -> String {
    stations
        .iter()
        .filter(|s| s.vacancy_id == vacancy_id)
        .map(|s| station_line(s.city.as_deref(), &s.country_code, language))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The organisation a notice is posted by.
pub async fn organisation_of(
    db: &impl ConnectionTrait,
    vacancy: &vacancy::Model,
) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(vacancy.organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("organisation"))
}

/// An account, read in the transaction that mails it.
pub async fn account(db: &impl ConnectionTrait, id: i32) -> AppResult<account::Model> {
    account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("account"))
}

/// One duty station: `Rabat (MA)`, or the country's name for a whole country (`Maroc (MA)`).
pub fn station_line(city: Option<&str>, country: &str, language: WrittenLanguage) -> String {
    let place = city.unwrap_or_else(|| labels::label(CodeKind::Country, country, language));
    format!("{place} ({country})")
}

/// The deadline as the notice writes it, on its own clock: `2025-06-03 24:00 (Europe/Zurich)`
/// for "3 June 2025, midnight Geneva time"; empty when the notice names none.
pub fn closing_line(vacancy: &vacancy::Model) -> String {
    vacancy.closing_at.map_or_else(String::new, |at| {
        LocalDeadline::of(at, &vacancy.time_zone).line()
    })
}
