//! The service socket's wire format: newline-delimited JSON, one message
//! per line. The client opens with `hello` naming the protocol version it
//! speaks; the server answers `hello` (with the status snapshot) or
//! `refused`. After that the client sends `command`s and the server sends
//! `status` snapshots and `event`s in the engine's own order.
//!
//! A line is at most [`MAX_LINE`] bytes either way: nothing a peer sends
//! is buffered without bound.
//!
//! Within one protocol version messages and fields are only ever added; a
//! line a peer cannot read is skipped (and logged), so an older console
//! keeps working beside a newer service. Changing a meaning needs a new
//! version number.

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::engine::{Command, Event, Status};

/// The longest line either side accepts, newline excluded (README,
/// "Limits"). Real messages are a few kB; a peer sending more is cut off
/// instead of being buffered until memory runs out.
pub(crate) const MAX_LINE: usize = 1024 * 1024;

/// Why a line could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("a line longer than {MAX_LINE} bytes")]
    TooLong,
    #[error("a line that is not UTF-8")]
    NotUtf8,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Reads newline-ended lines of at most [`MAX_LINE`] bytes. Cancel-safe
/// (a `select!` may drop [`LineReader::next_line`] at any await): what
/// was read of a line stays in the reader.
pub(crate) struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
}

impl<R: AsyncBufRead + Unpin> LineReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buf: Vec::new(),
        }
    }

    /// The next line without its newline; `None` at the end of the
    /// stream (a last line without a newline is still a line).
    pub async fn next_line(&mut self) -> Result<Option<String>, LineError> {
        loop {
            let available = self.inner.fill_buf().await?;
            if available.is_empty() {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return self.take().map(Some);
            }
            let (part, found) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], Some(i + 1)),
                None => (available, None),
            };
            if self.buf.len() + part.len() > MAX_LINE {
                return Err(LineError::TooLong);
            }
            self.buf.extend_from_slice(part);
            let used = found.unwrap_or(available.len());
            self.inner.consume(used);
            if found.is_some() {
                return self.take().map(Some);
            }
        }
    }

    fn take(&mut self) -> Result<String, LineError> {
        let mut line =
            String::from_utf8(std::mem::take(&mut self.buf)).map_err(|_| LineError::NotUtf8)?;
        if line.ends_with('\r') {
            line.pop();
        }
        Ok(line)
    }
}

/// The version this build speaks. 2: events carry what happened as data
/// (summaries, replies, notes, problems), which each face puts in its own
/// reader's words.
pub const PROTOCOL: u32 = 2;

/// Client to service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum ClientMsg {
    Hello {
        protocol: u32,
        /// "navsync 0.1.0", for the service's log.
        client: String,
    },
    Command {
        command: Command,
    },
}

/// Service to client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum ServerMsg {
    Hello {
        protocol: u32,
        server: String,
        pid: u32,
        status: Status,
    },
    /// The connection is refused (another uid, another protocol version);
    /// the service closes it after this line.
    Refused {
        reason: String,
    },
    /// The status snapshot changed; sent before the `status_changed` event
    /// that announces it, as an in-process engine does.
    Status {
        status: Status,
    },
    Event {
        event: Event,
    },
}

/// This build's name and version, as `hello` carries it.
pub(crate) fn agent() -> String {
    format!("navsync {}", env!("CARGO_PKG_VERSION"))
}

/// One message as one line, newline included.
pub(crate) fn encode<T: Serialize>(msg: &T) -> Result<String, serde_json::Error> {
    let mut line = serde_json::to_string(msg)?;
    line.push('\n');
    Ok(line)
}

