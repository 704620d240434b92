//! A vacancy as a schema.org `JobPosting` (JSON-LD), the structured data Google for Jobs and
//! other aggregators read. One builder serves the GraphQL field and the HTTP route.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::{
    organisation, vacancy, vacancy_duty_station, vacancy_item, vacancy_qualification_path,
    vacancy_text,
};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::{json, Map, Value};

use crate::auth::Actor;
use crate::domain::eligibility::neighbours_of;
use crate::domain::{
    ContractType, CountryCode, EducationLevel, ItemSection, LocalDeadline, ResidencyRule,
};
use crate::error::{AppError, AppResult};
use crate::service::vacancy::children::{Tables, VacancyChildren};
use crate::service::vacancy::{self as vacancies, effective_status};

/// Everything a posting is built from: the vacancy row and its children, in their order.
#[derive(Debug, Clone)]
pub struct PostingParts {
    pub vacancy: vacancy::Model,
    pub organisation: organisation::Model,
    pub texts: Vec<vacancy_text::Model>,
    pub items: Vec<vacancy_item::Model>,
    pub duty_stations: Vec<vacancy_duty_station::Model>,
    pub qualification_paths: Vec<vacancy_qualification_path::Model>,
}

/// Reads what the posting of a vacancy the caller may see needs; anything else is not found.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn load(actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<PostingParts> {
    let vacancy = vacancies::get(actor, db, id).await?;
    let organisation = organisation::Entity::find_by_id(vacancy.organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    let children = VacancyChildren::load_one(
        db,
        id,
        Tables {
            texts: true,
            items: true,
            duty_stations: true,
            qualification_paths: true,
            ..Tables::NONE
        },
    )
    .await?;
    Ok(PostingParts {
        vacancy,
        organisation,
        texts: children.texts,
        items: children.items,
        duty_stations: children.duty_stations,
        qualification_paths: children.qualification_paths,
    })
}

/// Section headings of the HTML description, in the text's language (English otherwise).
struct Headings {
    context: &'static str,
    reporting_lines: &'static str,
    responsibilities: &'static str,
    qualifications: &'static str,
    experience: &'static str,
    skills: &'static str,
    conditions: &'static str,
    how_to_apply: &'static str,
    additional_information: &'static str,
}

fn headings(language: &str) -> Headings {
    match language {
        "fr" => Headings {
            context: "Contexte",
            reporting_lines: "Supervision",
            responsibilities: "Responsabilités",
            qualifications: "Formation et expérience",
            experience: "Expérience",
            skills: "Compétences",
            conditions: "Conditions",
            how_to_apply: "Comment postuler",
            additional_information: "Informations complémentaires",
        },
        _ => Headings {
            context: "Context",
            reporting_lines: "Reporting lines",
            responsibilities: "Responsibilities",
            qualifications: "Education and experience",
            experience: "Experience",
            skills: "Skills",
            conditions: "Conditions",
            how_to_apply: "How to apply",
            additional_information: "Additional information",
        },
    }
}

/// Text made safe to place in HTML: every markup character escaped.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The posting as JSON text safe to place inside a `<script type="application/ld+json">`
/// element, as pages embed it: `<`, `>` and `&` (which could close the element or open a
/// comment) and the JavaScript line separators are written as `\uXXXX` escapes, which JSON
/// reads back as the same characters. They can only occur inside strings, so escaping them
/// in the text is exact.
pub fn script_safe_json(posting: &Value) -> AppResult<String> {
    let json = serde_json::to_string(posting).map_err(AppError::internal)?;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Paragraphs (separated by blank lines) as `<p>`, line breaks inside them as `<br>`.
fn paragraphs(html: &mut String, text: &str) {
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let lines: Vec<String> = paragraph.lines().map(|l| escape_html(l.trim())).collect();
        html.push_str("<p>");
        html.push_str(&lines.join("<br>"));
        html.push_str("</p>");
    }
}

fn heading(html: &mut String, title: &str) {
    html.push_str("<h3>");
    html.push_str(&escape_html(title));
    html.push_str("</h3>");
}

