//! The engine's side of the socket: accepts peers of its own uid, shakes
//! hands, then relays Commands in and the engine's Status and Events out,
//! one task per peer. A peer that lags loses old events (and is told to
//! reload) but never slows the engine; a peer that leaves, even with
//! `Shutdown`, only detaches.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::unix::OwnedWriteHalf;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

use super::peer;
use super::protocol::{self, ClientMsg, PROTOCOL, ServerMsg};
use crate::engine::{Command, EngineHandle, Event, Status, View};

/// How long a peer may take to say hello.
const HELLO_WAIT: Duration = Duration::from_secs(5);

/// The listening socket. Dropping it stops accepting and removes the file;
/// peers already attached stay until the engine stops.
pub struct Listener {
    path: PathBuf,
    task: JoinHandle<()>,
}

impl Listener {
    pub fn path(&self) -> &Path {
        &self.path
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
    let faces = Faces {
        commands: engine.commands.clone(),
        events: Arc::new(Mutex::new(engine.events.resubscribe())),
        status: engine.status.clone(),
    };
    let task = tokio::spawn(accept(listener, faces));
    Ok(Listener {
        path: path.to_path_buf(),
        task,
    })
}

async fn accept(listener: UnixListener, faces: Faces) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(serve_peer(stream, faces.clone()));
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

async fn serve_peer(stream: UnixStream, faces: Faces) {
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
    let mut lines = BufReader::new(read).lines();
    let client = match tokio::time::timeout(HELLO_WAIT, lines.next_line()).await {
        Ok(Ok(Some(line))) => match protocol::decode::<ClientMsg>(&line) {
            Ok(ClientMsg::Hello { protocol, client }) if protocol == PROTOCOL => client,
            Ok(ClientMsg::Hello { protocol, client }) => {
                let reason = format!(
                    "{client} speaks protocol {protocol}; this engine ({}) speaks {PROTOCOL}: use the same navsync version for both",
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
        _ => return,
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
                Ok(None) | Err(_) => break,
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
