//! A full read of a big table split into `createdon` ranges read side by
//! side, and the change tracking such a read leaves behind.
//!
//! Dataverse refuses `$filter`, `$orderby`, `$expand` and `$top` on a
//! tracked read
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems#query-options-not-supported-in-change-tracking-web-api-request>)
//! and hands out the delta link on the last page of a read of the whole
//! table; the link then gives the "changes that have occurred since the
//! initial request"
//! (<https://learn.microsoft.com/en-us/training/modules/dataverse-web-api/change-tracking>).
//! So a range cannot be tracked, and a split read is:
//!
//! 1. the spine: the whole table, tracked, selecting the primary key
//!    alone. Its first answer fixes where the next delta read starts.
//!    It is the read's critical path (a chain of pages no range can
//!    shorten), so it has a place of the gate to itself (a lane) and runs
//!    in a task of its own: it never waits for a place behind the ranges,
//!    nor for the caller to take the rows;
//! 2. the `createdon` edges (`$top=1` with `$orderby`, untracked, asked
//!    beside the spine's first page) and, after that first answer, the
//!    ranges between the edges, each an untracked read with
//!    the usual `$select`, paged as usual and read side by side (within
//!    the client's one gate). `createdon` never changes, so a row is in
//!    one range only; the first range also takes rows without one and
//!    the last is open-ended, so the ranges cover every row there is;
//! 3. the spine's delta link, handed out after every range has ended.
//!
//! A row created, changed or deleted while the ranges are read is
//! reported by the next delta read, whose token predates every range: it
//! may be written twice (an idempotent upsert) and ends with its latest
//! values, or deleted. The link selects only the key, so a delta read from
//! it brings ids: the changed rows are then read by id, a few dozen per
//! request. When that link is refused (expired), the fallback full read of
//! the keys is the spine of a new split read.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use futures::stream::{BoxStream, SelectAll};
use serde::Deserialize;

use super::client::Client;
use super::error::CrmError;
use super::odata::{Column, Filter, Literal, encode, query_path};
use super::read::{DeltaToken, Page, Read};
use super::rows::Table;

/// At most this many ranges (the gate's default concurrency).
const MAX_RANGES: u64 = 8;
/// Ranges of a split whose table size is unknown (a refused key-only link).
const DEFAULT_RANGES: u64 = 4;
/// Changed rows read per request after a key-only delta read: an `or` of
/// this many ids keeps the URL a few kilobytes long.
const IDS_PER_REQUEST: usize = 50;
const CREATED_ON: &str = "createdon";

/// Only the primary key of a `T` row.
pub(super) struct Key<T> {
    id: String,
    _table: PhantomData<fn() -> T>,
}

impl<'de, T: Table> Deserialize<'de> for Key<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut row = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        match row.remove(T::KEY) {
            Some(serde_json::Value::String(id)) => Ok(Self {
                id,
                _table: PhantomData,
            }),
            _ => Err(serde::de::Error::missing_field(T::KEY)),
        }
    }
}

impl<T: Table> Table for Key<T> {
    const ENTITY_SET: &'static str = T::ENTITY_SET;
    const KEY: &'static str = T::KEY;
    const COLUMNS: &'static [&'static str] = &[T::KEY];
}

/// The `createdon` of a `T` row, for the edges of the ranges.
#[derive(Deserialize)]
#[serde(bound = "")]
struct Created<T> {
    createdon: Option<String>,
    #[serde(skip)]
    _table: PhantomData<fn() -> T>,
}

impl<T: Table> Table for Created<T> {
    const ENTITY_SET: &'static str = T::ENTITY_SET;
    const KEY: &'static str = T::KEY;
    const COLUMNS: &'static [&'static str] = &[CREATED_ON];
}

type Pages<T> = BoxStream<'static, Result<Page<T>, CrmError>>;

/// The read of the keys alone, tracked: from `read`'s delta link if any.
fn keys<T: Table>(client: &Client, read: &Read) -> Pages<Key<T>> {
    let keys = Read {
        delta: read.delta.clone(),
        ..Read::default()
    };
    client.pages::<Key<T>>(keys, true).boxed()
}

