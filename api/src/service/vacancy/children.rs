//! A vacancy's child rows (texts, items, duty stations, languages, qualification paths,
//! competencies, documents, questions, other projects): read one statement per table whatever the number of
//! vacancies, each list in its notice order; written from a validated notice.

use std::collections::HashMap;

use entity::{
    vacancy_competency, vacancy_document, vacancy_duty_station, vacancy_item, vacancy_language,
    vacancy_project, vacancy_qualification_path, vacancy_question, vacancy_text,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

use serde_json::json;

use crate::domain::ItemSection;
use crate::error::AppResult;
use crate::service::vacancy::notice::Notice;

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
    pub projects: bool,
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
        projects: true,
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
        projects: false,
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
    /// The projects it serves besides its main one, in order.
    pub projects: Vec<vacancy_project::Model>,
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
    #[tracing::instrument(level = "debug", skip(db))]
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
        let mut projects = rows_of::<vacancy_project::Entity>(
            db,
            tables.projects,
            vacancy_project::Column::VacancyId,
            &[vacancy_project::Column::SortOrder],
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
                    projects: projects.remove(id).unwrap_or_default(),
                };
                (*id, children)
            })
            .collect())
    }

    /// The `tables` of one vacancy.
    #[tracing::instrument(level = "debug", skip(db))]
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

