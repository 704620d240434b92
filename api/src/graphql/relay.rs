//! Relay plumbing: opaque global IDs, the `Node` interface and connections with `totalCount`.

use async_graphql::connection::PageInfo;
use async_graphql::{ComplexObject, Context, Interface, OutputType, SimpleObject, ID};

use crate::cache::counts::CountCache;
pub use crate::domain::global_id::{decode, decode_any, global_id, NodeKind};
use crate::graphql::access_log::ApplicationAccess;
use crate::graphql::account::Account;
use crate::graphql::application::Application;
use crate::graphql::audit::AuditEvent;
use crate::graphql::competency::Competency;
use crate::graphql::organisation::Organisation;
use crate::graphql::project::Project;
use crate::graphql::saved_search::SavedSearch;
use crate::graphql::vacancy::Vacancy;
use crate::graphql::webhook::WebhookDelivery;
use crate::service::pagination::{
    encode_cursor, Page, TotalCount, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
};
use crate::service::vacancy::order::KeyedPage;

/// An object with a global ID, refetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's global ID."))]
#[allow(
    clippy::large_enum_variant,
    reason = "one value per `node(id:)` call, resolved at once: boxing the row would not pay"
)]
pub enum Node {
    Organisation(Organisation),
    Project(Project),
    Competency(Competency),
    Vacancy(Vacancy),
    Account(Account),
    Application(Application),
    SavedSearch(SavedSearch),
}

/// A page of a list: its items with their cursors, and where it sits in the whole list.
#[derive(SimpleObject)]
#[graphql(concrete(name = "VacancyConnection", params(Vacancy)))]
#[graphql(concrete(name = "OrganisationConnection", params(Organisation)))]
#[graphql(concrete(name = "ProjectConnection", params(Project)))]
#[graphql(concrete(name = "CompetencyConnection", params(Competency)))]
#[graphql(concrete(name = "ApplicationConnection", params(Application)))]
#[graphql(concrete(name = "AuditEventConnection", params(AuditEvent)))]
#[graphql(concrete(name = "SavedSearchConnection", params(SavedSearch)))]
#[graphql(concrete(name = "WebhookDeliveryConnection", params(WebhookDelivery)))]
#[graphql(concrete(name = "ApplicationAccessConnection", params(ApplicationAccess)))]
#[graphql(complex)]
pub struct AppConnection<N: OutputType> {
    #[graphql(skip)]
    pub(crate) edges: Vec<AppEdge<N>>,
    /// Whether there are pages before and after this one, and the cursors to reach them.
    page_info: PageInfo,
    #[graphql(skip)]
    pub(crate) total: TotalCount,
    /// A vacancy list's total and facets, read with its page (vacancy lists only).
    #[graphql(skip)]
    pub(crate) counts: Option<std::sync::Arc<crate::service::vacancy::listing::Counts>>,
    /// Whether the list answers `facets` (the top-level vacancy list only).
    #[graphql(skip)]
    pub(crate) faceted: bool,
}

/// One item of a page, with the cursor that points at it.
#[derive(SimpleObject)]
#[graphql(concrete(name = "VacancyEdge", params(Vacancy)))]
#[graphql(concrete(name = "OrganisationEdge", params(Organisation)))]
#[graphql(concrete(name = "ProjectEdge", params(Project)))]
#[graphql(concrete(name = "CompetencyEdge", params(Competency)))]
#[graphql(concrete(name = "ApplicationEdge", params(Application)))]
#[graphql(concrete(name = "AuditEventEdge", params(AuditEvent)))]
#[graphql(concrete(name = "SavedSearchEdge", params(SavedSearch)))]
#[graphql(concrete(name = "WebhookDeliveryEdge", params(WebhookDelivery)))]
#[graphql(concrete(name = "ApplicationAccessEdge", params(ApplicationAccess)))]
pub struct AppEdge<N: OutputType> {
    /// Pass it as `after` or `before` to page from this item.
    cursor: String,
    /// The item.
    pub(crate) node: N,
}

macro_rules! total_count {
    ($($node:ty),*) => {$(
        #[ComplexObject]
        impl AppConnection<$node> {
            /// The items of this page, each with its cursor.
            async fn edges(&self) -> &[AppEdge<$node>] {
                &self.edges
            }

            /// How many items the whole list holds with the current filters, across all pages.
            async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
                Ok(match ctx.data_opt::<CountCache>() {
                    Some(cache) => cache.total(&self.total).await?,
                    None => self.total.get().await?,
                })
            }

            /// The items of this page, without their cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|edge| &edge.node).collect()
            }
        }
    )*};
}

// The vacancy connection has facets besides: see `graphql::vacancy::facets`.
total_count!(
    Organisation,
    Project,
    Competency,
    Application,
    AuditEvent,
    SavedSearch,
    WebhookDelivery,
    ApplicationAccess
);

/// What a connection field costs in the complexity limit: its page size times what each item
/// costs, so nested lists multiply as they do on the database.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size = first
        .or(last)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE);
    usize::try_from(size)
        .unwrap_or(1)
        .saturating_mul(child_complexity.max(1))
}

/// Turns a page of rows into a connection of GraphQL nodes.
pub fn connection<M, N: OutputType>(page: Page<M>, node: impl Fn(M) -> N) -> AppConnection<N> {
    let edges: Vec<AppEdge<N>> = page
        .rows
        .into_iter()
        .map(|(key, model)| AppEdge {
            cursor: encode_cursor(key),
            node: node(model),
        })
        .collect();
    AppConnection {
        page_info: PageInfo {
            has_previous_page: page.has_previous_page,
            has_next_page: page.has_next_page,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        },
        edges,
        total: page.total,
        counts: None,
        faceted: false,
    }
}

/// Turns a page of rows that come with their own cursors into a connection.
pub fn keyed_connection<M, N: OutputType>(
    page: KeyedPage<M>,
    node: impl Fn(M) -> N,
) -> AppConnection<N> {
    let edges: Vec<AppEdge<N>> = page
        .rows
        .into_iter()
        .map(|(cursor, model)| AppEdge {
            cursor,
            node: node(model),
        })
        .collect();
    AppConnection {
        page_info: PageInfo {
            has_previous_page: page.has_previous_page,
            has_next_page: page.has_next_page,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        },
        edges,
        total: page.total,
        counts: None,
        faceted: false,
    }
}
