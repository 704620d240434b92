//! `importNoticeDocument`: the five real notices, written here as PDF and DOCX from their
//! text, uploaded over HTTP, and each draft compared with the seed data field by field (the
//! measurement reported in BENCHMARKS.md); the permission rule; the refused documents.

use std::io::{Cursor, Write};

use jobboard::domain::Role;
use reqwest::multipart::{Form, Part};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};

use crate::helpers::{global_id, TestApp};

const IMPORT_FULL: &str = r#"mutation($file: Upload!, $org: ID) {
  importNoticeDocument(file: $file, organisationId: $org) {
    format unfilledFields missingToPublish morePosts
    fields { field value source line confidence }
    vacancy {
      id status reference externalJobId unit grade contractType durationMonths renewable positions
      openToInternal openToExternal internalFirst timeZone closingAt startAsap startDate
      statedPublicationDate
      applyEmail applyEmailSubject organisation { acronym }
      dutyStations { city country }
      languages { language level requirement oneOfGroup }
      qualificationPaths { educationLevel minYearsExperience fields }
      competencies { competency { code } level requirement }
      requiredDocuments { kind count }
      text { title responsibilities experience skills conditions
        experienceLines { text requirement } skillLines { text requirement } }
    }
  }
}"#;

/// Uploads `bytes` as the `file` of `importNoticeDocument`; the HTTP status and the body.
async fn upload(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    bytes: Vec<u8>,
    org: Option<String>,
) -> (u16, Value) {
    let form = Form::new()
        .text(
            "operations",
            json!({ "query": query, "variables": { "file": null, "org": org } }).to_string(),
        )
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            Part::bytes(bytes)
                .file_name("notice")
                .mime_str("application/octet-stream")
                .unwrap(),
        );
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header("GraphQL-Require-Preflight", "1")
        .multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

// ---- Writing the documents ------------------------------------------------------------

/// A character in Windows-1252 (the PDF's WinAnsiEncoding); bullets it lacks become •.
fn cp1252(c: char) -> u8 {
    match c {
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' | '◆' | '●' | '▪' | '■' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        'œ' => 0x9C,
        'Œ' => 0x8C,
        c if (c as u32) < 0x100 => c as u32 as u8,
        _ => b'?',
    }
}

/// Lines of at most `width` characters, broken between words, as a page lays them out.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.chars().count() + word.chars().count() > width {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out
}

