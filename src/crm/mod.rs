//! The Dataverse Web API client: Microsoft Entra ID sign-in, typed and
//! paged reads with change tracking, `$batch` writes, metadata, and the
//! prerequisite checks of a connection. Written from Microsoft's
//! documentation; it shares nothing with the emulator in `sim`.
//!
//! ```no_run
//! # async fn demo(cfg: navsync::crm::ClientConfig) -> Result<(), navsync::crm::CrmError> {
//! use futures::TryStreamExt;
//! use navsync::crm::{Client, Read, rows::Account};
//! let client = Client::new(cfg)?;
//! let mut pages = std::pin::pin!(client.stream::<Account>(Read::full()));
//! while let Some(page) = pages.try_next().await? {
//!     println!("{} accounts", page.rows.len());
//! }
//! # Ok(()) }
//! ```

mod auth;
mod batch;
pub mod budget;
mod bulk;
pub mod checks;
mod client;
mod config;
mod entity_ref;
mod error;
mod events;
mod fit;
mod gate;
pub mod instance_url;
mod metadata;
mod odata;
pub mod probe;
mod read;
pub mod rows;
mod search;
mod secret;
mod split;
mod token_cache;
mod transport;
pub mod writes;

pub use batch::{Caller, ChangeSet, MAX_BATCH_OPERATIONS, WriteOp, WriteResult};
pub use budget::ApiBudget;
pub use bulk::Bulk;
pub use client::Client;
pub use config::{AuthConfig, ClientConfig, RetryPolicy};
pub use entity_ref::{EntityKind, EntityRef};
pub use error::{CrmError, CrmProblem, ErrorClass};
pub use events::{ClientEvent, DeviceCodePrompt, RefreshReason, Stats};
pub use fit::fit_text;
pub use metadata::{MoneyColumn, OptionValue, Organization, Solution, WhoAmI};
pub use odata::{Column, Filter, Literal};
pub use read::{DeltaToken, Page, Read};
pub use search::ContactSearch;
pub use secret::{Secret, SecretSource};
pub use token_cache::forget_tokens;
