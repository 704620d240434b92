//! Who among the staff read an application, downloaded one of its documents or exported it,
//! and when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_access")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    /// The organisation that posted the application's vacancy, whose admins read the log.
    pub organisation_id: i32,
    pub reader_account_id: Option<i32>,
    pub reader_token_id: Option<i32>,
    /// The reader's own organisation (none for a platform admin of no organisation).
    pub reader_organisation_id: Option<i32>,
    /// `READ`, `DOCUMENT_DOWNLOAD` or `CSV_EXPORT`.
    pub action: String,
    /// The document downloaded, for `DOCUMENT_DOWNLOAD`.
    pub document_id: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
