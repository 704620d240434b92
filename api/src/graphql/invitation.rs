//! Invitations: admins invite staff by mail; the invitee accepts with the link's token and
//! chooses their own password.

use async_graphql::{Context, InputObject, Object, Result, ID};
use chrono::{DateTime, Utc};
use entity::invitation;

use crate::domain::{InvitationStatus, Role};
use crate::graphql::account::{signing, AuthPayload};
use crate::graphql::context;
use crate::graphql::loaders::one;
use crate::graphql::organisation::Organisation;
use crate::graphql::relay::{decode, global_id, NodeKind};
use crate::service;
use crate::service::account::{Acceptance, NewInvitation};

/// An invitation to join an organisation's staff (or the platform admins), mailed to the
/// invitee. Its link is in the mail only.
#[derive(Clone)]
pub struct Invitation(pub invitation::Model);

/// An invitation to join an organisation's staff (or the platform admins), mailed to the
/// invitee. Its link is in the mail only.
#[Object]
impl Invitation {
    /// The invitation's global ID.
    async fn id(&self) -> ID {
        global_id(NodeKind::Invitation, self.0.id)
    }

    /// The address invited, in lower case.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The role the account will have.
    async fn role(&self) -> Result<Role> {
        Ok(Role::from_db(&self.0.role)?)
    }

    /// The organisation joined; null for a platform admin.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.organisation_id {
            Some(id) => Ok(Some(Organisation(
                one(&context::loaders(ctx)?.organisation, id).await?,
            ))),
            None => Ok(None),
        }
    }

    /// Where it stands.
    async fn status(&self) -> InvitationStatus {
        service::account::invitation_status(&self.0, Utc::now())
    }

    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Until when it can be accepted.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
}

/// Someone to invite.
#[derive(InputObject)]
pub struct InviteAccountInput {
    /// The invitee's e-mail address.
    email: String,
    /// `RECRUITER` or `AGENCY_ADMIN` of an organisation (its admins invite these), or
    /// `PLATFORM_ADMIN` (platform admins only, with no organisation).
    role: Role,
    /// The organisation (global ID) of a recruiter or agency admin.
    organisation_id: Option<ID>,
    /// The language of the invitation mail: `en` (the default), `fr` or `ar`.
    language: Option<String>,
}

/// Accepting an invitation.
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The token from the invitation's link.
    #[graphql(secret)]
    token: String,
    /// The invitee's full name.
    full_name: String,
    /// The password to sign in with: at least 10 characters, not a common one.
    #[graphql(secret)]
    password: String,
}

/// An organisation's invitations.
#[derive(Default)]
pub struct InvitationQuery;

/// An organisation's invitations.
#[Object]
impl InvitationQuery {
    /// An organisation's invitations, newest first, in every status (the platform admins'
    /// without `organisationId`). For whoever may invite there.
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's global ID; none for platform admins' invitations.")]
        organisation_id: Option<ID>,
    ) -> Result<Vec<Invitation>> {
        let organisation_id = organisation_id
            .map(|id| decode("organisationId", NodeKind::Organisation, &id))
            .transpose()?;
        let rows =
            service::account::invitations(context::actor(ctx)?, context::db(ctx)?, organisation_id)
                .await?;
        Ok(rows.into_iter().map(Invitation).collect())
    }
}

/// Inviting staff, and accepting.
#[derive(Default)]
pub struct InvitationMutation;

/// Inviting staff, and accepting.
#[Object]
impl InvitationMutation {
    /// Invites someone by mail to join an organisation's staff: its admins invite recruiters
    /// and admins, platform admins anyone. The invitee chooses their own password through the
    /// link, within 7 days.
    async fn invite_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who to invite, as what.")] input: InviteAccountInput,
    ) -> Result<Invitation> {
        let organisation_id = input
            .organisation_id
            .as_ref()
            .map(|id| decode("input.organisationId", NodeKind::Organisation, id))
            .transpose()?;
        let row = service::account::invite(
            context::actor(ctx)?,
            context::db(ctx)?,
            &context::settings(ctx)?.mailer,
            NewInvitation {
                email: input.email,
                role: input.role,
                organisation_id,
                language: input.language,
            },
        )
        .await?;
        Ok(Invitation(row))
    }

    /// Withdraws an invitation that was not accepted: its link stops working.
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation's global ID.")] id: ID,
    ) -> Result<Invitation> {
        let id = decode("id", NodeKind::Invitation, &id)?;
        let row = service::account::revoke_invitation(context::actor(ctx)?, context::db(ctx)?, id)
            .await?;
        Ok(Invitation(row))
    }

    /// Accepts an invitation with the token from its link: creates the account and signs it
    /// in. `INVALID_TOKEN` if the invitation is unknown, expired, revoked or accepted already.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token, the invitee's name and password.")]
        input: AcceptInvitationInput,
    ) -> Result<AuthPayload> {
        let signed_in = service::account::accept_invitation(
            context::db(ctx)?,
            signing(ctx)?,
            Acceptance {
                token: input.token,
                full_name: input.full_name,
                password: input.password,
            },
        )
        .await?;
        Ok(signed_in.into())
    }
}
