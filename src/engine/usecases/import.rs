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

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::import_records::{Format, LineError, Record};
use super::import_records::{FormatFrom, ReadError, extension};
use crate::config::ActivityKind;
use crate::engine::interface::note::Note;
use crate::engine::service_loop::writer::WriterGone;
use crate::escape;
use crate::store::activities::{self, NewActivity};
use crate::store::seats::{self, Seat};
use crate::store::{Store, StoreError};

/// The columns / keys an activity line may have (README, "Activity files").
pub const FIELDS: [&str; 16] = [
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

pub const REQUIRED: [&str; 4] = ["kind", "seat", "member_name", "occurred_at"];

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
pub const BAD_LINES_SHOWN: usize = 100;
/// Records per batch the writer takes (one transaction).
pub const BATCH_RECORDS: usize = 1000;

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
    pub fn add_bad(&mut self, e: LineError) {
        self.bad_count += 1;
        if self.bad.len() < BAD_LINES_SHOWN {
            self.bad.push(e);
        }
    }

    pub fn add(&mut self, batch: BatchReport, mut on_bad: impl FnMut(&LineError)) {
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

/// The good lines (with their line numbers) and the bad ones.
#[derive(Debug, Default)]
pub struct Parsed {
    pub good: Vec<(u64, NewActivity)>,
    pub bad: Vec<LineError>,
}

/// Seats by member id, by the id `seats list` prints and by e-mail
/// (case-insensitive): the `seat` field takes any of them, like
/// `navsync seats enable` (see `engine::seats::find_seat`).
pub struct SeatLookup(HashMap<String, i64>);

impl SeatLookup {
    pub fn new(seats: &[Seat]) -> Self {
        let mut m = HashMap::new();
        for s in seats {
            if let Some(e) = &s.email {
                m.insert(e.trim().to_lowercase(), s.id);
            }
        }
        for s in seats {
            m.insert(s.id.to_string(), s.id);
        }
        // Member ids win over ids and e-mails if a value is both.
        for s in seats {
            m.insert(s.member_id.clone(), s.id);
        }
        SeatLookup(m)
    }

    fn find(&self, seat: &str) -> Option<i64> {
        let seat = seat.trim();
        self.0
            .get(seat)
            .or_else(|| self.0.get(&seat.to_lowercase()))
            .copied()
    }
}

/// Parses a whole file's text; `Err` only when a CSV header is unusable.
pub fn parse(text: &str, format: Format, seats: &SeatLookup) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    let read = super::import_records::read(
        text.as_bytes(),
        FormatFrom::Given(format),
        u64::MAX,
        |item| {
            match item.and_then(|r| build(r, seats)) {
                Ok(good) => out.good.push(good),
                Err(bad) => out.bad.push(bad),
            }
            Ok::<_, std::convert::Infallible>(())
        },
    );
    match read {
        Ok(_) => Ok(out),
        Err(e) => Err(e.to_string()),
    }
}

/// One record judged: the activity it makes, or why it makes none.
fn build(record: Record, seats: &SeatLookup) -> Result<(u64, NewActivity), LineError> {
    let line = record.line;
    Fields::from_record(record)
        .and_then(|f| f.build(seats))
        .map(|a| (line, a))
        .map_err(|reason| LineError { line, reason })
}

/// One line's values by field name, before validation. Empty text is
/// absent.
#[derive(Debug, Default)]
struct Fields(HashMap<&'static str, String>);

impl Fields {
    fn from_record(record: Record) -> Result<Self, String> {
        record
            .fields
            .into_iter()
            .try_fold(Fields::default(), |mut f, (k, v)| f.set(&k, v).map(|()| f))
    }

    fn set(&mut self, key: &str, value: String) -> Result<(), String> {
        let Some(&name) = FIELDS.iter().find(|f| **f == key) else {
            return Err(format!(
                "unknown field `{}` (allowed: {})",
                escape::value(key),
                FIELDS.join(", ")
            ));
        };
        let name = if name == "external_id" { "id" } else { name };
        // The CRM would take it, and nothing downstream expects one.
        if let Some(at) = value.find('\0') {
            return Err(format!(
                "`{name}` holds a NUL character (at byte {})",
                at + 1
            ));
        }
        if !value.trim().is_empty() {
            self.0.insert(name, value);
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    fn opt(&self, key: &str) -> Option<String> {
        self.get(key).map(|v| v.trim().to_string())
    }

    fn required(&self, key: &str) -> Result<&str, String> {
        self.get(key)
            .map(str::trim)
            .ok_or_else(|| format!("missing `{key}`"))
    }

    fn build(self, seats: &SeatLookup) -> Result<NewActivity, String> {
        let kind_text = self.required("kind")?;
        let kind = ActivityKind::parse(kind_text).ok_or_else(|| {
            format!(
                "unknown kind `{}` (use inmail, message, note or tag)",
                escape::value(kind_text)
            )
        })?;
        let thread = self.opt("thread");
        if thread.is_some() && !kind.in_threads() {
            return Err(format!(
                "`thread` is for InMails and messages, not a {}",
                kind.as_str()
            ));
        }
        let tag = self.opt("tag");
        match (kind, &tag) {
            (ActivityKind::Tag, None) => return Err("a tag needs `tag`, its label".into()),
            (ActivityKind::Tag, Some(_)) | (_, None) => {}
            (_, Some(_)) => return Err("`tag` is only for kind tag".into()),
        }
        let seat_text = self.required("seat")?;
        let seat_id = seats.find(seat_text).ok_or_else(|| {
            format!(
                "unknown seat `{}` (use a seat's id, member id or e-mail; see `navsync seats list`)",
                escape::value(seat_text)
            )
        })?;
        let member_name = self.required("member_name")?.to_string();
        let at_text = self.required("occurred_at")?;
        let occurred_at = DateTime::parse_from_rfc3339(at_text)
            .map_err(|e| {
                format!(
                    "`occurred_at` \"{}\" is not an RFC 3339 time like 2025-03-01T09:30:00Z ({e})",
                    escape::value(at_text)
                )
            })?
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Secs, true);
        let copy_to_crm = match self
            .get("copy_to_crm")
            .map(|v| v.trim().to_ascii_lowercase())
        {
            None => true,
            Some(v) => match v.as_str() {
                "true" | "yes" | "1" => true,
                "false" | "no" | "0" => false,
                _ => {
                    return Err(format!(
                        "`copy_to_crm` \"{}\" must be true or false",
                        escape::value(&v)
                    ));
                }
            },
        };
        let member_email = self.opt("member_email");
        if let Some(e) = &member_email
            && !e.contains('@')
        {
            return Err(format!(
                "`member_email` \"{}\" is not an e-mail address",
                escape::value(e)
            ));
        }
        let subject = self.opt("subject").unwrap_or_else(|| match &tag {
            Some(t) => format!("Tag: {t}"),
            None => format!("{}: {member_name}", kind_label(kind)),
        });
        let mut a = NewActivity {
            external_id: String::new(),
            seat_id,
            kind,
            member_name,
            member_company: self.opt("member_company"),
            member_title: self.opt("member_title"),
            member_email,
            member_profile_url: self.opt("member_profile_url"),
            subject,
            body: self.get("body").unwrap_or("").to_string(),
            occurred_at,
            copy_to_crm,
            thread,
            tag,
            sender: self.opt("sender"),
        };
        a.external_id = self.opt("id").unwrap_or_else(|| derived_id(&a));
        Ok(a)
    }
}

fn kind_label(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Inmail => "InMail",
        ActivityKind::Message => "Message",
        ActivityKind::Note => "Note",
        ActivityKind::Tag => "Tag",
    }
}

/// A line without `id` gets a UUID v5 of what makes it this activity
/// (seat, kind, member, time, subject, body), so the same line imported
/// again, from any file, gets the same id; `copy_to_crm` is left out so
/// flipping it does not create a second activity. A tag is the same tag
/// whenever it was put: only seat, member and label count.
fn derived_id(a: &NewActivity) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://navsync/activities");
    let seat = a.seat_id.to_string();
    let who = [
        seat.as_str(),
        a.kind.as_str(),
        &a.member_name,
        a.member_email.as_deref().unwrap_or(""),
        a.member_profile_url.as_deref().unwrap_or(""),
    ];
    let content = match &a.tag {
        Some(tag) => [&who[..], &[tag.as_str()]].concat(),
        None => [&who[..], &[a.occurred_at.as_str(), &a.subject, &a.body]].concat(),
    }
    .join("\u{1f}");
    format!("v5:{}", Uuid::new_v5(&namespace, content.as_bytes()))
}

/// One batch into the store, in one transaction: the records are judged
/// against the seats first, then the good ones inserted.
pub fn import_batch(store: &mut Store, records: Vec<Record>) -> Result<BatchReport, StoreError> {
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
pub struct Batcher {
    records: Vec<Record>,
    bytes: usize,
}

/// A batch's records as JSON, at most: under the socket's 1 MiB line with
/// room to spare (a record is at most 128 KiB, 768 KiB once escaped).
pub const BATCH_BYTES: usize = 800 * 1024;

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
pub fn import_file_with(
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
pub fn read_error(path: &Path, e: ReadError) -> ImportError {
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

/// What one pass over the inbox did.
#[derive(Debug, Default)]
pub struct InboxReport {
    pub files: Vec<InboxFile>,
    /// Problems with the inbox itself or with moving files; files a store
    /// error stopped stay in the inbox for the next pass and are listed here.
    pub errors: Vec<String>,
}

impl InboxReport {
    /// One note per file handled, for the log.
    pub fn notes(&self) -> Vec<Note> {
        self.files
            .iter()
            .map(|f| Note::InboxFile {
                file: f.moved_to.display().to_string(),
                imported: f
                    .outcome
                    .as_ref()
                    .map(ImportReport::counts)
                    .map_err(String::clone),
            })
            .collect()
    }
}

#[derive(Debug)]
pub struct InboxFile {
    /// Where the file is now (in `done/` or `failed/`).
    pub moved_to: PathBuf,
    pub outcome: Result<ImportReport, String>,
}

/// Imports every `*.jsonl` and `*.csv` file in `inbox` (oldest name first)
/// and moves each to `done/` (some line was good) or `failed/`, with a
/// `<file>.report.txt` beside it listing every bad line. Files over
/// `max_bytes`, symlinks and other non-regular files go to `failed/`.
pub fn import_inbox_once(store: &mut Store, inbox: &Path, max_bytes: u64) -> InboxReport {
    import_inbox_with(inbox, max_bytes, |batch| Ok(import_batch(store, batch)?))
}

/// [`import_inbox_once`], each batch imported by `import` (the engine
/// hands it to its writer).
pub fn import_inbox_with(
    inbox: &Path,
    max_bytes: u64,
    mut import: impl FnMut(Vec<Record>) -> Result<BatchReport, ImportError>,
) -> InboxReport {
    let mut report = InboxReport::default();
    let entries = match std::fs::read_dir(inbox) {
        Ok(e) => e,
        Err(e) => {
            report.errors.push(format!(
                "cannot read the activity inbox {}: {e}; check writeback.activity_inbox",
                escape::controls(&inbox.display().to_string())
            ));
            return report;
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(extension(p).as_deref(), Some("jsonl" | "csv")))
        .collect();
    files.sort();
    for path in files {
        let shown = escape::controls(&path.display().to_string()).into_owned();
        // Every bad line goes to the report as it is found, so a file of a
        // million bad lines costs no memory.
        let bad_lines = inbox.join(format!(".{}.bad-lines.part", uuid::Uuid::new_v4()));
        let mut bad_file = match std::fs::File::create(&bad_lines) {
            Ok(f) => std::io::BufWriter::new(f),
            Err(e) => {
                report
                    .errors
                    .push(format!("{shown}: cannot write its report: {e}"));
                continue;
            }
        };
        let mut write_failed = None;
        let outcome = import_file_with(&path, max_bytes, true, &mut import, |b| {
            if let Err(e) = std::io::Write::write_fmt(&mut bad_file, format_args!("{b}\n")) {
                write_failed.get_or_insert(e);
            }
        });
        let flushed = std::io::Write::flush(&mut bad_file);
        drop(bad_file);
        let outcome = match outcome {
            Err(e @ (ImportError::Store(_) | ImportError::WriterGone)) => {
                let _ = std::fs::remove_file(&bad_lines);
                report.errors.push(format!("{shown}: {e}"));
                continue;
            }
            Err(e) => Err(e.to_string()),
            Ok(r) => Ok(r),
        };
        if let Some(e) = write_failed.or(flushed.err()) {
            report
                .errors
                .push(format!("{shown}: its report is incomplete: {e}"));
        }
        let sub = if outcome.as_ref().is_ok_and(ImportReport::usable) {
            "done"
        } else {
            "failed"
        };
        let moved = move_with_report(&path, &inbox.join(sub), &outcome, &bad_lines);
        let _ = std::fs::remove_file(&bad_lines);
        match moved {
            Ok(moved_to) => report.files.push(InboxFile { moved_to, outcome }),
            Err(e) => report.errors.push(format!(
                "imported {shown} but could not move it to {sub}/: {e}; move it away by hand or it is read again (harmlessly) next time"
            )),
        }
    }
    report
}

fn move_with_report(
    path: &Path,
    dir: &Path,
    outcome: &Result<ImportReport, String>,
    bad_lines: &Path,
) -> std::io::Result<PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut target = dir.join(&name);
    let mut n = 1;
    while target.symlink_metadata().is_ok() {
        target = dir.join(format!("{n}-{name}"));
        n += 1;
    }
    std::fs::rename(path, &target)?;
    let mut report_name = target.clone().into_os_string();
    report_name.push(".report.txt");
    let mut out = std::io::BufWriter::new(std::fs::File::create(PathBuf::from(report_name))?);
    writeln!(
        out,
        "{}\nimported at {}",
        escape::controls(&name),
        crate::store::now()
    )?;
    match outcome {
        Ok(r) => writeln!(out, "{}", r.counts())?,
        Err(e) => writeln!(out, "file not imported: {e}")?,
    }
    std::io::copy(&mut std::fs::File::open(bad_lines)?, &mut out)?;
    out.flush()?;
    Ok(target)
}

impl From<WriterGone> for ImportError {
    fn from(_: WriterGone) -> Self {
        Self::WriterGone
    }
}
