//! Organisation checks (version, online vs on-premise, sandbox) and the
//! schema metadata a client reads.

use navsync::sim::OrgMode;
use serde_json::json;

use crate::fixture::{self, json};

#[tokio::test]
async fn retrieve_version_reports_9_2_and_8_1_in_old_version_mode() {
    let sim = fixture::start().await;
    let v = json(sim.get("RetrieveVersion()").send().await.expect("get")).await;
    assert_eq!(v["Version"], "9.2.25061.00154");
    sim.server.control().set_org_mode(OrgMode::OldVersion);
    let v = json(sim.get("RetrieveVersion()").send().await.expect("get")).await;
    assert_eq!(v["Version"], "8.1.0.359");
    sim.server.shutdown().await;
}

#[tokio::test]
async fn current_organization_tells_online_on_premise_and_sandbox_apart() {
    let sim = fixture::start().await;
    let path = "RetrieveCurrentOrganization(AccessType=@p1)?@p1=Microsoft.Dynamics.CRM.EndpointAccessType'Default'";
    let v = json(sim.get(path).send().await.expect("get")).await;
    let d = &v["Detail"];
    assert_eq!(d["OrganizationType"], "Customer");
    assert_eq!(
        d["Endpoints"]["Keys"],
        json!([
            "WebApplication",
            "OrganizationService",
            "OrganizationDataService"
        ])
    );
    assert_eq!(
        d["Endpoints"]["Values"][0],
        "https://contososales.crm.dynamics.com/"
    );
    assert_eq!(d["TenantId"], fixture::TENANT);
    let ctl = sim.server.control();
    ctl.set_org_mode(OrgMode::Sandbox);
    let v = json(sim.get(path).send().await.expect("get")).await;
    assert_eq!(v["Detail"]["OrganizationType"], "CustomerTest");
    ctl.set_org_mode(OrgMode::OnPremise);
    let v = json(sim.get(path).send().await.expect("get")).await;
    assert_eq!(
        v["Detail"]["Endpoints"]["Values"][0],
        "https://crm.contoso.local/contoso/"
    );
    sim.server.shutdown().await;
}

#[tokio::test]
async fn sales_stage_option_set_and_money_attributes() {
    let sim = fixture::start().await;
    let r = sim
        .get("EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='salesstagecode')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata")
        .query(&[("$select", "LogicalName"), ("$expand", "OptionSet")])
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    let v = json(r).await;
    let options = v["OptionSet"]["Options"].as_array().expect("options");
    let labels: Vec<(i64, &str)> = options
        .iter()
        .map(|o| {
            (
                o["Value"].as_i64().unwrap_or(-1),
                o["Label"]["UserLocalizedLabel"]["Label"]
                    .as_str()
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [(0, "Qualify"), (1, "Develop"), (2, "Propose"), (3, "Close")]
    );
    let v = json(
        sim.get("EntityDefinitions(LogicalName='opportunity')/Attributes/Microsoft.Dynamics.CRM.MoneyAttributeMetadata")
            .query(&[("$select", "LogicalName,DisplayName")])
            .send()
            .await
            .expect("get"),
    )
    .await;
    let names: Vec<&str> = v["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|a| a["LogicalName"].as_str())
        .collect();
    assert_eq!(names, ["estimatedvalue", "actualvalue", "totalamount"]);
    assert_eq!(
        v["value"][0]["DisplayName"]["UserLocalizedLabel"]["Label"],
        "Est. Revenue"
    );
    sim.server.shutdown().await;
}

#[tokio::test]
async fn solutions_can_be_looked_up_and_installed_through_control() {
    let sim = fixture::start().await;
    let query = [
        ("$select", "uniquename,version"),
        ("$filter", "uniquename eq 'navsync_writeback'"),
    ];
    let v = json(
        sim.get("solutions")
            .query(&query)
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(v["value"], json!([]));
    let row = json!({"solutionid": "5010e000-0000-4000-8000-000000000001", "uniquename": "navsync_writeback", "version": "1.0.0.0", "ismanaged": true});
    sim.server
        .control()
        .insert_row("solutions", row.as_object().cloned().unwrap_or_default())
        .expect("insert");
    let v = json(
        sim.get("solutions")
            .query(&query)
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(v["value"][0]["uniquename"], "navsync_writeback");
    sim.server.shutdown().await;
}
