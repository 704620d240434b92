//! A vacancy's search document: its text normalised for matching (lowercase, accents folded,
//! words separated by single spaces and padded with a space at each end).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vacancy_search")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub vacancy_id: i32,
    /// The titles in every language and the reference.
    #[sea_orm(column_type = "Text")]
    pub title: String,
    /// The title part followed by everything else searchable.
    #[sea_orm(column_type = "Text")]
    pub document: String,
    /// The title in the notice's authoritative language, for ordering by title.
    #[sea_orm(column_type = "Text")]
    pub sort_title: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::vacancy::Entity",
        from = "Column::VacancyId",
        to = "super::vacancy::Column::Id",
        on_delete = "Cascade"
    )]
    Vacancy,
}

impl Related<super::vacancy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vacancy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
