//! The one error vocabulary of the API: every `extensions.code` a client can receive, the one
//! error type of the services, and its single mapping to GraphQL errors and HTTP statuses.

use async_graphql::{ErrorExtensions, ServerError};
use axum::http::StatusCode;
use sea_orm::{DbErr, SqlErr};

/// Every value of `extensions.code`, the domain's and the protocol's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    /// A link's token (e-mail verification, password reset, invitation, unsubscribe) that is
    /// unknown, expired, already used or forged: one code for all, so none can be told apart.
    InvalidToken,
    /// The account's e-mail address is not verified yet, and the operation needs it.
    EmailNotVerified,
    InternalServerError,
    /// The request is not a GraphQL document (or not a GraphQL request at all).
    GraphqlParseFailed,
    /// The document does not validate against the schema or the limits.
    GraphqlValidationFailed,
    /// A persisted query's hash this server has not been sent the document of.
    PersistedQueryNotFound,
    /// The storage of documents cannot be reached; nothing was written, try again later.
    StorageUnavailable,
    /// The database cannot be reached (restarting, failing over, every connection busy): the
    /// request was not carried out, or its transaction rolled back; try again shortly.
    DatabaseUnavailable,
}

impl Code {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::InvalidToken => "INVALID_TOKEN",
            Self::EmailNotVerified => "EMAIL_NOT_VERIFIED",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::StorageUnavailable => "STORAGE_UNAVAILABLE",
            Self::DatabaseUnavailable => "DATABASE_UNAVAILABLE",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What went wrong, in terms a client can act on. Internal causes are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("you may not do this")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    BadUserInput { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: u64 },
    #[error("this link is not valid: it may have expired or been used already")]
    InvalidToken,
    #[error("confirm your e-mail address first: follow the link mailed to you")]
    EmailNotVerified,
    #[error("the document storage is unavailable; try again later")]
    StorageUnavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the database is unavailable; try again shortly")]
    DatabaseUnavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A failure the caller cannot fix; a database that cannot be reached is unavailable
    /// instead, however the error got here.
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        let any = &error as &dyn std::any::Any;
        // A DataLoader shares its error between the requests that waited for it.
        let unreachable = any.downcast_ref::<DbErr>().is_some_and(is_unreachable)
            || any
                .downcast_ref::<std::sync::Arc<DbErr>>()
                .is_some_and(|shared| is_unreachable(shared))
            || any
                .downcast_ref::<std::sync::Arc<AppError>>()
                .is_some_and(|shared| matches!(shared.as_ref(), Self::DatabaseUnavailable(_)));
        if unreachable {
            Self::DatabaseUnavailable(Box::new(error))
        } else {
            Self::Internal(Box::new(error))
        }
    }

    /// The document storage failed; the cause is logged, never sent.
    pub fn storage(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::StorageUnavailable(Box::new(error))
    }

    /// Someone else changed `what` since the caller read it (its `version` moved on).
    pub fn stale(what: &str) -> Self {
        Self::Conflict(format!(
            "this {what} was changed by someone else; read it again and retry"
        ))
    }

    /// The error as GraphQL sends it, for transports that answer before the schema runs.
    pub fn into_server_error(self) -> ServerError {
        let error = async_graphql::Error::from(self);
        let mut server_error = ServerError::new(error.message, None);
        server_error.extensions = error.extensions;
        server_error
    }

    /// The value of `extensions.code`.
    pub fn code(&self) -> Code {
        match self {
            Self::Unauthenticated => Code::Unauthenticated,
            Self::Forbidden => Code::Forbidden,
            Self::NotFound(_) => Code::NotFound,
            Self::BadUserInput { .. } => Code::BadUserInput,
            Self::Conflict(_) => Code::Conflict,
            Self::RateLimited { .. } => Code::RateLimited,
            Self::InvalidToken => Code::InvalidToken,
            Self::EmailNotVerified => Code::EmailNotVerified,
            Self::StorageUnavailable(_) => Code::StorageUnavailable,
            Self::DatabaseUnavailable(_) => Code::DatabaseUnavailable,
            Self::Internal(_) => Code::InternalServerError,
        }
    }

    /// The HTTP status of this error where a transport answers with one (the non-GraphQL
    /// routes; GraphQL answers errors in the body).
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadUserInput { .. } => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::InvalidToken => StatusCode::BAD_REQUEST,
            Self::EmailNotVerified => StatusCode::FORBIDDEN,
            Self::StorageUnavailable(_) | Self::DatabaseUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A notice document that cannot become a draft: the reason, on the `file` argument.
