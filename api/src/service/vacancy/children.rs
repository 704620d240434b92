//! A vacancy's child rows (texts, items, duty stations, languages, qualification paths,
//! competencies, documents, questions), read one statement per table whatever the number of
//! vacancies, each list in its notice order.

use std::collections::HashMap;

use entity::{
    vacancy_competency, vacancy_document, vacancy_duty_station, vacancy_item, vacancy_language,
    vacancy_qualification_path, vacancy_question, vacancy_text,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// Which child tables to read: a reader asks for what it uses, and pays for nothing else.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tables {
    pub texts: bool,
    pub items: bool,
    pub duty_stations: bool,
    pub languages: bool,
    pub qualification_paths: bool,
    pub competencies: bool,
    pub documents: bool,
    pub questions: bool,
}

impl Tables {
    /// Every child table.
    pub const ALL: Self = Self {
        texts: true,
        items: true,
        duty_stations: true,
        languages: true,
        qualification_paths: true,
        competencies: true,
        documents: true,
        questions: true,
    };

    /// What the eligibility check reads: qualification paths, languages and duty stations.
    pub const REQUIREMENTS: Self = Self {
        qualification_paths: true,
        languages: true,
        duty_stations: true,
        ..Self::NONE
    };

    pub const NONE: Self = Self {
        texts: false,
        items: false,
        duty_stations: false,
        languages: false,
        qualification_paths: false,
        competencies: false,
        documents: false,
        questions: false,
    };
}

/// The child rows of one vacancy. Texts are in the order they were written; items by
/// language, section and position; every other list by position.
#[derive(Debug, Clone, Default)]
pub struct VacancyChildren {
    pub texts: Vec<vacancy_text::Model>,
    pub items: Vec<vacancy_item::Model>,
    pub duty_stations: Vec<vacancy_duty_station::Model>,
    pub languages: Vec<vacancy_language::Model>,
    pub qualification_paths: Vec<vacancy_qualification_path::Model>,
    pub competencies: Vec<vacancy_competency::Model>,
    pub documents: Vec<vacancy_document::Model>,
    pub questions: Vec<vacancy_question::Model>,
}

/// Reads `E`'s rows of the vacancies `ids` in `order`, grouped by vacancy, if `wanted`.
async fn rows_of<E: EntityTrait>(
    db: &impl ConnectionTrait,
    wanted: bool,
    parent: E::Column,
    order: &[E::Column],
    ids: &[i32],
    vacancy_of: impl Fn(&E::Model) -> i32,
) -> Result<HashMap<i32, Vec<E::Model>>, DbErr> {
    let mut grouped: HashMap<i32, Vec<E::Model>> = HashMap::new();
    if !wanted || ids.is_empty() {
        return Ok(grouped);
    }
    let mut select = E::find().filter(parent.is_in(ids.iter().copied()));
    for column in order {
        select = select.order_by_asc(*column);
    }
    for row in select.all(db).await? {
        grouped.entry(vacancy_of(&row)).or_default().push(row);
    }
    Ok(grouped)
}

impl VacancyChildren {
    /// The `tables` of the vacancies `ids`: one statement per table asked for. Every id gets an
    /// entry, empty where it has no rows.
    pub async fn load(
        db: &impl ConnectionTrait,
        ids: &[i32],
        tables: Tables,
    ) -> Result<HashMap<i32, Self>, DbErr> {
        use vacancy_competency::Column as Competency;
        use vacancy_document::Column as Document;
        use vacancy_duty_station::Column as Station;
        use vacancy_item::Column as Item;
        use vacancy_language::Column as Language;
        use vacancy_qualification_path::Column as Path;
        use vacancy_question::Column as Question;
        use vacancy_text::Column as Text;

        let mut texts = rows_of::<vacancy_text::Entity>(
            db,
            tables.texts,
            Text::VacancyId,
            &[Text::Id],
            ids,
            |r| r.vacancy_id,
        )
        .await?;
        let mut items = rows_of::<vacancy_item::Entity>(
            db,
            tables.items,
            Item::VacancyId,
            &[Item::Language, Item::Section, Item::SortOrder],
            ids,
            |r| r.vacancy_id,
        )
        .await?;
        let mut duty_stations = rows_of::<vacancy_duty_station::Entity>(
            db,
            tables.duty_stations,
            Station::VacancyId,
            &[Station::SortOrder],
            ids,
            |r| r.vacancy_id,
        )
        .await?;
        let mut languages = rows_of::<vacancy_language::Entity>(
            db,
            tables.languages,
            Language::VacancyId,
            &[Language::SortOrder],
            ids,
            |r| r.vacancy_id,
        )
        .await?;
        let mut qualification_paths = rows_of::<vacancy_qualification_path::Entity>(
            db,
            tables.qualification_paths,
            Path::VacancyId,
            &[Path::SortOrder],
            ids,
            |r| r.vacancy_id,
        )
        .await?;
        let mut competencies = rows_of::<vacancy_competency::Entity>(
            db,
            tables.competencies,
            Competency::VacancyId,
            &[Competency::SortOrder],
            ids,
            |r| r.vacancy_id,
        )
        .await?;
        let mut documents = rows_of::<vacancy_document::Entity>(
            db,
            tables.documents,
            Document::VacancyId,
            &[Document::SortOrder],
            ids,
            |r| r.vacancy_id,
        )
        .await?;
        let mut questions = rows_of::<vacancy_question::Entity>(
            db,
            tables.questions,
            Question::VacancyId,
            &[Question::SortOrder],
            ids,
            |r| r.vacancy_id,
        )
        .await?;
        Ok(ids
            .iter()
            .map(|id| {
                let children = Self {
                    texts: texts.remove(id).unwrap_or_default(),
                    items: items.remove(id).unwrap_or_default(),
                    duty_stations: duty_stations.remove(id).unwrap_or_default(),
                    languages: languages.remove(id).unwrap_or_default(),
                    qualification_paths: qualification_paths.remove(id).unwrap_or_default(),
                    competencies: competencies.remove(id).unwrap_or_default(),
                    documents: documents.remove(id).unwrap_or_default(),
                    questions: questions.remove(id).unwrap_or_default(),
                };
                (*id, children)
            })
            .collect())
    }

    /// The `tables` of one vacancy.
    pub async fn load_one(
        db: &impl ConnectionTrait,
        id: i32,
        tables: Tables,
    ) -> Result<Self, DbErr> {
        Ok(Self::load(db, &[id], tables)
            .await?
            .remove(&id)
            .unwrap_or_default())
    }
}
