//! Opaque global IDs: a kind and a row id, as the Relay `Node` interface and every transport
//! (GraphQL, feeds, exports, downloads, events) name objects.

use async_graphql::ID;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{AppError, AppResult};

/// The kinds of object that have a global ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Organisation,
    Project,
    Competency,
    Vacancy,
    Account,
    IntegrationToken,
    Application,
    Document,
    SavedSearch,
    WebhookEndpoint,
    WebhookDelivery,
    Invitation,
}

impl NodeKind {
    const ALL: [Self; 12] = [
        Self::Organisation,
        Self::Project,
        Self::Competency,
        Self::Vacancy,
        Self::Account,
        Self::IntegrationToken,
        Self::Application,
        Self::Document,
        Self::SavedSearch,
        Self::WebhookEndpoint,
        Self::WebhookDelivery,
        Self::Invitation,
    ];

    fn prefix(self) -> &'static str {
        match self {
            Self::Organisation => "Organisation",
            Self::Project => "Project",
            Self::Competency => "Competency",
            Self::Vacancy => "Vacancy",
            Self::Account => "Account",
            Self::IntegrationToken => "IntegrationToken",
            Self::Application => "Application",
            Self::Document => "Document",
            Self::SavedSearch => "SavedSearch",
            Self::WebhookEndpoint => "WebhookEndpoint",
            Self::WebhookDelivery => "WebhookDelivery",
            Self::Invitation => "Invitation",
        }
    }

    fn from_prefix(prefix: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.prefix() == prefix)
    }
}

pub fn global_id(kind: NodeKind, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.prefix())))
}

/// Decodes any global ID into its kind and row id.
pub fn decode_any(field: &str, id: &ID) -> AppResult<(NodeKind, i32)> {
    URL_SAFE_NO_PAD
        .decode(id.as_str())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            let (prefix, raw) = text.split_once(':')?;
            Some((NodeKind::from_prefix(prefix)?, raw.parse().ok()?))
        })
        .ok_or_else(|| AppError::bad_input(field, format!("`{field}` is not an ID from this API")))
}

/// Decodes a global ID that must be of `kind`.
pub fn decode(field: &str, kind: NodeKind, id: &ID) -> AppResult<i32> {
    match decode_any(field, id)? {
        (found, row) if found == kind => Ok(row),
        _ => Err(AppError::bad_input(
            field,
            format!("`{field}` must be the ID of a {}", kind.prefix()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_check_their_kind() {
        for kind in NodeKind::ALL {
            assert_eq!(
                decode("id", kind, &global_id(kind, 3)).unwrap(),
                3,
                "{kind:?}"
            );
        }
        let id = global_id(NodeKind::Vacancy, 7);
        assert_eq!(decode("id", NodeKind::Vacancy, &id).unwrap(), 7);
        assert_eq!(
            decode("id", NodeKind::Project, &id).unwrap_err().code(),
            "BAD_USER_INPUT"
        );
        assert!(decode_any("id", &ID("garbage".into())).is_err());
    }
}
