//! Writing mails from their templates (`api/templates/mail/<language>/<kind>.txt`, built into the
//! binary): each template has a `subject` and a plain-text `body` block; the HTML part is the
//! same paragraphs in `layout.html`, escaped, with links made clickable and the direction of the
//! language (right to left for Arabic).

use std::sync::LazyLock;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::{MailKind, WrittenLanguage};
use crate::error::{AppError, AppResult};

macro_rules! mail_templates {
    ($($language:literal: [$($kind:literal),+ $(,)?]),+ $(,)?) => {
        &[$($(
            (
                concat!($language, "/", $kind, ".txt"),
                include_str!(concat!("../../../templates/mail/", $language, "/", $kind, ".txt")),
            ),
        )+)+]
    };
}

const TEMPLATES: &[(&str, &str)] = mail_templates! {
    "en": ["verify_email", "already_registered", "password_reset", "password_changed",
           "invitation", "application_received", "application_status", "recruiter_digest",
           "saved_search_alert", "footer"],
    "fr": ["verify_email", "already_registered", "password_reset", "password_changed",
           "invitation", "application_received", "application_status", "recruiter_digest",
           "saved_search_alert", "footer"],
    "ar": ["verify_email", "already_registered", "password_reset", "password_changed",
           "invitation", "application_received", "application_status", "recruiter_digest",
           "saved_search_alert", "footer"],
};

const LAYOUT: &str = include_str!("../../../templates/mail/layout.html");

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // A fact a template reads but the code did not pass is a bug, not an empty string.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Links as written, with only what HTML attributes need escaped (the default escaper also
    // writes `/` as `&#x2f;`, which makes links in the HTML source unreadable).
    env.add_filter("href", |url: String| {
        minijinja::Value::from_safe_string(
            url.replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
        )
    });
    for (name, source) in TEMPLATES {
        if let Err(error) = env.add_template(name, source) {
            tracing::error!(%error, template = name, "mail template does not parse");
        }
    }
    if let Err(error) = env.add_template("layout.html", LAYOUT) {
        tracing::error!(%error, "mail layout does not parse");
    }
    env
});

/// A mail as it is sent: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
#[error("mail template {name}: {source}")]
struct TemplateError {
    name: String,
    #[source]
    source: minijinja::Error,
}

/// A run of a line: plain text, or a link.
#[derive(Serialize)]
struct Segment<'a> {
    text: &'a str,
    href: Option<&'a str>,
}

fn segments(line: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("https://").or_else(|| rest.find("http://")) {
        if start > 0 {
            segments.push(Segment {
                text: &rest[..start],
                href: None,
            });
        }
        let end = rest[start..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |offset| start + offset);
        let url = &rest[start..end];
        segments.push(Segment {
            text: url,
            href: Some(url),
        });
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        segments.push(Segment {
            text: rest,
            href: None,
        });
    }
    segments
}

fn render_blocks(name: &str, context: &impl Serialize, blocks: &[&str]) -> AppResult<Vec<String>> {
    let fail = |source| {
        AppError::internal(TemplateError {
            name: name.to_owned(),
            source,
        })
    };
    let template = ENVIRONMENT.get_template(name).map_err(fail)?;
    let mut captured = template.render_captured(context).map_err(fail)?;
    blocks
        .iter()
        .map(|block| {
            captured
                .with_state_mut(|state| state.render_block(block))
                .map(|text| text.trim().to_owned())
                .map_err(fail)
        })
        .collect()
}

/// Writes a mail of `kind` in `language` from `context`; with an unsubscribe link, the
/// language's footer says how to stop such mails.
pub fn render(
    kind: MailKind,
    language: WrittenLanguage,
    context: &impl Serialize,
    unsubscribe: Option<&str>,
) -> AppResult<Rendered> {
    let name = format!("{}/{}.txt", language.code(), kind.as_str());
    let mut blocks = render_blocks(&name, context, &["subject", "body"])?.into_iter();
    // A subject is one line: a title with a line break in it must not start a header.
    let subject: String = blocks
        .next()
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut text = blocks.next().unwrap_or_default();
    if let Some(url) = unsubscribe {
        let footer_name = format!("{}/footer.txt", language.code());
        let footer = render_blocks(
            &footer_name,
            &serde_json::json!({ "unsubscribe_url": url }),
            &["body"],
        )?;
        text.push_str("\n\n");
        text.push_str(footer.first().map_or("", String::as_str));
    }
    let paragraphs: Vec<Vec<Vec<Segment<'_>>>> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(|paragraph| paragraph.lines().map(segments).collect())
        .collect();
    let html = ENVIRONMENT
        .get_template("layout.html")
        .and_then(|layout| {
            layout.render(serde_json::json!({
                "lang": language.code(),
                "dir": language.direction(),
                "subject": subject,
                "paragraphs": paragraphs,
            }))
        })
        .map_err(|source| {
            AppError::internal(TemplateError {
                name: "layout.html".to_owned(),
                source,
            })
        })?;
    Ok(Rendered {
        subject,
        text: text.clone(),
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            assert!(ENVIRONMENT.get_template(name).is_ok(), "{name}");
        }
        assert!(ENVIRONMENT.get_template("layout.html").is_ok());
    }

    #[test]
    fn links_become_anchors_and_text_is_escaped() {
        let context = serde_json::json!({
            "name": "<b>Amina</b>",
            "link": "https://jobs.example.org/account/verify-email?token=abc&lang=en",
            "hours": 48,
        });
        let mail = render(MailKind::VerifyEmail, WrittenLanguage::En, &context, None).unwrap();
        assert!(mail.text.contains("<b>Amina</b>"), "{}", mail.text);
        assert!(mail.html.contains("&lt;b&gt;Amina&lt;"), "{}", mail.html);
        assert!(
            mail.html.contains(
                r#"<a href="https://jobs.example.org/account/verify-email?token=abc&amp;lang=en""#
            ),
            "{}",
            mail.html
        );
        assert!(!mail.subject.is_empty());
    }

    #[test]
    fn arabic_mails_read_right_to_left() {
        let context = serde_json::json!({
            "name": "أمينة",
            "link": "https://jobs.example.org/x?token=t",
            "hours": 48,
        });
        let mail = render(MailKind::VerifyEmail, WrittenLanguage::Ar, &context, None).unwrap();
        assert!(mail.html.contains(r#"dir="rtl""#));
        assert!(mail.html.contains(r#"lang="ar""#));
    }

    #[test]
    fn an_unsubscribe_link_adds_the_footer() {
        let context = serde_json::json!({
            "name": "Amina",
            "search_name": "Rabat",
            "vacancies": [],
        });
        let url = "https://jobs.example.org/unsubscribe?token=t";
        for language in WrittenLanguage::ALL {
            let mail = render(MailKind::SavedSearchAlert, language, &context, Some(url)).unwrap();
            assert!(mail.text.contains(url), "{language:?}");
        }
    }

    #[test]
    fn subjects_are_one_line() {
        let context = serde_json::json!({
            "name": "Amina",
            "vacancy_title": "Driver\r\nBcc: everyone@example.org",
            "reference": "VN-1",
            "organisation": "IOM",
            "link": "https://jobs.example.org/",
        });
        let mail = render(
            MailKind::ApplicationReceived,
            WrittenLanguage::En,
            &context,
            None,
        )
        .unwrap();
        assert!(!mail.subject.contains('\n') && !mail.subject.contains('\r'));
    }
}