/// A PDF of `text` in Helvetica (WinAnsiEncoding), 60 lines a page, long lines broken.
pub fn pdf_of(text: &str) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream, StringFormat};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids: Vec<Object> = Vec::new();
    for chunk in wrap(text, 95).chunks(60) {
        let mut operations = Vec::new();
        for (i, line) in chunk.iter().enumerate() {
            // A table row: each cell placed on its own, as a layout program does.
            for (j, cell) in line.split('\t').enumerate() {
                let bytes: Vec<u8> = cell.chars().map(cp1252).collect();
                operations.extend([
                    Operation::new("BT", vec![]),
                    Operation::new("Tf", vec!["F1".into(), 9.into()]),
                    Operation::new(
                        "Td",
                        vec![(40 + 200 * j as i64).into(), (800 - 13 * i as i64).into()],
                    ),
                    Operation::new("Tj", vec![Object::String(bytes, StringFormat::Literal)]),
                    Operation::new("ET", vec![]),
                ]);
            }
        }
        let content = Content { operations }.encode().unwrap();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn run(text: &str) -> String {
    format!(
        r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
        xml_escape(text)
    )
}

/// A DOCX of `text`: a paragraph per line, lines with tabs as table rows, bulleted lines as
/// Word list paragraphs (the bullet in the numbering, not the text).
pub fn docx_of(text: &str) -> Vec<u8> {
    let mut body = String::new();
    for line in text.lines() {
        if line.contains('\t') {
            body.push_str("<w:tbl><w:tr>");
            for cell in line.split('\t') {
                body.push_str(&format!("<w:tc><w:p>{}</w:p></w:tc>", run(cell.trim())));
            }
            body.push_str("</w:tr></w:tbl>");
        } else if let Some(item) = line.trim_start().strip_prefix("• ") {
            body.push_str(&format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>{}</w:p>"#,
                run(item)
            ));
        } else {
            body.push_str(&format!("<w:p>{}</w:p>", run(line)));
        }
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        // Word's own order: a small part of word/ first, then the document.
        ("word/styles.xml", STYLES.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ])
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>"#;

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

// ---- The seed data, and the comparison -------------------------------------------------

/// The five notices and the seed vacancy each one's (first) post is.
const NOTICES: [(&str, &str); 5] = [
    ("000", "iom-vn-2023-005"),
    ("001", "iom-lmi-maroc-2025"),
    ("002", "iom-orion-2019"),
    ("003", "ilo-alg-dc-p-2025-03"),
    ("004", "iom-avrr-intern"),
];

fn repo_file(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn notice_text(prefix: &str) -> String {
    let entry = std::fs::read_dir(repo_file("seed/notices"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .unwrap();
    std::fs::read_to_string(entry.path()).unwrap()
}

fn norm(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn list(value: &Value) -> Vec<Value> {
    value.as_array().cloned().unwrap_or_default()
}

fn opt(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.is_empty() => None,
        other => Some(other.to_string()),
    }
}

fn items(value: &Value) -> Option<String> {
    let items: Vec<String> = list(value)
        .iter()
        .map(|v| {
            norm(
                v.as_str()
                    .or_else(|| v["text"].as_str())
                    .unwrap_or_default(),
            )
        })
        .collect();
    (!items.is_empty()).then(|| items.join("|"))
}

/// The lines that say whether they are required or desirable, with what they say.
fn line_requirements(lists: &[&Value]) -> Option<String> {
    let mut lines: Vec<String> = lists
        .iter()
        .flat_map(|l| list(l))
        .filter_map(|line| {
            let requirement = line["requirement"].as_str()?;
            Some(format!("{} {requirement}", norm(line["text"].as_str()?)))
        })
        .collect();
    lines.sort();
    (!lines.is_empty()).then(|| lines.join("|"))
}

fn toml_json(value: &toml::Table) -> Value {
    serde_json::to_value(value).unwrap()
}

/// The fields compared, each as (expected from the seed, read from the draft).
fn compare(
    notice: &str,
    truth: &Value,
    draft: &Value,
) -> Vec<(&'static str, Option<String>, Option<String>)> {
    let text = &truth["text"]["fr"];
    let got_text = &draft["text"];
    let squashed = norm(notice);
    let reference = opt(&truth["reference"]).filter(|r| squashed.contains(&norm(r)));
    let got_reference = opt(&draft["reference"]).filter(|r| !r.starts_with("IMPORT-"));
    let stations = |v: &Value| {
        let mut s: Vec<String> = list(v)
            .iter()
            .map(|d| {
                format!(
                    "{}/{}",
                    d["city"].as_str().unwrap_or(""),
                    d["country"].as_str().unwrap_or("")
                )
            })
            .collect();
        s.sort();
        (!s.is_empty()).then(|| s.join(","))
    };
    let languages = |v: &Value, one_of: &str, level: &str| {
        let mut s: Vec<String> = list(v)
            .iter()
            .map(|l| {
                format!(
                    "{} {} {} {}",
                    l["language"].as_str().unwrap_or(""),
                    l[level].as_str().unwrap_or("-"),
                    l["requirement"].as_str().unwrap_or(""),
                    if l[one_of].is_null() { "" } else { "one-of" }
                )
            })
            .collect();
        s.sort();
        (!s.is_empty()).then(|| s.join(","))
    };
    let paths = |v: &Value, level: &str, years: &str| {
        let s: Vec<String> = list(v)
            .iter()
            .map(|p| format!("{} {}", p[level].as_str().unwrap_or(""), p[years]))
            .collect();
        (!s.is_empty()).then(|| s.join(","))
    };
    let mut truth_competencies: Vec<String> = list(&truth["competencies"])
        .iter()
        .map(|c| format!("{} {}", c["code"].as_str().unwrap_or(""), c["level"]))
        .collect();
    truth_competencies.sort();
    let mut got_competencies: Vec<String> = list(&draft["competencies"])
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["competency"]["code"].as_str().unwrap_or(""),
                c["level"]
            )
        })
        .collect();
    got_competencies.sort();
    let documents = |v: &Value| {
        let mut s: Vec<String> = list(v)
            .iter()
            .map(|d| format!("{} {}", d["kind"].as_str().unwrap_or(""), d["count"]))
            .collect();
        s.sort();
        (!s.is_empty()).then(|| s.join(","))
    };
    // TOML dates come through serde as a one-key table.
    let closing_on = truth["closing_on"]
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str);
    let closing = closing_on.map(|date| {
        let tz: chrono_tz::Tz = truth["time_zone"].as_str().unwrap().parse().unwrap();
        let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        jobboard::domain::closing_instant(date, None, tz).unwrap()
    });
    let got_closing = draft["closingAt"]
        .as_str()
        .map(|s| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc());
    let yes = |v: &Value| (v.as_bool() == Some(true)).then(|| "true".to_owned());
    let applicants = |internal: &Value, external: &Value| {
        Some(format!("internal={} external={}", internal, external))
    };
    vec![
        ("reference", reference, got_reference),
        (
            "externalJobId",
            opt(&truth["external_job_id"]),
            opt(&draft["externalJobId"]),
        ),
        ("title", opt(&text["title"]), opt(&got_text["title"])),
        ("unit", opt(&truth["unit"]), opt(&draft["unit"])),
        ("grade", opt(&truth["grade"]), opt(&draft["grade"])),
        (
            "contractType",
            opt(&truth["contract_type"]),
            opt(&draft["contractType"]),
        ),
        (
            "durationMonths",
            opt(&truth["duration_months"]),
            opt(&draft["durationMonths"]),
        ),
        (
            "renewable",
            yes(&truth["renewable"]),
            yes(&draft["renewable"]),
        ),
        (
            "positions",
            opt(&truth["positions"]),
            opt(&draft["positions"]),
        ),
        (
            "dutyStations",
            stations(&truth["duty_stations"]),
            stations(&draft["dutyStations"]),
        ),
        (
            "openToInternal/External",
            applicants(&truth["open_to_internal"], &truth["open_to_external"]),
            applicants(&draft["openToInternal"], &draft["openToExternal"]),
        ),
        (
            "internalFirst",
            yes(&truth["internal_first"]),
            yes(&draft["internalFirst"]),
        ),
        (
            "startAsap",
            yes(&truth["start_asap"]),
            yes(&draft["startAsap"]),
        ),
        (
            "closingAt",
            closing.map(|c| c.to_rfc3339()),
            got_closing.map(|c| c.to_rfc3339()),
        ),
        (
            "timeZone",
            opt(&truth["time_zone"]),
            opt(&draft["timeZone"]),
        ),
        (
            "statedPublicationDate",
            truth["published_on"]
                .as_object()
                .and_then(|o| o.values().next())
                .and_then(Value::as_str)
                .map(str::to_owned),
            opt(&draft["statedPublicationDate"]),
        ),
        (
            "applyEmail",
            opt(&truth["apply_email"]),
            opt(&draft["applyEmail"]),
        ),
        (
            "applyEmailSubject",
            opt(&truth["apply_email_subject"]),
            opt(&draft["applyEmailSubject"]),
        ),
        (
            "languages",
            languages(&truth["languages"], "one_of", "level"),
            languages(&draft["languages"], "oneOfGroup", "level"),
        ),
        (
            "qualificationPaths",
            paths(
                &truth["qualification_paths"],
                "education_level",
                "min_years_experience",
            ),
            paths(
                &draft["qualificationPaths"],
                "educationLevel",
                "minYearsExperience",
            ),
        ),
        (
            "competencies",
            (!truth_competencies.is_empty()).then(|| truth_competencies.join(",")),
            (!got_competencies.is_empty()).then(|| got_competencies.join(",")),
        ),
        (
            "requiredDocuments",
            documents(&truth["required_documents"]),
            documents(&draft["requiredDocuments"]),
        ),
        (
            "responsibilities",
            items(&text["responsibilities"]),
            items(&got_text["responsibilities"]),
        ),
        (
            "experience",
            items(&text["experience"]),
            items(&got_text["experience"]),
        ),
        ("skills", items(&text["skills"]), items(&got_text["skills"])),
        (
            "lineRequirements",
            line_requirements(&[&text["experience"], &text["skills"]]),
            line_requirements(&[&got_text["experienceLines"], &got_text["skillLines"]]),
        ),
        (
            "conditions",
            items(&text["conditions"]),
            items(&got_text["conditions"]),
        ),
    ]
}

