//! Attaching to a running engine: the socket becomes an [`EngineHandle`]
//! like an in-process engine's, so the console and the headless commands
//! do not know which they have. A bridge task relays the lines; with
//! [`Reconnect::UntilDetached`] (the console) it says when the engine goes
//! away, answers commands meanwhile, and reattaches when it is back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{broadcast, mpsc, watch};

use super::protocol::{self, ClientMsg, LineReader, PROTOCOL, ServerMsg};
use crate::engine::interface::event::Problem;
use crate::engine::interface::note::{Note, Reply};
use crate::engine::{Command, EngineHandle, ErrorClass, Event, Status, UserError, View};

/// How long the engine may take to answer hello.
const HELLO_WAIT: Duration = Duration::from_secs(5);
/// How often a console whose engine went away looks for it again.
const RECONNECT_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    /// Nothing listens (no socket file, or one a dead process left).
    #[error("no navsync engine is running on {0}")]
    NoEngine(PathBuf),
    #[error("the navsync engine on {path} refused this connection: {reason}")]
    Refused { path: PathBuf, reason: String },
    #[error("cannot talk to the navsync engine on {path}: {detail}")]
    Broken { path: PathBuf, detail: String },
    /// What listens there is not ours: nothing is sent to it.
    #[error(
        "the socket {path} is served by uid {uid}, not by uid {own} that runs this navsync; nothing was sent to it. Remove it if it is not your engine's"
    )]
    ForeignEngine { path: PathBuf, uid: u32, own: u32 },
}

/// What the bridge does when the engine goes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconnect {
    /// End: the handle's event channel closes (headless commands).
    Never,
    /// Say so and reattach when it is back, until the face sends
    /// `Shutdown` or drops its command sender (the console).
    UntilDetached,
}

/// An open, greeted connection.
struct Link {
    lines: LineReader<BufReader<OwnedReadHalf>>,
    write: OwnedWriteHalf,
    pid: u32,
    status: Status,
}

/// Attaches to the engine listening on `socket`.
pub async fn attach(socket: &Path, reconnect: Reconnect) -> Result<EngineHandle, AttachError> {
    attach_to(socket, reconnect).await.map(|(handle, _)| handle)
}

/// [`attach`], with the process id the engine gave in its hello (the
/// console's header names the service it works with).
pub(crate) async fn attach_to(
    socket: &Path,
    reconnect: Reconnect,
) -> Result<(EngineHandle, u32), AttachError> {
    let link = open(socket).await?;
    let pid = link.pid;
    let (commands, commands_rx) = mpsc::unbounded_channel();
    let (events, events_rx) = broadcast::channel(crate::engine::EVENT_BUFFER);
    let (status, status_rx) = watch::channel(link.status.clone());
    let _ = events.send(Event::Log {
        level: tracing::Level::INFO,
        note: Note::Attached { pid: link.pid },
    });
    let bridge = Bridge {
        socket: socket.to_path_buf(),
        reconnect,
        commands: commands_rx,
        events,
        status,
    };
    tokio::spawn(bridge.run(link));
    let handle = EngineHandle {
        commands,
        events: events_rx,
        status: status_rx,
    };
    Ok((handle, pid))
}

async fn open(socket: &Path) -> Result<Link, AttachError> {
    let broken = |detail: String| AttachError::Broken {
        path: socket.to_path_buf(),
        detail,
    };
    let stream = match UnixStream::connect(socket).await {
        Ok(s) => s,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Err(AttachError::NoEngine(socket.to_path_buf()));
        }
        Err(e) => return Err(broken(e.to_string())),
    };
    // The engine must be of our uid too: a socket someone else put in a
    // data dir we can write would otherwise get our commands.
    match super::peer::check_stream(&stream) {
        Ok(()) => {}
        Err(super::peer::PeerRefused::OtherUser { peer, own }) => {
            return Err(AttachError::ForeignEngine {
                path: socket.to_path_buf(),
                uid: peer,
                own,
            });
        }
        Err(e) => return Err(broken(e.to_string())),
    }
    let (read, mut write) = stream.into_split();
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL,
        client: protocol::agent(),
    };
    let line = protocol::encode(&hello).map_err(|e| broken(e.to_string()))?;
    write
        .write_all(line.as_bytes())
        .await
        .map_err(|e| broken(e.to_string()))?;
    let mut lines = LineReader::new(BufReader::new(read));
    let answer = match tokio::time::timeout(HELLO_WAIT, lines.next_line()).await {
        Ok(Ok(Some(line))) => line,
        Ok(Ok(None)) => return Err(broken("it closed the connection".into())),
        Ok(Err(e)) => return Err(broken(e.to_string())),
        Err(_) => return Err(broken("it did not answer hello in time".into())),
    };
    match protocol::decode::<ServerMsg>(&answer) {
        Ok(ServerMsg::Hello { pid, status, .. }) => Ok(Link {
            lines,
            write,
            pid,
            status,
        }),
        Ok(ServerMsg::Refused { reason }) => Err(AttachError::Refused {
            path: socket.to_path_buf(),
            reason,
        }),
        Ok(_) => Err(broken("it did not start with hello".into())),
        Err(e) => Err(broken(format!("unreadable hello: {e}"))),
    }
}