impl From<crate::service::notice_import::ImportError> for AppError {
    fn from(error: crate::service::notice_import::ImportError) -> Self {
        Self::bad_input("file", error.to_string())
    }
}

impl From<DbErr> for AppError {
    /// Unique-constraint violations are conflicts; a database that cannot be reached is
    /// unavailable; every other database error is internal.
    fn from(error: DbErr) -> Self {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict("this already exists".to_owned())
            }
            _ if is_unreachable(&error) => Self::DatabaseUnavailable(Box::new(error)),
            _ => Self::internal(error),
        }
    }
}

/// Whether the database could not be reached, rather than refusing the statement: no
/// connection to be had, a connection lost, or the server shutting down (SQLSTATE class 57P,
/// "operator intervention", which PostgreSQL sends to sessions when it restarts).
fn is_unreachable(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::RuntimeErr;
    let sqlx = match error {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(error))
        | DbErr::Exec(RuntimeErr::SqlxError(error))
        | DbErr::Query(RuntimeErr::SqlxError(error)) => error,
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    match sqlx {
        Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
        Sqlx::Database(error) => error.code().is_some_and(|code| code.starts_with("57P")),
        _ => false,
    }
}

/// Says what a unique-constraint violation means for the write that hit it.
pub trait OnUnique<T> {
    /// A unique-constraint violation becomes `CONFLICT` with `message`; any other error maps as
    /// usual.
    fn on_unique(self, message: &str) -> AppResult<T>;
}

impl<T> OnUnique<T> for Result<T, DbErr> {
    fn on_unique(self, message: &str) -> AppResult<T> {
        self.map_err(|error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict(message.to_owned()),
            _ => error.into(),
        })
    }
}

impl<T> OnUnique<T> for AppResult<T> {
    fn on_unique(self, message: &str) -> AppResult<T> {
        self.map_err(|error| match error {
            AppError::Conflict(_) => AppError::Conflict(message.to_owned()),
            other => other,
        })
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        if let AppError::Internal(source) = &error {
            tracing::error!(error = %source, "internal error");
        }
        if let AppError::StorageUnavailable(source) = &error {
            tracing::error!(error = %source, "document storage unavailable");
        }
        if let AppError::DatabaseUnavailable(source) = &error {
            tracing::warn!(error = %source, "database unavailable");
        }
        let code = error.code();
        let field = match &error {
            AppError::BadUserInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        let retry_after = match &error {
            AppError::RateLimited {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        };
        async_graphql::Error::new(error.to_string()).extend_with(|_, ext| {
            ext.set("code", code.as_str());
            if let Some(field) = field {
                ext.set("field", field);
            }
            if let Some(seconds) = retry_after {
                ext.set("retryAfter", seconds);
            }
        })
    }
}

/// Sets `extensions.code` on an error raised outside the resolvers (parsing, limits, the
/// protocol).
pub fn with_code(mut error: ServerError, code: Code) -> ServerError {
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
    error
}

/// A GraphQL error response body with one error, for transports that answer before a request
/// reaches the schema.
pub fn error_body(message: &str, code: Code) -> serde_json::Value {
    serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str() } }]
    })
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn an_unreachable_database_is_unavailable_however_the_error_got_here() {
        let lost = || DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout);
        let code = |error: AppError| error.code().as_str();
        assert_eq!(code(AppError::from(lost())), "DATABASE_UNAVAILABLE");
        assert_eq!(code(AppError::internal(lost())), "DATABASE_UNAVAILABLE");
        assert_eq!(
            code(AppError::internal(Arc::new(lost()))),
            "DATABASE_UNAVAILABLE"
        );
        let shared = Arc::new(AppError::from(lost()));
        assert_eq!(code(AppError::internal(shared)), "DATABASE_UNAVAILABLE");
        assert_eq!(code(AppError::from(lost())), "DATABASE_UNAVAILABLE");
        assert_eq!(
            code(AppError::from(DbErr::Custom("a bug".into()))),
            "INTERNAL_SERVER_ERROR"
        );
        assert_eq!(
            AppError::from(lost()).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
