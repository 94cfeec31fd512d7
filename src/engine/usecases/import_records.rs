//! An activity file (JSON Lines or CSV) read into records: each line's
//! values by field name, not yet judged against the store. Reading is
//! bounded everywhere: at most `[writeback] max_import_bytes` of a file,
//! at most [`MAX_RECORD_BYTES`] of one line, and a bad line (not UTF-8,
//! too long, not JSON, a CSV record of the wrong width) is reported with
//! its number while the lines around it are kept.
//!
//! It runs where the file is: in the `activities import` command's own
//! process (so a pipe, a FIFO or `<(…)` is read by whoever named it, and a
//! slow one never holds up the engine), and for the inbox in a blocking
//! task beside the engine's writer. The records then go to the writer in
//! batches ([`super::import::import_batch`]).

use std::io::{BufRead, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::import::{FIELDS, REQUIRED};
use crate::escape;

/// The longest line (for CSV, record) an import takes (README, "Limits");
/// records travel to the engine in socket lines of at most 1 MiB.
pub(crate) const MAX_RECORD_BYTES: usize = 128 * 1024;

/// One line's values by field name, as the file has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// 1-based line of the file (for CSV, the line where the record starts).
    pub line: u64,
    pub fields: Vec<(String, String)>,
}

/// A line that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, escape::controls(&self.reason))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    JsonLines,
    Csv,
}

impl Format {
    /// By extension (`.jsonl`, `.ndjson`, `.json`, `.csv`), else by the
    /// first character: a JSON line starts with `{`.
    pub(crate) fn detect(path: &Path, start: &[u8]) -> Format {
        match extension(path).as_deref() {
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            Some("csv") => Format::Csv,
            _ if start.trim_ascii_start().starts_with(b"{") => Format::JsonLines,
            _ => Format::Csv,
        }
    }
}

pub(crate) fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// How the format is known: given, or from the file's name and first
/// bytes ([`Format::detect`]).
#[derive(Debug, Clone, Copy)]
pub enum FormatFrom<'a> {
    #[cfg(any(test, feature = "testkit"))]
    Given(Format),
    Name(&'a Path),
}

/// Why a file could not be read (the lines read before it still count).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// More than `max_import_bytes`: reading stopped at the limit.
    #[error("larger than max_import_bytes ({limit} bytes)")]
    TooBig { limit: u64 },
    /// A CSV header navsync cannot use; nothing was read.
    #[error("{0}")]
    Header(String),
}

/// Reads `input` as `format` and hands each record or bad line to `sink`,
/// in file order. Stops at the first error `sink` returns (the engine went
/// away), or when the file passes `max_bytes`.
pub fn read<R: Read, E>(
    input: R,
    format: FormatFrom<'_>,
    max_bytes: u64,
    mut sink: impl FnMut(Result<Record, LineError>) -> Result<(), E>,
) -> Result<Result<(), E>, ReadError> {
    let mut input = std::io::BufReader::new(Capped {
        inner: input,
        left: max_bytes,
        limit: max_bytes,
    });
    // A UTF-8 byte-order mark is not part of the first line.
    if input
        .fill_buf()
        .map_err(unwrap_capped)?
        .starts_with(b"\xef\xbb\xbf")
    {
        input.consume(3);
    }
    let format = match format {
        #[cfg(any(test, feature = "testkit"))]
        FormatFrom::Given(f) => f,
        FormatFrom::Name(path) => Format::detect(path, input.fill_buf().map_err(unwrap_capped)?),
    };
    let done = match format {
        Format::JsonLines => read_jsonl(&mut input, &mut sink),
        Format::Csv => read_csv(input, &mut sink),
    };
    done.map_err(|e| match e {
        ReadError::Io(io) => unwrap_capped(io),
        other => other,
    })
}

