//! `navsync connect`: sign in (client secret, or the device-code prompt for
//! an admin over SSH), run the prerequisite checks printing each verdict,
//! and store the connection. Ctrl-C gives up cleanly.

use std::path::Path;

use tokio_util::sync::CancellationToken;

use crate::cli::ExitStatus;
use crate::config::Config;
use crate::crm::checks::CheckFailure;
use crate::crm::messages::{Msg, text};
use crate::crm::{Client, ClientConfig, ClientEvent, CrmError};
use crate::engine::connection;
use crate::store::Store;

pub fn run(config: Config, data_dir: &Path) -> ExitStatus {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(connect(config, data_dir)),
        Err(e) => {
            eprintln!("navsync: cannot start the async runtime: {e}");
            ExitStatus::Failure
        }
    }
}

async fn connect(config: Config, data_dir: &Path) -> ExitStatus {
    let lang = config.lang;
    let client = match ClientConfig::from_config(&config, data_dir).and_then(Client::new) {
        Ok(c) => c,
        Err(e) => {
            print_error(&e, lang);
            return ExitStatus::Usage;
        }
    };
    let mut store = match Store::open(&crate::paths::store_file(data_dir)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let client = client.with_events(tx).with_cancel(cancel.clone());
    let printer = tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            match event {
                ClientEvent::DeviceCode(p) => println!("\n{}\n", p.message),
                ClientEvent::Throttled { retry_after, .. } => {
                    eprintln!("  (the CRM asked to wait {} s)", retry_after.as_secs())
                }
                ClientEvent::Retry { reason, wait, .. } => {
                    eprintln!("  ({reason}; trying again in {} ms)", wait.as_millis())
                }
                _ => {}
            }
        }
    });
    println!("Connecting to {} …", client.config().instance_url);
    let result = tokio::select! {
        r = connection::connect(&config, &client, &mut store, |c| {
            println!("  [{}] {}: {}", if c.passed { " ok " } else { "FAIL" }, c.id.label(), c.detail);
        }) => r,
        _ = tokio::signal::ctrl_c() => {
            cancel.cancel();
            eprintln!("navsync: connect cancelled");
            return ExitStatus::Failure;
        }
    };
    drop(client);
    let _ = printer.await;
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("navsync: {e}");
            return ExitStatus::Failure;
        }
    };
    match report.failure {
        None => {
            println!("\n{}", text(&Msg::Connected, lang));
            if let Some(advice) = report.integration_user_advice(lang) {
                println!("{advice}");
            }
            if let Some(note) = report.creator_note(lang) {
                println!("{note}");
            }
            ExitStatus::Ok
        }
        Some(CheckFailure::Crm(e)) => {
            print_error(&e, lang);
            crate::commands::status::exit_for_class(connection::class_name(e.class()))
        }
        Some(f @ CheckFailure::Unsupported { .. }) => {
            eprintln!("\nnavsync: {}", f.message(lang));
            ExitStatus::Failure
        }
    }
}

fn print_error(e: &CrmError, lang: crate::config::Lang) {
    eprintln!("\nnavsync: {}", e.message(lang));
    eprintln!("  detail: {}", e.detail());
    eprintln!("  next step: {}", e.next_step(lang));
}
