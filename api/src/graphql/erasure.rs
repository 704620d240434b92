//! Erasing a person's data: a candidate's own account, or anyone's on request (platform
//! admins), and the legal holds that keep an account from erasure.

use async_graphql::{Context, Object, Result, SimpleObject, ID};

use crate::graphql::account::Account;
use crate::graphql::context;
use crate::graphql::relay::{decode, NodeKind};
use crate::service;

/// What an erasure did.
#[derive(SimpleObject)]
pub struct EraseResult {
    /// True: the person is erased (now, or already before).
    erased: bool,
    /// True when the person was erased before this request, which changed nothing.
    already_erased: bool,
    /// What is kept under legal hold and why, one sentence each (a HIRED application is kept
    /// whole, as the record of employment).
    kept: Vec<String>,
}

impl From<service::erasure::Erasure> for EraseResult {
    fn from(erasure: service::erasure::Erasure) -> Self {
        Self {
            erased: true,
            already_erased: erasure.already_erased,
            kept: erasure.kept,
        }
    }
}

/// Erasure and legal holds.
#[derive(Default)]
pub struct ErasureMutation;

/// Erasure and legal holds.
#[Object]
impl ErasureMutation {
    /// Erases the signed-in candidate, given their password: every session ends, the account
    /// can no longer sign in, applications are anonymised (a HIRED one is kept, as `kept` says)
    /// and recruiters see "Erased candidate". `CONFLICT` when a platform admin holds the
    /// account for a legal reason.
    async fn delete_my_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's password.", secret)] password: String,
    ) -> Result<EraseResult> {
        let erasure =
            service::erasure::delete_my_account(context::actor(ctx)?, context::db(ctx)?, &password)
                .await?;
        Ok(erasure.into())
    }

    /// Erases a candidate on their request, as `deleteMyAccount` does: platform admins only.
    /// Erasing an erased person changes nothing; `CONFLICT` when the account is under legal
    /// hold.
    async fn erase_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The candidate's account (global ID).")] id: ID,
        #[graphql(
            desc = "Why, for the audit trail (the request's reference, not the person's name)."
        )]
        reason: String,
    ) -> Result<EraseResult> {
        let id = decode("id", NodeKind::Account, &id)?;
        let erasure =
            service::erasure::erase_account(context::actor(ctx)?, context::db(ctx)?, id, &reason)
                .await?;
        Ok(erasure.into())
    }

    /// Puts an account under legal hold, which keeps it from erasure and from the retention
    /// period, or releases it: platform admins only. `reason` is required to hold.
    async fn set_legal_hold(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account (global ID).")] account_id: ID,
        #[graphql(desc = "True to hold, false to release.")] hold: bool,
        #[graphql(desc = "Why it is held (required to hold), up to 500 characters.")]
        reason: Option<String>,
    ) -> Result<Account> {
        let id = decode("accountId", NodeKind::Account, &account_id)?;
        let row = service::erasure::set_legal_hold(
            context::actor(ctx)?,
            context::db(ctx)?,
            id,
            hold,
            reason.as_deref(),
        )
        .await?;
        Ok(Account(row))
    }
}
