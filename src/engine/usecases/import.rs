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
//! are picked up.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

use crate::config::ActivityKind;
use crate::engine::Answer;
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

const REQUIRED: [&str; 4] = ["kind", "seat", "member_name", "occurred_at"];

/// Why a whole file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", crate::t!(
        "err-import-read",
        path = path.display().to_string(),
        error = source.to_string()
    ))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", crate::t!(
        "err-import-header",
        path = path.display().to_string(),
        message = message.clone()
    ))]
    Header { path: PathBuf, message: String },
    #[error("{}", crate::t!("err-import-store", error = .0.to_string()))]
    Store(#[from] StoreError),
}

/// A line that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line of the file (for CSV, the line where the record starts).
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: usize,
    /// Good lines whose external id the store already had.
    pub known: usize,
    pub bad: Vec<LineError>,
}

impl ImportReport {
    /// A file with no good line at all (empty, or every line bad) is unusable.
    pub fn usable(&self) -> bool {
        self.imported + self.known > 0
    }

    pub fn summary(&self) -> String {
        crate::t!(
            "import-summary",
            imported = self.imported,
            known = self.known,
            bad = self.bad.len()
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLines,
    Csv,
}

impl Format {
    /// By extension (`.jsonl`, `.ndjson`, `.json`, `.csv`), else by the
    /// first character: a JSON line starts with `{`.
    pub fn detect(path: &Path, text: &str) -> Format {
        match extension(path).as_deref() {
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            Some("csv") => Format::Csv,
            _ if text.trim_start().starts_with('{') => Format::JsonLines,
            _ => Format::Csv,
        }
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::JsonLines => Ok(parse_jsonl(text, seats)),
        Format::Csv => parse_csv(text, seats),
    }
}

fn parse_jsonl(text: &str, seats: &SeatLookup) -> Parsed {
    let mut out = Parsed::default();
    for (n, line) in text.lines().enumerate() {
        let line_no = n as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match json_fields(line).and_then(|f| f.build(seats)) {
            Ok(a) => out.good.push((line_no, a)),
            Err(reason) => out.bad.push(LineError {
                line: line_no,
                reason,
            }),
        }
    }
    out
}

fn json_fields(line: &str) -> Result<Fields, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| {
            format!("not valid JSON ({e}); each line holds one complete {{...}} object with the fields in README, \"Activity files\"")
        })?;
    let serde_json::Value::Object(map) = value else {
        return Err("not a JSON object".into());
    };
    let mut f = Fields::default();
    for (k, v) in map {
        let text = match v {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(format!("field `{k}` must be text, not a list or object")),
        };
        f.set(&k, text)?;
    }
    Ok(f)
}

fn parse_csv(text: &str, seats: &SeatLookup) -> Result<Parsed, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| format!("unreadable CSV header: {e}"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if let Some(unknown) = headers.iter().find(|h| !FIELDS.contains(&h.as_str())) {
        return Err(format!(
            "unknown column `{unknown}` (allowed: {})",
            FIELDS.join(", ")
        ));
    }
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|r| !headers.iter().any(|h| h == r))
        .collect();
    if !missing.is_empty() {
        return Err(format!("missing column(s) {}", missing.join(", ")));
    }
    let mut out = Parsed::default();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                out.bad.push(LineError {
                    line: e.position().map_or(0, |p| p.line()),
                    reason: format!("unreadable CSV record: {e}"),
                });
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let result = if rec.len() != headers.len() {
            Err(format!(
                "this line has {} value(s) but the header names {} column(s) ({}); put values that contain commas in double quotes",
                rec.len(),
                headers.len(),
                headers.join(", ")
            ))
        } else {
            headers
                .iter()
                .zip(rec.iter())
                .try_fold(Fields::default(), |mut f, (h, v)| {
                    f.set(h, v.to_string()).map(|()| f)
                })
                .and_then(|f| f.build(seats))
        };
        match result {
            Ok(a) => out.good.push((line, a)),
            Err(reason) => out.bad.push(LineError { line, reason }),
        }
    }
    Ok(out)
}