/// One line (without its newline) as a message.
pub(crate) fn decode<'a, T: Deserialize<'a>>(line: &'a str) -> Result<T, serde_json::Error> {
    serde_json::from_str(line)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn lines_are_read_up_to_the_cap_and_a_longer_one_is_refused() {
        let mut text = b"one\r\ntwo\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_LINE));
        text.extend(b"\n");
        text.extend(std::iter::repeat_n(b'y', MAX_LINE + 1));
        let mut r = LineReader::new(tokio::io::BufReader::new(&text[..]));
        assert_eq!(r.next_line().await.unwrap().as_deref(), Some("one"));
        assert_eq!(r.next_line().await.unwrap().as_deref(), Some("two"));
        assert_eq!(
            r.next_line().await.unwrap().map(|l| l.len()),
            Some(MAX_LINE)
        );
        assert!(matches!(r.next_line().await, Err(LineError::TooLong)));
        let mut last = LineReader::new(tokio::io::BufReader::new(&b"tail"[..]));
        assert_eq!(last.next_line().await.unwrap().as_deref(), Some("tail"));
        assert!(last.next_line().await.unwrap().is_none());
    }
    use crate::config::ActivityKind;
    use crate::engine::interface::command::{NewContact, ResolveHow, SettingChange, SettingKey};
    use crate::engine::interface::event::{
        ContactHit, ErrorClass, Phase, RunProgress, UserError, View,
    };
    use crate::engine::interface::note::{Applied, Note, Refusal, Reply};
    use crate::store::runs::{Outcome, RunMode};
    use crate::store::seats::{Edition, Licence};

    /// One of every Command. The match below has no wildcard, so a new
    /// variant does not compile until it is added here too.
    fn every_command() -> Vec<Command> {
        let all = vec![
            Command::Connect,
            Command::Recheck,
            Command::Disconnect { purge: true },
            Command::SyncNow { dry_run: true },
            Command::Cancel,
            Command::SetSetting(SettingChange::AutoSyncAllSeats(false)),
            Command::SetSetting(SettingChange::PipelineStage(Some(2))),
            Command::SetSetting(SettingChange::PipelineStage(None)),
            Command::SetSetting(SettingChange::WonValueField(Some("estimatedvalue".into()))),
            Command::SetSetting(SettingChange::WritebackEnabled(true)),
            Command::SetSetting(SettingChange::WritebackKinds(vec![
                ActivityKind::Inmail,
                ActivityKind::Note,
            ])),
            Command::SetSetting(SettingChange::SyncInterval(Duration::from_secs(900))),
            Command::ResetSetting(SettingKey::PipelineStage),
            Command::SetSeatSync {
                seat_ids: vec![1, 7],
                enabled: true,
            },
            Command::UnassignSeats {
                seat_ids: vec![3, 4],
            },
            Command::AssignSeats {
                crm_user_ids: vec!["5e000000-0000-4000-8000-000000000002".into()],
                licence: Licence::Admin,
                edition: Edition::Enterprise,
            },
            Command::ResolveWithContact {
                activity_id: 3,
                contactid: "c0000000-0000-4000-8000-000000000001".into(),
                how: ResolveHow::Search,
                by: Some("ana".into()),
            },
            Command::SearchContacts {
                request_id: 9,
                query: "Zoë O'Brien \"quoted\"\nnext".into(),
            },
            Command::CreateContactAndResolve {
                activity_id: 4,
                contact: NewContact {
                    firstname: "Zoë".into(),
                    lastname: "O'Brien".into(),
                    email: Some("zoe@example.test".into()),
                    jobtitle: None,
                    parentaccountid: Some("acc".into()),
                    company: Some("Acme".into()),
                },
                by: None,
            },
            Command::SkipUnresolved {
                activity_id: 5,
                skip: false,
            },
            Command::ImportRecords {
                import: uuid::Uuid::nil(),
                records: vec![crate::engine::usecases::import::Record {
                    line: 3,
                    fields: vec![("member_name".into(), "Zoë\n".into())],
                }],
            },
            Command::PauseSchedule { paused: true },
            Command::Shutdown,
        ];
        for c in &all {
            match c {
                Command::Connect
                | Command::Recheck
                | Command::Disconnect { .. }
                | Command::SyncNow { .. }
                | Command::Cancel
                | Command::SetSetting(_)
                | Command::ResetSetting(_)
                | Command::SetSeatSync { .. }
                | Command::UnassignSeats { .. }
                | Command::AssignSeats { .. }
                | Command::ResolveWithContact { .. }
                | Command::SearchContacts { .. }
                | Command::CreateContactAndResolve { .. }
                | Command::SkipUnresolved { .. }
                | Command::PauseSchedule { .. }
                | Command::ImportRecords { .. }
                | Command::Shutdown => {}
            }
        }
        all
    }

    fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn user_error() -> UserError {
        UserError::new(
            ErrorClass::InsufficientPrivileges,
            crate::engine::interface::event::Problem::Crm(crate::crm::CrmProblem::Privileges {
                privilege: Some("prvReadAccount".into()),
            }),
            "0x80040220: missing prvReadAccount",
        )
    }

    /// One of every Event, held to it the same way as `every_command`.
    fn every_event() -> Vec<Event> {
        let all = vec![
            Event::StatusChanged,
            Event::RunStarted {
                run_id: 1,
                mode: RunMode::Incremental,
            },
            Event::PhaseStarted {
                run_id: 1,
                phase: Phase::SavedLists,
                total: Some(40),
            },
            Event::Progress {
                run_id: 1,
                phase: Phase::Contacts,
                done: 20,
                total: None,
                rows_per_sec: 1234.5,
            },
            Event::PhaseFinished {
                run_id: 1,
                phase: Phase::Writeback,
                rows: 12,
            },
            Event::WritesRefused {
                run_id: 1,
                count: 2,
                code: Some("0x80040220".into()),
            },
            Event::RunFinished {
                run_id: 1,
                outcome: Outcome::Cancelled,
                summary: crate::engine::interface::summary::RunSummary {
                    dry_run: false,
                    accounts_added: 3,
                    leads_added: 0,
                    accounts_removed: 0,
                    leads_removed: 0,
                    rows: 40,
                    requests: 4,
                    reread: vec!["opportunities".into()],
                    writeback: Some(crate::engine::interface::summary::WritebackSummary::Wrote {
                        count: 2,
                        open: 1,
                        refused: 1,
                        as_integration: 0,
                        paused: Some("0x80060888: busy".into()),
                    }),
                    outcome: Outcome::Cancelled,
                },
            },
            Event::DeltaRejected {
                run_id: 1,
                table: "opportunities".into(),
            },
            Event::Retry {
                attempt: 2,
                reason: "503".into(),
                wait: Duration::from_millis(1500),
            },
            Event::Throttled {
                retry_after: Duration::from_secs(7),
            },
            Event::RenewingSignIn,
            Event::DeviceCode {
                user_code: "ABCD-EFGH".into(),
                verification_uri: "https://microsoft.com/devicelogin".into(),
                message: "Go to …".into(),
                expires_in: Duration::from_secs(900),
            },
            Event::Error(user_error()),
            Event::DataChanged(View::Unresolved),
            Event::SearchResults {
                request_id: 9,
                contacts: vec![ContactHit {
                    contactid: "c1".into(),
                    fullname: "Zoë O'Brien".into(),
                    email: None,
                    company: Some("Acme".into()),
                    accountid: Some("acc".into()),
                    jobtitle: Some("CTO".into()),
                }],
            },
            Event::ActionResult {
                ok: false,
                reply: Reply::NoSyncRunning,
            },
            Event::ActionResult {
                ok: true,
                reply: Reply::SettingApplied(Applied::SyncInterval {
                    every: Duration::from_secs(7200),
                }),
            },
            Event::ActionResult {
                ok: false,
                reply: Reply::Assigned {
                    created: 1,
                    linked: 0,
                    already: 0,
                    refused: vec![Refusal::NotAssignable {
                        name: "Ana".into(),
                        why: crate::engine::interface::note::Unassignable::Disabled,
                    }],
                },
            },
            Event::Error(UserError::new(
                ErrorClass::Unsupported,
                crate::engine::interface::event::Problem::Unsupported {
                    check: crate::vocab::CheckId::Version,
                    facts: crate::vocab::check::CheckFacts::VersionTooOld {
                        version: "8.1".into(),
                    },
                },
                "",
            )),
            Event::SeatsUnassigned { seats: 2 },
            Event::ImportBatch {
                import: uuid::Uuid::nil(),
                report: Some(crate::engine::usecases::import::BatchReport {
                    imported: 1,
                    known: 2,
                    bad: vec![crate::engine::usecases::import::LineError {
                        line: 4,
                        reason: "unknown seat".into(),
                    }],
                }),
            },
            Event::Log {
                level: tracing::Level::WARN,
                note: Note::TokenRenewed {
                    reason: crate::crm::RefreshReason::Rejected,
                },
            },
            Event::Log {
                level: tracing::Level::INFO,
                note: Note::Check(crate::vocab::check::Check::new(
                    crate::vocab::CheckId::SignIn,
                    true,
                    crate::vocab::check::CheckFacts::SignedIn {
                        method: "client_secret".into(),
                    },
                )),
            },
        ];
        for e in &all {
            match e {
                Event::StatusChanged
                | Event::RunStarted { .. }
                | Event::PhaseStarted { .. }
                | Event::Progress { .. }
                | Event::PhaseFinished { .. }
                | Event::WritesRefused { .. }
                | Event::RunFinished { .. }
                | Event::DeltaRejected { .. }
                | Event::Retry { .. }
                | Event::Throttled { .. }
                | Event::RenewingSignIn
                | Event::DeviceCode { .. }
                | Event::Error(_)
                | Event::DataChanged(_)
                | Event::SearchResults { .. }
                | Event::ActionResult { .. }
                | Event::SeatsUnassigned { .. }
                | Event::ImportBatch { .. }
                | Event::Log { .. } => {}
            }
        }
        all
    }

    fn round_trip<T>(msg: &T) -> T
    where
        T: Serialize + for<'a> Deserialize<'a>,
    {
        let line = encode(msg).unwrap();
        assert!(line.ends_with('\n'));
        assert_eq!(line.matches('\n').count(), 1, "one line: {line}");
        decode(line.trim_end()).unwrap()
    }

    #[test]
    fn every_command_round_trips_as_one_line() {
        for command in every_command() {
            let msg = ClientMsg::Command { command };
            assert_eq!(round_trip(&msg), msg);
        }
    }

    #[test]
    fn every_event_and_the_status_round_trip_as_one_line() {
        for event in every_event() {
            let msg = ServerMsg::Event { event };
            assert_eq!(round_trip(&msg), msg);
        }
        let status = Status {
            connected: true,
            instance_url: Some("https://contoso.crm.dynamics.com".into()),
            crm_user: Some("Integration".into()),
            org_version: Some("9.2".into()),
            last_sync: Some(at("2026-11-25T07:00:12Z")),
            next_sync: None,
            next_after_failure: false,
            schedule_paused: false,
            running: Some(RunProgress {
                run_id: 4,
                mode: RunMode::Full,
                phase: Phase::Accounts,
                done: 10,
                total: Some(30),
                requests: 5,
                retries: 1,
                throttled: 3,
                throttled_until: Some(at("2026-11-25T07:01:00Z")),
                retry_until: Some(at("2026-11-25T07:00:40Z")),
                renewing_since: Some(at("2026-11-25T07:00:38Z")),
                retry_reason: Some("HTTP 503".into()),
            }),
            last_error: Some(user_error()),
            last_run: Some(crate::engine::interface::health::LastRun {
                run_id: 3,
                outcome: crate::store::runs::Outcome::Error,
                class: Some(crate::engine::ErrorClass::Connection),
                reads_done: false,
                finished_at: Some(at("2026-11-25T06:59:00Z")),
            }),
            engine_lost: false,
            api_budget: Some(crate::crm::ApiBudget {
                requests_left: Some(5993),
                execution_ms_left: Some(1_199_460),
                observed_at: chrono::DateTime::from_timestamp(1_764_054_012, 0).unwrap(),
            }),
        };
        for msg in [
            ServerMsg::Hello {
                protocol: PROTOCOL,
                server: agent(),
                pid: 42,
                status: status.clone(),
            },
            ServerMsg::Status { status },
            ServerMsg::Refused {
                reason: "no".into(),
            },
        ] {
            assert_eq!(round_trip(&msg), msg);
        }
        let hello = ClientMsg::Hello {
            protocol: PROTOCOL,
            client: agent(),
        };
        assert_eq!(round_trip(&hello), hello);
    }

    #[test]
    fn the_wire_form_is_tagged_and_readable() {
        let line = encode(&ClientMsg::Command {
            command: Command::SyncNow { dry_run: false },
        })
        .unwrap();
        assert_eq!(
            line,
            "{\"type\":\"command\",\"command\":{\"sync_now\":{\"dry_run\":false}}}\n"
        );
        let line = encode(&ServerMsg::Event {
            event: Event::Log {
                level: tracing::Level::INFO,
                note: Note::PollSlowed { secs: 5 },
            },
        })
        .unwrap();
        assert!(line.contains("\"level\":\"info\""), "{line}");
    }

    #[test]
    fn a_message_from_a_newer_peer_is_an_error_not_a_panic() {
        assert!(decode::<ServerMsg>("{\"type\":\"metrics\",\"x\":1}").is_err());
        assert!(decode::<ServerMsg>("{\"type\":\"event\",\"event\":\"new_kind\"}").is_err());
        assert!(decode::<ClientMsg>("not json").is_err());
    }
}
