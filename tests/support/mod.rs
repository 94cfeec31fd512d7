//! Fixtures several test binaries need alike: a config file that reaches
//! an emulator, the store row a finished connect leaves, seats, and the
//! engine event helpers. Each binary includes this (`mod support;`) and
//! uses a part of it, hence the `dead_code` allowance.
//!
//! Every test that runs the navsync binary gives it `LC_ALL=C`: the
//! language follows the environment, and the tests read its English
//! whatever the developer's locale.
#![allow(dead_code)]

pub mod screen;

use std::path::{Path, PathBuf};
use std::time::Duration;

use navsync::engine::{Command, EngineHandle, Event};
use navsync::sim::SimServer;
use navsync::store::connection::{ConnState, ConnectionRow};
use navsync::store::seats::{Edition, Licence, NewSeat};
use tokio::sync::broadcast::error::RecvError;

/// Where the configs written here tell navsync to find the client secret.
pub const SECRET_ENV: &str = "NAVSYNC_TEST_SECRET";

/// How long a test waits for an engine event before it fails: a guard
/// against a hang, not a speed target (loaded CI machines are slow).
pub const WAIT: Duration = Duration::from_secs(20);

/// Writes `dir/config.toml` whose `[crm]` reaches `sim` as its own
/// identity, the secret read from [`SECRET_ENV`]; `extra` is appended
/// as is (more `[crm]` keys first, then other tables).
pub fn write_config(sim: &SimServer, dir: &Path, extra: &str) -> PathBuf {
    let id = sim.identity();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[crm]\ninstance_url = \"{}\"\nauthority_url = \"{}\"\ntenant_id = \"{}\"\nclient_id = \"{}\"\nclient_secret_env = \"{SECRET_ENV}\"\n{extra}",
            sim.instance_url(),
            sim.authority_url(),
            id.tenant_id,
            id.client_id
        ),
    )
    .unwrap();
    path
}

/// The connection row a successful `connect` of `sim`'s integration user
/// leaves in the store.
pub fn connected(sim: &SimServer) -> ConnectionRow {
    let id = sim.identity();
    ConnectionRow {
        state: ConnState::Connected,
        instance_url: sim.instance_url(),
        tenant_id: id.tenant_id.clone(),
        client_id: id.client_id.clone(),
        auth_method: "client_secret".into(),
        crm_user_id: Some(id.application_user_id.clone()),
        crm_user_name: Some("Integration".into()),
        is_integration_user: true,
        organization_id: None,
        organization_name: None,
        org_version: Some("9.2.25061.00154".into()),
        checks: Vec::new(),
        connected_at: Some(now_second()),
        updated_at: now_second(),
        last_error_kind: None,
        last_error_detail: None,
    }
}

/// A Team member seat with no CRM user yet.
pub fn seat<'a>(
    member_id: &'a str,
    name: &'a str,
    email: Option<&'a str>,
    sync_enabled: bool,
) -> NewSeat<'a> {
    NewSeat {
        member_id,
        name,
        email,
        licence: Licence::Member,
        edition: Edition::Team,
        crm_user_id: None,
        sync_enabled,
    }
}

/// The next event, failing the test after [`WAIT`].
pub async fn next(h: &mut EngineHandle) -> Event {
    tokio::time::timeout(WAIT, h.events.recv())
        .await
        .expect("an event within the timeout")
        .expect("the engine is running")
}

/// Shuts the engine down and waits for its event channel to close.
pub async fn shutdown(mut h: EngineHandle) {
    h.commands.send(Command::Shutdown).unwrap();
    loop {
        match tokio::time::timeout(WAIT, h.events.recv()).await {
            Ok(Err(RecvError::Closed)) => return,
            Ok(_) => continue,
            Err(_) => panic!("engine did not stop"),
        }
    }
}

/// Now, to the second (as the store keeps times).
pub fn now_second() -> chrono::DateTime<chrono::Utc> {
    chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 0)
}
