//! Activity files (JSON Lines or CSV) into the store. A file is judged line
//! by line: a bad line is reported with its number and reason and the good
//! ones are kept, so one typo never costs a whole export. Re-importing adds
//! nothing twice because every activity carries a stable external id (the
//! file's `id`, or one derived from the line's content).
//!
//! The inbox (`writeback.activity_inbox`) is the same import for files
//! dropped in a directory; each file ends in `done/` or `failed/` beside a
//! `<file>.report.txt`. Writers should create files under another name
//! (e.g. `x.jsonl.part`) and rename them, since only `*.jsonl` and `*.csv`
//! are picked up. It takes regular files only: a symlink could lead out of
//! the inbox and a FIFO or device could block the engine, so those go to
//! `failed/` with the reason.
//!
//! Files are read into records by [`super::import_records`], outside the
//! store writer; the writer takes them in batches of at most
//! [`BATCH_RECORDS`], one short transaction each ([`import_batch`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod inbox;
mod parse;

pub use super::import_records::{Format, LineError, Record};
use super::import_records::{FormatFrom, ReadError};
use crate::engine::effects::writer::WriterGone;
use crate::store::activities::{self};
use crate::store::seats::{self};
use crate::store::{Store, StoreError};
#[cfg(any(test, feature = "testkit"))]
pub use inbox::import_inbox_once;
pub use inbox::{InboxFile, InboxReport, import_inbox_with};
pub use parse::SeatLookup;
use parse::build;
#[cfg(any(test, feature = "testkit"))]
pub use parse::{Parsed, parse};

/// The columns / keys an activity line may have (README, "Activity files").
pub(crate) const FIELDS: [&str; 16] = [
    "kind",
    "seat",
    "member_name",
    "member_company",
    "member_title",
    "member_email",
    "member_profile_url",
    "subject",
    "body",
    "occurred_at",
    "copy_to_crm",
    "id",
    // Accepted as an alias of `id` for exports that name it so.
    "external_id",
    "thread",
    "tag",
    "sender",
];

pub(crate) const REQUIRED: [&str; 4] = ["kind", "seat", "member_name", "occurred_at"];

/// Why a whole file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read activity file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Header { path: PathBuf, message: String },
    /// Past `[writeback] max_import_bytes`; the lines before the limit
    /// were imported.
    #[error(
        "{} is larger than [writeback] max_import_bytes ({limit} bytes): reading stopped there and the lines before it were imported",
        path.display()
    )]
    TooBig { path: PathBuf, limit: u64 },
    /// The inbox takes regular files only.
    #[error(
        "{} is not a regular file (a symlink, FIFO, device or directory): the inbox takes regular files only",
        path.display()
    )]
    NotRegular { path: PathBuf },
    #[error("the store writer has stopped; restart navsync")]
    WriterGone,
    #[error("{0}; nothing was imported")]
    Store(#[from] StoreError),
}

/// How many bad lines a report spells out; all of them are counted, and
/// the report file (inbox) or the command's report lists every one.
pub(crate) const BAD_LINES_SHOWN: usize = 100;
/// Records per batch the writer takes (one transaction).
pub(crate) const BATCH_RECORDS: usize = 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: usize,
    /// Good lines whose external id the store already had.
    pub known: usize,
    /// Every bad line, counted.
    pub bad_count: u64,
    /// The first [`BAD_LINES_SHOWN`] of them.
    pub bad: Vec<LineError>,
}

/// What the writer made of one batch of records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchReport {
    pub imported: usize,
    pub known: usize,
    pub bad: Vec<LineError>,
}

impl ImportReport {
    /// Counts a bad line, keeping it if it is among the first shown.
    pub(crate) fn add_bad(&mut self, e: LineError) {
        self.bad_count += 1;
        if self.bad.len() < BAD_LINES_SHOWN {
            self.bad.push(e);
        }
    }

    pub(crate) fn add(&mut self, batch: BatchReport, mut on_bad: impl FnMut(&LineError)) {
        self.imported += batch.imported;
        self.known += batch.known;
        for e in batch.bad {
            on_bad(&e);
            self.add_bad(e);
        }
    }

    /// A file with no good line at all (empty, or every line bad) is unusable.
    pub fn usable(&self) -> bool {
        self.imported + self.known > 0
    }

    /// What the import gave, counted.
    pub fn counts(&self) -> ImportCounts {
        ImportCounts {
            imported: self.imported,
            known: self.known,
            bad: self.bad_count,
        }
    }
}

/// What an import gave: the faces say it, the inbox's report file has it
/// in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub imported: usize,
    /// Good lines whose external id the store already had.
    pub known: usize,
    pub bad: u64,
}

impl std::fmt::Display for ImportCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported {}, skipped {} already known, {} bad lines",
            self.imported, self.known, self.bad
        )
    }
}

