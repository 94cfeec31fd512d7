//! `$batch`: a change set that succeeds, and a batch that fails.

use navsync::crm::{ChangeSet, Column, CrmError, WriteOp, WriteResult};
use serde_json::json;

use crate::harness::{Replay, SAMPLE_ID, emulator_matches, emulator_with_sample_account};

fn task(subject: &str) -> WriteOp {
    WriteOp::Create {
        entity_set: "tasks".into(),
        key: Column::new("activityid").expect("column"),
        id: uuid::Uuid::new_v4(),
        body: json!({
            "subject": subject,
            "regardingobjectid_account_task@odata.bind": format!("/accounts({SAMPLE_ID})"),
        }),
    }
}

/// A subject past task's 200 characters, as in the "Handling errors" example.
fn too_long_subject() -> String {
    format!("Subject is too long {}", "x".repeat(181))
}

/// The documented inner error: 400, 0x80044331, naming the column.
fn assert_subject_too_long(result: &WriteResult) {
    match result {
        WriteResult::Failed(CrmError::Api {
            status,
            code,
            detail,
        }) => {
            assert_eq!(*status, Some(400));
            assert_eq!(code.as_deref(), Some("0x80044331"));
            assert!(detail.contains("'subject'"), "{detail}");
        }
        other => panic!("expected the inner 400, got {other:?}"),
    }
}

#[tokio::test]
async fn change_set_client_reads_the_documented_answer_as_done() {
    let (_, replay) = Replay::playing("batch_changeset").await;
    let set = ChangeSet::new(
        (1..=3)
            .map(|i| task(&format!("Task {i} in batch")))
            .collect(),
    );
    let results = replay
        .client()
        .write_batch(&[set])
        .await
        .expect("batch answered");
    assert!(
        matches!(results.as_slice(), [WriteResult::Done]),
        "{results:?}"
    );
    let sent = replay.seen_api();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].body.contains("Content-ID: 3"), "{}", sent[0].body);
}

#[tokio::test]
async fn change_set_emulator_answers_the_documented_shape() {
    emulator_matches("batch_changeset", emulator_with_sample_account().await).await;
}

#[tokio::test]
async fn failed_batch_client_reports_the_failing_operation_and_sends_nothing_again() {
    let (_, replay) = Replay::playing("batch_failed").await;
    let long = too_long_subject();
    let results = replay
        .client()
        .write_batch(&[ChangeSet::new(vec![task(&long)])])
        .await
        .expect("batch answered");
    match results.as_slice() {
        [failed] => assert_subject_too_long(failed),
        other => panic!("expected one result, got {other:?}"),
    }
    assert_eq!(replay.seen_api().len(), 1, "nothing is sent again");
}

#[tokio::test]
async fn failed_batch_emulator_answers_the_documented_shape() {
    emulator_matches("batch_failed", emulator_with_sample_account().await).await;
}

#[tokio::test]
async fn continue_on_error_client_reads_each_part_in_order() {
    let (_, replay) = Replay::playing("batch_continue_on_error").await;
    let long = too_long_subject();
    let sets: Vec<ChangeSet> = [long.as_str(), "Task 2 in batch", "Task 3 in batch"]
        .into_iter()
        .map(|s| ChangeSet::new(vec![task(s)]))
        .collect();
    let results = replay
        .client()
        .write_batch(&sets)
        .await
        .expect("batch answered");
    match results.as_slice() {
        [failed, WriteResult::Done, WriteResult::Done] => assert_subject_too_long(failed),
        other => panic!("expected the first to fail and two done, got {other:?}"),
    }
    let sent = &replay.seen_api()[0];
    let prefer = sent.headers["prefer"].to_str().unwrap_or_default();
    assert!(prefer.contains("odata.continue-on-error"), "{prefer}");
}

#[tokio::test]
async fn continue_on_error_emulator_answers_the_documented_shape() {
    emulator_matches(
        "batch_continue_on_error",
        emulator_with_sample_account().await,
    )
    .await;
}

/// Before its first write of a table the client reads the text columns'
/// MaxLength (documented shape in `metadata_text_lengths`) and sends no
/// value longer than that: one long subject must not fail a change set.
#[tokio::test]
async fn text_lengths_client_fits_a_subject_to_the_documented_length() {
    let replay = Replay::start().await;
    let set = ChangeSet::new(vec![WriteOp::Create {
        entity_set: "tasks".into(),
        key: Column::new("activityid").expect("column"),
        id: uuid::Uuid::nil(),
        body: json!({ "subject": "x".repeat(300) }),
    }]);
    // Nothing is queued for the $batch itself: only what was sent matters.
    let _ = replay.client().write_batch(&[set]).await;
    let sent = replay
        .seen_api()
        .into_iter()
        .find(|s| s.target.ends_with("$batch"))
        .expect("the batch was sent");
    let subject = format!("\"subject\":\"{}…\"", "x".repeat(199));
    assert!(sent.body.contains(&subject), "{}", sent.body);
}

#[tokio::test]
async fn text_lengths_emulator_answers_the_documented_shape() {
    emulator_matches("metadata_text_lengths", crate::sim_fixture::start().await).await;
}

/// The completed task of `task_reopen_update_close`.
const CLOSED_TASK: &str = "e73ffc82-e292-ed11-aad1-000d3a9933c9";

#[tokio::test]
async fn closed_task_client_reopens_updates_and_closes_in_one_change_set() {
    use navsync::crm::writes::TaskStep;
    use navsync::engine::ports::CrmWrites;
    let (_, replay) = Replay::playing("task_reopen_update_close").await;
    let steps = [
        TaskStep::Reopen,
        TaskStep::Text {
            subject: "s".into(),
            description: "new text".into(),
        },
        TaskStep::Complete { regarding: None },
    ];
    CrmWrites::update_task(&replay.client(), CLOSED_TASK.parse().unwrap(), &steps)
        .await
        .expect("all three taken");
    let sent = replay.seen_api();
    assert_eq!(sent.len(), 1, "one $batch");
    let body = &sent[0].body;
    assert_eq!(body.matches("Content-ID:").count(), 3, "{body}");
    assert_eq!(
        body.matches("--changeset_").count(),
        4,
        "one change set: {body}"
    );
    let at = |s: &str| body.find(s).unwrap_or_else(|| panic!("{s} in {body}"));
    assert!(at("\"statecode\":0") < at("new text") && at("new text") < at("\"statuscode\":5"));
}

#[tokio::test]
async fn closed_task_emulator_takes_the_documented_reopen_update_close() {
    let sim = emulator_with_sample_account().await;
    let row = crate::sim_fixture::row(json!({
        "activityid": CLOSED_TASK, "subject": "Conversation with Ana Pérez",
        "description": "old text", "statecode": 1, "statuscode": 5
    }));
    sim.server
        .control()
        .insert_row("tasks", row)
        .expect("insert");
    let control = sim.server.control();
    emulator_matches("task_reopen_update_close", sim).await;
    let t = control.row("tasks", CLOSED_TASK).expect("kept");
    assert_eq!(
        (t["statecode"].clone(), t["statuscode"].clone()),
        (json!(1), json!(5))
    );
    assert!(
        t["description"]
            .as_str()
            .unwrap()
            .contains("message number 1")
    );
}