/// One line's values by field name, before validation. Empty text is
/// absent.
#[derive(Debug, Default)]
struct Fields(HashMap<&'static str, String>);

impl Fields {
    fn set(&mut self, key: &str, value: String) -> Result<(), String> {
        let Some(&name) = FIELDS.iter().find(|f| **f == key) else {
            return Err(format!(
                "unknown field `{key}` (allowed: {})",
                FIELDS.join(", ")
            ));
        };
        let name = if name == "external_id" { "id" } else { name };
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
            format!("unknown kind `{kind_text}` (use inmail, message, note or tag)")
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
            format!("unknown seat `{seat_text}` (use a seat's id, member id or e-mail; see `navsync seats list`)")
        })?;
        let member_name = self.required("member_name")?.to_string();
        let at_text = self.required("occurred_at")?;
        let occurred_at = DateTime::parse_from_rfc3339(at_text)
            .map_err(|e| {
                format!("`occurred_at` {at_text:?} is not an RFC 3339 time like 2025-03-01T09:30:00Z ({e})")
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
                _ => return Err(format!("`copy_to_crm` {v:?} must be true or false")),
            },
        };
        let member_email = self.opt("member_email");
        if let Some(e) = &member_email
            && !e.contains('@')
        {
            return Err(format!("`member_email` {e:?} is not an e-mail address"));
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

/// Imports one file into the store: all good lines in one transaction.
pub fn import_file(store: &mut Store, path: &Path) -> Result<ImportReport, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let lookup = SeatLookup::new(&seats::list(store.conn())?);
    let parsed = parse(&text, Format::detect(path, &text), &lookup).map_err(|message| {
        ImportError::Header {
            path: path.to_path_buf(),
            message,
        }
    })?;
    let (imported, known) = store.transaction(|tx| {
        let mut counts = (0, 0);
        for (_, a) in &parsed.good {
            if activities::insert(tx, a)? {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
        }
        Ok::<_, StoreError>(counts)
    })?;
    Ok(ImportReport {
        imported,
        known,
        bad: parsed.bad,
    })
}

/// How many bad lines an answer to the console spells out.
const BAD_LINES_SHOWN: usize = 5;

/// `Command::ImportActivities`: the import and its one-paragraph answer.
pub fn import_answer(store: &mut Store, path: &Path) -> Result<Answer, ImportError> {
    let r = import_file(store, path)?;
    let mut message = format!("{}: {}", path.display(), r.summary());
    for b in r.bad.iter().take(BAD_LINES_SHOWN) {
        message.push_str(&format!("; {b}"));
    }
    if r.bad.len() > BAD_LINES_SHOWN {
        message.push_str(&crate::t!(
            "import-more",
            count = r.bad.len() - BAD_LINES_SHOWN
        ));
    }
    let log = r
        .bad
        .iter()
        .map(|b| (tracing::Level::WARN, format!("{}:{b}", path.display())))
        .collect();
    Ok(Answer {
        ok: r.usable(),
        message,
        changed: None,
        log,
    })
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
    /// One line per file handled, for the log.
    pub fn log_lines(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|f| {
                let what = match &f.outcome {
                    Ok(r) => r.summary(),
                    Err(e) => crate::t!("inbox-not-imported", error = e.to_string()),
                };
                crate::t!(
                    "inbox-line",
                    file = f.moved_to.display().to_string(),
                    what = what
                )
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
/// `<file>.report.txt` beside it.
pub fn import_inbox_once(store: &mut Store, inbox: &Path) -> InboxReport {
    let mut report = InboxReport::default();
    let entries = match std::fs::read_dir(inbox) {
        Ok(e) => e,
        Err(e) => {
            report.errors.push(format!(
                "cannot read the activity inbox {}: {e}; check writeback.activity_inbox",
                inbox.display()
            ));
            return report;
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && matches!(extension(p).as_deref(), Some("jsonl" | "csv")))
        .collect();
    files.sort();
    for path in files {
        let outcome = match import_file(store, &path) {
            Err(ImportError::Store(e)) => {
                report.errors.push(format!("{}: {e}", path.display()));
                continue;
            }
            Err(e) => Err(e.to_string()),
            Ok(r) => Ok(r),
        };
        let sub = if outcome.as_ref().is_ok_and(ImportReport::usable) {
            "done"
        } else {
            "failed"
        };
        match move_with_report(&path, &inbox.join(sub), &outcome) {
            Ok(moved_to) => report.files.push(InboxFile { moved_to, outcome }),
            Err(e) => report.errors.push(format!(
                "imported {} but could not move it to {sub}/: {e}; move it away by hand or it is read again (harmlessly) next time",
                path.display()
            )),
        }
    }
    report
}

fn move_with_report(
    path: &Path,
    dir: &Path,
    outcome: &Result<ImportReport, String>,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut target = dir.join(&name);
    let mut n = 1;
    while target.exists() {
        target = dir.join(format!("{n}-{name}"));
        n += 1;
    }
    std::fs::rename(path, &target)?;
    let mut text = format!("{name}\nimported at {}\n", crate::store::now());
    match outcome {
        Ok(r) => {
            text.push_str(&r.summary());
            text.push('\n');
            for b in &r.bad {
                text.push_str(&format!("{b}\n"));
            }
        }
        Err(e) => text.push_str(&format!("file not imported: {e}\n")),
    }
    let mut report_name = target.clone().into_os_string();
    report_name.push(".report.txt");
    std::fs::write(PathBuf::from(report_name), text)?;
    Ok(target)
}
