//! Who is calling. Tokens arrive with the accounts issue; until then every caller is anonymous.

use crate::domain::Role;

/// The caller of a request, as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    Account {
        id: i32,
        role: Role,
        organisation_id: Option<i32>,
    },
}

impl Actor {
    pub fn organisation_id(&self) -> Option<i32> {
        match self {
            Self::Anonymous => None,
            Self::Account {
                organisation_id, ..
            } => *organisation_id,
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Self::Anonymous => None,
            Self::Account { role, .. } => Some(*role),
        }
    }
}