fn read_jsonl<R: BufRead, E>(
    input: &mut R,
    sink: &mut impl FnMut(Result<Record, LineError>) -> Result<(), E>,
) -> Result<Result<(), E>, ReadError> {
    let mut buf = Vec::new();
    for line in 1u64.. {
        buf.clear();
        let Some(long) = next_line(input, &mut buf)? else {
            break;
        };
        let item = match long {
            Some(len) => Err(too_long(line, len)),
            None if buf.trim_ascii().is_empty() => continue,
            None => std::str::from_utf8(&buf)
                .map_err(|e| not_utf8(line, e.valid_up_to()))
                .and_then(|text| {
                    json_record(text)
                        .map(|fields| Record { line, fields })
                        .map_err(|reason| LineError { line, reason })
                }),
        };
        if let Err(e) = sink(item) {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}

/// Reads one line into `buf` (without its newline). `Ok(None)` at the end;
/// `Ok(Some(Some(len)))` for a line longer than [`MAX_RECORD_BYTES`],
/// which is skipped to its end without being kept.
fn next_line<R: BufRead>(input: &mut R, buf: &mut Vec<u8>) -> std::io::Result<Option<Option<u64>>> {
    let mut len: u64 = 0;
    let mut any = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(any.then(|| (len > MAX_RECORD_BYTES as u64).then_some(len)));
        }
        any = true;
        let (part, used) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], i + 1),
            None => (available, available.len()),
        };
        len += part.len() as u64;
        if len <= MAX_RECORD_BYTES as u64 {
            buf.extend_from_slice(part);
        } else {
            buf.clear();
        }
        let ended = used > part.len();
        input.consume(used);
        if ended {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(Some((len > MAX_RECORD_BYTES as u64).then_some(len)));
        }
    }
}

/// One JSON line's fields as text (numbers and booleans as they are
/// written, `null` left out).
fn json_record(line: &str) -> Result<Vec<(String, String)>, String> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| {
        format!("not valid JSON ({e}); each line holds one complete {{...}} object with the fields in README, \"Activity files\"")
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err("not a JSON object".into());
    };
    let mut fields = Vec::with_capacity(map.len());
    for (k, v) in map {
        let text = match v {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => {
                return Err(format!(
                    "field `{}` must be text, not a list or object",
                    escape::value(&k)
                ));
            }
        };
        fields.push((k, text));
    }
    Ok(fields)
}

fn read_csv<R: Read, E>(
    input: R,
    sink: &mut impl FnMut(Result<Record, LineError>) -> Result<(), E>,
) -> Result<Result<(), E>, ReadError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers: Vec<String> = match rdr.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_ascii_lowercase())
            .collect(),
        Err(e) => return Err(csv_error(e, |e| format!("unreadable CSV header: {e}"))),
    };
    if let Some(unknown) = headers.iter().find(|h| !FIELDS.contains(&h.as_str())) {
        return Err(ReadError::Header(format!(
            "unknown column `{}` (allowed: {})",
            escape::value(unknown),
            FIELDS.join(", ")
        )));
    }
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|r| !headers.iter().any(|h| h == r))
        .collect();
    if !missing.is_empty() {
        return Err(ReadError::Header(format!(
            "missing column(s) {}",
            missing.join(", ")
        )));
    }
    let mut rec = csv::ByteRecord::new();
    loop {
        let item = match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => csv_record(&rec, &headers),
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                return Err(csv_error(e, |e| e.to_string()));
            }
            Err(e) => Err(LineError {
                line: e.position().map_or(0, |p| p.line()),
                reason: format!("unreadable CSV record: {e}"),
            }),
        };
        if let Err(e) = sink(item) {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}

fn csv_record(rec: &csv::ByteRecord, headers: &[String]) -> Result<Record, LineError> {
    let line = rec.position().map_or(0, |p| p.line());
    let size = rec.as_slice().len();
    if size > MAX_RECORD_BYTES {
        return Err(too_long(line, size as u64));
    }
    if rec.len() != headers.len() {
        return Err(LineError {
            line,
            reason: format!(
                "this line has {} value(s) but the header names {} column(s) ({}); put values that contain commas in double quotes",
                rec.len(),
                headers.len(),
                headers.join(", ")
            ),
        });
    }
    let mut fields = Vec::with_capacity(rec.len());
    for (h, v) in headers.iter().zip(rec.iter()) {
        let v = std::str::from_utf8(v).map_err(|_| LineError {
            line,
            reason: format!("the value of `{h}` is not UTF-8 text; save the file as UTF-8"),
        })?;
        fields.push((h.clone(), v.to_string()));
    }
    Ok(Record { line, fields })
}

