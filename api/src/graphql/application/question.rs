//! A vacancy's application form: its screening questions.

use async_graphql::{Context, Object, Result, SimpleObject};
use entity::vacancy_question;

use crate::graphql::context;
use crate::graphql::loaders::children;
use crate::service::application::form::{self, QuestionKind};

/// A screening question of a vacancy's application form.
pub struct Question {
    row: vacancy_question::Model,
    question: form::Question,
    authoritative_language: String,
}

impl Question {
    fn localized(
        &self,
        texts: &std::collections::BTreeMap<String, String>,
        language: Option<&str>,
    ) -> String {
        let wanted = language.map(str::to_ascii_lowercase);
        wanted
            .as_deref()
            .and_then(|l| texts.get(l))
            .or_else(|| texts.get(&self.authoritative_language))
            .or_else(|| texts.values().next())
            .cloned()
            .unwrap_or_default()
    }
}

/// The screening questions of a vacancy, in order.
pub async fn application_form(
    ctx: &Context<'_>,
    vacancy: &entity::vacancy::Model,
) -> Result<Vec<Question>> {
    let rows = children(&context::loaders(ctx)?.vacancy_questions, vacancy.id).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Question {
                question: form::Question::from_row(&row)?,
                row,
                authoritative_language: vacancy.authoritative_language.clone(),
            })
        })
        .collect())
}

/// A screening question of a vacancy's application form.
#[Object]
impl Question {
    /// The question's number, to pass as `questionId` in an answer.
    async fn id(&self) -> i32 {
        self.row.id
    }

    /// The kind of answer it takes.
    async fn kind(&self) -> QuestionKind {
        self.question.kind
    }

    /// Whether an answer is required.
    async fn required(&self) -> bool {
        self.question.required
    }

    /// The wording in a language, falling back to the notice's authoritative language.
    async fn prompt(
        &self,
        #[graphql(desc = "ISO 639 language code; the authoritative language when omitted.")]
        language: Option<String>,
    ) -> String {
        self.localized(&self.question.prompt, language.as_deref())
    }

    /// The options of a choice question, in order.
    async fn options(
        &self,
        #[graphql(
            desc = "ISO 639 language code for the labels; the authoritative language when omitted."
        )]
        language: Option<String>,
    ) -> Vec<QuestionChoice> {
        self.question
            .options
            .iter()
            .map(|o| QuestionChoice {
                value: o.value.clone(),
                label: self.localized(&o.labels, language.as_deref()),
            })
            .collect()
    }

    /// The smallest number accepted, for a number question.
    async fn min_number(&self) -> Option<f64> {
        self.question.min_number
    }

    /// The largest number accepted, for a number question.
    async fn max_number(&self) -> Option<f64> {
        self.question.max_number
    }
}

/// An option of a choice question.
#[derive(SimpleObject)]
pub struct QuestionChoice {
    /// The value to send in `choices`.
    value: String,
    /// The label in the language asked for.
    label: String,
}
