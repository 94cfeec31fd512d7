//! `navsync seats list|enable|disable|assign`: seat management for
//! scripts. Unknown seats or users are usage errors (exit 2) and change
//! nothing; every change is one transaction.

use std::collections::HashMap;
use std::path::Path;

use crate::cli::{ExitStatus, SeatsCommand};
use crate::config::Config;
use crate::engine::seats::{self, SeatsError};
use crate::store::seats::{Edition, Licence, Seat};
use crate::store::{Store, mirror};

pub fn run(cmd: SeatsCommand, config: &Config, data_dir: &Path) -> ExitStatus {
    let store_file = crate::paths::store_file(data_dir);
    let result = match cmd {
        SeatsCommand::List { json } => match Store::open_readonly(&store_file) {
            Ok(store) => list(&store, config, json),
            Err(_) if !store_file.exists() => {
                println!("no seats yet (no store at {})", store_file.display());
                return ExitStatus::Ok;
            }
            Err(e) => Err(e.into()),
        },
        SeatsCommand::Enable { seats } => switch(&store_file, &seats, true),
        SeatsCommand::Disable { seats } => switch(&store_file, &seats, false),
        SeatsCommand::Assign {
            users,
            licence,
            edition,
        } => assign(&store_file, &users, licence.into(), edition.into()),
    };
    match result {
        Ok(()) => ExitStatus::Ok,
        Err(e) => {
            eprintln!("navsync: {e}");
            match e {
                CmdError::Usage(_)
                | CmdError::Refused(_)
                | CmdError::Seats(
                    SeatsError::UnknownSeat(_)
                    | SeatsError::UnknownUser(_)
                    | SeatsError::NotAssignable { .. },
                ) => ExitStatus::Usage,
                CmdError::Seats(SeatsError::Store(_)) => ExitStatus::Failure,
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum CmdError {
    #[error("{0}")]
    Usage(String),
    /// Some users of an assignment were refused; the rest were assigned.
    #[error("{0}")]
    Refused(String),
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
    let auto_all = crate::engine::settings::effective(store.conn(), config)?.auto_sync_all_seats;
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

fn switch(store_file: &Path, refs: &[String], enabled: bool) -> Result<(), CmdError> {
    if refs.is_empty() {
        return Err(CmdError::Usage(
            "name at least one seat (id, member id or e-mail); see `navsync seats list`".into(),
        ));
    }
    let mut store = Store::open(store_file)?;
    let ids = seats::resolve_refs(&crate::store::seats::list(store.conn())?, refs)?;
    let changed = seats::set_sync(&mut store, &ids, enabled)?;
    println!(
        "sync {} for {} seat(s); {changed} changed",
        if enabled { "on" } else { "off" },
        ids.len()
    );
    Ok(())
}

fn assign(
    store_file: &Path,
    users: &[String],
    licence: Licence,
    edition: Edition,
) -> Result<(), CmdError> {
    if users.is_empty() {
        return Err(CmdError::Usage(
            "name at least one CRM user (system user id or e-mail)".into(),
        ));
    }
    let mut store = Store::open(store_file)?;
    let out = seats::assign(&mut store, users, licence, edition)?;
    for s in &out.created {
        println!("created seat {} for {}", s.id, s.name);
    }
    for s in &out.linked {
        println!(
            "matched existing seat {} ({}) to the CRM user",
            s.id, s.name
        );
    }
    for s in &out.already {
        println!("{} already holds seat {}; not duplicated", s.name, s.id);
    }
    println!("{}", out.summary());
    if out.refused.is_empty() {
        return Ok(());
    }
    Err(CmdError::Refused(out.refused.join("\nnavsync: ")))
}
