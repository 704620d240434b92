//! A person's own data: everything the system holds on the signed-in person.

use async_graphql::{Context, Json, Object, Result};

use crate::graphql::context;
use crate::service;

/// A person's own data.
#[derive(Default)]
pub struct OwnDataQuery;

/// A person's own data.
#[Object]
impl OwnDataQuery {
    /// Everything the system holds on the signed-in person, as one JSON document: the account,
    /// notification preferences, sessions, applications (with answers, languages, referees,
    /// documents' descriptions and links, status history, and which organisations read them),
    /// and saved searches. The same document as `GET /me/data.json`.
    async fn my_data(&self, ctx: &Context<'_>) -> Result<Json<serde_json::Value>> {
        let data =
            service::account::export_own_data(context::actor(ctx)?, context::db(ctx)?).await?;
        Ok(Json(data))
    }
}