/// A full read of `T` split into ranges (see the module doc).
pub(super) fn split_read<T: Table>(client: &Client, read: Read) -> Pages<T> {
    let spine = keys::<T>(&client.with_lane(), &read);
    Split::new(client.clone(), read, spine, None).pages()
}

/// The changes since a key-only delta link, with the changed rows read by id.
pub(super) fn key_changes<T: Table>(client: &Client, read: Read) -> Pages<T> {
    let client = client.clone();
    let mut changes = keys::<T>(&client, &read);
    futures::stream::once(async move {
        match changes.next().await {
            // The link was refused and the reader fell back to a full read
            // of the keys: that is the spine of a new split read.
            Some(Ok(first)) if first.full => Split::new(client, read, changes, Some(first)).pages(),
            first => futures::stream::iter(first)
                .chain(changes)
                .then(move |page| {
                    let (client, read) = (client.clone(), read.clone());
                    async move { with_rows(&client, &read, page?).await }
                })
                .boxed(),
        }
    })
    .flatten()
    .boxed()
}

/// A key-only delta page with its changed rows read by id. A row deleted
/// after it was reported changed is not found; the next delta read
/// reports its deletion.
async fn with_rows<T: Table>(
    client: &Client,
    read: &Read,
    page: Page<Key<T>>,
) -> Result<Page<T>, CrmError> {
    let key = Column::new(T::KEY)?;
    let mut rows = Vec::with_capacity(page.rows.len());
    for chunk in page.rows.chunks(IDS_PER_REQUEST) {
        let filter = Filter::any_of(
            &key,
            chunk.iter().map(|k| match uuid::Uuid::parse_str(&k.id) {
                Ok(id) => Literal::Guid(id),
                Err(_) => Literal::from(k.id.as_str()),
            }),
        );
        let by_id = Read {
            filter,
            extra: read.extra.clone(),
            ..Read::default()
        };
        let mut pages = client.pages::<T>(by_id, false).boxed();
        while let Some(p) = pages.next().await {
            rows.extend(p?.rows);
        }
    }
    Ok(Page {
        rows,
        deleted: page.deleted,
        delta: page.delta.map(|d| DeltaToken::keys(d.as_str())),
        full: false,
        last: page.last,
    })
}

/// The spine, read by a task of its own from the start: it ends with the
/// delta link. Dropped (a failed or abandoned read), the task stops.
struct SpineTask(tokio::task::JoinHandle<Result<Option<DeltaToken>, CrmError>>);

impl Drop for SpineTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl SpineTask {
    /// Reads `spine` (after `first`, its first page if already read); the
    /// receiver hears when the first page has been answered.
    fn spawn<T: Table>(
        mut spine: Pages<Key<T>>,
        first: Option<Page<Key<T>>>,
    ) -> (Self, tokio::sync::oneshot::Receiver<()>) {
        let (answered, first_answer) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            let mut answered = Some(answered);
            let mut next = first.map(Ok);
            loop {
                let page = match next.take() {
                    Some(page) => page,
                    None => match spine.next().await {
                        Some(page) => page,
                        None => return Ok(None),
                    },
                }?;
                if let Some(a) = answered.take() {
                    let _ = a.send(());
                }
                if page.last {
                    return Ok(page.delta.map(|d| DeltaToken::keys(d.as_str())));
                }
            }
        });
        (Self(task), first_answer)
    }

    fn ended(
        done: Result<Result<Option<DeltaToken>, CrmError>, tokio::task::JoinError>,
    ) -> Result<Option<DeltaToken>, CrmError> {
        done.map_err(|e| CrmError::api(None, format!("the key-only read stopped: {e}")))?
    }
}

/// A split read under way.
struct Split<T: Table> {
    client: Client,
    read: Read,
    /// The key-only tracked read, until the split begins.
    spine: Option<Pages<Key<T>>>,
    /// Its first page, when it came before the split began.
    first: Option<Page<Key<T>>>,
    /// The spine's task once the split has begun; `None` once it has
    /// ended (then `delta` is its link).
    rest: Option<SpineTask>,
    /// The range reads, once started; `None` before.
    ranges: Option<SelectAll<Pages<T>>>,
    ranges_done: bool,
    delta: Option<DeltaToken>,
    done: bool,
}