/// Stores a validated notice's child rows for the vacancy `vacancy_id`.
pub(super) async fn store_children(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    notice: &Notice,
) -> AppResult<()> {
    let order = |i: usize| i as i32;
    if !notice.texts.is_empty() {
        vacancy_text::Entity::insert_many(notice.texts.iter().map(|t| vacancy_text::ActiveModel {
            vacancy_id: Set(vacancy_id),
            language: Set(t.language.clone()),
            title: Set(t.title.clone()),
            organisation_intro: Set(t.organisation_intro.clone()),
            context: Set(t.context.clone()),
            reporting_lines: Set(t.reporting_lines.clone()),
            responsibilities_intro: Set(t.responsibilities_intro.clone()),
            how_to_apply: Set(t.how_to_apply.clone()),
            additional_information: Set(t.additional_information.clone()),
            ..Default::default()
        }))
        .exec(db)
        .await?;
    }
    let items: Vec<vacancy_item::ActiveModel> = notice
        .texts
        .iter()
        .flat_map(|t| {
            [
                ItemSection::Responsibility,
                ItemSection::Experience,
                ItemSection::Skill,
                ItemSection::Condition,
            ]
            .into_iter()
            .flat_map(move |section| {
                t.lines(section)
                    .into_iter()
                    .enumerate()
                    .map(move |(i, (text, requirement))| vacancy_item::ActiveModel {
                        vacancy_id: Set(vacancy_id),
                        section: Set(section.as_str().to_owned()),
                        language: Set(t.language.clone()),
                        sort_order: Set(order(i)),
                        text: Set(text.to_owned()),
                        requirement: Set(requirement.map(|r| r.as_str().to_owned())),
                        ..Default::default()
                    })
            })
        })
        .collect();
    if !items.is_empty() {
        vacancy_item::Entity::insert_many(items).exec(db).await?;
    }
    if !notice.duty_stations.is_empty() {
        vacancy_duty_station::Entity::insert_many(notice.duty_stations.iter().enumerate().map(
            |(i, (city, country))| vacancy_duty_station::ActiveModel {
                vacancy_id: Set(vacancy_id),
                city: Set(city.clone()),
                country_code: Set(country.clone()),
                sort_order: Set(order(i)),
                ..Default::default()
            },
        ))
        .exec(db)
        .await?;
    }
    if !notice.languages.is_empty() {
        vacancy_language::Entity::insert_many(notice.languages.iter().enumerate().map(
            |(i, (code, level, requirement, one_of, note))| vacancy_language::ActiveModel {
                vacancy_id: Set(vacancy_id),
                language_code: Set(code.clone()),
                level: Set(level.map(|l| l.as_str().to_owned())),
                requirement: Set(requirement.as_str().to_owned()),
                one_of: Set(*one_of),
                note: Set(note.clone()),
                sort_order: Set(order(i)),
                ..Default::default()
            },
        ))
        .exec(db)
        .await?;
    }
    if !notice.qualification_paths.is_empty() {
        vacancy_qualification_path::Entity::insert_many(
            notice.qualification_paths.iter().enumerate().map(
                |(i, (level, years, fields, description))| {
                    vacancy_qualification_path::ActiveModel {
                        vacancy_id: Set(vacancy_id),
                        education_level: Set(level.as_str().to_owned()),
                        min_years_experience: Set(*years),
                        fields: Set(json!(fields)),
                        description: Set(description.clone()),
                        sort_order: Set(order(i)),
                        ..Default::default()
                    }
                },
            ),
        )
        .exec(db)
        .await?;
    }
    if !notice.competencies.is_empty() {
        vacancy_competency::Entity::insert_many(notice.competencies.iter().enumerate().map(
            |(i, (competency_id, level, requirement))| vacancy_competency::ActiveModel {
                vacancy_id: Set(vacancy_id),
                competency_id: Set(*competency_id),
                level: Set(*level),
                requirement: Set(requirement.as_str().to_owned()),
                sort_order: Set(order(i)),
                ..Default::default()
            },
        ))
        .exec(db)
        .await?;
    }
    if !notice.other_project_ids.is_empty() {
        vacancy_project::Entity::insert_many(notice.other_project_ids.iter().enumerate().map(
            |(i, project_id)| vacancy_project::ActiveModel {
                vacancy_id: Set(vacancy_id),
                project_id: Set(*project_id),
                sort_order: Set(order(i)),
                ..Default::default()
            },
        ))
        .exec(db)
        .await?;
    }
    if !notice.documents.is_empty() {
        vacancy_document::Entity::insert_many(notice.documents.iter().enumerate().map(
            |(i, (kind, count, note))| vacancy_document::ActiveModel {
                vacancy_id: Set(vacancy_id),
                kind: Set(kind.as_str().to_owned()),
                count: Set(*count),
                note: Set(note.clone()),
                sort_order: Set(order(i)),
                ..Default::default()
            },
        ))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Stores a notice's application form in place of the one it had. Answers cascade with their
/// questions, so callers only replace a form nobody has answered.
pub(super) async fn replace_questions(
    db: &impl ConnectionTrait,
    vacancy_id: i32,
    notice: &Notice,
) -> AppResult<()> {
    let order = |i: usize| i as i32;
    vacancy_question::Entity::delete_many()
        .filter(vacancy_question::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await?;
    if !notice.questions.is_empty() {
        vacancy_question::Entity::insert_many(notice.questions.iter().enumerate().map(|(i, q)| {
            vacancy_question::ActiveModel {
                vacancy_id: Set(vacancy_id),
                sort_order: Set(order(i)),
                kind: Set(q.kind.as_str().to_owned()),
                required: Set(q.required),
                prompt: Set(json!(q.prompt)),
                options: Set((!q.options.is_empty()).then(|| json!(q.options))),
                min_number: Set(q.min_number),
                max_number: Set(q.max_number),
                ..Default::default()
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Deletes a vacancy's child rows (its questions and their answers aside).
pub(super) async fn delete_children(db: &impl ConnectionTrait, vacancy_id: i32) -> AppResult<()> {
    vacancy_text::Entity::delete_many()
        .filter(vacancy_text::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await?;
    vacancy_item::Entity::delete_many()
        .filter(vacancy_item::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await?;
    vacancy_duty_station::Entity::delete_many()
        .filter(vacancy_duty_station::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await?;
    vacancy_language::Entity::delete_many()
        .filter(vacancy_language::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await?;
    vacancy_qualification_path::Entity::delete_many()
        .filter(vacancy_qualification_path::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await?;
    vacancy_competency::Entity::delete_many()
        .filter(vacancy_competency::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await?;
    vacancy_document::Entity::delete_many()
        .filter(vacancy_document::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await?;
    vacancy_project::Entity::delete_many()
        .filter(vacancy_project::Column::VacancyId.eq(vacancy_id))
        .exec(db)
        .await?;
    Ok(())
}
