//! Accounts and tokens: signing up and in, proving one's address, passwords and sessions, who
//! is calling, and integration tokens for agencies' HR systems.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{account, integration_token};

use crate::auth::jwt::JwtKeys;
use crate::auth::ClientAddr;
use crate::domain::{networks_from_db, IntegrationScope, Role, ScopeSet};
use crate::error::{AppError, AppResult};
use crate::graphql::context;
use crate::graphql::loaders::one;
use crate::graphql::organisation::Organisation;
use crate::graphql::relay::{decode, global_id, NodeKind};
use crate::graphql::Settings;
use crate::service;
use crate::service::account::{
    Credentials, MailRequest, Registration, Signing, INVALID_CREDENTIALS,
};
use crate::service::integration_token::NewIntegrationToken;

#[derive(Debug, thiserror::Error)]
#[error("{0} missing from the GraphQL context")]
struct MissingContext(&'static str);

pub(crate) fn signing<'a>(ctx: &Context<'a>) -> AppResult<Signing<'a>> {
    let keys = ctx
        .data::<Arc<JwtKeys>>()
        .map_err(|_| AppError::internal(MissingContext("JWT keys")))?;
    let settings = ctx
        .data::<Settings>()
        .map_err(|_| AppError::internal(MissingContext("settings")))?;
    Ok(Signing {
        keys: keys.as_ref(),
        ttl: settings.token_ttl,
        pacing: settings.sign_in_pacing,
    })
}

fn mail_request<'a>(ctx: &Context<'a>) -> AppResult<MailRequest<'a>> {
    Ok(MailRequest {
        mailer: &context::settings(ctx)?.mailer,
        client: ctx.data_opt::<ClientAddr>().map(|addr| addr.0),
    })
}

/// A failed sign-in says only "invalid e-mail or password", whatever the reason.
fn login_error(error: AppError) -> async_graphql::Error {
    let invalid_credentials = matches!(error, AppError::Unauthenticated);
    let mut error = async_graphql::Error::from(error);
    if invalid_credentials {
        error.message = INVALID_CREDENTIALS.to_owned();
    }
    error
}

/// A person who signs in: a candidate, a recruiter or admin of an agency, or a platform admin.
#[derive(Clone)]
pub struct Account(pub account::Model);

/// A person who signs in: a candidate, a recruiter or admin of an agency, or a platform admin.
#[Object]
impl Account {
    /// The account's global ID.
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Account, self.0.id)
    }

    /// The e-mail address it signs in with, in lower case.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The person's full name.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }

    /// What the account may do.
    async fn role(&self) -> Result<Role> {
        Ok(Role::from_db(&self.0.role)?)
    }

    /// The agency a recruiter or agency admin works for; null for candidates and platform admins.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.organisation_id {
            Some(id) => Ok(Some(Organisation(
                one(&context::loaders(ctx)?.organisation, id).await?,
            ))),
            None => Ok(None),
        }
    }

    /// False once deactivated: the account can no longer sign in and its tokens are refused.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// Whether its owner proved the e-mail address (by the link mailed at registration, a
    /// password reset or an invitation). Candidates apply only once it is.
    async fn email_verified(&self) -> bool {
        self.0.email_verified_at.is_some()
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Whether the person was erased: the account is a tombstone ("Erased candidate").
    async fn erased(&self) -> bool {
        self.0.erased_at.is_some()
    }

    /// Why a platform admin holds the account from erasure: for platform admins only, null for
    /// everyone else and when it is not held.
    async fn legal_hold_reason(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(service::erasure::legal_hold_visible(
            context::actor(ctx)?,
            &self.0,
        ))
    }
}

/// A signed-in session: the bearer token and the account it speaks for.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// The access token, for the `Authorization: Bearer` header.
    token: String,
    /// When the token stops working; sign in again after that.
    expires_at: DateTime<Utc>,
    /// The signed-in account.
    account: Account,
}

impl From<service::account::SignedIn> for AuthPayload {
    fn from(signed_in: service::account::SignedIn) -> Self {
        Self {
            token: signed_in.token.token,
            expires_at: signed_in.token.expires_at,
            account: Account(signed_in.account),
        }
    }
}

/// A named token an agency's HR system uses to work on the agency's vacancies and applications,
/// with a recruiter's rights as far as its scopes go, optionally from some client networks only.
/// Its secret is shown only once, when it is created, and is not stored.
#[derive(Clone)]
pub struct IntegrationToken(pub integration_token::Model);

/// A named token an agency's HR system uses to work on the agency's vacancies and applications,
/// with a recruiter's rights as far as its scopes go, optionally from some client networks only.
/// Its secret is shown only once, when it is created, and is not stored.
#[Object]
impl IntegrationToken {
    /// The token's global ID (not the token itself).
    async fn id(&self) -> ID {
        global_id(NodeKind::IntegrationToken, self.0.id)
    }

