//! How many writes this replica has seen. The caches of reads (list totals and facets, anonymous
//! responses) key their entries by these numbers, so one write makes every cached read it could
//! change stale at once: each mutation this server executes counts before its response goes
//! out, and each domain event the event bus delivers counts too, which covers the other
//! replicas' writes.
//!
//! Writes are told apart in two kinds. The catalogue is what anyone may read: vacancies,
//! organisations, projects, competencies. Everything else (applications, accounts, sign-ins,
//! saved searches, tokens, webhooks) cannot change what a vacancy list counts or what an
//! anonymous visitor is shown, so a busy stream of applications leaves those cached.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};

use crate::service::events::EventKind;

/// What a write changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Vacancies, organisations, projects or competencies: what anyone may read.
    Catalogue,
    /// Anything else.
    Private,
}

impl Written {
    /// What a domain event's write changed.
    pub fn by(event: EventKind) -> Self {
        match event {
            EventKind::VacancyPublished | EventKind::VacancyClosed | EventKind::VacancyUpdated => {
                Self::Catalogue
            }
            EventKind::ApplicationSubmitted | EventKind::ApplicationStatusChanged => Self::Private,
        }
    }
}

/// Mutations that leave the catalogue as it was. Any mutation not named here counts as a
/// catalogue write, so a new one can only make caches drop too much, never too little.
const PRIVATE_MUTATIONS: [&str; 31] = [
    "register",
    "deleteMyAccount",
    "eraseAccount",
    "setLegalHold",
    "login",
    "verifyEmail",
    "requestEmailVerification",
    "requestPasswordReset",
    "resetPassword",
    "changePassword",
    "signOut",
    "signOutEverywhere",
    "inviteAccount",
    "revokeInvitation",
    "acceptInvitation",
    "updateNotificationPreferences",
    "deactivateAccount",
    "createIntegrationToken",
    "revokeIntegrationToken",
    "applyToVacancy",
    "updateApplicationStatus",
    "withdrawApplication",
    "saveSearch",
    "updateSavedSearch",
    "deleteSavedSearch",
    "markSavedSearchSeen",
    "createWebhookEndpoint",
    "updateWebhookEndpoint",
    "deleteWebhookEndpoint",
    "rotateWebhookSecret",
    "replayWebhookDelivery",
];

/// The numbers of writes seen so far; clones share them.
#[derive(Debug, Clone, Default)]
pub struct Writes(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    catalogue: AtomicU64,
    all: AtomicU64,
}

impl Writes {
    /// How many writes of any kind were seen: a cached read made under another number is stale.
    pub fn seen(&self) -> u64 {
        self.0.all.load(Ordering::SeqCst)
    }

    /// How many catalogue writes were seen: what vacancy lists and anonymous reads depend on.
    pub fn seen_in_catalogue(&self) -> u64 {
        self.0.catalogue.load(Ordering::SeqCst)
    }

    /// Something was written (and committed).
    pub fn record(&self, written: Written) {
        if written == Written::Catalogue {
            self.0.catalogue.fetch_add(1, Ordering::SeqCst);
        }
        self.0.all.fetch_add(1, Ordering::SeqCst);
    }
}

/// What running the document's operation `name` writes, if it is a mutation (with no name, any of
/// its mutations). Fragments on the mutation root are possible but rare: they count as the
/// catalogue.
pub fn written_by(document: &ExecutableDocument, name: Option<&str>) -> Option<Written> {
    let mut mutations = document.operations.iter().filter(|(op_name, operation)| {
        operation.node.ty == OperationType::Mutation
            && (name.is_none() || op_name.is_none() || op_name.map(|n| n.as_str()) == name)
    });
    let mut written = None;
    for (_, operation) in mutations.by_ref() {
        let catalogue =
            operation
                .node
                .selection_set
                .node
                .items
                .iter()
                .any(|item| match &item.node {
                    Selection::Field(field) => {
                        !PRIVATE_MUTATIONS.contains(&field.node.name.node.as_str())
                    }
                    _ => true,
                });
        written = Some(if catalogue || written == Some(Written::Catalogue) {
            Written::Catalogue
        } else {
            Written::Private
        });
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_private_mutation_is_a_mutation_of_the_schema() {
        let sdl = crate::graphql::sdl();
        let mutation = sdl
            .split("\ntype Mutation {")
            .nth(1)
            .and_then(|rest| rest.split("\n}").next())
            .expect("the schema has mutations");
        for name in PRIVATE_MUTATIONS {
            assert!(
                mutation.contains(&format!("\t{name}("))
                    || mutation.contains(&format!("\t{name}:")),
                "{name} is not a mutation"
            );
        }
    }

    fn written(query: &str, name: Option<&str>) -> Option<Written> {
        let document = async_graphql::parser::parse_query(query).expect("a valid document");
        written_by(&document, name)
    }

    #[test]
    fn mutations_are_told_apart_by_their_root_fields() {
        assert_eq!(written("{ vacancies { totalCount } }", None), None);
        assert_eq!(
            written("mutation { withdrawApplication(id: 1) { id } }", None),
            Some(Written::Private)
        );
        assert_eq!(
            written("mutation { closeVacancy(id: 1) { id } }", None),
            Some(Written::Catalogue)
        );
        let both = "mutation { login(email: \"a\") { token } a: closeVacancy(id: 1) { id } }";
        assert_eq!(written(both, None), Some(Written::Catalogue));
        let named = "query Q { me { id } } mutation M { login(email: \"a\") { token } }";
        assert_eq!(written(named, Some("Q")), None);
        assert_eq!(written(named, Some("M")), Some(Written::Private));
    }

    #[test]
    fn a_catalogue_write_counts_as_a_write_of_any_kind() {
        let writes = Writes::default();
        writes.record(Written::Private);
        assert_eq!((writes.seen_in_catalogue(), writes.seen()), (0, 1));
        writes.record(Written::Catalogue);
        assert_eq!((writes.seen_in_catalogue(), writes.seen()), (1, 2));
    }
}