struct Bridge {
    socket: PathBuf,
    reconnect: Reconnect,
    commands: mpsc::UnboundedReceiver<Command>,
    events: broadcast::Sender<Event>,
    status: watch::Sender<Status>,
}

/// Why a link ended.
enum Ended {
    /// The face is done (Shutdown, or its sender dropped).
    Detached,
    /// The engine went away or broke the protocol.
    Lost(String),
}

impl Bridge {
    async fn run(mut self, mut link: Link) {
        loop {
            let reason = match self.pump(&mut link).await {
                Ended::Detached => return,
                Ended::Lost(reason) => reason,
            };
            tracing::warn!("the navsync engine went away: {reason}");
            if self.reconnect == Reconnect::Never {
                return;
            }
            let gone = gone_error(&self.socket, &reason);
            self.status.send_modify(|s| {
                s.running = None;
                s.next_sync = None;
                s.last_error = Some(gone.clone());
                s.engine_lost = true;
            });
            self.emit(Event::StatusChanged);
            self.emit(Event::Error(gone));
            link = match self.wait_for_engine().await {
                Some(l) => l,
                None => return,
            };
            self.status.send_replace(link.status.clone());
            self.emit(Event::StatusChanged);
            self.emit(Event::ActionResult {
                ok: true,
                reply: Reply::Reattached { pid: link.pid },
            });
            // Whatever changed meanwhile was announced to nobody.
            for view in View::ALL {
                self.emit(Event::DataChanged(view));
            }
        }
    }

    fn emit(&self, event: Event) {
        let _ = self.events.send(event);
    }

    /// Relays until the link ends.
    async fn pump(&mut self, link: &mut Link) -> Ended {
        loop {
            tokio::select! {
                cmd = self.commands.recv() => match cmd {
                    None | Some(Command::Shutdown) => return Ended::Detached,
                    Some(command) => {
                        let msg = ClientMsg::Command { command };
                        let sent = match protocol::encode(&msg) {
                            Ok(line) => link.write.write_all(line.as_bytes()).await,
                            Err(e) => Err(std::io::Error::other(e)),
                        };
                        if let Err(e) = sent {
                            return Ended::Lost(e.to_string());
                        }
                    }
                },
                line = link.lines.next_line() => match line {
                    Ok(Some(line)) => match protocol::decode::<ServerMsg>(&line) {
                        Ok(ServerMsg::Status { status }) => {
                            self.status.send_replace(status);
                        }
                        Ok(ServerMsg::Event { event }) => self.emit(event),
                        Ok(ServerMsg::Refused { reason }) => return Ended::Lost(reason),
                        Ok(ServerMsg::Hello { .. }) => {}
                        // A newer engine's addition: skip it, keep the link.
                        Err(e) => tracing::warn!("engine socket: unreadable line skipped: {e}"),
                    },
                    Ok(None) => return Ended::Lost("it closed the connection".into()),
                    Err(e) => return Ended::Lost(e.to_string()),
                },
            }
        }
    }

    /// Looks for the engine every RECONNECT_EVERY; commands sent meanwhile
    /// are answered, not queued. `None` when the face detached.
    async fn wait_for_engine(&mut self) -> Option<Link> {
        loop {
            tokio::select! {
                cmd = self.commands.recv() => match cmd {
                    None | Some(Command::Shutdown) => return None,
                    Some(_) => self.emit(Event::ActionResult {
                        ok: false,
                        reply: Reply::EngineNotRunning,
                    }),
                },
                _ = tokio::time::sleep(RECONNECT_EVERY) => {
                    if let Ok(link) = open(&self.socket).await {
                        return Some(link);
                    }
                }
            }
        }
    }
}

fn gone_error(socket: &Path, reason: &str) -> UserError {
    UserError::new(
        ErrorClass::Other,
        Problem::EngineGone,
        format!("{}: {reason}", socket.display()),
    )
}
