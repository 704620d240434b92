//! Vacancies in the schema: the notice types, the list and its filters, orders and facets, and
//! the mutations that write and move notices.

mod connection;
pub mod facets;
mod filter;
pub mod input;
pub mod job_posting;
mod mutation;
mod notice_import;
mod query;
mod types;

pub use connection::*;
pub use filter::*;
pub use mutation::*;
pub use notice_import::*;
pub use query::*;
pub use types::*;
