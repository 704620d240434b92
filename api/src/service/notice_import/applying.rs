//! How to apply: the address, the subject, the documents expected.

use super::dates::number;
use super::fields::*;
use super::layout::{Entry, Layout};
use super::sections::entries;
use super::vocabulary::{first_of, fold};
use crate::domain::DocumentKind;
use crate::service::vacancy::input::{DocumentInput, NoticeInput, TextInput};

pub(super) fn applying(
    b: &mut Builder<'_>,
    layout: &Layout,
    text: &mut TextInput,
    input: &mut NoticeInput,
) {
    let v = b.v;
    let section: Vec<&Entry> = entries(layout, "how_to_apply").collect();
    if !section.is_empty() {
        text.how_to_apply = Some(
            section
                .iter()
                .map(|e| e.text())
                .collect::<Vec<_>>()
                .join("\n\n"),
        );
    }
    // Paragraphs about applying, wherever they are; not the accessibility ones.
    let elsewhere = layout
        .sections
        .iter()
        .flat_map(|s| s.entries.iter())
        .filter(|e| {
            let folded = fold(e.text());
            first_of(&folded, &v.values.apply_words).is_some()
                && first_of(&folded, &v.values.not_apply_words).is_none()
        });
    let apply: Vec<&Entry> = section.iter().copied().chain(elsewhere).collect();
    if let Some((email, line)) = apply.iter().find_map(|e| {
        EMAIL
            .find(e.text())
            .map(|m| (m.as_str().to_owned(), e.line()))
    }) {
        b.found(
            "applyEmail",
            &email,
            "the paragraph on how to apply",
            Some(line),
            0.85,
        );
        input.apply_email = Some(email);
    } else {
        b.unfilled.push("applyEmail");
    }
    // The subject can be a paragraph of its own after "l'objet du mail :".
    let joined = apply.iter().map(|e| e.text()).collect::<Vec<_>>().join(" ");
    let subject = SUBJECT
        .captures(&joined)
        .or_else(|| SUBJECT_EN.captures(&joined))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_owned());
    let subject_line = apply
        .iter()
        .find(|e| fold(e.text()).contains("objet"))
        .map(|e| e.line());
    if let Some((subject, line)) = subject.map(|s| (s, subject_line.unwrap_or_default())) {
        b.found(
            "applyEmailSubject",
            &subject,
            "the paragraph on how to apply",
            Some(line),
            0.8,
        );
        input.apply_email_subject = Some(subject);
    }
    let mut documents: Vec<DocumentInput> = Vec::new();
    for e in &apply {
        let folded = fold(e.text());
        for (kind, words) in &v.documents {
            let Some(kind) = DocumentKind::parse(kind) else {
                continue;
            };
            if documents.iter().any(|d| d.kind == kind) || first_of(&folded, words).is_none() {
                continue;
            }
            let count = (kind == DocumentKind::References)
                .then(|| {
                    REFERENCE_COUNT
                        .captures(&folded)
                        .and_then(|c| c.get(1))
                        .and_then(|m| number(v, m.as_str()))
                })
                .flatten()
                .filter(|n| (1..=10).contains(n));
            b.found(
                "requiredDocuments",
                kind.as_str(),
                "the paragraph on how to apply",
                Some(e.line()),
                0.7,
            );
            documents.push(DocumentInput {
                kind,
                count,
                note: None,
            });
        }
    }
    if documents.is_empty() {
        b.unfilled.push("requiredDocuments");
    }
    // In the order a reader expects: CV, letter, references, online profile.
    documents.sort_by_key(|d| match d.kind {
        DocumentKind::Cv => 0,
        DocumentKind::CoverLetter => 1,
        DocumentKind::References => 2,
        DocumentKind::OnlineProfile => 3,
        _ => 4,
    });
    input.required_documents = documents;
}
