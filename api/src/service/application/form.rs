//! A vacancy's own application form: screening questions, and checking the answers to them.

use std::collections::BTreeMap;

use entity::vacancy_question;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{AppError, AppResult};

/// Longest free-text answer.
const MAX_TEXT_ANSWER: usize = 5_000;

/// The kind of answer a question takes.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QuestionKind {
    /// Free text.
    Text,
    /// Yes or no.
    YesNo,
    /// One of the options.
    SingleChoice,
    /// Any number of the options.
    MultipleChoice,
    /// A number, optionally within a range.
    Number,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "TEXT",
            Self::YesNo => "YES_NO",
            Self::SingleChoice => "SINGLE_CHOICE",
            Self::MultipleChoice => "MULTIPLE_CHOICE",
            Self::Number => "NUMBER",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::Text,
            Self::YesNo,
            Self::SingleChoice,
            Self::MultipleChoice,
            Self::Number,
        ]
        .into_iter()
        .find(|k| k.as_str() == code)
    }
}

/// An option of a choice question: a stable value and its label in each language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionOption {
    pub value: String,
    pub labels: BTreeMap<String, String>,
}

/// A screening question as stored with a notice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub kind: QuestionKind,
    pub required: bool,
    /// The wording by language.
    pub prompt: BTreeMap<String, String>,
    pub options: Vec<QuestionOption>,
    pub min_number: Option<f64>,
    pub max_number: Option<f64>,
}

impl Question {
    /// Checks a question as an agency writes it; `field` is its input path.
    pub fn validate(&self, field: &str) -> AppResult<()> {
        if self.prompt.values().all(|p| p.trim().is_empty()) {
            return Err(AppError::bad_input(
                format!("{field}.prompt"),
                "a question needs its wording",
            ));
        }
        let choice = matches!(
            self.kind,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice
        );
        if choice && self.options.len() < 2 {
            return Err(AppError::bad_input(
                format!("{field}.options"),
                "a choice question needs at least two options",
            ));
        }
        if !choice && !self.options.is_empty() {
            return Err(AppError::bad_input(
                format!("{field}.options"),
                "only choice questions have options",
            ));
        }
        for (i, option) in self.options.iter().enumerate() {
            if option.value.trim().is_empty() {
                return Err(AppError::bad_input(
                    format!("{field}.options[{i}].value"),
                    "an option needs a value",
                ));
            }
            if self.options[..i].iter().any(|o| o.value == option.value) {
                return Err(AppError::bad_input(
                    format!("{field}.options[{i}].value"),
                    "two options have this value",
                ));
            }
        }
        if let (Some(min), Some(max)) = (self.min_number, self.max_number) {
            if min > max {
                return Err(AppError::bad_input(
                    format!("{field}.maxNumber"),
                    "the maximum is below the minimum",
                ));
            }
        }
        Ok(())
    }

    pub fn from_row(row: &vacancy_question::Model) -> Option<Self> {
        Some(Self {
            kind: QuestionKind::parse(&row.kind)?,
            required: row.required,
            prompt: serde_json::from_value(row.prompt.clone()).ok()?,
            options: row
                .options
                .clone()
                .map(serde_json::from_value)
                .transpose()
                .ok()?
                .unwrap_or_default(),
            min_number: row.min_number,
            max_number: row.max_number,
        })
    }

    fn label(&self) -> String {
        self.prompt
            .get("en")
            .or_else(|| self.prompt.values().next())
            .cloned()
            .unwrap_or_default()
    }
}

/// An answer as a candidate sends it: the field that matches the question's kind is used.
#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    pub question_id: i32,
    pub text: Option<String>,
    pub yes: Option<bool>,
    pub number: Option<f64>,
    pub choices: Option<Vec<String>>,
}

/// Checks the answers against the form; returns the values to store, by question id.
pub fn check_answers(
    questions: &[vacancy_question::Model],
    answers: &[AnswerInput],
) -> AppResult<Vec<(i32, Value)>> {
    for (i, answer) in answers.iter().enumerate() {
        if !questions.iter().any(|q| q.id == answer.question_id) {
            return Err(AppError::bad_input(
                format!("input.answers[{i}].questionId"),
                "this question is not on the form",
            ));
        }
        if answers[..i]
            .iter()
            .any(|a| a.question_id == answer.question_id)
        {
            return Err(AppError::bad_input(
                format!("input.answers[{i}].questionId"),
                "this question is answered twice",
            ));
        }
    }
    let mut values = Vec::new();
    for row in questions {
        let Some(question) = Question::from_row(row) else {
            continue;
        };
        let index = answers.iter().position(|a| a.question_id == row.id);
        let field = index.map_or_else(
            || "input.answers".to_owned(),
            |i| format!("input.answers[{i}]"),
        );
        let name = question.label();
        let answer = index.map(|i| &answers[i]);
        let value = match (question.kind, answer) {
            (QuestionKind::Text, Some(a)) => a
                .text
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| {
                    if t.chars().count() > MAX_TEXT_ANSWER {
                        Err(AppError::bad_input(
                            format!("{field}.text"),
                            format!("the answer to “{name}” is too long"),
                        ))
                    } else {
                        Ok(json!(t))
                    }
                })
                .transpose()?,
            (QuestionKind::YesNo, Some(a)) => a.yes.map(|y| json!(y)),
            (QuestionKind::Number, Some(a)) => match a.number {
                Some(n)
                    if question.min_number.is_some_and(|min| n < min)
                        || question.max_number.is_some_and(|max| n > max) =>
                {
                    return Err(AppError::bad_input(
                        format!("{field}.number"),
                        format!("the answer to “{name}” is out of range"),
                    ))
                }
                Some(n) => Some(json!(n)),
                None => None,
            },
            (QuestionKind::SingleChoice | QuestionKind::MultipleChoice, Some(a)) => {
                match &a.choices {
                    Some(choices) if !choices.is_empty() => {
                        if question.kind == QuestionKind::SingleChoice && choices.len() != 1 {
                            return Err(AppError::bad_input(
                                format!("{field}.choices"),
                                format!("“{name}” takes one choice"),
                            ));
                        }
                        if let Some(bad) = choices
                            .iter()
                            .find(|c| !question.options.iter().any(|o| &o.value == *c))
                        {
                            return Err(AppError::bad_input(
                                format!("{field}.choices"),
                                format!("“{bad}” is not an option of “{name}”"),
                            ));
                        }
                        Some(json!(choices))
                    }
                    _ => None,
                }
            }
            (_, None) => None,
        };
        match value {
            Some(value) => values.push((row.id, value)),
            None if question.required => {
                return Err(AppError::bad_input(
                    field,
                    format!("“{name}” needs an answer"),
                ));
            }
            None => {}
        }
    }
    Ok(values)
}