    /// What the agency called it (`Oracle HR production`).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The organisation it acts for.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        Ok(Organisation(
            one(&context::loaders(ctx)?.organisation, self.0.organisation_id).await?,
        ))
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it stops working.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }

    /// When it was revoked; null while it is not.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// What it may do. Tokens created before scopes existed hold every scope.
    async fn scopes(&self) -> Result<Vec<IntegrationScope>> {
        Ok(ScopeSet::from_db(&self.0.scopes)?.iter().collect())
    }

    /// The client networks (CIDRs) it may call from; null when any.
    async fn allowed_networks(&self) -> Result<Option<Vec<String>>> {
        let Some(stored) = &self.0.allowed_networks else {
            return Ok(None);
        };
        Ok(Some(
            networks_from_db(stored)?
                .iter()
                .map(ToString::to_string)
                .collect(),
        ))
    }

    /// Whether it works now: neither revoked nor expired.
    async fn active(&self) -> bool {
        self.0.revoked_at.is_none() && self.0.expires_at > Utc::now()
    }

    /// Who created it; null if that account is gone or the caller may not see it.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        let Some(id) = self.0.created_by else {
            return Ok(None);
        };
        let account =
            service::account::visible(context::actor(ctx)?, context::db(ctx)?, id).await?;
        Ok(account.map(Account))
    }
}

/// A new integration token: the secret, shown this once, and its description.
#[derive(SimpleObject)]
pub struct CreateIntegrationTokenPayload {
    /// The token itself, for the HR system's `Authorization: Bearer` header. Store it now: it is
    /// never shown again.
    token: String,
    /// The token's description, as `integrationTokens` lists it.
    integration_token: IntegrationToken,
}

/// Signing up as a candidate.
#[derive(InputObject)]
pub struct RegisterInput {
    /// The e-mail address to sign in with (stored in lower case; one account per address).
    email: String,
    /// At least 10 characters (up to 256), not one of the most common passwords; no rules on
    /// what it is made of: a few unrelated words make a strong one.
    #[graphql(secret)]
    password: String,
    /// The candidate's full name.
    full_name: String,
    /// The language of the mails: `en` (the default), `fr` or `ar`.
    language: Option<String>,
}

/// A registration taken: what happens next is said by mail, to the address.
#[derive(SimpleObject)]
pub struct RegisterPayload {
    /// The address, as stored (lower case). A link to prove it was mailed there (or, if it has
    /// an account already, a note to its owner: this answer is the same either way).
    email: String,
}

/// A new integration token.
#[derive(InputObject)]
pub struct CreateIntegrationTokenInput {
    /// The organisation (global ID) the token acts for.
    organisation_id: ID,
    /// A name to recognise it by (`Oracle HR production`), up to 100 characters.
    name: String,
    /// When it stops working: in the future, and at most a year from now.
    expires_at: DateTime<Utc>,
    /// What it may do: at least one scope. Give it only what the HR system needs.
    scopes: Vec<IntegrationScope>,
    /// The client networks it may call from, in CIDR notation (`203.0.113.0/24`,
    /// `2001:db8::/32`; a bare address is a network of one), at most 20; left out, any. A
    /// request from elsewhere is `UNAUTHENTICATED`.
    allowed_networks: Option<Vec<String>>,
}

/// Who is calling, and integration tokens.
#[derive(Default)]
pub struct AccountQuery;

/// Who is calling, and integration tokens.
#[Object]
impl AccountQuery {
    /// The signed-in account; null when anonymous or calling with an integration token.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<Account>> {
        let account = service::account::me(context::actor(ctx)?, context::db(ctx)?).await?;
        Ok(account.map(Account))
    }

    /// An organisation's integration tokens, newest first, revoked and expired ones included
    /// (never their secrets). For the organisation's admins and platform admins.
    async fn integration_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's global ID.")] organisation_id: ID,
    ) -> Result<Vec<IntegrationToken>> {
        let organisation_id = decode("organisationId", NodeKind::Organisation, &organisation_id)?;
        let rows = service::integration_token::list(
            context::actor(ctx)?,
            context::db(ctx)?,
            organisation_id,
        )
        .await?;
        Ok(rows.into_iter().map(IntegrationToken).collect())
    }
}

/// Signing up and in, staff accounts and integration tokens.
#[derive(Default)]
pub struct AccountMutation;

