//! What the real notices say and the vacancy model had no home for: a duty station that is a
//! country without a city (`Maroc`), required or desirable experience and skill lines, the
//! notice's working language, job family, department and contact for reasonable accommodation,
//! the publication date the notice states, the notice's own wording of a language requirement
//! ("at least one local language spoken in Morocco"), and functional competencies.
//!
//! Making `city` nullable and widening the competency kinds change a column's constraints:
//! PostgreSQL alters them, SQLite rebuilds the table (`sqlite_rebuild`). `down` fails, and
//! changes nothing, while a duty station has no city or a competency is functional.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::columns::{self, code_in_null, REQUIREMENTS};
use crate::sqlite_rebuild::{self, replace_once};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Vacancy {
    Table,
    WorkingLanguage,
    JobFamily,
    Department,
    AccommodationContact,
    StatedPublicationDate,
}

#[derive(DeriveIden, Clone, Copy)]
enum VacancyLanguage {
    Table,
    Note,
}

#[derive(DeriveIden, Clone, Copy)]
enum VacancyItem {
    Table,
    Requirement,
}

const KINDS_BEFORE: &str = "'VALUE', 'CORE', 'MANAGERIAL', 'TECHNICAL', 'BEHAVIOURAL'";
const KINDS_AFTER: &str = "'VALUE', 'CORE', 'MANAGERIAL', 'TECHNICAL', 'BEHAVIOURAL', 'FUNCTIONAL'";
const CITY_REQUIRED: &str = "\"city\" varchar NOT NULL";
const CITY_OPTIONAL: &str = "\"city\" varchar NULL";

/// Sets the competency kinds PostgreSQL accepts to `kinds`.
fn postgres_kinds(kinds: &str) -> String {
    format!(
        "ALTER TABLE competency DROP CONSTRAINT competency_kind_check, \
         ADD CONSTRAINT competency_kind_check CHECK (kind IN ({kinds}))"
    )
}

/// Changes the constraints of `city` and `kind` one way or the other.
async fn constraints(manager: &SchemaManager<'_>, widen: bool) -> Result<(), DbErr> {
    let (city_from, city_to, kinds_from, kinds_to) = if widen {
        (CITY_REQUIRED, CITY_OPTIONAL, KINDS_BEFORE, KINDS_AFTER)
    } else {
        (CITY_OPTIONAL, CITY_REQUIRED, KINDS_AFTER, KINDS_BEFORE)
    };
    if manager.get_database_backend() == DbBackend::Sqlite {
        sqlite_rebuild::rebuild(manager, "vacancy_duty_station", |sql| {
            replace_once(sql, city_from, city_to)
        })
        .await?;
        return sqlite_rebuild::rebuild(manager, "competency", |sql| {
            replace_once(sql, &format!("({kinds_from})"), &format!("({kinds_to})"))
        })
        .await;
    }
    let db = manager.get_connection();
    db.execute_unprepared(if widen {
        "ALTER TABLE vacancy_duty_station ALTER COLUMN city DROP NOT NULL"
    } else {
        "ALTER TABLE vacancy_duty_station ALTER COLUMN city SET NOT NULL"
    })
    .await?;
    db.execute_unprepared(&postgres_kinds(kinds_to)).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        constraints(manager, true).await?;
        for column in [
            string_len_null(Vacancy::WorkingLanguage, 8),
            string_null(Vacancy::JobFamily),
            string_null(Vacancy::Department),
            string_null(Vacancy::AccommodationContact),
            date_null(Vacancy::StatedPublicationDate),
        ] {
            columns::add_column(manager, Vacancy::Table, column).await?;
        }
        columns::add_column(
            manager,
            VacancyItem::Table,
            code_in_null(VacancyItem::Requirement, REQUIREMENTS),
        )
        .await?;
        columns::add_column(
            manager,
            VacancyLanguage::Table,
            text_null(VacancyLanguage::Note),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // First what may refuse, so that a refusal changes nothing.
        constraints(manager, false).await?;
        columns::drop_column(manager, VacancyLanguage::Table, VacancyLanguage::Note).await?;
        columns::drop_column(manager, VacancyItem::Table, VacancyItem::Requirement).await?;
        for column in [
            Vacancy::StatedPublicationDate,
            Vacancy::AccommodationContact,
            Vacancy::Department,
            Vacancy::JobFamily,
            Vacancy::WorkingLanguage,
        ] {
            columns::drop_column(manager, Vacancy::Table, column).await?;
        }
        Ok(())
    }
}
