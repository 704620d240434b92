//! placeholder

/// AccountMutation placeholder until the write API lands.
#[derive(Default)]
pub struct AccountMutation;

#[async_graphql::Object]
impl AccountMutation {
    /// Placeholder.
    async fn placeholder_account(&self) -> bool {
        false
    }
}