/// One batch into the store, in one transaction: the records are judged
/// against the seats first, then the good ones inserted.
pub(crate) fn import_batch(
    store: &mut Store,
    records: Vec<Record>,
) -> Result<BatchReport, StoreError> {
    let lookup = SeatLookup::new(&seats::list(store.conn())?);
    let mut report = BatchReport::default();
    let mut good = Vec::with_capacity(records.len());
    for r in records {
        match build(r, &lookup) {
            Ok((_, a)) => good.push(a),
            Err(e) => report.bad.push(e),
        }
    }
    let (imported, known) = store.transaction(|tx| {
        let mut counts = (0, 0);
        for a in &good {
            if activities::insert(tx, a)? {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
        }
        Ok::<_, StoreError>(counts)
    })?;
    report.imported = imported;
    report.known = known;
    Ok(report)
}

/// Groups records into batches the writer takes (and, from the command,
/// the socket carries): at most [`BATCH_RECORDS`] and [`BATCH_BYTES`] of
/// JSON each.
#[derive(Debug, Default)]
pub(crate) struct Batcher {
    records: Vec<Record>,
    bytes: usize,
}

/// A batch's records as JSON, at most: under the socket's 1 MiB line with
/// room to spare (a record is at most 128 KiB, 768 KiB once escaped).
pub(crate) const BATCH_BYTES: usize = 800 * 1024;

impl Batcher {
    /// Adds `r`; returns the batch it did not fit in, to be sent first.
    pub fn push(&mut self, r: Record) -> Option<Vec<Record>> {
        let size = serde_json::to_vec(&r).map_or(BATCH_BYTES, |v| v.len());
        let full = !self.records.is_empty()
            && (self.records.len() >= BATCH_RECORDS || self.bytes + size > BATCH_BYTES);
        let out = full.then(|| self.take());
        self.bytes += size;
        self.records.push(r);
        out
    }

    /// What is left (maybe nothing).
    pub fn take(&mut self) -> Vec<Record> {
        self.bytes = 0;
        std::mem::take(&mut self.records)
    }
}

/// Reads an activity file and imports it batch by batch, calling
/// `on_bad` for every bad line in file order (the inbox writes them to
/// its report). `Err` when nothing could be read at all, or when the file
/// went past `max_bytes` (what came before is imported).
pub(crate) fn import_file_with(
    path: &Path,
    max_bytes: u64,
    regular_only: bool,
    mut import: impl FnMut(Vec<Record>) -> Result<BatchReport, ImportError>,
    mut on_bad: impl FnMut(&LineError),
) -> Result<ImportReport, ImportError> {
    let file = open(path, regular_only, max_bytes)?;
    let mut report = ImportReport::default();
    let mut batcher = Batcher::default();
    let mut flush =
        |batch: Vec<Record>, report: &mut ImportReport, on_bad: &mut dyn FnMut(&LineError)| {
            if batch.is_empty() {
                return Ok(());
            }
            import(batch).map(|b| report.add(b, on_bad))
        };
    let read =
        super::import_records::read(file, FormatFrom::Name(path), max_bytes, |item| match item {
            Ok(r) => match batcher.push(r) {
                Some(full) => flush(full, &mut report, &mut on_bad),
                None => Ok(()),
            },
            Err(e) => {
                on_bad(&e);
                report.add_bad(e);
                Ok(())
            }
        });
    let rest = batcher.take();
    match read {
        Ok(Ok(())) => {
            flush(rest, &mut report, &mut on_bad)?;
            // Unreadable lines are found before the batch around them is
            // judged: show them in file order.
            report.bad.sort_by_key(|b| b.line);
            Ok(report)
        }
        Ok(Err(e)) => Err(e),
        Err(e) => {
            flush(rest, &mut report, &mut on_bad)?;
            Err(read_error(path, e))
        }
    }
}

#[cfg(any(test, feature = "testkit"))]
/// Imports one file into the store (no size limit but the default).
pub fn import_file(store: &mut Store, path: &Path) -> Result<ImportReport, ImportError> {
    import_file_with(
        path,
        crate::config::DEFAULT_MAX_IMPORT_BYTES,
        false,
        |batch| Ok(import_batch(store, batch)?),
        |_| {},
    )
}

/// Opens an activity file. `regular_only` (the inbox): a symlink, FIFO,
/// device or directory is refused without being opened for reading, so
/// it can neither lead elsewhere nor block. A regular file over
/// `max_bytes` is refused before any line is read.
pub fn open(path: &Path, regular_only: bool, max_bytes: u64) -> Result<std::fs::File, ImportError> {
    use std::os::unix::fs::OpenOptionsExt;
    let read_err = |source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    if regular_only {
        let meta = std::fs::symlink_metadata(path).map_err(read_err)?;
        if !meta.file_type().is_file() {
            return Err(ImportError::NotRegular {
                path: path.to_path_buf(),
            });
        }
        // Swapped for a symlink or FIFO since: refuse to follow or block.
        options.custom_flags(
            rustix::fs::OFlags::NOFOLLOW.bits() as i32 | rustix::fs::OFlags::NONBLOCK.bits() as i32,
        );
    }
    let file = options.open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if regular_only && !meta.file_type().is_file() {
        return Err(ImportError::NotRegular {
            path: path.to_path_buf(),
        });
    }
    if meta.file_type().is_file() && meta.len() > max_bytes {
        return Err(ImportError::TooBig {
            path: path.to_path_buf(),
            limit: max_bytes,
        });
    }
    Ok(file)
}

/// A reading failure as the error the faces word.
pub(crate) fn read_error(path: &Path, e: ReadError) -> ImportError {
    match e {
        ReadError::Io(source) => ImportError::Read {
            path: path.to_path_buf(),
            source,
        },
        ReadError::TooBig { limit } => ImportError::TooBig {
            path: path.to_path_buf(),
            limit,
        },
        ReadError::Header(message) => ImportError::Header {
            path: path.to_path_buf(),
            message,
        },
    }
}

impl From<WriterGone> for ImportError {
    fn from(_: WriterGone) -> Self {
        Self::WriterGone
    }
}
