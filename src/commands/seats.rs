//! `navsync seats list|enable|disable|assign`: seat management for
//! scripts. The list is read from the store; every change is a command to
//! the data dir's engine, one transaction. Unknown seats or users are usage
//! errors (exit 2) and change nothing.

use std::collections::HashMap;
use std::path::Path;

use crate::config::Config;
use crate::engine::Command;
use crate::engine::usecases::seats::{self, SeatsError};
use crate::exit::ExitStatus;
use crate::store::seats::{Edition, Licence, Seat};
use crate::store::{Store, mirror};
use clap::Subcommand;

pub fn run(cmd: SeatsCommand, config: &Config, data_dir: &Path) -> ExitStatus {
    let store_file = crate::paths::store_file(data_dir);
    let command = match cmd {
        SeatsCommand::List { json } => {
            let listed = match Store::open_readonly(&store_file) {
                Ok(store) => list(&store, config, json),
                Err(_) if !store_file.exists() => {
                    println!(
                        "{}",
                        crate::t!("cli-no-seats", store = store_file.display().to_string())
                    );
                    return ExitStatus::Ok;
                }
                Err(e) => Err(e.into()),
            };
            return match listed {
                Ok(()) => ExitStatus::Ok,
                Err(e) => fail(e),
            };
        }
        SeatsCommand::Enable { seats } => switch(&store_file, &seats, true),
        SeatsCommand::Disable { seats } => switch(&store_file, &seats, false),
        SeatsCommand::Assign {
            users,
            licence,
            edition,
        } => assign(&users, licence.into(), edition.into()),
    };
    match command {
        // The change itself is the engine's (the service's, when one runs).
        Ok(command) => super::with_engine(config.clone(), data_dir, async move |h, _| {
            super::ask(h, command, ExitStatus::Usage).await
        }),
        Err(e) => fail(e),
    }
}

fn fail(e: CmdError) -> ExitStatus {
    eprintln!("navsync: {e}");
    match e {
        CmdError::Usage(_) | CmdError::Seats(SeatsError::UnknownSeat(_)) => ExitStatus::Usage,
        CmdError::Seats(SeatsError::Store(_)) => ExitStatus::Failure,
    }
}

#[derive(Debug, thiserror::Error)]
enum CmdError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Seats(#[from] SeatsError),
}

impl From<crate::store::StoreError> for CmdError {
    fn from(e: crate::store::StoreError) -> Self {
        CmdError::Seats(e.into())
    }
}

fn list(store: &Store, config: &Config, json: bool) -> Result<(), CmdError> {
    let seats = crate::store::seats::list(store.conn())?;
    let users: HashMap<String, String> = mirror::systemusers(store.conn())?
        .into_iter()
        .map(|u| (u.systemuserid, u.fullname))
        .collect();
    // The badge follows the effective setting (console change or config).
    let auto_all =
        crate::engine::usecases::settings::effective(store.conn(), config)?.auto_sync_all_seats;
    let user_name = |s: &Seat| {
        s.crm_user_id
            .as_ref()
            .map(|id| users.get(id).cloned().unwrap_or_else(|| id.clone()))
    };
    if json {
        let rows: Vec<serde_json::Value> = seats
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id,
                    "member_id": s.member_id,
                    "name": s.name,
                    "email": s.email,
                    "licence": s.licence,
                    "edition": s.edition,
                    "crm_user_id": s.crm_user_id,
                    "crm_user_name": user_name(s),
                    "sync_enabled": s.sync_enabled,
                    "in_crm": s.in_crm(auto_all),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(());
    }
    // Columns as wide as their longest value, so scripts can split on runs
    // of spaces and long member ids do not shift the table.
    let member_w = column_width("MEMBER", seats.iter().map(|s| s.member_id.as_str()));
    let name_w = column_width("NAME", seats.iter().map(|s| s.name.as_str()));
    let email_w = column_width(
        "EMAIL",
        seats.iter().map(|s| s.email.as_deref().unwrap_or("-")),
    );
    println!(
        "{:>4}  {:<member_w$}  {:<name_w$}  {:<email_w$}  {:<8} {:<10} {:<24} {:<4} IN CRM",
        "ID", "MEMBER", "NAME", "EMAIL", "LICENCE", "EDITION", "CRM USER", "SYNC"
    );
    for s in &seats {
        println!(
            "{:>4}  {:<member_w$}  {:<name_w$}  {:<email_w$}  {:<8} {:<10} {:<24} {:<4} {}",
            s.id,
            s.member_id,
            s.name,
            s.email.as_deref().unwrap_or("-"),
            s.licence.as_str(),
            s.edition.as_str(),
            user_name(s).unwrap_or_else(|| "-".into()),
            if s.sync_enabled { "on" } else { "off" },
            if s.in_crm(auto_all) { "In CRM" } else { "" }
        );
    }
    Ok(())
}

fn column_width<'a>(title: &str, values: impl Iterator<Item = &'a str>) -> usize {
    values
        .map(|v| v.chars().count())
        .fold(title.len(), usize::max)
}

/// The seats named by id or member id (read from the store, which the
/// engine then changes).
fn switch(store_file: &Path, refs: &[String], enabled: bool) -> Result<Command, CmdError> {
    if refs.is_empty() {
        return Err(CmdError::Usage(crate::t!("cli-name-a-seat")));
    }
    let store = Store::open_readonly(store_file)?;
    let seat_ids = seats::resolve_refs(&crate::store::seats::list(store.conn())?, refs)?;
    Ok(Command::SetSeatSync { seat_ids, enabled })
}

fn assign(users: &[String], licence: Licence, edition: Edition) -> Result<Command, CmdError> {
    if users.is_empty() {
        return Err(CmdError::Usage(crate::t!("cli-name-a-user")));
    }
    Ok(Command::AssignSeats {
        crm_user_ids: users.to_vec(),
        licence,
        edition,
    })
}

/// A seat's licence, as the command line spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LicenceArg {
    Admin,
    Member,
}

impl From<LicenceArg> for Licence {
    fn from(l: LicenceArg) -> Self {
        match l {
            LicenceArg::Admin => Licence::Admin,
            LicenceArg::Member => Licence::Member,
        }
    }
}

/// A seat's edition, as the command line spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EditionArg {
    Team,
    Enterprise,
}

impl From<EditionArg> for Edition {
    fn from(e: EditionArg) -> Self {
        match e {
            EditionArg::Team => Edition::Team,
            EditionArg::Enterprise => Edition::Enterprise,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SeatsCommand {
    /// List seats with licence, edition, CRM user, sync and the "In CRM" badge.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Switch CRM sync on for the given seats (ids or member ids).
    Enable { seats: Vec<String> },
    /// Switch CRM sync off for the given seats (ids or member ids).
    Disable { seats: Vec<String> },
    /// Create seats for CRM users (system user ids or emails); a user who
    /// already holds a seat is reported, never duplicated.
    Assign {
        users: Vec<String>,
        /// Licence of the new seats.
        #[arg(long, value_enum, default_value_t = LicenceArg::Member)]
        licence: LicenceArg,
        /// Edition of the new seats.
        #[arg(long, value_enum, default_value_t = EditionArg::Team)]
        edition: EditionArg,
    },
}
