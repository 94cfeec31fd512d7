//! The engine's side of the socket: accepts peers of its own uid, shakes
//! hands, then relays Commands in and the engine's Status and Events out,
//! one task per peer. A peer that lags loses old events (and is told to
//! reload) but never slows the engine; a peer that leaves, even with
//! `Shutdown`, only detaches.
//!
//! Nothing a peer sends can take the engine down (README, "Limits"): lines
//! are capped at [`protocol::MAX_LINE`]; at most [`MAX_PENDING`]
//! connections may be waiting to say hello (a new one pushes out the
//! oldest, so a flood of idle connections cannot keep a real client out
//! nor use up the file descriptors) and each has [`HELLO_WAIT`] to do it;
//! at most [`MAX_ATTACHED`] peers are attached at once.

use std::collections::VecDeque;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::unix::OwnedWriteHalf;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{Semaphore, broadcast, mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::peer;
use super::protocol::{self, ClientMsg, LineReader, PROTOCOL, ServerMsg};
use crate::engine::{Command, EngineHandle, Event, Status, View};

/// How long a peer may take to say hello.
pub(crate) const HELLO_WAIT: Duration = Duration::from_secs(5);
/// Connections that have not said hello yet, at most.
pub(crate) const MAX_PENDING: usize = 64;
/// Consoles and commands attached at once, at most.
pub(crate) const MAX_ATTACHED: usize = 128;

/// The listening socket. Dropping it stops accepting and removes the file;
/// peers already attached stay until the engine stops.
pub struct Listener {
    path: PathBuf,
    task: JoinHandle<()>,
    attached: Arc<Semaphore>,
}

impl Listener {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits, at most `limit`, until every attached peer has been sent the
    /// engine's last events and has gone (a peer keeps its place until the
    /// events end), so a stopping service does not cut them off: a
    /// `sync --once` following a run learns that it was cancelled.
    pub(crate) async fn drained(&self, limit: std::time::Duration) {
        let all = u32::try_from(MAX_ATTACHED).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(limit, self.attached.acquire_many(all)).await;
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// What each peer task needs of the engine. The event receiver is never
/// read; each peer resubscribes from it when it attaches, so it sees the
/// channel close when the engine stops.
#[derive(Clone)]
struct Faces {
    commands: mpsc::UnboundedSender<Command>,
    events: Arc<Mutex<broadcast::Receiver<Event>>>,
    status: watch::Receiver<Status>,
    admission: Arc<Admission>,
}

/// Who is let in: the connections still to say hello, oldest first (each
/// with the token that pushes it out), and the attached peers' places.
struct Admission {
    pending: Mutex<VecDeque<(u64, CancellationToken)>>,
    attached: Arc<Semaphore>,
}

impl Admission {
    /// Registers a new connection, pushing out the oldest waiting one when
    /// [`MAX_PENDING`] are waiting.
    fn arrive(&self, id: u64) -> CancellationToken {
        let token = CancellationToken::new();
        let mut pending = lock(&self.pending);
        if pending.len() >= MAX_PENDING
            && let Some((_, oldest)) = pending.pop_front()
        {
            oldest.cancel();
        }
        pending.push_back((id, token.clone()));
        token
    }

    /// The connection said hello (or gave up): it no longer waits.
    fn leave(&self, id: u64) {
        lock(&self.pending).retain(|(p, _)| *p != id);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Takes a connection off the waiting list however its handshake ends.
struct Waiting<'a> {
    admission: &'a Admission,
    id: u64,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.admission.leave(self.id);
    }
}

/// Listens on `path` (mode 0600) for `engine`. The caller holds the
/// data-dir lock, so a socket file already there was left by a process
/// that died and is replaced.
pub fn listen(path: &Path, engine: &EngineHandle) -> std::io::Result<Listener> {
    match std::fs::remove_file(path) {
        Ok(()) => tracing::info!(socket = %path.display(), "removed a stale engine socket"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    let attached = Arc::new(Semaphore::new(MAX_ATTACHED));
    let faces = Faces {
        commands: engine.commands.clone(),
        events: Arc::new(Mutex::new(engine.events.resubscribe())),
        status: engine.status.clone(),
        admission: Arc::new(Admission {
            pending: Mutex::new(VecDeque::new()),
            attached: attached.clone(),
        }),
    };
    let task = tokio::spawn(accept(listener, faces));
    Ok(Listener {
        path: path.to_path_buf(),
        task,
        attached,
    })
}

async fn accept(listener: UnixListener, faces: Faces) {
    for id in 0.. {
        match listener.accept().await {
            Ok((stream, _)) => {
                let token = faces.admission.arrive(id);
                tokio::spawn(serve_peer(stream, faces.clone(), id, token));
            }
            Err(e) => {
                tracing::warn!("engine socket: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn send(w: &mut OwnedWriteHalf, msg: &ServerMsg) -> std::io::Result<()> {
    let line = protocol::encode(msg).map_err(std::io::Error::other)?;
    w.write_all(line.as_bytes()).await
}

async fn serve_peer(stream: UnixStream, faces: Faces, id: u64, pushed_out: CancellationToken) {
    let waiting = Waiting {
        admission: &faces.admission,
        id,
    };
    let refused = peer::check_stream(&stream).err();
    let (read, mut write) = stream.into_split();
    if let Some(e) = refused {
        tracing::warn!("engine socket: refused a peer: {e}");
        let _ = send(
            &mut write,
            &ServerMsg::Refused {
                reason: e.to_string(),
            },
        )
        .await;
        return;
    }
    let mut lines = LineReader::new(BufReader::new(read));
    let first = tokio::select! {
        _ = pushed_out.cancelled() => return,
        first = tokio::time::timeout(HELLO_WAIT, lines.next_line()) => first,
    };
    let client = match first {
        Ok(Ok(Some(line))) => match protocol::decode::<ClientMsg>(&line) {
            Ok(ClientMsg::Hello { protocol, client }) if protocol == PROTOCOL => {
                crate::escape::value(&client)
            }
            Ok(ClientMsg::Hello { protocol, client }) => {
                let reason = format!(
                    "{} speaks protocol {protocol}; this engine ({}) speaks {PROTOCOL}: use the same navsync version for both",
                    crate::escape::value(&client),
                    protocol::agent()
                );
                let _ = send(&mut write, &ServerMsg::Refused { reason }).await;
                return;
            }
            _ => {
                let reason = "the first line must be a hello".to_string();
                let _ = send(&mut write, &ServerMsg::Refused { reason }).await;
                return;
            }
        },
        Ok(Err(e)) => {
            let reason = format!("unreadable first line: {e}");
            let _ = send(&mut write, &ServerMsg::Refused { reason }).await;
            return;
        }
        _ => return,
    };
    drop(waiting);
    let Ok(_place) = faces.admission.attached.clone().try_acquire_owned() else {
        tracing::warn!(%client, "engine socket: refused a peer, {MAX_ATTACHED} are attached already");
        let reason = format!(
            "{MAX_ATTACHED} consoles and commands are attached already; try again when one has left"
        );
        let _ = send(&mut write, &ServerMsg::Refused { reason }).await;
        return;
    };
    // Subscribe before taking the snapshot: nothing falls between them.
    let mut events = match faces.events.lock() {
        Ok(rx) => rx.resubscribe(),
        Err(poisoned) => poisoned.into_inner().resubscribe(),
    };
    let mut status = faces.status.clone();
    let hello = ServerMsg::Hello {
        protocol: PROTOCOL,
        server: protocol::agent(),
        pid: std::process::id(),
        status: status.borrow_and_update().clone(),
    };
    if send(&mut write, &hello).await.is_err() {
        return;
    }
    tracing::info!(%client, "a console or command attached to the engine");
    loop {
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => match protocol::decode::<ClientMsg>(&line) {
                    // Only the service's own signal stops it.
                    Ok(ClientMsg::Command { command: Command::Shutdown }) => break,
                    Ok(ClientMsg::Command { command }) => {
                        if faces.commands.send(command).is_err() {
                            break;
                        }
                    }
                    Ok(ClientMsg::Hello { .. }) => {}
                    Err(e) => tracing::warn!(%client, "engine socket: unreadable line skipped: {e}"),
                },
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(%client, "engine socket: a peer cut off: {e}");
                    break;
                }
            },
            ev = events.recv() => {
                let sent = match ev {
                    Ok(Event::StatusChanged) => {
                        let status = status.borrow_and_update().clone();
                        match send(&mut write, &ServerMsg::Status { status }).await {
                            Ok(()) => send(&mut write, &ServerMsg::Event { event: Event::StatusChanged }).await,
                            Err(e) => Err(e),
                        }
                    }
                    Ok(event) => send(&mut write, &ServerMsg::Event { event }).await,
                    Err(RecvError::Lagged(n)) => {
                        tracing::warn!(%client, missed = n, "a peer fell behind; it reloads");
                        let mut r = Ok(());
                        for view in View::ALL {
                            if r.is_ok() {
                                r = send(&mut write, &ServerMsg::Event { event: Event::DataChanged(view) }).await;
                            }
                        }
                        r
                    }
                    Err(RecvError::Closed) => break,
                };
                if sent.is_err() {
                    break;
                }
            }
        }
    }
    tracing::info!(%client, "a console or command detached from the engine");
}
