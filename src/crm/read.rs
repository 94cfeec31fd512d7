//! Paged, change-tracked reads handed on page by page as a `Stream`: a
//! table is never collected whole. A refused delta link falls back to a
//! full read, flagged so the caller reconciles deletions.

use std::marker::PhantomData;

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use serde::Deserialize;

use super::client::{Client, decode};
use super::error::CrmError;
use super::events::{ClientEvent, emit};
use super::odata::{Column, Filter, query_path};
use super::rows::{LOOKUP_LOGICAL_NAME, Table};
use super::transport::Request;

/// An `@odata.deltaLink`: where to ask for the changes since a read. Opaque;
/// store it as text (`as_str`) and give it back with [`DeltaToken::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeltaToken(String);

impl DeltaToken {
    pub fn new(link: impl Into<String>) -> Self {
        Self(link.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The delta link of a split read's key-only spine (see `split`),
    /// marked as such in the stored text.
    pub(super) fn keys(link: &str) -> Self {
        Self(format!("{KEYS_ONLY}{link}"))
    }

    /// The link itself when this token is a key-only one.
    pub(super) fn keys_only(&self) -> Option<&str> {
        self.0.strip_prefix(KEYS_ONLY)
    }

    /// The link to send.
    fn link(&self) -> &str {
        self.keys_only().unwrap_or(&self.0)
    }
}

/// The quickest answer below which round trips are taken as free: every
/// Dataverse environment is a network away, tens of milliseconds at the
/// least.
const SPLIT_MIN_ROUND_TRIP: std::time::Duration = std::time::Duration::from_millis(10);

/// Marks a stored key-only delta link; no URL starts with it.
const KEYS_ONLY: &str = "keys-only ";

/// What to read from a table.
#[derive(Debug, Clone, Default)]
pub struct Read {
    pub(super) delta: Option<DeltaToken>,
    pub(super) filter: Option<Filter>,
    pub(super) extra: Vec<Column>,
    /// About how many rows the table holds: a full read of a big table is
    /// split (see `split`).
    pub(super) size: Option<u64>,
}

impl Read {
    /// Every row, with change tracking started (the last page carries a delta link).
    pub fn full() -> Self {
        Self::default()
    }

    /// The changes since `delta`; a full read when `None`.
    pub fn changes(delta: Option<DeltaToken>) -> Self {
        Self {
            delta,
            ..Self::default()
        }
    }

    #[cfg(any(test, feature = "testkit"))]
    /// Rows matching `filter`. Dataverse does not track changes of a
    /// filtered read, so no delta link comes back.
    pub fn filtered(filter: Filter) -> Self {
        Self {
            filter: Some(filter),
            ..Self::default()
        }
    }

    /// The table holds about `rows` rows (`RetrieveTotalRecordCount`): a
    /// full read of at least `[crm] split_rows` is read in ranges side by
    /// side.
    pub fn sized(mut self, rows: Option<u64>) -> Self {
        self.size = rows;
        self
    }

    /// Also select `column` (an optional column such as
    /// `new_linkedinprofileurl` or the won-value money column).
    pub fn column(mut self, column: Column) -> Self {
        if !self.extra.contains(&column) {
            self.extra.push(column);
        }
        self
    }
}

/// One page of rows as it arrived.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Primary keys the CRM reported deleted (`$deletedEntity`).
    pub deleted: Vec<String>,
    /// On the last page of a tracked read: where the next read starts.
    pub delta: Option<DeltaToken>,
    /// True when these pages are a full read (no delta link given, or it
    /// was refused): rows the caller holds but this read never returns are
    /// gone from the CRM. For a filtered read: every matching row.
    pub full: bool,
    pub last: bool,
}

#[derive(Deserialize)]
struct Collection {
    #[serde(default)]
    value: Vec<serde_json::Value>,
    #[serde(rename = "@odata.nextLink")]
    next: Option<String>,
    #[serde(rename = "@odata.deltaLink")]
    delta: Option<String>,
}

enum Cursor {
    Start,
    Next(url::Url),
    Done,
}

struct State<T> {
    client: Client,
    read: Read,
    cursor: Cursor,
    tracked: bool,
    full: bool,
    _rows: PhantomData<fn() -> T>,
}

impl Client {
    /// Streams `T`'s rows page by page (`Prefer: odata.maxpagesize`),
    /// following `@odata.nextLink`. Ends after the first error. A full
    /// read of a big table and the changes since such a read go through
    /// `split`.
    pub fn stream<T: Table>(&self, read: Read) -> BoxStream<'static, Result<Page<T>, CrmError>> {
        match &read.delta {
            Some(d) if d.keys_only().is_some() => super::split::key_changes(self, read),
            None if read.filter.is_none() && self.splits(read.size) => {
                super::split::split_read(self, read)
            }
            _ => {
                let tracked = read.filter.is_none();
                self.pages(read, tracked).boxed()
            }
        }
    }

