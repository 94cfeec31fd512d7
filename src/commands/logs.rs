//! `navsync logs [-f] [-n N] [--run N]`: the data dir's log files as the
//! engine wrote them (English, one line per event), without knowing where
//! they live or how they roll. `--run N` keeps the lines written while run N
//! ran (from its start to its end in the store); `-f` keeps printing what is
//! appended, across the daily roll, until Ctrl-C or SIGTERM. Bounded: only
//! the last lines are kept in memory and an over-long line is cut.

use std::collections::VecDeque;
use std::io::{BufRead, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::exit::ExitStatus;
use crate::store::{Store, runs};

/// A line longer than this is cut (a log line is never that long unless
/// something went wrong).
const MAX_LINE: usize = 16 * 1024;
/// Most lines one call keeps, whatever `-n` asks.
pub(crate) const MAX_LINES: usize = 100_000;
/// How often `-f` looks for new lines.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);

#[derive(Debug, Clone, Copy)]
pub struct LogsArgs {
    pub follow: bool,
    pub lines: usize,
    pub run: Option<i64>,
}

pub fn run(args: LogsArgs, data_dir: &Path) -> ExitStatus {
    let dir = crate::paths::log_dir(data_dir);
    let window = match args.run {
        None => None,
        Some(id) => match run_window(data_dir, id) {
            Ok(w) => Some(w),
            Err(e) => {
                eprintln!("navsync: {e}");
                return ExitStatus::Usage;
            }
        },
    };
    let files = log_files(&dir);
    if files.is_empty() && !args.follow {
        eprintln!(
            "navsync: {}",
            crate::t!("logs-none", dir = dir.display().to_string())
        );
        return ExitStatus::Ok;
    }
    let keep = args.lines.clamp(1, MAX_LINES);
    let mut out = std::io::stdout().lock();
    let offset = match print_last(&files, keep, window, &mut out) {
        Ok(offset) => offset,
        // The reader went away (`| head`): nothing more to say.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitStatus::Ok,
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    drop(out);
    // Following a finished run would print nothing new.
    if !args.follow || window.is_some_and(|(_, end)| end.is_some()) {
        return ExitStatus::Ok;
    }
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    runtime.block_on(follow(&dir, files.last().cloned(), offset))
}

/// The start and (when it ended) the end of run `id`: lines from `start`
/// up to, not including, `end`.
fn run_window(data_dir: &Path, id: i64) -> Result<(DateTime<Utc>, Option<DateTime<Utc>>), String> {
    let unknown = || crate::t!("logs-no-run", run = id);
    let store = Store::open_readonly(&crate::paths::store_file(data_dir)).map_err(|_| unknown())?;
    let (started, finished) = runs::span(store.conn(), id)
        .map_err(|e| e.to_string())?
        .ok_or_else(unknown)?;
    // The store keeps whole seconds: the run ended within that second.
    let end = finished.map(|e| e + chrono::Duration::seconds(1));
    Ok((started, end))
}

/// The log files, oldest first (their names end in the date).
pub(crate) fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("navsync.log"))
        })
        .collect();
    files.sort();
    files
}

/// A line's time: the RFC 3339 stamp the file layer starts every line with.
fn line_time(line: &str) -> Option<DateTime<Utc>> {
    let stamp = line.split_whitespace().next()?;
    DateTime::parse_from_rfc3339(stamp).ok().map(|t| t.to_utc())
}

/// Reads one line, at most [`MAX_LINE`] bytes of it kept, and the bytes it
/// took; `None` at the end.
fn read_line(r: &mut impl BufRead) -> std::io::Result<Option<(String, u64)>> {
    let mut buf = Vec::new();
    let mut n = r
        .by_ref()
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') && n == MAX_LINE {
        // Skip the rest of an over-long line.
        let mut rest = Vec::new();
        n += r.read_until(b'\n', &mut rest)?;
        buf.extend_from_slice("…".as_bytes());
    }
    let text = String::from_utf8_lossy(&buf);
    Ok(Some((
        text.trim_end_matches(['\n', '\r']).to_string(),
        n as u64,
    )))
}

