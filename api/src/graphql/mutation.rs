//! The mutation root, merged from each domain's mutations.

use async_graphql::MergedObject;

use crate::graphql::account::AccountMutation;
use crate::graphql::application::ApplicationMutation;
use crate::graphql::competency::CompetencyMutation;
use crate::graphql::erasure::ErasureMutation;
use crate::graphql::invitation::InvitationMutation;
use crate::graphql::mail::MailMutation;
use crate::graphql::organisation::OrganisationMutation;
use crate::graphql::profile::ProfileMutation;
use crate::graphql::project::ProjectMutation;
use crate::graphql::saved_search::SavedSearchMutation;
use crate::graphql::vacancy::{NoticeImportMutation, VacancyMutation};
use crate::graphql::webhook::WebhookMutation;

/// Everything one can change.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AccountMutation,
    OrganisationMutation,
    ProjectMutation,
    CompetencyMutation,
    VacancyMutation,
    NoticeImportMutation,
    ApplicationMutation,
    SavedSearchMutation,
    WebhookMutation,
    InvitationMutation,
    MailMutation,
    ErasureMutation,
    ProfileMutation,
);
