//! Accounts and tokens: signing up and in, who is calling, staff accounts created by admins,
//! and integration tokens for agencies' HR systems.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{account, integration_token};

use crate::auth::jwt::JwtKeys;
use crate::auth::ClientAddr;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::graphql::context;
use crate::graphql::loaders::one;
use crate::graphql::organisation::Organisation;
use crate::graphql::relay::{decode, global_id, NodeKind};
use crate::graphql::Settings;
use crate::service;
use crate::service::account::{
    Credentials, NewAccount, Registration, Signing, INVALID_CREDENTIALS,
};
use crate::service::integration_token::NewIntegrationToken;

#[derive(Debug, thiserror::Error)]
#[error("{0} missing from the GraphQL context")]
struct MissingContext(&'static str);

fn signing<'a>(ctx: &Context<'a>) -> AppResult<Signing<'a>> {
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

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
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

/// A named token an agency's HR system uses to post and manage the agency's vacancies, with a
/// recruiter's rights. Its secret is shown only once, when it is created.
#[derive(Clone)]
pub struct IntegrationToken(pub integration_token::Model);

/// A named token an agency's HR system uses to post and manage the agency's vacancies, with a
/// recruiter's rights. Its secret is shown only once, when it is created.
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
    /// At least 10 characters.
    #[graphql(secret)]
    password: String,
    /// The candidate's full name.
    full_name: String,
}

/// A staff account created by an admin.
#[derive(InputObject)]
pub struct CreateAccountInput {
    /// The e-mail address to sign in with (stored in lower case; one account per address).
    email: String,
    /// The first password, at least 10 characters.
    #[graphql(secret)]
    password: String,
    /// The person's full name.
    full_name: String,
    /// What the account may do. Agency admins create `RECRUITER` and `AGENCY_ADMIN` accounts;
    /// platform admins any.
    role: Role,
    /// The organisation (global ID) of a `RECRUITER` or `AGENCY_ADMIN`; none for the other roles.
    organisation_id: Option<ID>,
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
    /// Creates a candidate account and signs it in. `CONFLICT` if the e-mail is taken.
    async fn register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new candidate.")] input: RegisterInput,
    ) -> Result<AuthPayload> {
        let signed_in = service::account::register(
            context::actor(ctx)?,
            context::db(ctx)?,
            signing(ctx)?,
            Registration {
                email: input.email,
                password: input.password,
                full_name: input.full_name,
            },
        )
        .await?;
        Ok(signed_in.into())
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

    /// Creates a staff account: an agency admin creates recruiters and admins of its own
    /// organisation; a platform admin any account, an organisation's first admin included.
    async fn create_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: CreateAccountInput,
    ) -> Result<Account> {
        let organisation_id = input
            .organisation_id
            .as_ref()
            .map(|id| decode("input.organisationId", NodeKind::Organisation, id))
            .transpose()?;
        let account = service::account::create(
            context::actor(ctx)?,
            context::db(ctx)?,
            NewAccount {
                email: input.email,
                password: input.password,
                full_name: input.full_name,
                role: input.role,
                organisation_id,
            },
        )
        .await?;
        Ok(Account(account))
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

    /// Creates an integration token with a recruiter's rights in an organisation, for its
    /// admins and platform admins. The token is in this response only: store it.
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