#[derive(Default, Debug, Clone, Copy)]
struct Score {
    correct: usize,
    wrong: usize,
    empty: usize,
}

impl Score {
    fn total(&self) -> usize {
        self.correct + self.wrong + self.empty
    }
    fn add(&mut self, expected: &Option<String>, got: &Option<String>) -> Option<&'static str> {
        match (expected, got) {
            (Some(e), Some(g)) if e == g => {
                self.correct += 1;
                None
            }
            (None, None) => None,
            (Some(_), None) => {
                self.empty += 1;
                Some("empty")
            }
            _ => {
                self.wrong += 1;
                Some("WRONG")
            }
        }
    }
}

/// Gives the seed's vacancies other references, so the imports of the same notices can
/// take theirs.
async fn free_seed_references(app: &TestApp) {
    for row in entity::vacancy::Entity::find().all(&app.db).await.unwrap() {
        let reference = format!("{}-seed", row.reference);
        let mut active: entity::vacancy::ActiveModel = row.into();
        active.reference = Set(reference);
        active.update(&app.db).await.unwrap();
    }
}

async fn retire_reference(app: &TestApp, id: &str, format: &str) {
    let row_id: i32 = id_of(id);
    let row = entity::vacancy::Entity::find_by_id(row_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let reference = format!("{}-{format}", row.reference);
    let mut active: entity::vacancy::ActiveModel = row.into();
    active.reference = Set(reference);
    active.update(&app.db).await.unwrap();
}

/// The measurement: every notice as PDF and DOCX, each draft compared with the seed.
#[tokio::test]
async fn the_five_notices_import_from_pdf_and_docx_as_their_seed_data() {
    for app in TestApp::all_seeded().await {
        free_seed_references(&app).await;
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let ilo = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let mut overall = Score::default();
        let mut report = String::new();
        let mut plainly_wrong = Vec::new();
        for (prefix, seed) in NOTICES {
            let notice = notice_text(prefix);
            let truth = toml_json(
                &toml::from_str::<toml::Table>(
                    &std::fs::read_to_string(repo_file(&format!("seed/vacancies/{seed}.toml")))
                        .unwrap(),
                )
                .unwrap(),
            );
            let token = if truth["organisation"] == "ILO" {
                &ilo
            } else {
                &iom
            };
            for (format, bytes) in [("PDF", pdf_of(&notice)), ("DOCX", docx_of(&notice))] {
                let (status, body) = upload(&app, Some(token), IMPORT_FULL, bytes, None).await;
                assert_eq!(status, 200, "{body}");
                assert!(
                    body.get("errors").is_none(),
                    "[{}] {prefix} {format}: {body}",
                    app.backend()
                );
                let payload = &body["data"]["importNoticeDocument"];
                assert_eq!(payload["format"], format);
                let draft = &payload["vacancy"];
                assert_eq!(draft["status"], "DRAFT");
                assert_eq!(draft["organisation"]["acronym"], truth["organisation"]);
                let mut score = Score::default();
                for (field, expected, got) in compare(&notice, &truth, draft) {
                    if let Some(verdict) = score.add(&expected, &got) {
                        let (e, g) = (
                            expected.clone().unwrap_or_default(),
                            got.clone().unwrap_or_default(),
                        );
                        let diff: Vec<String> = e
                            .split('|')
                            .zip(g.split('|'))
                            .filter(|(a, b)| a != b)
                            .take(1)
                            .map(|(a, b)| format!("{a}\n    ≠ {b}"))
                            .collect();
                        report.push_str(&format!(
                            "  {prefix} {format} {field}: {verdict}\n    expected {:?}\n    got      {:?}\n    first difference: {diff:?}\n",
                            e.chars().take(300).collect::<String>(),
                            g.chars().take(300).collect::<String>(),
                        ));
                        if verdict == "WRONG" && PLAIN.contains(&field) {
                            plainly_wrong.push(format!("{prefix} {format} {field}"));
                        }
                    }
                }
                report.push_str(&format!(
                    "{seed} ({prefix}) {format}: {} correct, {} wrong, {} empty of {}\n",
                    score.correct,
                    score.wrong,
                    score.empty,
                    score.total()
                ));
                overall.correct += score.correct;
                overall.wrong += score.wrong;
                overall.empty += score.empty;
                // Every field has its source; a draft says what it lacks.
                assert!(list(&payload["fields"])
                    .iter()
                    .all(|f| f["source"].as_str().is_some_and(|s| !s.is_empty())));
                assert!(payload["unfilledFields"].is_array());
                retire_reference(&app, draft["id"].as_str().unwrap(), format).await;
            }
        }
        let share = overall.correct as f64 / overall.total() as f64;
        eprintln!(
            "[{}] notice import, per notice and format:\n{report}overall: {} correct, {} wrong, {} empty of {} ({:.1}% correct)",
            app.backend(),
            overall.correct,
            overall.wrong,
            overall.empty,
            overall.total(),
            share * 100.0
        );
        assert!(
            plainly_wrong.is_empty(),
            "fields the notices state plainly, read wrong: {plainly_wrong:?}"
        );
        assert!(share >= 0.9, "{:.1}% correct", share * 100.0);
    }
}

/// Fields a notice states in a label or a fixed phrase: never to be read wrong.
const PLAIN: [&str; 12] = [
    "reference",
    "externalJobId",
    "title",
    "grade",
    "contractType",
    "durationMonths",
    "dutyStations",
    "closingAt",
    "timeZone",
    "applyEmail",
    "applyEmailSubject",
    "startAsap",
];

#[tokio::test]
async fn recruiters_import_for_their_organisation_only() {
    let notice = notice_text("000");
    for app in TestApp::all_seeded().await {
        free_seed_references(&app).await;
        // Anonymous: refused before the body is read.
        let (status, body) = upload(&app, None, IMPORT_FULL, pdf_of(&notice), None).await;
        assert_eq!(status, 401);
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let (_, body) = upload(&app, Some(&candidate), IMPORT_FULL, pdf_of(&notice), None).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
        let iom_row = entity::organisation::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.acronym == "IOM")
            .unwrap();
        let iom_org = global_id("Organisation", iom_row.id);
        let ilo = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let (_, body) = upload(
            &app,
            Some(&ilo),
            IMPORT_FULL,
            pdf_of(&notice),
            Some(iom_org.clone()),
        )
        .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );

        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let (_, body) = upload(
            &app,
            Some(&iom),
            IMPORT_FULL,
            docx_of(&notice),
            Some(iom_org),
        )
        .await;
        let payload = &body["data"]["importNoticeDocument"];
        assert_eq!(payload["vacancy"]["status"], "DRAFT", "{body}");
        assert_eq!(payload["vacancy"]["organisation"]["acronym"], "IOM");
        // The notice closed in 2023: publishing needs a closing date in the future.
        assert!(list(&payload["missingToPublish"])
            .iter()
            .any(|m| m.as_str().unwrap().contains("closing date")));
        let closing = list(&payload["fields"])
            .into_iter()
            .find(|f| f["field"] == "closingDate")
            .unwrap();
        assert!(
            closing["source"]
                .as_str()
                .unwrap()
                .contains("date de clôture"),
            "{closing}"
        );
        assert!(closing["line"].as_i64().is_some());
        // The recruiter edits the draft with the normal mutations.
        let id = payload["vacancy"]["id"].as_str().unwrap();
        let data = app
            .data_as(
                &iom,
                "query($id: ID!) { node(id: $id) { ... on Vacancy { reference status } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(data["node"]["reference"], "VN 2023/005");
    }
}

