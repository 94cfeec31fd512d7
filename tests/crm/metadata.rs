//! Organisation facts and metadata the settings and checks rely on.

use navsync::crm::Column;
use navsync::sim::OrgMode;

use crate::fixture::{self, APP_USER};

#[tokio::test]
async fn who_am_i_version_and_organization() {
    let env = fixture::start().await;
    let client = env.client();
    let me = client.who_am_i().await.unwrap();
    assert_eq!(me.user_id, APP_USER);
    assert_eq!(me.organization_id, "0e90e000-0000-4000-8000-0000000000aa");
    assert_eq!(client.retrieve_version().await.unwrap(), "9.2.25061.00154");
    let org = client.current_organization().await.unwrap();
    assert!(!org.is_sandbox());
    assert!(org.web_application_url.is_some(), "{org:?}");
    env.sim.control().set_org_mode(OrgMode::Sandbox);
    assert!(client.current_organization().await.unwrap().is_sandbox());
    let user = client.systemuser(APP_USER).await.unwrap();
    assert!(user.is_application_user());
}

#[tokio::test]
async fn stage_options_money_columns_solutions_and_attributes() {
    let env = fixture::start().await;
    let client = env.client();
    let steps = client.step_names().await.unwrap();
    assert_eq!(steps, vec!["1-Stage", "2-Stage", "3-Stage", "4-Stage"]);
    let stages = client.stage_options().await.unwrap();
    assert!(!stages.is_empty());
    assert!(stages.iter().all(|s| !s.label.is_empty()));
    let money = client.money_columns().await.unwrap();
    assert!(
        money.iter().any(|m| m.logical_name == "estimatedvalue"),
        "{money:?}"
    );
    let solutions = client.solutions(Some("System")).await.unwrap();
    assert_eq!(solutions.len(), 1);
    assert!(
        client
            .solutions(Some("NotInstalled"))
            .await
            .unwrap()
            .is_empty()
    );
    let email = Column::new("emailaddress1").unwrap();
    assert!(client.has_column("contacts", &email).await.unwrap());
    let missing = Column::new("new_nosuchcolumn").unwrap();
    assert!(!client.has_column("contacts", &missing).await.unwrap());
}