fn list(html: &mut String, items: &[String]) {
    if items.is_empty() {
        return;
    }
    html.push_str("<ul>");
    for item in items {
        html.push_str("<li>");
        html.push_str(&escape_html(item));
        html.push_str("</li>");
    }
    html.push_str("</ul>");
}

fn section(html: &mut String, title: &str, text: Option<&str>) {
    if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
        heading(html, title);
        paragraphs(html, text);
    }
}

fn education_phrase(level: EducationLevel) -> &'static str {
    match level {
        EducationLevel::Secondary => "Secondary school diploma",
        EducationLevel::Vocational => "Vocational or technical diploma",
        EducationLevel::Bachelor => "Bachelor's degree",
        EducationLevel::Master => "Master's degree",
        EducationLevel::Doctorate => "Doctorate",
    }
}

/// Google's `credentialCategory` values.
fn credential_category(level: EducationLevel) -> &'static str {
    match level {
        EducationLevel::Secondary => "high school",
        EducationLevel::Vocational => "professional certificate",
        EducationLevel::Bachelor => "bachelor degree",
        EducationLevel::Master | EducationLevel::Doctorate => "postgraduate degree",
    }
}

/// Google's `employmentType` values for a contract type.
pub fn employment_type(contract: ContractType) -> &'static str {
    match contract {
        ContractType::FixedTerm | ContractType::TechnicalCooperation => "FULL_TIME",
        ContractType::Temporary => "TEMPORARY",
        ContractType::Internship => "INTERN",
        ContractType::Consultancy => "CONTRACTOR",
    }
}

/// A qualification path in words: the notice's own, or one made from its parts.
fn path_text(path: &QualificationPath) -> String {
    if let Some(description) = path.description.as_deref().filter(|d| !d.is_empty()) {
        return description.to_owned();
    }
    let mut text = education_phrase(path.level).to_owned();
    if !path.fields.is_empty() {
        text.push_str(&format!(" in {}", path.fields.join(", ")));
    }
    match path.years {
        0 => {}
        1 => text.push_str(" with 1 year of relevant experience"),
        n => text.push_str(&format!(" with {n} years of relevant experience")),
    }
    text
}

