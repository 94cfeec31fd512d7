//! What a task says: an activity's subject and text, who the member is,
//! and whether it is about a contact (closed) or waits in the queue
//! (open).

use uuid::Uuid;

use crate::config::ActivityKind;
use crate::crm::writes::{NewTask, TaskState};
use crate::crm::{EntityKind, EntityRef};
use crate::store::activities::{Activity, NewActivity};

#[cfg(any(test, feature = "testkit"))]
/// The task id of an activity: a UUID v5 of its external id, so even a
/// store restored from before the send would re-send the same id.
pub fn task_id(a: &Activity) -> String {
    task_uuid(a).to_string()
}

pub(super) fn task_uuid(a: &Activity) -> Uuid {
    let ns = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://navsync/tasks");
    Uuid::new_v5(&ns, a.new.external_id.as_bytes())
}

/// Who the member is: name, title and company, e-mail and profile URL,
/// so an open task still says whom it was about.
pub(crate) fn member_header(n: &NewActivity) -> String {
    let about: Vec<&str> = [n.member_title.as_deref(), n.member_company.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let mut header = n.member_name.clone();
    if !about.is_empty() {
        header.push_str(&format!(" ({})", about.join(", ")));
    }
    for extra in [n.member_email.as_deref(), n.member_profile_url.as_deref()]
        .into_iter()
        .flatten()
    {
        header.push_str(&format!("\n{extra}"));
    }
    header
}

/// A conversation's text is whole already (it starts with the member);
/// any other activity's body follows who the member is.
pub(super) fn description(a: &Activity) -> String {
    if a.messages.is_some() {
        return a.new.body.clone();
    }
    format!(
        "{} with {}\n\n{}",
        kind_label(a.new.kind),
        member_header(&a.new),
        a.new.body
    )
}

fn kind_label(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Inmail => "InMail",
        ActivityKind::Message => "Message",
        ActivityKind::Note => "Note",
        ActivityKind::Tag => "Tag",
    }
}

/// The task: completed and regarding the contact when matched, open and
/// regarding nothing otherwise; owned by the seat holder.
pub(super) fn new_task(a: &Activity, owner: Uuid, contact: Option<Uuid>) -> NewTask {
    NewTask {
        id: task_uuid(a),
        subject: a.new.subject.clone(),
        description: description(a),
        at: a.new.occurred_at.clone(),
        owner,
        regarding: contact.map(|c| EntityRef::new(EntityKind::Contact, c)),
        state: if contact.is_some() {
            TaskState::Completed
        } else {
            TaskState::Open
        },
    }
}
