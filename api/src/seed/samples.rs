//! Sample notices: in development, the first start of an empty database also loads a few
//! hundred open vacancies, so that a new user's board, facets and search are alive. They are
//! generated deterministically from the five notices' own vocabulary (their posts, projects,
//! agencies, grades and duty stations) with closing dates spread over the weeks after `now`.
//!
//! Every row is marked `vacancy.is_sample` (shown as `Vacancy.isSample`), never loaded in
//! production (`ServerConfig::loads_samples`), and [`remove`] deletes them all in one
//! transaction. They are posted by the demo organisations on the demo projects, so no
//! organisation or project exists for the samples alone: removing them leaves the demo data
//! whole.

use std::collections::HashMap;

use chrono::{DateTime, Duration as Days, Utc};
use entity::{
    application, competency, organisation_acronym, project, vacancy, vacancy_item, vacancy_search,
    vacancy_text,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, Set,
};

use super::synthetic::{insert_rows, Children, Rng, CITIES};
use super::SeedError;
use crate::domain::{
    ContractType, EducationLevel, Grade, ItemSection, LanguageLevel, NationalityRule,
    ResidencyRule, VacancyStatus,
};

/// How many sample vacancies the first start loads.
pub const SAMPLE_COUNT: usize = 300;

/// Seed of the generator: the same day gives the same samples.
const SEED: u64 = 0x5A3D_1E50_B0A2;

/// Posting agencies (demo acronyms) and the demo projects their samples serve.
const POSTERS: &[(&str, &[&str])] = &[
    ("IOM", &["THAMM+", "Y-MED", "ORION", "AVRR", "MPTF"]),
    ("ILO", &["WAFIRA II"]),
    ("UNHCR", &["MPTF"]),
    ("UNICEF", &["MPTF"]),
    ("UNFPA", &["MPTF"]),
];

/// A duty station of the samples.
struct Station {
    /// The English name, as in `synthetic::CITIES`.
    en: &'static str,
    fr: &'static str,
    /// Arabic name, for arabophone stations (whose notices have an Arabic text too).
    ar: Option<&'static str>,
    /// The languages a notice there asks for.
    languages: &'static [&'static str],
    /// Whether the notice is written in French first.
    french_first: bool,
}

const fn station(
    en: &'static str,
    fr: &'static str,
    ar: Option<&'static str>,
    languages: &'static [&'static str],
    french_first: bool,
) -> Station {
    Station {
        en,
        fr,
        ar,
        languages,
        french_first,
    }
}

const STATIONS: &[Station] = &[
    station("Rabat", "Rabat", Some("الرباط"), &["fr", "ar", "en"], true),
    station("Tunis", "Tunis", Some("تونس"), &["fr", "ar", "en"], true),
    station(
        "Algiers",
        "Alger",
        Some("الجزائر"),
        &["fr", "ar", "en"],
        true,
    ),
    station(
        "Cairo",
        "Le Caire",
        Some("القاهرة"),
        &["ar", "en", "fr"],
        false,
    ),
    station("Amman", "Amman", Some("عمّان"), &["ar", "en"], false),
    station(
        "Beirut",
        "Beyrouth",
        Some("بيروت"),
        &["ar", "fr", "en"],
        false,
    ),
    station("Dakar", "Dakar", None, &["fr", "en"], true),
    station("Abidjan", "Abidjan", None, &["fr", "en"], true),
    station("Niamey", "Niamey", None, &["fr", "en"], true),
    station("Kinshasa", "Kinshasa", None, &["fr", "en"], true),
    station("Geneva", "Genève", None, &["en", "fr"], false),
    station("Brussels", "Bruxelles", None, &["fr", "en", "nl"], true),
    station("Nairobi", "Nairobi", None, &["en", "sw"], false),
    station("Istanbul", "Istanbul", None, &["en", "tr"], false),
];

