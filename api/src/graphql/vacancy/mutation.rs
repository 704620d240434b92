//! The vacancy fields of the Mutation root: writing, moving and importing notices.

use async_graphql::{Context, Object, Result, SimpleObject, ID};

use super::types::Vacancy;
use crate::domain::VacancyStatus;
use crate::graphql::context;
use crate::graphql::relay::{decode, NodeKind};
use crate::graphql::vacancy::input::VacancyInput;
use crate::service::vacancy::write::{self, ImportOutcome};

/// What `importVacancy` did with a notice.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImportResult {
    /// No notice had this reference: a draft was created.
    Created,
    /// The notice with this reference was changed to match.
    Updated,
    /// The notice with this reference already matched: nothing was written.
    Unchanged,
}

/// The outcome of an import.
#[derive(SimpleObject)]
pub struct ImportVacancyPayload {
    /// What happened.
    result: ImportResult,
    /// The notice as it now stands.
    vacancy: Vacancy,
}

/// The result of deleting a draft.
#[derive(SimpleObject)]
pub struct DeleteVacancyPayload {
    /// The global ID the deleted draft had.
    deleted_id: ID,
}

/// Writing vacancies: partner agencies' recruiters, admins and integration tokens.
#[derive(Default)]
pub struct VacancyMutation;

#[Object]
impl VacancyMutation {
    /// Creates a draft notice, with everything in it, in one go.
    async fn create_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The posting organisation (global ID); defaults to the caller's own.")]
        organisation_id: Option<ID>,
        #[graphql(desc = "The whole notice.")] input: VacancyInput,
    ) -> Result<Vacancy> {
        let org = organisation_id
            .map(|id| decode("organisationId", NodeKind::Organisation, &id))
            .transpose()?;
        let row = write::create(
            context::actor(ctx)?,
            context::db(ctx)?,
            org,
            input.into_notice()?,
        )
        .await?;
        Ok(Vacancy(row))
    }

    /// Replaces a notice's content. `version` must be the one last read: if someone changed the
    /// notice since, the edit is refused with CONFLICT.
    async fn update_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vacancy's global ID.")] id: ID,
        #[graphql(desc = "The `version` last read.")] version: i32,
        #[graphql(desc = "The whole notice as it should be.")] input: VacancyInput,
    ) -> Result<Vacancy> {
        let id = decode("id", NodeKind::Vacancy, &id)?;
        let row = write::update(
            context::actor(ctx)?,
            context::db(ctx)?,
            id,
            version,
            input.into_notice()?,
        )
        .await?;
        Ok(Vacancy(row))
    }

    /// Publishes a draft once it is complete; the error says what is missing.
    async fn publish_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vacancy's global ID.")] id: ID,
        #[graphql(desc = "The `version` last read.")] version: i32,
    ) -> Result<Vacancy> {
        move_to(ctx, &id, version, VacancyStatus::Published).await
    }

    /// Closes a published notice before its deadline.
    async fn close_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vacancy's global ID.")] id: ID,
        #[graphql(desc = "The `version` last read.")] version: i32,
    ) -> Result<Vacancy> {
        move_to(ctx, &id, version, VacancyStatus::Closed).await
    }

    /// Withdraws a notice that will not be filled.
    async fn cancel_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vacancy's global ID.")] id: ID,
        #[graphql(desc = "The `version` last read.")] version: i32,
    ) -> Result<Vacancy> {
        move_to(ctx, &id, version, VacancyStatus::Cancelled).await
    }

    /// Archives a closed or cancelled notice.
    async fn archive_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vacancy's global ID.")] id: ID,
        #[graphql(desc = "The `version` last read.")] version: i32,
    ) -> Result<Vacancy> {
        move_to(ctx, &id, version, VacancyStatus::Archived).await
    }

    /// Deletes a draft. Published notices are closed or cancelled instead.
    async fn delete_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vacancy's global ID.")] id: ID,
        #[graphql(desc = "The `version` last read.")] version: i32,
    ) -> Result<DeleteVacancyPayload> {
        let row = decode("id", NodeKind::Vacancy, &id)?;
        write::delete(context::actor(ctx)?, context::db(ctx)?, row, version).await?;
        Ok(DeleteVacancyPayload { deleted_id: id })
    }

    /// Starts a new draft from an existing notice.
    async fn duplicate_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The notice to copy (global ID).")] id: ID,
        #[graphql(desc = "The new notice's reference.")] reference: String,
    ) -> Result<Vacancy> {
        let id = decode("id", NodeKind::Vacancy, &id)?;
        Ok(Vacancy(
            write::duplicate(context::actor(ctx)?, context::db(ctx)?, id, reference).await?,
        ))
    }

    /// Creates or updates the notice with this reference in the caller's organisation: sending
    /// the same notice twice never makes a duplicate. New notices are drafts.
    async fn import_vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The posting organisation (global ID); defaults to the caller's own.")]
        organisation_id: Option<ID>,
        #[graphql(desc = "The whole notice.")] input: VacancyInput,
    ) -> Result<ImportVacancyPayload> {
        let org = organisation_id
            .map(|id| decode("organisationId", NodeKind::Organisation, &id))
            .transpose()?;
        let (outcome, row) = write::import(
            context::actor(ctx)?,
            context::db(ctx)?,
            org,
            input.into_notice()?,
        )
        .await?;
        let result = match outcome {
            ImportOutcome::Created => ImportResult::Created,
            ImportOutcome::Updated => ImportResult::Updated,
            ImportOutcome::Unchanged => ImportResult::Unchanged,
        };
        Ok(ImportVacancyPayload {
            result,
            vacancy: Vacancy(row),
        })
    }
}

/// The status mutations: one move along a notice's lifecycle.
async fn move_to(ctx: &Context<'_>, id: &ID, version: i32, to: VacancyStatus) -> Result<Vacancy> {
    let id = decode("id", NodeKind::Vacancy, id)?;
    let row = write::transition(context::actor(ctx)?, context::db(ctx)?, id, version, to).await?;
    Ok(Vacancy(row))
}
