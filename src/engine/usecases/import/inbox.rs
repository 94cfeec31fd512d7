//! The activity inbox: each `*.jsonl` and `*.csv` file dropped there is
//! imported and moved to `done/` or `failed/` with its report beside it.

use std::path::{Path, PathBuf};

use super::super::import_records::extension;
#[cfg(any(test, feature = "testkit"))]
use super::import_batch;
use super::{BatchReport, ImportError, ImportReport, Record, import_file_with};
use crate::engine::interface::note::Note;
use crate::escape;
#[cfg(any(test, feature = "testkit"))]
use crate::store::Store;

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

#[cfg(any(test, feature = "testkit"))]
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