#[tokio::test]
async fn documents_that_are_not_readable_notices_are_refused_with_the_reason() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let refused = |body: &Value| {
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{body}"
            );
            body["errors"][0]["message"].as_str().unwrap().to_owned()
        };
        // A scan: pages without a text layer.
        let (_, body) = upload(&app, Some(&iom), IMPORT_FULL, pdf_of("\n\n\n"), None).await;
        assert!(refused(&body).contains("no text"), "{body}");
        // Encrypted.
        let mut encrypted = lopdf::Document::load_mem(&pdf_of(&notice_text("000"))).unwrap();
        let dict = encrypted.add_object(lopdf::dictionary! { "Filter" => "Standard", "V" => 9, "R" => 9, "O" => lopdf::Object::string_literal("x"), "U" => lopdf::Object::string_literal("x"), "P" => -1 });
        encrypted.trailer.set("Encrypt", dict);
        let mut bytes = Vec::new();
        encrypted.save_to(&mut bytes).unwrap();
        let (_, body) = upload(&app, Some(&iom), IMPORT_FULL, bytes, None).await;
        assert!(refused(&body).contains("encrypted"), "{body}");
        // Not a notice.
        let prose = "Le chat dort au soleil sur le rebord de la fenêtre. ".repeat(20);
        let (_, body) = upload(&app, Some(&iom), IMPORT_FULL, docx_of(&prose), None).await;
        assert!(
            refused(&body).contains("not read as a vacancy notice"),
            "{body}"
        );
        // Not a PDF or DOCX.
        let (_, body) = upload(
            &app,
            Some(&iom),
            IMPORT_FULL,
            b"Titre du poste : X".to_vec(),
            None,
        )
        .await;
        assert!(refused(&body).contains("not a PDF"), "{body}");
        // A zip bomb: 40 MiB of XML in a few kilobytes stops at the bound.
        let bomb = zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", RELS.as_bytes()),
            ("word/styles.xml", STYLES.as_bytes()),
            ("word/document.xml", " ".repeat(40 << 20).as_bytes()),
        ]);
        assert!(bomb.len() < 1 << 20);
        let (_, body) = upload(&app, Some(&iom), IMPORT_FULL, bomb, None).await;
        assert!(refused(&body).contains("cannot be read"), "{body}");
        // Nothing was created by any of them.
        let drafts = entity::vacancy::Entity::find().all(&app.db).await.unwrap();
        assert!(drafts.iter().all(|v| !v.reference.starts_with("IMPORT-")));
    }
}

/// The row id in a vacancy's global ID.
fn id_of(global: &str) -> i32 {
    use base64::Engine;
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global)
        .unwrap();
    let text = String::from_utf8(decoded).unwrap();
    text.rsplit(':').next().unwrap().parse().unwrap()
}
