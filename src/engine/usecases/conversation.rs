//! "Copy thread to CRM": the InMails and messages of one thread with one
//! member, imported by one seat, go back as one activity, the
//! conversation. It is a row of its own in the store (so matching, the
//! queue, resolving and the console treat it as one item); its messages
//! keep their rows, gathered into it. Each import that adds messages makes
//! a new version of its text, which writeback sends once.

use chrono::DateTime;
use uuid::Uuid;

use crate::config::{ThreadMode, WrittenWords};
use crate::store::StoreError;
use crate::store::activities::{self, Activity, NewActivity};

/// How conversations are written, read once per run.
#[derive(Debug, Clone)]
pub struct ThreadRules {
    pub mode: ThreadMode,
    pub words: WrittenWords,
    /// The task description's `MaxLength` (characters).
    pub description_limit: usize,
}

/// Dataverse's default length of a task's description, for when the
/// metadata cannot be read.
pub(crate) const DEFAULT_DESCRIPTION_LIMIT: usize = 2000;

impl Default for ThreadRules {
    fn default() -> Self {
        Self {
            mode: ThreadMode::default(),
            words: WrittenWords::new(crate::config::Lang::default()),
            description_limit: DEFAULT_DESCRIPTION_LIMIT,
        }
    }
}

impl ThreadRules {
    /// Whether `a` is written as part of a conversation.
    pub(crate) fn gathers(&self, a: &Activity) -> bool {
        self.mode == ThreadMode::Conversation
            && a.new.kind.in_threads()
            && a.new.thread.is_some()
            && a.messages.is_none()
    }
}

/// The external id of the conversation of (seat, thread, member): the
/// same whatever file or run brings its messages.
fn conversation_id(m: &NewActivity, thread: &str) -> String {
    let ns = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://navsync/conversations");
    let key = [m.seat_id.to_string().as_str(), thread, m.member_name.trim()].join("\u{1f}");
    format!("conversation:{}", Uuid::new_v5(&ns, key.as_bytes()))
}

/// Puts `message` into its conversation, made from it if it is the first;
/// returns the conversation's row id.
pub(crate) fn gather(
    tx: &rusqlite::Connection,
    message: &Activity,
    rules: &ThreadRules,
) -> Result<i64, StoreError> {
    let thread = message.new.thread.as_deref().unwrap_or_default();
    let external_id = conversation_id(&message.new, thread);
    let conversation = match activities::by_external_id(tx, &external_id)? {
        Some(c) => c.id,
        None => {
            let first = NewActivity {
                external_id: external_id.clone(),
                subject: rules.words.conversation_subject(&message.new.member_name),
                body: String::new(),
                copy_to_crm: true,
                tag: None,
                sender: None,
                ..message.new.clone()
            };
            activities::insert(tx, &first)?;
            let made =
                activities::by_external_id(tx, &external_id)?.ok_or(StoreError::BadValue {
                    column: "activities.external_id",
                    value: external_id,
                })?;
            activities::set_conversation_text(tx, made.id, "", 0, 0)?;
            made.id
        }
    };
    activities::join_conversation(tx, message.id, conversation)?;
    Ok(conversation)
}

/// The conversation's next version: its text from all its messages, kept
/// in its row (the console shows it) and returned with the row.
pub(crate) fn next_version(
    tx: &rusqlite::Connection,
    conversation: &Activity,
    rules: &ThreadRules,
) -> Result<Activity, StoreError> {
    let messages = activities::conversation_messages(tx, conversation.id)?;
    let text = text(conversation, &messages, rules);
    let mut next = conversation.clone();
    next.version += 1;
    next.messages = Some(messages.len() as i64);
    next.new.body = text;
    activities::set_conversation_text(
        tx,
        next.id,
        &next.new.body,
        messages.len() as i64,
        next.version,
    )?;
    Ok(next)
}

/// Who the member is, then the messages oldest first, each with its
/// sender and time. When they do not fit the column, the oldest go and a
/// line says how many; a newest message too long on its own is cut.
fn text(conversation: &Activity, messages: &[Activity], rules: &ThreadRules) -> String {
    let header = super::writeback::member_header(&conversation.new);
    let blocks: Vec<String> = messages.iter().map(message_block).collect();
    let len = |s: &str| s.chars().count();
    const GAP: usize = 2;
    let mut total = len(&header) + blocks.iter().map(|b| GAP + len(b)).sum::<usize>();
    let mut skipped = 0;
    let mut marker = String::new();
    while total + marker_len(&marker) > rules.description_limit && skipped + 1 < blocks.len() {
        total -= GAP + len(&blocks[skipped]);
        skipped += 1;
        marker = rules.words.earlier_messages(skipped);
    }
    let mut parts = vec![header];
    if skipped > 0 {
        parts.push(marker);
    }
    parts.extend(blocks.into_iter().skip(skipped));
    let whole = parts.join("\n\n");
    crate::crm::fit_text(&whole, rules.description_limit).unwrap_or(whole)
}

fn marker_len(marker: &str) -> usize {
    if marker.is_empty() {
        0
    } else {
        2 + marker.chars().count()
    }
}

fn message_block(m: &Activity) -> String {
    let sender = m.new.sender.as_deref().unwrap_or(&m.new.member_name);
    let at = DateTime::parse_from_rfc3339(&m.new.occurred_at)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| m.new.occurred_at.clone());
    format!("{sender} · {at}\n{}", m.new.body)
}