/// Prints the last `keep` lines of `files` (inside `window` when given)
/// and returns how far the last file was read, where following goes on.
/// Lines without a time of their own (a message's continuation) go with
/// the line before them.
pub(crate) fn print_last(
    files: &[PathBuf],
    keep: usize,
    window: Option<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    out: &mut impl Write,
) -> std::io::Result<u64> {
    let mut last: VecDeque<String> = VecDeque::new();
    let mut inside = window.is_none();
    let mut offset = 0;
    for file in files {
        offset = 0;
        let Ok(f) = std::fs::File::open(file) else {
            continue;
        };
        let mut r = std::io::BufReader::new(f);
        while let Some((line, n)) = read_line(&mut r)? {
            offset += n;
            if let (Some((start, end)), Some(at)) = (window, line_time(&line)) {
                inside = at >= start && end.is_none_or(|e| at < e);
            }
            if inside {
                if last.len() == keep {
                    last.pop_front();
                }
                last.push_back(line);
            }
        }
    }
    for line in last {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(offset)
}

/// Prints what is appended to the newest file, moving to a newer one when
/// the log rolls, until Ctrl-C or SIGTERM.
async fn follow(dir: &Path, mut current: Option<PathBuf>, mut offset: u64) -> ExitStatus {
    use tokio::signal::unix::{SignalKind, signal};
    // Both listened to from the start, so a signal is never missed
    // between two looks.
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return ExitStatus::Failure;
    };
    let mut tick = tokio::time::interval(FOLLOW_EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = int.recv() => return ExitStatus::Ok,
            _ = term.recv() => return ExitStatus::Ok,
        }
        if let Some(path) = &current {
            match print_from(path, &mut offset) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitStatus::Ok,
                Err(e) => {
                    eprintln!("navsync: {e}");
                    return ExitStatus::Failure;
                }
            }
        }
        let newest = log_files(dir).pop();
        if newest.is_some() && newest != current {
            // The log rolled (or began): the rest of the old file was
            // printed above, the new one is read from its start.
            current = newest;
            offset = 0;
        }
    }
}

/// Prints the whole lines added to `path` since `offset` and moves it on.
fn print_from(path: &Path, offset: &mut u64) -> std::io::Result<()> {
    let Ok(mut f) = std::fs::File::open(path) else {
        return Ok(());
    };
    let len = f.metadata()?.len();
    if len < *offset {
        *offset = 0; // truncated and rewritten
    }
    f.seek(std::io::SeekFrom::Start(*offset))?;
    let mut r = std::io::BufReader::new(f);
    let mut out = std::io::stdout().lock();
    loop {
        let mut probe = Vec::new();
        let n = r
            .by_ref()
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut probe)?;
        if n == 0 || (probe.last() != Some(&b'\n') && n < MAX_LINE) {
            // Nothing more, or a line still being written: next time.
            break;
        }
        *offset += n as u64;
        let text = String::from_utf8_lossy(&probe);
        writeln!(out, "{}", text.trim_end_matches(['\n', '\r']))?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn the_last_lines_of_every_file_in_order_and_a_run_s_window() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "navsync.log.2026-11-24",
            "2026-11-24T23:59:00.000000Z  INFO navsync: one\n",
        );
        let b = write(
            dir.path(),
            "navsync.log.2026-11-25",
            "2026-11-25T07:00:00.000000Z  INFO navsync: run starts\n  continued\n2026-11-25T07:00:05.000000Z  INFO navsync: run ends\n2026-11-25T07:10:00.000000Z  INFO navsync: later\n",
        );
        assert_eq!(log_files(dir.path()), vec![a.clone(), b.clone()]);
        let mut out = Vec::new();
        print_last(&[a.clone(), b.clone()], 2, None, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2026-11-25T07:00:05.000000Z  INFO navsync: run ends\n2026-11-25T07:10:00.000000Z  INFO navsync: later\n"
        );
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let mut out = Vec::new();
        let window = Some((t("2026-11-25T07:00:00Z"), Some(t("2026-11-25T07:00:06Z"))));
        print_last(&[a, b], 100, window, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2026-11-25T07:00:00.000000Z  INFO navsync: run starts\n  continued\n2026-11-25T07:00:05.000000Z  INFO navsync: run ends\n"
        );
    }

    #[test]
    fn an_endless_line_is_cut_not_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(MAX_LINE * 3);
        let p = write(
            dir.path(),
            "navsync.log.2026-11-25",
            &format!("{long}\nnext\n"),
        );
        let mut out = Vec::new();
        print_last(&[p], 10, None, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "the cut line, then the next");
        assert!(lines[0].len() <= MAX_LINE + "…".len() && lines[0].ends_with('…'));
        assert_eq!(lines[1], "next");
    }
}
