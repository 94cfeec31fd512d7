//! The pull's view of the CRM: tables read page by page, full or from a
//! delta link, plus the counts and setting choices a run shows.

use futures::future::BoxFuture;

use super::CrmWrites;
use crate::engine::UserError;
use crate::store::mirror::{Row, Table};
use crate::store::runs::RunTotals;
use crate::store::settings::CrmChoices;

/// One page of a table read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub rows: Vec<Row>,
    /// Ids the CRM reports deleted (`$deletedEntity`), on delta reads.
    pub deleted: Vec<String>,
    /// Set on the last page only: where the next incremental read starts.
    /// A full read may end without one (no change tracking on the table,
    /// the preference ignored): it still reconciles deletions.
    pub delta_link: Option<String>,
    /// The read ends with this page: a full read that reaches it has seen
    /// every row the CRM holds.
    pub last: bool,
    /// This page belongs to a full read: either none was asked for, or the
    /// delta link was refused and the reader fell back to one.
    pub full: bool,
}

/// Why a table read stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    Cancelled,
    Crm(UserError),
}

/// A table being read, page by page.
pub trait TableReader: Send {
    /// The next page, or `None` after the last one.
    fn next_page(&mut self) -> BoxFuture<'_, Result<Option<Page>, ReadError>>;
}

/// The CRM as the pull sees it: the crm client plugs in here.
pub trait CrmSource: Send + Sync {
    /// Starts reading `table`: its changes since `delta_link`, or all of
    /// it (with change tracking requested) when `None`. A refused link
    /// makes the reader fall back to a full read by itself (pages then
    /// come with `full` set). `size`, about how many rows the table holds
    /// when known, lets a full read of a big table go faster (read in
    /// parallel ranges).
    fn read(
        &self,
        table: Table,
        delta_link: Option<String>,
        size: Option<u64>,
    ) -> Box<dyn TableReader>;
    /// Requests, retries and 429 waits so far, for the run record.
    fn totals(&self) -> RunTotals;
    /// About how many rows each table holds, for progress against a total
    /// on a full read; empty when the CRM cannot say.
    fn counts(&self) -> BoxFuture<'_, Vec<(Table, u64)>> {
        Box::pin(async { Vec::new() })
    }
    /// The setting choices read from the CRM's metadata: sales stages and
    /// the opportunity's money columns (the faces add "Not sure").
    fn choices(&self) -> BoxFuture<'_, Result<CrmChoices, ReadError>>;
    /// The same connection's writes (writeback, the unresolved queue);
    /// `None` for a read-only source.
    fn writes(&self) -> Option<&dyn CrmWrites> {
        None
    }
}
