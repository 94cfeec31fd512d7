//! Connect checks (each passing and failing the way it should), status,
//! and disconnect with purge, on a real store file.

use crate::words::Advice;
use crate::words::Said;
use std::time::Duration;

use navsync::config::{Config, Lang};
use navsync::crm::checks::{CheckFailure, CheckId, CheckReport};
use navsync::crm::{AuthConfig, Client, ErrorClass};
use navsync::engine::usecases::connection;
use navsync::sim::{OrgMode, SimConfig};
use navsync::store::connection::ConnState;
use navsync::store::seats::{Edition, Licence, NewSeat};
use navsync::store::{Store, mirror, saved};

use crate::fixture::{self, APP_USER, Env};

fn store(env: &Env) -> Store {
    Store::open(&env.dir.path().join("navsync.db")).unwrap()
}

async fn connect_with(env: &Env, config: &Config, client: &Client) -> CheckReport {
    let mut store = store(env);
    let mut seen = Vec::new();
    let report = connection::connect(config, client, &mut store, |c| seen.push(c.id))
        .await
        .unwrap();
    assert_eq!(
        seen,
        report.checks.iter().map(|c| c.id).collect::<Vec<_>>(),
        "each check reported as reached"
    );
    report
}

fn writeback_config() -> Config {
    let mut config = Config::default();
    config.writeback.enabled = true;
    config
}

fn failed_check(report: &CheckReport) -> CheckId {
    let last = report.checks.last().unwrap();
    assert!(!last.passed, "{:?}", report.checks);
    last.id
}

#[tokio::test]
async fn every_check_passes_for_an_integration_user_and_the_connection_is_stored() {
    let env = fixture::start().await;
    let report = connect_with(&env, &writeback_config(), &env.client()).await;
    assert!(report.passed(), "{:?} {:?}", report.checks, report.failure);
    let ids: Vec<CheckId> = report.checks.iter().map(|c| c.id).collect();
    assert_eq!(
        ids,
        vec![
            CheckId::SignIn,
            CheckId::Online,
            CheckId::Version,
            CheckId::NotSandbox,
            CheckId::WhoAmI,
            CheckId::ObjectsReadable,
            CheckId::Privileges,
            CheckId::Writeback
        ]
    );
    assert!(
        env.sim.control().rows("tasks").is_empty(),
        "the privilege probe left nothing behind"
    );
    assert_eq!(report.integration_user_advice(Lang::En), None);
    assert!(
        report
            .creator_note(Lang::En)
            .unwrap()
            .contains("Integration")
    );

    let status = connection::status(&store(&env)).unwrap();
    assert!(status.is_connected());
    assert_eq!(status.crm_user.as_ref().unwrap().id, APP_USER);
    assert!(status.crm_user.as_ref().unwrap().integration_user);
    assert_eq!(status.org_version.as_deref(), Some("9.2.25061.00154"));
    assert_eq!(status.last_sync, None);
    assert_eq!(status.checks.len(), 8);
}

#[tokio::test]
async fn an_interactive_admin_is_advised_to_use_an_integration_user() {
    let env = fixture::start_with(SimConfig {
        device_interval: Duration::from_secs(1),
        device_auto_approve: Some(Duration::from_millis(50)),
        ..Default::default()
    })
    .await;
    let mut cfg = env.config();
    cfg.auth = AuthConfig::DeviceCode;
    let report = connect_with(&env, &Config::default(), &Client::new(cfg).unwrap()).await;
    assert!(report.passed(), "{:?}", report.failure);
    let advice = report.integration_user_advice(Lang::En).unwrap();
    assert!(
        advice.contains("Admin") && advice.contains("integration"),
        "{advice}"
    );
    assert!(
        report
            .integration_user_advice(Lang::Es)
            .unwrap()
            .contains("usuario de integración")
    );
}

#[tokio::test]
async fn on_premise_old_and_sandbox_organisations_are_refused() {
    let env = fixture::start().await;
    let config = Config::default();
    for (mode, check, words) in [
        (
            OrgMode::OnPremise,
            CheckId::Online,
            "on-premise is not supported",
        ),
        (
            OrgMode::OldVersion,
            CheckId::Version,
            "8.1.0.359 is not supported",
        ),
        (
            OrgMode::Sandbox,
            CheckId::NotSandbox,
            "Sandbox environments are not supported",
        ),
    ] {
        env.sim.control().set_org_mode(mode);
        let report = connect_with(&env, &config, &env.client()).await;
        assert_eq!(failed_check(&report), check);
        let msg = report.failure.as_ref().unwrap().message(Lang::En);
        assert!(msg.contains(words), "{msg}");
        let status = connection::status(&store(&env)).unwrap();
        assert_eq!(
            status.state,
            navsync::engine::usecases::connection::ConnectionState::Error
        );
        assert_eq!(status.last_error.unwrap().class, ErrorClass::Unsupported);
    }
}

#[tokio::test]
async fn unreadable_objects_are_each_named() {
    let env = fixture::start().await;
    env.sim
        .control()
        .remove_privilege(APP_USER, "prvReadAccount");
    env.sim
        .control()
        .remove_privilege(APP_USER, "prvReadContact");
    let report = connect_with(&env, &Config::default(), &env.client()).await;
    assert_eq!(failed_check(&report), CheckId::ObjectsReadable);
    let Some(CheckFailure::Crm(e)) = &report.failure else {
        panic!("{:?}", report.failure)
    };
    assert_eq!(e.class(), ErrorClass::ObjectsUnreadable);
    let next = e.next_step(Lang::En);
    assert!(
        next.contains("accounts") && next.contains("contacts") && !next.contains("opportunities"),
        "{next}"
    );
    assert_eq!(
        e.message(Lang::Es),
        "No se han podido leer los objetos de CRM exigidos por tu empresa."
    );
    assert_eq!(
        connection::status(&store(&env))
            .unwrap()
            .last_error
            .unwrap()
            .class,
        ErrorClass::from_name("objects_unreadable").unwrap()
    );
}

