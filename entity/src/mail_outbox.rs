//! One mail to send (the outbox), queued in the transaction of the change that causes it, and
//! how sending it went. The bodies are dropped once it is sent: they may hold single-use links.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Which template it was written from (`verify_email`, `saved_search_alert`, …).
    pub kind: String,
    pub recipient: String,
    pub language: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub text_body: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub html_body: Option<String>,
    /// The one-click unsubscribe address (RFC 8058), for alerts and notifications.
    pub list_unsubscribe: Option<String>,
    /// `PENDING`, `SENT` or `FAILED`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// While set and in the future, a worker is sending it.
    pub locked_until: Option<DateTimeUtc>,
    pub claimed_by: Option<String>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
