//! `navsync connect`: asks the data dir's engine to sign in (client secret,
//! or the device-code prompt for an admin over SSH), run the prerequisite
//! checks and store the connection, printing each verdict. A good connect
//! starts the first sync: a running service carries it on; an engine
//! started here follows it to its end, so "sync in progress" is true.
//! Ctrl-C cancels the connect (nothing is stored) or the sync.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use tokio::sync::broadcast::error::RecvError;

use crate::config::Config;
use crate::engine::usecases::connection::other_sign_in;
use crate::engine::{Command, EngineHandle, Event, UserError};
use crate::exit::ExitStatus;
use crate::store::Store;
use crate::store::connection::{self, ConnectionRow};

pub fn run(config: Config, yes: bool, data_dir: &Path) -> ExitStatus {
    if let Some(switch) = identity_switch(&config, data_dir)
        && !yes
        && !confirm(&switch)
    {
        eprintln!("navsync: {}", crate::t!("cli-switch-not-confirmed"));
        return ExitStatus::Usage;
    }
    let instance = config
        .crm
        .instance_url
        .as_ref()
        .map_or_else(|| crate::t!("cli-the-crm"), |u| u.to_string());
    super::with_engine(config, data_dir, async move |h, attached| {
        println!("{}", crate::t!("cli-connecting", instance = instance));
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
            Ok(Event::Log { level, note }) if level <= tracing::Level::WARN => {
                for line in crate::describe::note(&note) {
                    eprintln!("  {line}")
                }
            }
            Ok(Event::Log { note, .. }) => {
                for line in crate::describe::note(&note) {
                    println!("  {line}")
                }
            }
            Ok(Event::DeviceCode { message, .. }) => println!("\n{message}\n"),
            Ok(Event::Throttled { retry_after }) => {
                eprintln!(
                    "  ({})",
                    crate::t!("cli-crm-asked-wait", secs = retry_after.as_secs())
                )
            }
            Ok(Event::Retry { reason, wait, .. }) => {
                eprintln!(
                    "  ({})",
                    crate::t!(
                        "cli-trying-again",
                        reason = reason,
                        ms = wait.as_millis() as u64
                    )
                )
            }
            Ok(Event::Error(e)) => {
                print_error(&e);
                failed = Some(super::sync::exit_for(e.class, true));
            }
            Ok(Event::ActionResult { ok: true, reply }) => {
                println!("\n{}", crate::describe::reply(&reply));
                if let Some(exit) = failed {
                    // Connected, but the first sync could not start.
                    return exit;
                }
                if attached {
                    // The service carries the first sync on.
                    return ExitStatus::Ok;
                }
                return super::sync::follow(h, false, false, super::sync::Report::Text).await;
            }
            Ok(Event::ActionResult { ok: false, reply }) => {
                eprintln!("\nnavsync: {}", crate::describe::reply(&reply));
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
    eprintln!("\nnavsync: {}", crate::describe::message(e));
    eprintln!(
        "  {}",
        crate::t!("cli-detail", detail = crate::describe::detail(e))
    );
    eprintln!(
        "  {}",
        crate::t!("cli-next-step", next = crate::describe::next_step(e))
    );
}

/// A connect that would replace the stored connection's sign-in with
/// another one: the stored row and the method config.toml signs in with.
struct Switch {
    from: ConnectionRow,
    to_method: &'static str,
    to_client: String,
}

fn identity_switch(config: &Config, data_dir: &Path) -> Option<Switch> {
    let path = crate::paths::store_file(data_dir);
    if !path.exists() {
        return None;
    }
    let from = connection::get(Store::open_readonly(&path).ok()?.conn()).ok()??;
    let to_method = other_sign_in(&from, config)?;
    Some(Switch {
        from,
        to_method,
        to_client: config.crm.client_id.clone(),
    })
}

/// Asks on the terminal; off a terminal the answer is no (`--yes` says yes).
fn confirm(s: &Switch) -> bool {
    let question = crate::t!(
        "cli-switch-question",
        from = s.from.crm_user_name.clone().unwrap_or_default(),
        from_method = s.from.auth_method.clone(),
        since = s
            .from
            .connected_at
            .map(crate::store::stamp)
            .unwrap_or_default(),
        to_method = s.to_method,
        to_client = s.to_client.clone()
    );
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        eprintln!("{question}");
        return false;
    }
    eprint!("{question} [{}] ", crate::t!("cli-yes-no"));
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "s" | "si" | "sí"
    )
}
