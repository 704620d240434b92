//! Every cache of the server, and what drops each entry.
//!
//! | cache | what it keeps | keyed by | dropped by |
//! |---|---|---|---|
//! | [`counts`] | list totals (`totalCount`) | the counting statement with its values (visibility included) | any write for most totals; a catalogue write for vacancy totals |
//! | [`counts`] | a vacancy list's total and facets | the caller's read scope, the whole filter and what is asked | a catalogue write |
//! | [`documents`] | parsed GraphQL documents | the query text | nothing: the least used go when full (512) |
//! | [`responses`] | whole responses to anonymous queries | media type, the document's SHA-256 (a persisted query's hash), operation and variables | a catalogue write |
//!
//! Writes are counted in [`writes`]: every mutation this replica executes (before its response
//! goes out) and every domain event the event bus delivers (so other replicas' writes too). A
//! catalogue write is one to vacancies, organisations, projects or competencies, what anyone may
//! read; applications, accounts, sign-ins, saved searches, tokens and webhooks are private
//! writes and leave vacancy counts, facets and anonymous responses in place. Each entry's key
//! starts with the number of writes seen, so a write makes every entry it could change stale at
//! once. How a kept value is refreshed without a stampede: [`reuse`]. Settings:
//! `COUNT_CACHE_SECONDS` and `RESPONSE_CACHE_SECONDS` (0 turns either off).

pub mod counts;
pub mod documents;
pub mod responses;
pub mod reuse;
pub mod writes;