    /// Whether a full read of a table of `size` rows is split: a big
    /// table, over a link where round trips cost. A split read trades the
    /// chain of page round trips for more work (the key-only spine, the
    /// edges, filtered ranges); where answers come back in a few
    /// milliseconds (a server on the same machine) the chain is that work
    /// already, and splitting only adds to it (README, "Performance").
    fn splits(&self, size: Option<u64>) -> bool {
        let at = self.inner.config.split_rows;
        let round_trips_cost = self
            .inner
            .round_trip
            .fastest()
            .is_none_or(|t| t >= SPLIT_MIN_ROUND_TRIP);
        at > 0 && size.is_some_and(|n| n >= at) && round_trips_cost
    }

    /// One paged read as asked: tracked or not, filtered or not.
    pub(super) fn pages<T: Table>(
        &self,
        read: Read,
        tracked: bool,
    ) -> impl Stream<Item = Result<Page<T>, CrmError>> + Send + 'static {
        let state = State::<T> {
            client: self.clone(),
            tracked,
            full: read.delta.is_none(),
            read,
            cursor: Cursor::Start,
            _rows: PhantomData,
        };
        futures::stream::unfold(state, |mut st| async move {
            match next_page(&mut st).await {
                Ok(Some(page)) => Some((Ok(page), st)),
                Ok(None) => None,
                Err(e) => {
                    st.cursor = Cursor::Done;
                    Some((Err(e), st))
                }
            }
        })
    }

    /// Reads at most `top` rows matching `filter` in one request.
    pub async fn query<T: Table>(
        &self,
        filter: Option<Filter>,
        top: u32,
        extra: &[Column],
    ) -> Result<Vec<T>, CrmError> {
        self.top_rows::<T>(&full_path::<T>(filter.as_ref(), extra, Some(top)))
            .await
    }

    /// The rows of one untracked request for `path` (which sets `$top`).
    pub(super) async fn top_rows<T: Table>(&self, path: &str) -> Result<Vec<T>, CrmError> {
        let url = self.api_url(path)?;
        let req = self.page_request::<T>(url, false)?;
        let coll: Collection = self
            .execute_with(&req, |a| decode(&a.body, &req.what))
            .await?;
        let (rows, _) = split_rows::<T>(coll.value, &req.what)?;
        Ok(rows)
    }

    fn page_request<T: Table>(&self, url: url::Url, tracked: bool) -> Result<Request, CrmError> {
        let mut prefer = format!(
            "odata.maxpagesize={},odata.include-annotations=\"{LOOKUP_LOGICAL_NAME}\"",
            self.inner.config.page_size.clamp(1, 5000)
        );
        if tracked {
            prefer.push_str(",odata.track-changes");
        }
        Request::get(url, format!("GET {}", T::ENTITY_SET))
            .object(T::ENTITY_SET)
            .header("prefer", &prefer)
    }
}

fn full_path<T: Table>(filter: Option<&Filter>, extra: &[Column], top: Option<u32>) -> String {
    let mut cols: Vec<&str> = T::COLUMNS.to_vec();
    cols.extend(extra.iter().map(Column::as_str));
    query_path(T::ENTITY_SET, &cols, filter, top)
}