/// The posts of the notices and their neighbours: English, French and Arabic title, field of
/// study, and the grades they are posted at.
const POSTS: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "Reintegration Assistant",
        "Assistant(e) à la réintégration",
        "مساعد(ة) إعادة الإدماج",
        "Social sciences",
        &["G5", "G6"],
    ),
    (
        "Project Manager",
        "Chef(fe) de projet",
        "مدير(ة) مشروع",
        "Development studies",
        &["P3", "P4", "NO-C"],
    ),
    (
        "Labour Market Integration Officer",
        "Chargé(e) de l'intégration sur le marché du travail",
        "موظف(ة) الإدماج في سوق العمل",
        "Economics",
        &["NO-A", "NO-B", "P2"],
    ),
    (
        "Migration, Environment and Climate Change Officer",
        "Chargé(e) migration, environnement et changement climatique",
        "موظف(ة) الهجرة والبيئة وتغير المناخ",
        "Environmental sciences",
        &["NO-B", "P2", "P3"],
    ),
    (
        "Assisted Voluntary Return and Reintegration Intern",
        "Stagiaire aide au retour volontaire et à la réintégration",
        "متدرب(ة) في العودة الطوعية المدعومة وإعادة الإدماج",
        "International relations",
        &["INTERN"],
    ),
    (
        "Programme Assistant",
        "Assistant(e) de programme",
        "مساعد(ة) برامج",
        "Political science",
        &["G4", "G5", "G6"],
    ),
    (
        "Finance and Administration Assistant",
        "Assistant(e) finances et administration",
        "مساعد(ة) الشؤون المالية والإدارية",
        "Accounting",
        &["G5", "G6"],
    ),
    (
        "Data and Research Officer",
        "Chargé(e) des données et de la recherche",
        "موظف(ة) البيانات والبحوث",
        "Statistics",
        &["NO-A", "P2"],
    ),
    (
        "Protection Officer",
        "Chargé(e) de protection",
        "موظف(ة) الحماية",
        "Law",
        &["P3", "NO-B"],
    ),
    (
        "Communication Consultant",
        "Consultant(e) en communication",
        "استشاري(ة) في الاتصال",
        "Journalism",
        &["CONSULTANT"],
    ),
];

/// Responsibilities, from the notices' own lines, in each language.
const RESPONSIBILITIES: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "Coordinate the implementation of project activities with government counterparts \
             and partners",
            "Monitor and report on progress against the project's indicators",
            "Support returning migrants in their socio-economic reintegration",
            "Organise workshops, trainings and field visits",
            "Prepare donor reports, briefing notes and talking points",
        ],
    ),
    (
        "fr",
        &[
            "Coordonner la mise en œuvre des activités du projet avec les homologues \
             gouvernementaux et les partenaires",
            "Assurer le suivi et le rapportage sur les indicateurs du projet",
            "Accompagner les migrants de retour dans leur réintégration socio-économique",
            "Organiser des ateliers, des formations et des visites de terrain",
            "Préparer les rapports aux bailleurs, les notes d'information et les éléments de \
             langage",
        ],
    ),
    (
        "ar",
        &[
            "تنسيق تنفيذ أنشطة المشروع مع النظراء الحكوميين والشركاء",
            "رصد التقدم المحرز وفق مؤشرات المشروع وإعداد التقارير",
            "دعم المهاجرين العائدين في إعادة إدماجهم الاجتماعي والاقتصادي",
        ],
    ),
];

/// The context paragraph: says plainly that the notice is a sample.
fn context(language: &str, city: &str) -> String {
    match language {
        "fr" => format!(
            "Offre d'exemple, générée à partir du vocabulaire des offres réelles : ce n'est pas \
             un poste réel. Le poste est basé à {city}."
        ),
        "ar" => format!(
            "إعلان نموذجي مولَّد من مفردات الإعلانات الحقيقية، وليس وظيفة حقيقية. مقر العمل: {city}."
        ),
        _ => format!(
            "Sample notice, generated from the vocabulary of the real notices: not a real \
             vacancy. The post is based in {city}."
        ),
    }
}

fn city_index(name: &str) -> Result<usize, SeedError> {
    CITIES
        .iter()
        .position(|(city, _, _)| *city == name)
        .ok_or_else(|| SeedError::Invalid(format!("no duty station named {name}")))
}

/// Whether the database holds sample vacancies.
pub async fn any(db: &impl ConnectionTrait) -> Result<bool, SeedError> {
    Ok(vacancy::Entity::find()
        .filter(vacancy::Column::IsSample.eq(true))
        .count(db)
        .await?
        > 0)
}

