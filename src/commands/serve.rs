//! `navsync serve`: the engine as a long-running service for systemd. It
//! syncs on the schedule, watches the activity inbox, writes back, and
//! publishes itself on the data dir's socket for consoles and headless
//! commands. SIGTERM (or SIGINT) cancels the run in flight at a safe point
//! (what it finished is kept, the next start resumes) and exits 0.

use std::path::Path;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::broadcast::error::RecvError;

use crate::config::Config;
use crate::engine::Command;
use crate::exit::ExitStatus;
use crate::service::{host, metrics};
use clap::Args;

pub fn run(args: &ServeArgs, config: Config, data_dir: &Path) -> ExitStatus {
    let runtime = match crate::runtime::build() {
        Ok(rt) => rt,
        Err(status) => return status,
    };
    runtime.block_on(serve(args, config, data_dir))
}

async fn serve(args: &ServeArgs, config: Config, data_dir: &Path) -> ExitStatus {
    let (mut term, mut int) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(t), Ok(i)) => (t, i),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("navsync: cannot watch for signals: {e}");
            return ExitStatus::Failure;
        }
    };
    let face = match host::serve(config, data_dir).await {
        Ok(f) => f,
        Err(e) => {
            eprintln!("navsync: {e}");
            return super::host_exit(&e);
        }
    };
    let mut h = face.handle;
    let _metrics = match args.metrics {
        None => None,
        Some(addr) => {
            match metrics::serve(
                addr,
                data_dir.to_path_buf(),
                h.events.resubscribe(),
                h.status.clone(),
            )
            .await
            {
                Ok(m) => {
                    tracing::info!("metrics on http://{}/metrics", m.addr);
                    Some(m)
                }
                Err(e) => {
                    eprintln!("navsync: {e}");
                    h.shutdown().await;
                    return match e {
                        metrics::MetricsError::NotLoopback(_) => ExitStatus::Usage,
                        metrics::MetricsError::Bind { .. } => ExitStatus::Failure,
                    };
                }
            }
        }
    };
    if let Some(l) = face.hosting.as_ref().and_then(|h| h.listener.as_ref()) {
        tracing::info!(socket = %l.path().display(), pid = std::process::id(), "navsync engine serving");
    }
    let stopped_by_signal = tokio::select! {
        _ = term.recv() => true,
        _ = int.recv() => true,
        () = until_closed(&mut h.events) => false,
    };
    if !stopped_by_signal {
        tracing::error!("the engine stopped on its own; see the lines above");
        return ExitStatus::Failure;
    }
    tracing::info!("stopping: the run in flight (if any) ends at a safe point");
    let _ = h.commands.send(Command::Shutdown);
    until_closed(&mut h.events).await;
    if let Some(l) = face.hosting.as_ref().and_then(|h| h.listener.as_ref()) {
        l.drained(std::time::Duration::from_secs(2)).await;
    }
    drop(face.hosting);
    tracing::info!("navsync engine stopped");
    ExitStatus::Ok
}

/// Waits until the engine has stopped (its event channel closed).
async fn until_closed(events: &mut tokio::sync::broadcast::Receiver<crate::engine::Event>) {
    while !matches!(events.recv().await, Err(RecvError::Closed)) {}
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve Prometheus metrics at http://ADDR/metrics (loopback only,
    /// e.g. 127.0.0.1:9464).
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<std::net::SocketAddr>,
}