/// The size cap's error back out of the csv and io wrappers around it.
fn csv_error(e: csv::Error, other: impl Fn(&csv::Error) -> String) -> ReadError {
    let message = other(&e);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ReadError::Io(io),
        _ => ReadError::Header(message),
    }
}

fn unwrap_capped(e: std::io::Error) -> ReadError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<OverCap>())
    {
        Some(OverCap(limit)) => ReadError::TooBig { limit: *limit },
        None => ReadError::Io(e),
    }
}

fn too_long(line: u64, len: u64) -> LineError {
    LineError {
        line,
        reason: format!(
            "the line is {} long; at most {} is read",
            escape::size(len),
            escape::size(MAX_RECORD_BYTES as u64)
        ),
    }
}

fn not_utf8(line: u64, at: usize) -> LineError {
    LineError {
        line,
        reason: format!(
            "not UTF-8 text (byte {} of the line); save the file as UTF-8",
            at + 1
        ),
    }
}

/// The limit was reached with more to read.
#[derive(Debug, thiserror::Error)]
#[error("larger than {0} bytes")]
struct OverCap(u64);

/// Reads at most `limit` bytes; past that, an [`OverCap`] error (not an
/// end of file, so the line being read is not taken for a whole one).
struct Capped<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(OverCap(self.limit))),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(
        text: &[u8],
        format: Format,
        max: u64,
    ) -> (Vec<Result<Record, LineError>>, Result<(), ReadError>) {
        let mut items = Vec::new();
        let end = read(text, FormatFrom::Given(format), max, |i| {
            items.push(i);
            Ok::<_, ()>(())
        })
        .map(|r| r.unwrap_or(()));
        (items, end)
    }

    #[test]
    fn bad_bytes_and_long_lines_are_bad_lines_and_the_rest_is_kept() {
        let mut text = b"\xef\xbb\xbf{\"kind\":\"note\"}\n{\"kind\":\"\xff\"}\n\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 1));
        text.extend(b"\n{\"body\":\"a\\u0000b\"}\r\n[1]");
        let (items, end) = all(&text, Format::JsonLines, u64::MAX);
        end.unwrap();
        assert_eq!(items.len(), 5, "{items:?}");
        assert_eq!(
            items[0],
            Ok(Record {
                line: 1,
                fields: vec![("kind".into(), "note".into())]
            })
        );
        let bad = |i: usize| items[i].clone().unwrap_err();
        assert_eq!(bad(1).line, 2);
        assert!(bad(1).reason.contains("not UTF-8"), "{}", bad(1));
        assert_eq!(bad(2).line, 4);
        assert!(bad(2).reason.contains("131 kB long"), "{}", bad(2));
        // A NUL is judged with the other values (import::Fields).
        assert_eq!(items[3].as_ref().unwrap().fields[0].1, "a\0b");
        assert_eq!(bad(4).reason, "not a JSON object");
    }

    #[test]
    fn a_file_past_the_cap_stops_without_taking_the_cut_line() {
        let text = b"{\"id\":\"1\"}\n{\"id\":\"2\"}\n";
        let (items, end) = all(text, Format::JsonLines, 15);
        assert_eq!(items.len(), 1);
        assert!(
            matches!(end, Err(ReadError::TooBig { limit: 15 })),
            "{end:?}"
        );
        let (items, end) = all(text, Format::JsonLines, text.len() as u64);
        assert_eq!(items.len(), 2);
        end.unwrap();
    }

    #[test]
    fn csv_values_that_are_not_utf8_fail_their_line_only() {
        let text = b"kind,seat,member_name,occurred_at\nnote,s,Ana,t\nnote,s,\xffna,t\nnote,s\n";
        let (items, end) = all(text, Format::Csv, u64::MAX);
        end.unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap().line, 2);
        assert!(
            items[1]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("`member_name`")
        );
        assert!(items[2].as_ref().unwrap_err().reason.contains("2 value(s)"));
        let (_, end) = all(b"kind,colour\n", Format::Csv, u64::MAX);
        assert!(matches!(end, Err(ReadError::Header(m)) if m.contains("`colour`")));
    }
}