struct QualificationPath {
    level: EducationLevel,
    years: i32,
    fields: Vec<String>,
    description: Option<String>,
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Countries whose residents may apply, from the residency rule: the duty stations' countries,
/// with their neighbours when the rule allows; none when the rule asks for nothing.
fn applicant_countries(
    rule: ResidencyRule,
    stations: &[vacancy_duty_station::Model],
) -> Vec<String> {
    let mut countries: Vec<String> = Vec::new();
    let mut add = |code: &str| {
        if !countries.iter().any(|c| c == code) {
            countries.push(code.to_owned());
        }
    };
    if rule == ResidencyRule::None {
        return Vec::new();
    }
    for station in stations {
        add(&station.country_code);
    }
    if rule == ResidencyRule::DutyStationOrNeighbouring {
        for station in stations {
            if let Ok(code) = CountryCode::parse(&station.country_code) {
                for neighbour in neighbours_of(&code) {
                    add(neighbour.as_str());
                }
            }
        }
    }
    countries
}

/// The `JobPosting` of a vacancy, with its text in `language` (else the authoritative one).
pub fn build(parts: &PostingParts, language: Option<&str>, now: DateTime<Utc>) -> AppResult<Value> {
    let v = &parts.vacancy;
    let wanted = language.map(str::to_ascii_lowercase);
    let pick = |lang: &str| parts.texts.iter().find(|t| t.language == lang);
    let text = wanted
        .as_deref()
        .and_then(pick)
        .or_else(|| pick(&v.authoritative_language))
        .or_else(|| parts.texts.first());
    let lang = text.map_or(v.authoritative_language.as_str(), |t| t.language.as_str());
    let items = |section: ItemSection| -> Vec<String> {
        parts
            .items
            .iter()
            .filter(|i| i.language == lang && i.section == section.as_str())
            .map(|i| i.text.clone())
            .collect()
    };
    let responsibilities = items(ItemSection::Responsibility);
    let experience = items(ItemSection::Experience);
    let skills = items(ItemSection::Skill);
    let conditions = items(ItemSection::Condition);
    let paths = parts
        .qualification_paths
        .iter()
        .map(|q| {
            Ok(QualificationPath {
                level: EducationLevel::from_db(&q.education_level)?,
                years: q.min_years_experience,
                fields: serde_json::from_value(q.fields.clone()).unwrap_or_default(),
                description: q.description.clone(),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let path_texts: Vec<String> = paths.iter().map(path_text).collect();

    let h = headings(lang);
    let mut html = String::new();
    if let Some(t) = text {
        if let Some(intro) = t.organisation_intro.as_deref() {
            paragraphs(&mut html, intro);
        }
        section(&mut html, h.context, t.context.as_deref());
        section(&mut html, h.reporting_lines, t.reporting_lines.as_deref());
        if t.responsibilities_intro.is_some() || !responsibilities.is_empty() {
            heading(&mut html, h.responsibilities);
            if let Some(intro) = t.responsibilities_intro.as_deref() {
                paragraphs(&mut html, intro);
            }
            list(&mut html, &responsibilities);
        }
    }
    if !path_texts.is_empty() {
        heading(&mut html, h.qualifications);
        list(&mut html, &path_texts);
    }
    if !experience.is_empty() {
        heading(&mut html, h.experience);
        list(&mut html, &experience);
    }
    if !skills.is_empty() {
        heading(&mut html, h.skills);
        list(&mut html, &skills);
    }
    if !conditions.is_empty() {
        heading(&mut html, h.conditions);
        list(&mut html, &conditions);
    }
    if let Some(t) = text {
        section(&mut html, h.how_to_apply, t.how_to_apply.as_deref());
        section(
            &mut html,
            h.additional_information,
            t.additional_information.as_deref(),
        );
    }

    let org = &parts.organisation;
    let org_name = if lang == "fr" {
        &org.name_fr
    } else {
        &org.name_en
    };
    let mut hiring = json!({
        "@type": "Organization",
        "name": org_name,
        "alternateName": org.acronym,
    });
    if let Some(website) = org.website.as_deref() {
        hiring["sameAs"] = json!(website);
        hiring["url"] = json!(website);
    }

    let mut posting = Map::new();
    posting.insert("@context".into(), json!("https://schema.org/"));
    posting.insert("@type".into(), json!("JobPosting"));
    posting.insert(
        "title".into(),
        json!(text.map_or(v.reference.as_str(), |t| t.title.as_str())),
    );
    posting.insert("description".into(), json!(html));
    posting.insert(
        "identifier".into(),
        json!({ "@type": "PropertyValue", "name": org.acronym, "value": v.reference }),
    );
    // The date the notice states, when it states one, rather than when it went live here.
    let posted = match v.stated_publication_date {
        Some(date) => date.to_string(),
        None => instant(v.published_at.unwrap_or(v.created_at)),
    };
    posting.insert("datePosted".into(), json!(posted));
    if let Some(closing) = v.closing_at {
        // With the offset of the notice's zone, so that it reads as the notice's clock does.
        let local = LocalDeadline::of(closing, &v.time_zone);
        posting.insert("validThrough".into(), json!(local.rfc3339));
    }
    if let Some(contract) = v.contract_type.as_deref() {
        posting.insert(
            "employmentType".into(),
            json!(employment_type(ContractType::from_db(contract)?)),
        );
    }
    posting.insert("hiringOrganization".into(), hiring);
    let places: Vec<Value> = parts
        .duty_stations
        .iter()
        .map(|s| {
            let mut address = json!({
                "@type": "PostalAddress",
                "addressCountry": s.country_code,
            });
            // A duty station that is a whole country has no locality.
            if let Some(city) = &s.city {
                address["addressLocality"] = json!(city);
            }
            json!({ "@type": "Place", "address": address })
        })
        .collect();
    if !places.is_empty() {
        posting.insert("jobLocation".into(), Value::Array(places));
    }
    let countries =
        applicant_countries(ResidencyRule::from_db(&v.residency)?, &parts.duty_stations);
    if !countries.is_empty() {
        let countries: Vec<Value> = countries
            .iter()
            .map(|c| json!({ "@type": "Country", "name": c }))
            .collect();
        posting.insert(
            "applicantLocationRequirements".into(),
            Value::Array(countries),
        );
    }
    // Any one path qualifies: the lowest education accepted, the least experience asked, and
    // experience standing in for education when a lower degree needs more of it.
    if let Some(lowest) = paths.iter().map(|p| p.level).min() {
        posting.insert(
            "educationRequirements".into(),
            json!({
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": credential_category(lowest),
            }),
        );
    }
    if let Some(least) = paths.iter().map(|p| p.years).min() {
        posting.insert(
            "experienceRequirements".into(),
            json!({
                "@type": "OccupationalExperienceRequirements",
                "monthsOfExperience": least * 12,
            }),
        );
    }
    if paths.iter().any(|p| p.level != paths[0].level) {
        posting.insert("experienceInPlaceOfEducation".into(), json!(true));
    }
    let mut qualifications = path_texts;
    qualifications.extend(experience);
    if !qualifications.is_empty() {
        posting.insert("qualifications".into(), json!(qualifications.join("\n")));
    }
    if !responsibilities.is_empty() {
        posting.insert(
            "responsibilities".into(),
            json!(responsibilities.join("\n")),
        );
    }
    if !skills.is_empty() {
        posting.insert("skills".into(), json!(skills.join("\n")));
    }
    posting.insert("totalJobOpenings".into(), json!(v.positions));
    if let Some(start) = v.start_on {
        posting.insert("jobStartDate".into(), json!(start.to_string()));
    }
    // Candidates apply through this API's `apply` mutation while the notice is open.
    posting.insert(
        "directApply".into(),
        json!(effective_status(v, now)? == crate::domain::VacancyStatus::Published),
    );
    Ok(Value::Object(posting))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_before_it_becomes_html() {
        assert_eq!(
            escape_html("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        let mut html = String::new();
        paragraphs(&mut html, "one <b>\nline two\n\n\npara two");
        assert_eq!(html, "<p>one &lt;b&gt;<br>line two</p><p>para two</p>");
    }

    #[test]
    fn script_safe_json_cannot_close_the_script_element_and_reads_back_the_same() {
        let posting =
            json!({ "title": "</script><script>alert(1)</script> <!-- & \u{2028}\u{2029}" });
        let text = script_safe_json(&posting).unwrap();
        for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!text.contains(forbidden), "{text}");
        }
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), posting);
    }

    #[test]
    fn contract_types_map_to_google_employment_types() {
        assert_eq!(employment_type(ContractType::FixedTerm), "FULL_TIME");
        assert_eq!(employment_type(ContractType::Internship), "INTERN");
        assert_eq!(employment_type(ContractType::Consultancy), "CONTRACTOR");
        assert_eq!(employment_type(ContractType::Temporary), "TEMPORARY");
    }

    #[test]
    fn residency_rules_name_the_countries_applicants_may_live_in() {
        let station = |country: &str| vacancy_duty_station::Model {
            id: 1,
            vacancy_id: 1,
            city: Some("X".into()),
            country_code: country.into(),
            sort_order: 0,
        };
        let stations = [station("MA"), station("MA")];
        assert!(applicant_countries(ResidencyRule::None, &stations).is_empty());
        assert_eq!(
            applicant_countries(ResidencyRule::DutyStationCountry, &stations),
            ["MA"]
        );
        let around = applicant_countries(ResidencyRule::DutyStationOrNeighbouring, &stations);
        assert_eq!(around[0], "MA");
        assert!(around.contains(&"DZ".to_owned()), "{around:?}");
    }
}
