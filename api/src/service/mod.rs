//! Domain services: validation, policy calls and transactions. Resolvers only call these.

pub mod audit;
pub mod competency;
pub mod organisation;
pub mod pagination;
pub mod project;
pub mod vacancy;