impl<T: Table> Split<T> {
    fn new(client: Client, read: Read, spine: Pages<Key<T>>, first: Option<Page<Key<T>>>) -> Self {
        Self {
            client,
            read,
            spine: Some(spine),
            first,
            rest: None,
            ranges: None,
            ranges_done: false,
            delta: None,
            done: false,
        }
    }

    fn pages(self) -> Pages<T> {
        futures::stream::unfold(self, |mut split| async move {
            match split.next().await {
                Ok(Some(page)) => Some((Ok(page), split)),
                Ok(None) => None,
                Err(e) => {
                    split.done = true;
                    Some((Err(e), split))
                }
            }
        })
        .boxed()
    }

    async fn start(&mut self) -> Result<(), CrmError> {
        // The spine's first answer fixes where the next delta read starts:
        // every range is asked for after it. The edges are not ranges:
        // they are asked at the same time.
        let edges = created_edges::<T>(&self.client);
        let edges = match self.spine.take() {
            Some(spine) => {
                let (mut task, first) = SpineTask::spawn(spine, self.first.take());
                let (first, edges) = tokio::join!(first, edges);
                if first.is_ok() {
                    self.rest = Some(task);
                } else {
                    // It ended (or failed) before a first answer.
                    self.delta = SpineTask::ended((&mut task.0).await)?;
                }
                edges
            }
            None => edges.await,
        };
        let n = ranges_for(self.read.size, self.client.config().split_rows);
        let ranges = plan(edges?, n)?.into_iter().map(|filter| {
            let range = Read {
                filter,
                extra: self.read.extra.clone(),
                ..Read::default()
            };
            self.client.pages::<T>(range, false).boxed()
        });
        self.ranges = Some(futures::stream::select_all(ranges));
        Ok(())
    }

    async fn next(&mut self) -> Result<Option<Page<T>>, CrmError> {
        if self.done {
            return Ok(None);
        }
        if self.ranges.is_none() {
            self.start().await?;
        }
        loop {
            match (self.rest.as_mut(), self.ranges.as_mut()) {
                (Some(rest), Some(ranges)) if !self.ranges_done => {
                    tokio::select! {
                        done = &mut rest.0 => {
                            self.rest = None;
                            self.delta = SpineTask::ended(done)?;
                        }
                        page = ranges.next() => match page {
                            Some(page) => return Ok(Some(range_page(page?))),
                            None => {
                                // Every row is in; only the spine's link is
                                // still to come: an empty page says so, so
                                // the caller can finish its own work now.
                                self.ranges_done = true;
                                return Ok(Some(range_page(Page {
                                    rows: Vec::new(),
                                    deleted: Vec::new(),
                                    delta: None,
                                    full: true,
                                    last: false,
                                })));
                            }
                        },
                    }
                }
                (None, Some(ranges)) if !self.ranges_done => match ranges.next().await {
                    Some(page) => return Ok(Some(range_page(page?))),
                    None => self.ranges_done = true,
                },
                (Some(rest), _) => {
                    let done = (&mut rest.0).await;
                    self.rest = None;
                    self.delta = SpineTask::ended(done)?;
                }
                (None, _) => {
                    // Every range and the spine have ended: the read is
                    // complete, and the next one starts from the spine's link.
                    self.done = true;
                    return Ok(Some(Page {
                        rows: Vec::new(),
                        deleted: Vec::new(),
                        delta: self.delta.take(),
                        full: true,
                        last: true,
                    }));
                }
            }
        }
    }
}

/// A page of one range: rows of a full read, never its end.
fn range_page<T>(page: Page<T>) -> Page<T> {
    Page {
        rows: page.rows,
        deleted: Vec::new(),
        delta: None,
        full: true,
        last: false,
    }
}

