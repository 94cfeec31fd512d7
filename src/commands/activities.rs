//! `navsync activities import FILE`: the import for scripts. This process
//! reads the file (so `<(…)`, pipes, FIFOs and slow files work, and only
//! this command waits on them) and streams its records to the data dir's
//! engine in batches; the engine judges them against the store and
//! answers each batch. The first bad lines go to stderr as
//! `FILE:line N: reason`, every one of them to a report file in the data
//! dir, the summary to stdout. Exit 0 when some line was good, 2 when the
//! file is unusable (unreadable, too big, bad CSV header, or no good line).

use std::io::Write;
use std::path::{Path, PathBuf};

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::engine::usecases::import::{
    self, BAD_LINES_SHOWN, Batcher, ImportError, ImportReport, LineError, Record,
};
use crate::engine::usecases::import_records::{self, FormatFrom, ReadError};
use crate::engine::{Command, EngineHandle, Event};
use crate::escape;
use crate::exit::ExitStatus;
use clap::Subcommand;

pub fn run(cmd: ActivitiesCommand, config: Config, data_dir: &Path) -> ExitStatus {
    match cmd {
        ActivitiesCommand::Import { file } => {
            let max_bytes = config.writeback.max_import_bytes;
            // Opened before any engine is asked: a wrong path costs nothing.
            let input = match import::open(&file, false, max_bytes) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("navsync: {}", error_message(&e));
                    eprintln!("navsync: {}", crate::t!("cli-nothing-imported"));
                    return ExitStatus::Usage;
                }
            };
            let reports = data_dir.join("import-reports");
            super::with_engine(config, data_dir, async move |h, _| {
                stream(h, &file, input, max_bytes, &reports).await
            })
        }
    }
}

/// What the reading thread hands over: a line, then how reading ended.
enum Item {
    Line(Result<Record, LineError>),
    End(Result<(), ReadError>),
}

async fn stream(
    h: &mut EngineHandle,
    file: &Path,
    input: std::fs::File,
    max_bytes: u64,
    reports: &Path,
) -> ExitStatus {
    // A bounded queue: a fast file waits for the engine, never piles up.
    let (tx, mut rx) = mpsc::channel(4 * import::BATCH_RECORDS);
    let name = file.to_path_buf();
    std::thread::spawn(move || {
        let end = import_records::read(input, FormatFrom::Name(&name), max_bytes, |item| {
            tx.blocking_send(Item::Line(item))
        });
        let end = match end {
            Ok(Ok(())) => Ok(()),
            // Nobody listens any more.
            Ok(Err(_)) => return,
            Err(e) => Err(e),
        };
        let _ = tx.blocking_send(Item::End(end));
    });
    let mut out = Outcome::new(file, reports);
    let id = uuid::Uuid::new_v4();
    let mut batcher = Batcher::default();
    let end = loop {
        let item = tokio::select! {
            item = rx.recv() => item,
            _ = tokio::signal::ctrl_c() => {
                out.finish();
                eprintln!("navsync: {}", crate::t!("cli-import-stopped"));
                return ExitStatus::Failure;
            }
        };
        match item {
            Some(Item::Line(Ok(r))) => {
                if let Some(full) = batcher.push(r)
                    && let Err(status) = send(h, id, full, &mut out).await
                {
                    return status;
                }
            }
            Some(Item::Line(Err(e))) => out.bad(e),
            Some(Item::End(end)) => break end,
            None => break Ok(()),
        }
    };
    if let Err(status) = send(h, id, batcher.take(), &mut out).await {
        return status;
    }
    out.finish();
    if let Err(e) = end {
        eprintln!("navsync: {}", error_message(&import::read_error(file, e)));
        return ExitStatus::Usage;
    }
    if out.report.usable() {
        ExitStatus::Ok
    } else {
        eprintln!("navsync: {}", crate::t!("cli-nothing-imported"));
        ExitStatus::Usage
    }
}

