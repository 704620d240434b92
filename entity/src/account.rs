//! A person or integration who signs in: candidate, recruiter, agency or platform admin.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub role: String,
    pub organisation_id: Option<i32>,
    pub active: bool,
    /// When the owner proved the address by following a link mailed to it; accounts made by
    /// invitation are verified when accepted.
    pub email_verified_at: Option<DateTimeUtc>,
    /// The language mails are written in: `en`, `fr` or `ar`.
    pub language: String,
    /// Whether the candidate hears by mail of the steps their organisations announce.
    pub notify_application_updates: bool,
    /// Whether a recruiter gets the daily digest of new applications.
    pub recruiter_digest: bool,
    /// Applications up to this instant were in a digest already.
    pub digest_sent_through: Option<DateTimeUtc>,
    /// When the person was erased: the row stays as a tombstone (no name, no address, no
    /// password) so that what refers to it still holds.
    pub erased_at: Option<DateTimeUtc>,
    /// Why a platform admin holds the account from erasure; null when not held.
    pub legal_hold_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
    #[sea_orm(has_many = "super::application::Entity")]
    Application,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl Related<super::application::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Application.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
