//! Applications in the schema: candidates apply, follow and withdraw theirs; the posting
//! organisation's staff screen, move and decide. Also the public application form of a vacancy.

mod input;
mod mutation;
mod query;
mod question;
mod types;

pub use mutation::*;
pub use query::*;
pub use question::*;
pub use types::*;