/// The oldest and newest `createdon` (`$top=1` each way, rows without one
/// left out); `None` for a table without any.
async fn created_edges<T: Table>(
    client: &Client,
) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>, CrmError> {
    let has = !Filter::eq(&Column::new(CREATED_ON)?, Literal::Null);
    let edge = |dir: &'static str| {
        let path = format!(
            "{}&$orderby={}",
            query_path(T::ENTITY_SET, &[CREATED_ON], Some(&has), Some(1)),
            encode(&format!("{CREATED_ON} {dir}"))
        );
        async move {
            let rows = client.top_rows::<Created<T>>(&path).await?;
            Ok::<_, CrmError>(
                rows.into_iter()
                    .find_map(|r| r.createdon)
                    .and_then(|c| DateTime::parse_from_rfc3339(&c).ok())
                    .map(|c| c.with_timezone(&Utc)),
            )
        }
    };
    let (lo, hi) = futures::try_join!(edge("asc"), edge("desc"))?;
    Ok(lo.zip(hi))
}

/// How many ranges a table of `size` rows is read in: ranges of about
/// half the split threshold, so a table just big enough to be split is
/// read in two.
fn ranges_for(size: Option<u64>, split_rows: u64) -> u64 {
    match size {
        Some(n) => (n * 2 / split_rows.max(1)).clamp(2, MAX_RANGES),
        None => DEFAULT_RANGES,
    }
}

/// The `n` ranges' filters: cuts evenly spaced in time between the edges,
/// the first range open below (and taking rows without `createdon`), the
/// last open above. Fewer when the edges are too close to cut (to the
/// second); one (`None`: the whole table) when there is nothing to cut.
fn plan(
    edges: Option<(DateTime<Utc>, DateTime<Utc>)>,
    n: u64,
) -> Result<Vec<Option<Filter>>, CrmError> {
    let col = Column::new(CREATED_ON)?;
    let n = n.max(1) as i64;
    let Some((lo, hi)) = edges else {
        return Ok(vec![None]);
    };
    let span = (hi - lo).num_seconds();
    let mut cuts: Vec<DateTime<Utc>> = (1..n)
        .map(|i| lo + chrono::Duration::seconds(span * i / n))
        .filter(|c| *c > lo)
        .collect();
    cuts.dedup();
    let (Some(first), Some(last)) = (cuts.first(), cuts.last()) else {
        return Ok(vec![None]);
    };
    let mut ranges = vec![Some(
        Filter::lt(&col, *first).or(Filter::eq(&col, Literal::Null)),
    )];
    ranges.extend(
        cuts.windows(2)
            .map(|w| Some(Filter::ge(&col, w[0]).and(Filter::lt(&col, w[1])))),
    );
    ranges.push(Some(Filter::ge(&col, *last)));
    Ok(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn ranges_cover_the_line_without_overlap() {
        let edges = Some((at("2021-01-01T00:00:00Z"), at("2021-01-05T00:00:00Z")));
        let ranges = plan(edges, ranges_for(Some(100_000), 50_000)).unwrap();
        let text: Vec<String> = ranges
            .iter()
            .map(|f| f.as_ref().unwrap().as_str().to_string())
            .collect();
        assert_eq!(
            text,
            [
                "(createdon lt 2021-01-02T00:00:00Z) or (createdon eq null)",
                "(createdon ge 2021-01-02T00:00:00Z) and (createdon lt 2021-01-03T00:00:00Z)",
                "(createdon ge 2021-01-03T00:00:00Z) and (createdon lt 2021-01-04T00:00:00Z)",
                "createdon ge 2021-01-04T00:00:00Z",
            ]
        );
    }

    #[test]
    fn nothing_to_cut_is_one_range_of_everything() {
        let t = at("2020-01-01T00:00:00Z");
        assert_eq!(plan(Some((t, t)), 4).unwrap(), vec![None]);
        assert_eq!(plan(None, 4).unwrap(), vec![None]);
        assert_eq!(
            plan(Some((t, at("2020-01-01T00:00:02Z"))), 8)
                .unwrap()
                .len(),
            2,
            "cut to the second"
        );
        assert_eq!(ranges_for(Some(50_000), 50_000), 2);
        assert_eq!(ranges_for(Some(10_000_000), 50_000), MAX_RANGES);
    }
}
