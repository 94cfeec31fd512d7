//! `navsync connect`: asks the data dir's engine to sign in (client secret,
//! or the device-code prompt for an admin over SSH), run the prerequisite
//! checks and store the connection, printing each verdict. A good connect
//! starts the first sync: a running service carries it on; an engine
//! started here follows it to its end, so "sync in progress" is true.
//! Ctrl-C cancels the connect (nothing is stored) or the sync.

use std::path::Path;

use tokio::sync::broadcast::error::RecvError;

use crate::cli::ExitStatus;
use crate::config::Config;
use crate::engine::{Command, EngineHandle, Event, UserError};

pub fn run(config: Config, data_dir: &Path) -> ExitStatus {
    let instance = config
        .crm
        .instance_url
        .as_ref()
        .map_or_else(|| "the CRM".to_string(), |u| u.to_string());
    super::with_engine(config, data_dir, async move |h, attached| {
        println!("Connecting to {instance} …");
        connect(h, attached).await
    })
}

async fn connect(h: &mut EngineHandle, attached: bool) -> ExitStatus {
    let _ = h.commands.send(Command::Connect);
    let mut failed = None;
    loop {
        let event = tokio::select! {
            ev = h.events.recv() => ev,
            _ = tokio::signal::ctrl_c() => {
                let _ = h.commands.send(Command::Cancel);
                continue;
            }
        };
        match event {
            Ok(Event::Log { level, message }) if level <= tracing::Level::WARN => {
                eprintln!("  {message}")
            }
            Ok(Event::Log { message, .. }) => println!("  {message}"),
            Ok(Event::DeviceCode { message, .. }) => println!("\n{message}\n"),
            Ok(Event::Throttled { retry_after }) => {
                eprintln!("  (the CRM asked to wait {} s)", retry_after.as_secs())
            }
            Ok(Event::Retry { reason, wait, .. }) => {
                eprintln!("  ({reason}; trying again in {} ms)", wait.as_millis())
            }
            Ok(Event::Error(e)) => {
                print_error(&e);
                failed = Some(super::sync::exit_for(e.class, true));
            }
            Ok(Event::ActionResult { ok: true, message }) => {
                println!("\n{message}");
                if let Some(exit) = failed {
                    // Connected, but the first sync could not start.
                    return exit;
                }
                if attached {
                    // The service carries the first sync on.
                    return ExitStatus::Ok;
                }
                return super::sync::follow(h, false, false).await;
            }
            Ok(Event::ActionResult { ok: false, message }) => {
                eprintln!("\nnavsync: {message}");
                return ExitStatus::Failure;
            }
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return ExitStatus::Failure,
        }
        if let Some(exit) = failed
            && !h.status.borrow().connected
        {
            return exit;
        }
    }
}

fn print_error(e: &UserError) {
    eprintln!("\nnavsync: {}", e.message);
    eprintln!("  detail: {}", e.detail);
    eprintln!("  next step: {}", e.next_step);
}
