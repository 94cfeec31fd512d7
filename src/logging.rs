//! Logging goes to a daily-rolling file in the data dir: the console owns the
//! terminal, and headless runs keep stdout for their summary. `RUST_LOG`
//! overrides the configured level.
//!
//! `navsync serve` also logs to stderr, which systemd hands to the journal:
//! off a terminal each line is `<N>message` (sd-daemon priority prefix, no
//! timestamp or colour, since journald adds its own), on a terminal the
//! usual coloured form.
//!
//! Field values (messages included) often carry text from outside: a
//! client's name, a file's line, the CRM's error. They are escaped
//! ([`crate::escape::controls`]) before any layer writes them, so none
//! can start a forged line in the file or the journal.

use std::io::IsTerminal;
use std::path::Path;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::DefaultFields;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, format};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// Keeps the background log writer alive; drop it last so the tail of the
/// log is flushed.
pub struct LogGuard {
    _worker: tracing_appender::non_blocking::WorkerGuard,
}

/// Where log lines go besides the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stderr {
    /// Nowhere else (the console, headless commands).
    Off,
    /// Also stderr (the service).
    On,
}

#[cfg(any(test, feature = "testkit"))]
/// Installs the global subscriber writing to `<data_dir>/logs/navsync.log.DATE`.
pub fn init(data_dir: &Path, level: &str) -> std::io::Result<LogGuard> {
    init_with(data_dir, level, Stderr::Off)
}

/// [`init`], with lines on stderr too when `stderr` is on.
pub(crate) fn init_with(data_dir: &Path, level: &str, stderr: Stderr) -> std::io::Result<LogGuard> {
    let dir = crate::paths::log_dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("navsync.log")
        .max_log_files(14)
        .build(&dir)
        .map_err(std::io::Error::other)?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("navsync={level},warn")));
    let file = tracing_subscriber::fmt::layer()
        .fmt_fields(EscapedFields::default())
        .with_writer(writer)
        .with_ansi(false);
    let on_stderr = stderr == Stderr::On;
    let tty = std::io::stderr().is_terminal();
    let journal = (on_stderr && !tty).then(|| {
        tracing_subscriber::fmt::layer()
            .fmt_fields(EscapedFields::default())
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .event_format(Journald)
    });
    let terminal = (on_stderr && tty).then(|| {
        tracing_subscriber::fmt::layer()
            .fmt_fields(EscapedFields::default())
            .with_writer(std::io::stderr)
    });
    // A second init (tests, demo re-entry) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(file)
        .with(journal)
        .with(terminal)
        .try_init();
    Ok(LogGuard { _worker: guard })
}

/// The usual `key=value` fields, with control characters escaped.
#[derive(Default)]
struct EscapedFields(DefaultFields);

impl<'w> FormatFields<'w> for EscapedFields {
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: format::Writer<'w>,
        fields: R,
    ) -> std::fmt::Result {
        let mut plain = String::new();
        self.0
            .format_fields(format::Writer::new(&mut plain), fields)?;
        writer.write_str(&crate::escape::controls(&plain))
    }
}

/// Journal lines of an event: `<priority>message fields`, the prefix on
/// every line of a message that spans several, so none reaches the journal
/// without its priority.
struct Journald;

impl<S, N> FormatEvent<S, N> for Journald
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let mut text = String::new();
        ctx.field_format()
            .format_fields(format::Writer::new(&mut text), event)?;
        write!(
            writer,
            "{}",
            prefixed(priority(*event.metadata().level()), &text)
        )
    }
}

/// `text` with `<p>` before each of its lines (one empty line for none).
fn prefixed(p: u8, text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(&format!("<{p}>{line}\n"));
    }
    if out.is_empty() {
        out.push_str(&format!("<{p}>\n"));
    }
    out
}

/// syslog priorities as sd-daemon(3) reads them from a line's start.
fn priority(level: tracing::Level) -> u8 {
    match level {
        tracing::Level::ERROR => 3,
        tracing::Level::WARN => 4,
        tracing::Level::INFO => 6,
        _ => 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_journal_line_has_its_priority() {
        assert_eq!(prefixed(4, "one\ntwo"), "<4>one\n<4>two\n");
        assert_eq!(prefixed(6, ""), "<6>\n");
    }
}