async fn next_page<T: Table>(st: &mut State<T>) -> Result<Option<Page<T>>, CrmError> {
    let client = st.client.clone();
    let url = match std::mem::replace(&mut st.cursor, Cursor::Done) {
        Cursor::Done => return Ok(None),
        Cursor::Next(url) => url,
        Cursor::Start => match &st.read.delta {
            Some(d) => client.server_link(d.link(), &client.inner.api_base)?,
            None => client.api_url(&full_path::<T>(
                st.read.filter.as_ref(),
                &st.read.extra,
                None,
            ))?,
        },
    };
    let req = client.page_request::<T>(url, st.tracked)?;
    let coll: Collection = match client
        .execute_with(&req, |a| decode(&a.body, &req.what))
        .await
    {
        Ok(c) => c,
        // A refused delta link (expired token, tracking switched off):
        // start over with a full read.
        Err(e) if !st.full && is_refusal(&e) => {
            fall_back(&client, T::ENTITY_SET, &e);
            st.full = true;
            st.cursor = Cursor::Start;
            st.read.delta = None;
            return Box::pin(next_page(st)).await;
        }
        // Change tracking not enabled on the table: read without it.
        Err(e)
            if st.tracked
                && st.full
                && is_refusal(&e)
                && matches!(
                    e,
                    CrmError::Api {
                        status: Some(400),
                        ..
                    }
                ) =>
        {
            fall_back(&client, T::ENTITY_SET, &e);
            st.tracked = false;
            st.cursor = Cursor::Start;
            return Box::pin(next_page(st)).await;
        }
        Err(e) => return Err(e),
    };
    let (rows, deleted) = split_rows::<T>(coll.value, &req.what)?;
    let last = coll.next.is_none();
    if let Some(next) = coll.next {
        st.cursor = Cursor::Next(client.server_link(&next, &req.url)?);
    }
    // Stored absolute, so the next run needs no memory of this request.
    let delta = match coll.delta {
        Some(link) if last => Some(DeltaToken(client.server_link(&link, &req.url)?.to_string())),
        _ => None,
    };
    Ok(Some(Page {
        rows,
        deleted,
        delta,
        full: st.full,
        last,
    }))
}

fn fall_back(client: &Client, entity_set: &str, e: &CrmError) {
    emit(
        client.events.as_ref(),
        ClientEvent::DeltaFallback {
            entity_set: entity_set.to_string(),
            reason: e.detail(),
        },
    );
}

/// A 4xx refusal of the request itself (not sign-in, privileges or throttling).
fn is_refusal(e: &CrmError) -> bool {
    matches!(e, CrmError::Api { status: Some(s), .. } if (400..500).contains(s) && *s != 429)
}

/// Rows and `$deletedEntity` ids of one page.
fn split_rows<T: Table>(
    values: Vec<serde_json::Value>,
    what: &str,
) -> Result<(Vec<T>, Vec<String>), CrmError> {
    let mut rows = Vec::with_capacity(values.len());
    let mut deleted = Vec::new();
    for v in values {
        let is_deleted = v
            .get("@odata.context")
            .and_then(|c| c.as_str())
            .is_some_and(|c| c.contains("$deletedEntity"))
            || v.get("reason").and_then(|r| r.as_str()) == Some("deleted");
        if is_deleted {
            let id = v.get("id").and_then(|i| i.as_str()).ok_or_else(|| {
                CrmError::api(None, format!("{what}: a deleted-row entry has no id"))
            })?;
            deleted.push(id.to_ascii_lowercase());
        } else {
            rows.push(serde_json::from_value::<T>(v).map_err(|e| {
                CrmError::api(
                    None,
                    format!("{what}: a row is not of the expected shape: {e}"),
                )
            })?);
        }
    }
    Ok((rows, deleted))
}

/// Pages and delta pages come from the network: any body, cut anywhere,
/// must decode to rows or to a CRM API error, never a panic.
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::crm::rows::Contact;
    use proptest::prelude::*;

    const PAGE: &str = r#"{"@odata.context":"x","value":[{"contactid":"c1","fullname":"Zoë O'Brien","_parentcustomerid_value":"a1"},{"@odata.context":"x/$deletedEntity","id":"C2","reason":"deleted"}],"@odata.deltaLink":"https://x/api/data/v9.2/contacts?$deltatoken=1"}"#;

    proptest! {
        #[test]
        fn any_body_decodes_or_errs(body in prop::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(c) = decode::<Collection>(&body, "contacts") {
                let _ = split_rows::<Contact>(c.value, "contacts");
            }
        }

        #[test]
        fn a_cut_off_page_is_an_error_not_a_panic(cut in 0..PAGE.len()) {
            prop_assert!(decode::<Collection>(&PAGE.as_bytes()[..cut], "contacts").is_err());
        }

        #[test]
        fn arbitrary_rows_are_rows_deletions_or_errors(values in prop::collection::vec(
            prop_oneof![
                Just(serde_json::json!({"id": "x", "reason": "deleted"})),
                Just(serde_json::json!({"reason": "deleted"})),
                Just(serde_json::json!({"contactid": "c", "fullname": 5})),
                Just(serde_json::json!(null)),
                "\\PC{0,10}".prop_map(serde_json::Value::from),
            ],
            0..8,
        )) {
            let _ = split_rows::<Contact>(values, "contacts");
        }
    }

    #[test]
    fn the_whole_page_splits_into_a_row_and_a_deletion() {
        let c: Collection = decode(PAGE.as_bytes(), "contacts").unwrap();
        let (rows, deleted) = split_rows::<Contact>(c.value, "contacts").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(deleted, vec!["c2".to_string()]);
    }
}