/// Sends one batch and waits for the engine's answer to it.
async fn send(
    h: &mut EngineHandle,
    import: uuid::Uuid,
    records: Vec<Record>,
    out: &mut Outcome,
) -> Result<(), ExitStatus> {
    if records.is_empty() {
        return Ok(());
    }
    if h.commands
        .send(Command::ImportRecords { import, records })
        .is_err()
    {
        return Err(ExitStatus::Failure);
    }
    loop {
        match h.events.recv().await {
            Ok(Event::ImportBatch { import: i, report }) if i == import => {
                let Some(batch) = report else {
                    out.finish();
                    return Err(ExitStatus::Failure);
                };
                out.report.imported += batch.imported;
                out.report.known += batch.known;
                for e in batch.bad {
                    out.bad(e);
                }
                return Ok(());
            }
            Ok(Event::Error(e)) => eprintln!(
                "navsync: {}\n  {}",
                crate::describe::message(&e),
                crate::describe::detail(&e)
            ),
            Ok(_) => {}
            // Our answer may be among what was missed: it cannot be told.
            Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => {
                out.finish();
                eprintln!("navsync: {}", crate::t!("cli-import-lost"));
                return Err(ExitStatus::Failure);
            }
        }
    }
}

/// The counts, the first bad lines on stderr and every bad line in a
/// report file (created at the first one, private like the data dir).
struct Outcome {
    file: String,
    report: ImportReport,
    reports: PathBuf,
    report_file: Option<(PathBuf, std::io::BufWriter<std::fs::File>)>,
}

impl Outcome {
    fn new(file: &Path, reports: &Path) -> Self {
        Self {
            file: escape::controls(&file.display().to_string()).into_owned(),
            report: ImportReport::default(),
            reports: reports.to_path_buf(),
            report_file: None,
        }
    }

    fn bad(&mut self, e: LineError) {
        if self.report.bad_count < BAD_LINES_SHOWN as u64 {
            eprintln!("{}:{e}", self.file);
        }
        if self.report_file.is_none() {
            self.report_file = self.create_report();
        }
        if let Some((_, w)) = &mut self.report_file {
            let _ = writeln!(w, "{}:{e}", self.file);
        }
        self.report.add_bad(e);
    }

    fn create_report(&self) -> Option<(PathBuf, std::io::BufWriter<std::fs::File>)> {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.reports);
        let path = self.reports.join(format!(
            "import-{}-{}.txt",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
            uuid::Uuid::new_v4().simple()
        ));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path);
        match file {
            Ok(f) => Some((path, std::io::BufWriter::new(f))),
            Err(e) => {
                eprintln!(
                    "navsync: {}",
                    crate::t!(
                        "cli-import-no-report",
                        path = path.display().to_string(),
                        error = e.to_string()
                    )
                );
                None
            }
        }
    }

    /// The summary on stdout, and where every bad line is.
    fn finish(&mut self) {
        let hidden = self.report.bad_count.saturating_sub(BAD_LINES_SHOWN as u64);
        if hidden > 0 {
            eprintln!("{}", crate::t!("cli-import-more-bad", count = hidden));
        }
        if let Some((path, mut w)) = self.report_file.take() {
            let _ = w.flush();
            eprintln!(
                "{}",
                crate::t!(
                    "cli-import-report",
                    count = self.report.bad_count,
                    path = path.display().to_string()
                )
            );
        }
        println!(
            "{}: {}",
            self.file,
            crate::describe::import_counts(&self.report.counts())
        );
    }
}

/// Why the file could not be imported (whole), in the reader's language.
fn error_message(e: &ImportError) -> String {
    let text = match e {
        ImportError::TooBig { path, limit } => crate::t!(
            "err-import-too-big",
            path = path.display().to_string(),
            limit = *limit
        ),
        ImportError::Read { path, source } => crate::t!(
            "err-import-read",
            path = path.display().to_string(),
            error = source.to_string()
        ),
        ImportError::Header { path, message } => crate::t!(
            "err-import-header",
            path = path.display().to_string(),
            message = message.clone()
        ),
        ImportError::Store(e) => crate::t!("err-import-store", error = e.to_string()),
        other => other.to_string(),
    };
    escape::controls(&text).into_owned()
}

#[derive(Debug, Subcommand)]
pub enum ActivitiesCommand {
    /// Import activities from a JSON Lines or CSV file (format in README).
    Import { file: PathBuf },
}