#[tokio::test]
async fn a_missing_writeback_privilege_is_named() {
    let env = fixture::start().await;
    env.sim
        .control()
        .remove_privilege(APP_USER, "prvCreateActivity");
    let report = connect_with(&env, &writeback_config(), &env.client()).await;
    assert_eq!(failed_check(&report), CheckId::Privileges);
    let Some(CheckFailure::Crm(e)) = &report.failure else {
        panic!("{:?}", report.failure)
    };
    assert_eq!(e.class(), ErrorClass::InsufficientPrivileges);
    assert!(
        e.next_step(Lang::En).contains("prvCreateActivity"),
        "{}",
        e.next_step(Lang::En)
    );
    assert_eq!(
        e.message(Lang::Es),
        "Tu cuenta de CRM no tiene suficientes privilegios de acceso. Consulta a tu administrador de CRM."
    );
    // Without writeback the same account connects.
    assert!(
        connect_with(&env, &Config::default(), &env.client())
            .await
            .passed()
    );
}

#[tokio::test]
async fn the_required_solution_must_be_installed_for_writeback() {
    let env = fixture::start().await;
    let mut config = writeback_config();
    config.writeback.required_solution = Some("LinkedInSalesNavigator".into());
    let report = connect_with(&env, &config, &env.client()).await;
    assert_eq!(failed_check(&report), CheckId::Writeback);
    assert!(
        report
            .failure
            .unwrap()
            .message(Lang::En)
            .contains("LinkedInSalesNavigator")
    );
    config.writeback.required_solution = Some("System".into());
    assert!(connect_with(&env, &config, &env.client()).await.passed());
}

#[tokio::test]
async fn connection_and_api_failures_are_stored_with_their_class() {
    let env = fixture::start().await;
    env.sim.control().set_outage(true);
    let report = connect_with(&env, &Config::default(), &env.client()).await;
    assert_eq!(failed_check(&report), CheckId::SignIn);
    assert_eq!(
        connection::status(&store(&env))
            .unwrap()
            .last_error
            .unwrap()
            .class,
        ErrorClass::from_name("connection").unwrap()
    );
    env.sim.control().set_outage(false);
    env.client().sign_in().await.unwrap();
    env.sim.control().fail_next(50, 500);
    let report = connect_with(&env, &Config::default(), &env.client()).await;
    let Some(CheckFailure::Crm(e)) = &report.failure else {
        panic!("{:?}", report.failure)
    };
    assert_eq!(e.class(), ErrorClass::CrmApi);
    assert_eq!(
        connection::status(&store(&env))
            .unwrap()
            .last_error
            .unwrap()
            .class,
        ErrorClass::from_name("crm_api").unwrap()
    );
}

#[tokio::test]
async fn disconnect_with_purge_removes_imported_rows_in_one_go_and_keeps_seats() {
    let env = fixture::start().await;
    assert!(
        connect_with(&env, &Config::default(), &env.client())
            .await
            .passed()
    );
    let mut store = store(&env);
    let seat = navsync::store::seats::upsert(
        store.conn(),
        &NewSeat {
            member_id: "m1",
            name: "Seller",
            email: None,
            licence: Licence::Member,
            edition: Edition::Team,
            crm_user_id: Some(fixture::SELLER),
            sync_enabled: true,
        },
    )
    .unwrap();
    mirror::upsert_account(
        store.conn(),
        &mirror::Account {
            accountid: fixture::account_id(0),
            name: "Account 0".into(),
            websiteurl: None,
            parentaccountid: None,
            ownerid: None,
            modifiedon: None,
        },
    )
    .unwrap();
    mirror::set_delta_link(
        store.conn(),
        mirror::Table::Accounts,
        Some("http://x/delta"),
    )
    .unwrap();
    saved::link_from_crm(
        store.conn(),
        saved::ItemKind::Account,
        seat,
        &fixture::account_id(0),
        "opp",
    )
    .unwrap();
    saved::save_manual(
        store.conn(),
        saved::ItemKind::Contact,
        seat,
        &fixture::contact_id(1),
    )
    .unwrap();

    let counts = connection::disconnect(&mut store, true).unwrap().unwrap();
    assert_eq!(
        (counts.accounts, counts.saved_accounts, counts.saved_leads),
        (1, 1, 0)
    );
    assert_eq!(
        mirror::count(store.conn(), mirror::Table::Accounts).unwrap(),
        0
    );
    assert_eq!(
        mirror::delta_link(store.conn(), mirror::Table::Accounts).unwrap(),
        None
    );
    assert_eq!(
        navsync::store::seats::list(store.conn()).unwrap().len(),
        1,
        "seats kept"
    );
    assert_eq!(
        saved::list(store.conn(), saved::ItemKind::Contact, seat)
            .unwrap()
            .len(),
        1,
        "manual saves kept"
    );
    let row = navsync::store::connection::get(store.conn())
        .unwrap()
        .unwrap();
    assert_eq!(row.state, ConnState::Disconnected);
    assert!(!connection::status(&store).unwrap().is_connected());
}