/// Loads [`SAMPLE_COUNT`] open sample vacancies closing in the weeks after `now`, in one
/// transaction; does nothing (and returns 0) when the database holds samples already, or
/// lacks the demo organisations they are posted by.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, SeedError> {
    if any(db).await? {
        return Ok(0);
    }
    let acronyms: Vec<&str> = POSTERS.iter().map(|(acronym, _)| *acronym).collect();
    let organisations: HashMap<String, i32> = organisation_acronym::Entity::find()
        .select_only()
        .column(organisation_acronym::Column::Acronym)
        .column(organisation_acronym::Column::OrganisationId)
        .filter(organisation_acronym::Column::Acronym.is_in(acronyms))
        .into_tuple::<(String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let posters: Vec<(i32, &str, &[&str])> = POSTERS
        .iter()
        .filter_map(|(acronym, projects)| {
            Some((*organisations.get(*acronym)?, *acronym, *projects))
        })
        .collect();
    if posters.is_empty() {
        return Ok(0);
    }
    let projects: HashMap<String, i32> = project::Entity::find()
        .select_only()
        .column(project::Column::Code)
        .column(project::Column::Id)
        .into_tuple::<(String, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let catalogue: Vec<(i32, Option<i32>)> = competency::Entity::find()
        .select_only()
        .column(competency::Column::Id)
        .column(competency::Column::OrganisationId)
        .into_tuple()
        .all(db)
        .await?;
    let stations: Vec<usize> = STATIONS
        .iter()
        .map(|station| city_index(station.en))
        .collect::<Result<_, _>>()?;

    let mut rng = Rng::new(SEED);
    let txn = crate::db::begin_write(db).await?;
    struct Plan {
        post: usize,
        station: usize,
        organisation_id: i32,
        grade: String,
    }
    let mut plans: HashMap<String, Plan> = HashMap::with_capacity(SAMPLE_COUNT);
    let mut rows = Vec::with_capacity(SAMPLE_COUNT);
    for n in 1..=SAMPLE_COUNT {
        let (organisation_id, acronym, own_projects) = *rng.pick(&posters);
        let post = rng.below(POSTS.len());
        let station = rng.below(STATIONS.len());
        let (_, _, time_zone) = CITIES[stations[station]];
        let grade_code: &&str = rng.pick(POSTS[post].4);
        let grade = Grade::parse(grade_code).map_err(SeedError::Invalid)?;
        let code = grade.code();
        let contract = match code {
            "INTERN" => ContractType::Internship,
            "CONSULTANT" => ContractType::Consultancy,
            _ if code.starts_with('G') => {
                *rng.pick(&[ContractType::FixedTerm, ContractType::Temporary])
            }
            _ => *rng.pick(&[ContractType::FixedTerm, ContractType::TechnicalCooperation]),
        };
        // National Officers are nationals of the duty station's country; General Service staff
        // live there (or next door, as VN 2023/005 says); others may come from anywhere.
        let (residency, nationality) = if code.starts_with("NO") {
            (ResidencyRule::None, NationalityRule::DutyStationCountry)
        } else if code.starts_with('G') {
            let rule = if rng.chance(50) {
                ResidencyRule::DutyStationOrNeighbouring
            } else {
                ResidencyRule::DutyStationCountry
            };
            (rule, NationalityRule::None)
        } else {
            (ResidencyRule::None, NationalityRule::None)
        };
        let project_id = own_projects
            .get(rng.below(own_projects.len() + 1))
            .and_then(|code| projects.get(*code))
            .copied();
        let closing = now + Days::days(rng.between(3, 56)) + Days::hours(rng.between(0, 23));
        let internal = rng.chance(25);
        let reference = format!("SAMPLE-{acronym}-{n:04}");
        rows.push(vacancy::ActiveModel {
            organisation_id: Set(organisation_id),
            project_id: Set(project_id),
            reference: Set(reference.clone()),
            external_job_id: Set(None),
            unit: Set(None),
            authoritative_language: Set(if STATIONS[station].french_first {
                "fr"
            } else {
                "en"
            }
            .to_owned()),
            grade: Set(Some(code.to_owned())),
            grade_category: Set(Some(grade.category().as_str().to_owned())),
            contract_type: Set(Some(contract.as_str().to_owned())),
            duration_months: Set(Some(rng.between(3, 24) as i32)),
            renewable: Set(Some(rng.chance(60))),
            positions: Set(1 + i32::from(rng.chance(10))),
            open_to_internal: Set(true),
            open_to_external: Set(!internal),
            internal_first: Set(internal),
            residency: Set(residency.as_str().to_owned()),
            nationality_rule: Set(nationality.as_str().to_owned()),
            nationality_countries: Set(None),
            is_sample: Set(true),
            time_zone: Set(time_zone.to_owned()),
            published_at: Set(Some(now - Days::days(rng.between(0, 21)))),
            closing_at: Set(Some(closing)),
            start_on: Set(Some((closing + Days::days(30)).date_naive())),
            start_asap: Set(rng.chance(30)),
            apply_email: Set(None),
            apply_url: Set(None),
            apply_email_subject: Set(None),
            status: Set(VacancyStatus::Published.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        plans.insert(
            reference,
            Plan {
                post,
                station,
                organisation_id,
                grade: code.to_owned(),
            },
        );
    }
    insert_rows(&txn, rows).await?;
    let ids: Vec<(i32, String)> = vacancy::Entity::find()
        .select_only()
        .column(vacancy::Column::Id)
        .column(vacancy::Column::Reference)
        .filter(vacancy::Column::IsSample.eq(true))
        .into_tuple()
        .all(&txn)
        .await?;
    let levels = [
        LanguageLevel::Working,
        LanguageLevel::Fluent,
        LanguageLevel::Excellent,
    ];
    let educations = [
        EducationLevel::Secondary,
        EducationLevel::Bachelor,
        EducationLevel::Master,
    ];
    let mut children = Children::default();
    let mut sorted = ids.clone();
    // Children in reference order, so the generator's sequence does not depend on row ids.
    sorted.sort_by(|a, b| a.1.cmp(&b.1));
    for (id, reference) in &sorted {
        let Some(plan) = plans.get(reference) else {
            continue;
        };
        let (title_en, title_fr, title_ar, field, _) = POSTS[plan.post];
        let Station {
            en: city_en,
            fr: city_fr,
            ar: city_ar,
            languages,
            ..
        } = STATIONS[plan.station];
        let mut texts = vec![
            (
                "en",
                format!("{title_en}, {city_en}"),
                context("en", city_en),
            ),
            (
                "fr",
                format!("{title_fr}, {city_fr}"),
                context("fr", city_fr),
            ),
        ];
        if let Some(city_ar) = city_ar {
            texts.push((
                "ar",
                format!("{title_ar}، {city_ar}"),
                context("ar", city_ar),
            ));
        }
        for (language, title, context) in texts {
            children.texts.push(vacancy_text::ActiveModel {
                vacancy_id: Set(*id),
                language: Set(language.to_owned()),
                title: Set(title),
                organisation_intro: Set(None),
                context: Set(Some(context)),
                reporting_lines: Set(None),
                responsibilities_intro: Set(None),
                how_to_apply: Set(None),
                additional_information: Set(None),
                ..Default::default()
            });
            let lines = RESPONSIBILITIES
                .iter()
                .find(|(l, _)| *l == language)
                .map_or(&[][..], |(_, lines)| *lines);
            for (order, text) in lines.iter().enumerate() {
                children.items.push(vacancy_item::ActiveModel {
                    vacancy_id: Set(*id),
                    section: Set(ItemSection::Responsibility.as_str().to_owned()),
                    language: Set(language.to_owned()),
                    sort_order: Set(order as i32),
                    text: Set((*text).to_owned()),
                    ..Default::default()
                });
            }
        }
        let competencies: Vec<i32> = catalogue
            .iter()
            .filter(|(_, owner)| owner.is_none() || *owner == Some(plan.organisation_id))
            .map(|(id, _)| *id)
            .collect();
        let education = match plan.grade.as_str() {
            "INTERN" => &educations[1..2],
            g if g.starts_with('G') => &educations[..2],
            _ => &educations[1..],
        };
        children.add_requirements(
            &mut rng,
            *id,
            field,
            &[stations[plan.station]],
            languages,
            &competencies,
            &levels,
            education,
        );
    }
    children.store(&txn).await?;
    let ids: Vec<i32> = ids.into_iter().map(|(id, _)| id).collect();
    crate::service::vacancy::search_document::refresh(&txn, &ids).await?;
    txn.commit().await?;
    Ok(ids.len())
}

/// What [`remove`] deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub vacancies: usize,
    pub applications: usize,
}

/// Deletes every sample vacancy in one transaction: their sections, search documents and
/// alerts (by cascade), and any application made to one (with its documents, wherever they
/// are stored). The real notices and the demo organisations and projects stay.
pub async fn remove(db: &DatabaseConnection) -> Result<Removed, SeedError> {
    let txn = crate::db::begin_write(db).await?;
    let samples = || {
        vacancy::Entity::find()
            .select_only()
            .column(vacancy::Column::Id)
            .filter(vacancy::Column::IsSample.eq(true))
    };
    let vacancy_ids: Vec<i32> = samples().into_tuple().all(&txn).await?;
    let application_ids: Vec<i32> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .filter(application::Column::VacancyId.is_in(vacancy_ids.iter().copied()))
        .into_tuple()
        .all(&txn)
        .await?;
    if !application_ids.is_empty() {
        crate::service::application::delete_for_applications(&txn, &application_ids)
            .await
            .map_err(|e| SeedError::Invalid(format!("application documents: {e}")))?;
        application::Entity::delete_many()
            .filter(application::Column::Id.is_in(application_ids.iter().copied()))
            .exec(&txn)
            .await?;
    }
    // Search documents cascade too; deleting them first keeps SQLite's full-text index in step
    // through its triggers.
    vacancy_search::Entity::delete_many()
        .filter(vacancy_search::Column::VacancyId.is_in(vacancy_ids.iter().copied()))
        .exec(&txn)
        .await?;
    vacancy::Entity::delete_many()
        .filter(Condition::all().add(vacancy::Column::IsSample.eq(true)))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Removed {
        vacancies: vacancy_ids.len(),
        applications: application_ids.len(),
    })
}
