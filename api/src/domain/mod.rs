//! Domain vocabulary: codes, grades, languages and countries, parsed once at the edge.

mod codes;
pub mod document;
pub mod eligibility;
pub mod global_id;
mod grade;
mod integration;
mod iso;
pub mod labels;
pub mod names;
pub mod search_text;
mod time;
mod written_language;

pub use codes::*;
pub use grade::Grade;
pub use integration::{networks_from_db, networks_to_db, Network, ScopeSet};
pub use iso::{CountryCode, LanguageCode};
pub use time::{closing_instant, local_date, start_of_day, LocalDeadline};
pub use written_language::WrittenLanguage;
