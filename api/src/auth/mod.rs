//! Who is calling: the actor a request acts as, resolved from its bearer token.

pub mod jwt;
pub mod one_time;
pub mod password;
mod resolve;

pub use resolve::authenticate;

use crate::domain::{Role, ScopeSet};

/// The caller's network address (behind trusted proxies, the one they saw), for per-client
/// limits and the sign-in throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

/// The caller of a request, as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    /// A person signed in with an account.
    Account {
        id: i32,
        role: Role,
        organisation_id: Option<i32>,
        /// The signed-in session the token belongs to (none for a registration in progress).
        session_id: Option<i32>,
        /// Whether the account's e-mail address is proven.
        email_verified: bool,
    },
    /// An agency's HR system, with a recruiter's rights in its organisation as far as its
    /// scopes go.
    Integration {
        token_id: i32,
        organisation_id: i32,
        scopes: ScopeSet,
    },
}

impl Actor {
    pub fn organisation_id(&self) -> Option<i32> {
        match self {
            Self::Anonymous => None,
            Self::Account {
                organisation_id, ..
            } => *organisation_id,
            Self::Integration {
                organisation_id, ..
            } => Some(*organisation_id),
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Self::Anonymous => None,
            Self::Account { role, .. } => Some(*role),
            Self::Integration { .. } => Some(Role::Recruiter),
        }
    }

    /// The signed-in account, if a person (not a token) is calling.
    pub fn account_id(&self) -> Option<i32> {
        match self {
            Self::Account { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The signed-in session calling, if any.
    pub fn session_id(&self) -> Option<i32> {
        match self {
            Self::Account { session_id, .. } => *session_id,
            _ => None,
        }
    }

    /// The integration token calling, if any.
    pub fn token_id(&self) -> Option<i32> {
        match self {
            Self::Integration { token_id, .. } => Some(*token_id),
            _ => None,
        }
    }
}
