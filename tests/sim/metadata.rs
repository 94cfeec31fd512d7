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
        .get("EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='salesstage')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata")
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
    let es = options[0]["Label"]["LocalizedLabels"]
        .as_array()
        .expect("labels")
        .iter()
        .find(|l| l["LanguageCode"] == 3082)
        .expect("a Spanish label");
    assert_eq!(es["Label"], "Calificar");
    // "Process Code" is a different attribute with one option
    // (https://learn.microsoft.com/en-us/dynamics365/developer/reference/entities/opportunity).
    let v = json(
        sim.get("EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='salesstagecode')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata")
            .query(&[("$select", "LogicalName"), ("$expand", "OptionSet")])
            .send()
            .await
            .expect("get"),
    )
    .await;
    let options = v["OptionSet"]["Options"].as_array().expect("options");
    assert_eq!(options.len(), 1);
    assert_eq!(options[0]["Value"], 1);
    assert_eq!(
        options[0]["Label"]["UserLocalizedLabel"]["Label"],
        "Default Value"
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

/// The collection form a widely used connector discovers tables with:
/// `$select`, `$filter` and `$expand=Attributes($select=...)`, as in
/// https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query-metadata-web-api
#[tokio::test]
async fn entity_definitions_collection_filters_selects_and_expands() {
    let sim = fixture::start().await;
    let v = json(
        sim.get("EntityDefinitions")
            .query(&[
                ("$select", "LogicalName,EntitySetName"),
                (
                    "$filter",
                    "LogicalName eq 'task' or EntitySetName eq 'contacts'",
                ),
                ("$expand", "Attributes($select=LogicalName,AttributeType)"),
            ])
            .send()
            .await
            .expect("get"),
    )
    .await;
    let tables = v["value"].as_array().expect("value");
    let names: Vec<&str> = tables
        .iter()
        .filter_map(|t| t["LogicalName"].as_str())
        .collect();
    assert_eq!(names, ["contact", "task"]);
    assert_eq!(tables[1]["EntitySetName"], "tasks");
    assert!(
        tables[1].get("ObjectTypeCode").is_none(),
        "$select keeps only what was asked"
    );
    let subject = tables[1]["Attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .find(|a| a["LogicalName"] == "subject")
        .expect("subject");
    assert_eq!(subject["AttributeType"], "String");
    assert!(subject.get("MaxLength").is_none());
    sim.server.shutdown().await;
}

#[tokio::test]
async fn text_columns_give_their_max_length() {
    let sim = fixture::start().await;
    let v = json(
        sim.get("EntityDefinitions(LogicalName='task')/Attributes/Microsoft.Dynamics.CRM.MemoAttributeMetadata")
            .query(&[("$select", "LogicalName,MaxLength")])
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(v["value"][0]["LogicalName"], "description");
    assert_eq!(v["value"][0]["MaxLength"], 2000);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn the_service_document_lists_the_entity_sets() {
    let sim = fixture::start().await;
    let v = json(sim.get("").send().await.expect("get")).await;
    let sets: Vec<&str> = v["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(
        sets.contains(&"opportunities") && sets.contains(&"tasks"),
        "{sets:?}"
    );
    assert_eq!(v["value"][0]["kind"], "EntitySet");
    sim.server.shutdown().await;
}

/// `{set}/$count` is a plain-text number
/// (https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query/count-rows).
#[tokio::test]
async fn count_is_a_plain_text_number() {
    let sim = fixture::start().await;
    let r = sim.get("contacts/$count").send().await.expect("get");
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/plain")
    );
    let n: usize = r
        .text()
        .await
        .expect("body")
        .trim()
        .parse()
        .expect("a number");
    assert_eq!(n, fixture::tenant().contacts.len());
    sim.server.shutdown().await;
}

/// The bound function navsync's privilege check calls
/// (https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/roleprivilege).
#[tokio::test]
async fn retrieve_user_privilege_by_name_says_who_holds_it() {
    let sim = fixture::start().await;
    let path = |p: &str| {
        format!(
            "systemusers({})/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='{p}')",
            fixture::APP_USER
        )
    };
    let v = json(sim.get(&path("prvReadAccount")).send().await.expect("get")).await;
    assert_eq!(v["RolePrivileges"][0]["PrivilegeName"], "prvReadAccount");
    sim.server
        .control()
        .remove_privilege(fixture::APP_USER, "prvReadAccount");
    let v = json(sim.get(&path("prvReadAccount")).send().await.expect("get")).await;
    assert_eq!(v["RolePrivileges"], json!([]));
    sim.server.shutdown().await;
}