/// Signing up and in, staff accounts and integration tokens.
#[Object]
impl AccountMutation {
    /// Creates a candidate account and mails a link to prove its address. Answers the same
    /// whether or not the address has an account (its owner is told by mail), so it says
    /// nothing of who is registered. The new account may sign in at once; it applies once its
    /// address is proven (`verifyEmail`).
    async fn register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new candidate.")] input: RegisterInput,
    ) -> Result<RegisterPayload> {
        let email = service::account::register(
            context::actor(ctx)?,
            context::db(ctx)?,
            mail_request(ctx)?,
            Registration {
                email: input.email,
                password: input.password,
                full_name: input.full_name,
                language: input.language,
            },
        )
        .await?;
        Ok(RegisterPayload { email })
    }

    /// Proves an account's address with the token from the link mailed to it. `INVALID_TOKEN`
    /// if the token is unknown, expired or used.
    async fn verify_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token from the link.", secret)] token: String,
    ) -> Result<Account> {
        let account = service::account::verify_email(context::db(ctx)?, &token).await?;
        Ok(Account(account))
    }

    /// Mails the signed-in account a new link to prove its address (nothing for a proven one).
    async fn request_email_verification(&self, ctx: &Context<'_>) -> Result<bool> {
        service::account::request_verification(
            context::actor(ctx)?,
            context::db(ctx)?,
            &context::settings(ctx)?.mailer,
        )
        .await?;
        Ok(true)
    }

    /// Mails a link to choose a new password, valid 30 minutes, if the address has an account.
    /// The answer is `true` either way; `RATE_LIMITED` when one client asks too often.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's e-mail address.")] email: String,
    ) -> Result<bool> {
        service::account::request_password_reset(context::db(ctx)?, mail_request(ctx)?, &email)
            .await?;
        Ok(true)
    }

    /// Sets a new password with the token from a reset link: every session of the account ends
    /// (sign in again), and the address counts as proven. `INVALID_TOKEN` if the token is
    /// unknown, expired or used.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token from the link.", secret)] token: String,
        #[graphql(desc = "The new password.", secret)] new_password: String,
    ) -> Result<bool> {
        service::account::reset_password(
            context::db(ctx)?,
            &context::settings(ctx)?.mailer,
            &token,
            &new_password,
        )
        .await?;
        Ok(true)
    }

    /// Changes the signed-in person's password, given the current one; their other sessions
    /// end.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current password.", secret)] current_password: String,
        #[graphql(desc = "The new password.", secret)] new_password: String,
    ) -> Result<bool> {
        service::account::change_password(
            context::actor(ctx)?,
            context::db(ctx)?,
            &context::settings(ctx)?.mailer,
            &current_password,
            &new_password,
        )
        .await?;
        Ok(true)
    }

    /// Ends this session: the token stops working at once, on every replica.
    async fn sign_out(&self, ctx: &Context<'_>) -> Result<bool> {
        service::account::sign_out(context::actor(ctx)?, context::db(ctx)?).await?;
        Ok(true)
    }

    /// Ends every session of the signed-in account, this one included (a token may have been
    /// stolen). Returns how many ended.
    async fn sign_out_everywhere(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(service::account::sign_out_everywhere(context::actor(ctx)?, context::db(ctx)?).await?)
    }

    /// Signs in with an e-mail and a password. A wrong e-mail, a wrong password or a deactivated
    /// account all give `UNAUTHENTICATED` ("invalid e-mail or password"). Each failure at one
    /// e-mail from one client address puts the next attempt off for longer; one whose turn is
    /// too far off, and any from an address with too many failures, is refused for a while with
    /// `RATE_LIMITED` and `extensions.retryAfter` (seconds).
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's e-mail address (case does not matter).")] email: String,
        #[graphql(desc = "The account's password.", secret)] password: String,
    ) -> Result<AuthPayload> {
        let client = ctx.data_opt::<ClientAddr>().map(|addr| addr.0);
        let signed_in = service::account::login(
            context::actor(ctx)?,
            context::db(ctx)?,
            signing(ctx)?,
            Credentials {
                email: &email,
                password: &password,
                client,
            },
        )
        .await
        .map_err(login_error)?;
        Ok(signed_in.into())
    }

    /// Deactivates an account: it can no longer sign in and its tokens are refused from the next
    /// request on. For its organisation's admins (platform admins for accounts without one).
    async fn deactivate_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's global ID.")] id: ID,
    ) -> Result<Account> {
        let id = decode("id", NodeKind::Account, &id)?;
        let account =
            service::account::deactivate(context::actor(ctx)?, context::db(ctx)?, id).await?;
        Ok(Account(account))
    }

    /// Creates an integration token with a recruiter's rights in an organisation as far as its
    /// scopes go, for its admins and platform admins. The token is in this response only: store
    /// it.
    async fn create_integration_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new token.")] input: CreateIntegrationTokenInput,
    ) -> Result<CreateIntegrationTokenPayload> {
        let organisation_id = decode(
            "input.organisationId",
            NodeKind::Organisation,
            &input.organisation_id,
        )?;
        let created = service::integration_token::create(
            context::actor(ctx)?,
            context::db(ctx)?,
            signing(ctx)?.keys,
            NewIntegrationToken {
                organisation_id,
                name: input.name,
                expires_at: input.expires_at,
                scopes: input.scopes.into_iter().collect(),
                allowed_networks: input.allowed_networks,
            },
        )
        .await?;
        Ok(CreateIntegrationTokenPayload {
            token: created.token,
            integration_token: IntegrationToken(created.row),
        })
    }

    /// Revokes an integration token: refused from the next request on. Revoking a revoked token
    /// changes nothing.
    async fn revoke_integration_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token's global ID (from `integrationTokens`).")] id: ID,
    ) -> Result<IntegrationToken> {
        let id = decode("id", NodeKind::IntegrationToken, &id)?;
        let row =
            service::integration_token::revoke(context::actor(ctx)?, context::db(ctx)?, id).await?;
        Ok(IntegrationToken(row))
    }
}
