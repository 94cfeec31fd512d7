//! An activity file's records judged line by line: each good one made
//! into an activity (its seat found, its id stable), each bad one kept
//! with its line number and why.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

#[cfg(any(test, feature = "testkit"))]
use super::super::import_records::FormatFrom;
#[cfg(any(test, feature = "testkit"))]
use super::Format;
use super::{FIELDS, LineError, Record};
use crate::config::ActivityKind;
use crate::escape;
use crate::store::activities::NewActivity;
use crate::store::seats::Seat;

#[cfg(any(test, feature = "testkit"))]
/// The good lines (with their line numbers) and the bad ones.
#[derive(Debug, Default)]
pub struct Parsed {
    pub good: Vec<(u64, NewActivity)>,
    pub bad: Vec<LineError>,
}

/// Seats by member id, by the id `seats list` prints and by e-mail
/// (case-insensitive): the `seat` field takes any of them, like
/// `navsync seats enable` (see `engine::seats::find_seat`).
pub struct SeatLookup(HashMap<String, i64>);

impl SeatLookup {
    pub fn new(seats: &[Seat]) -> Self {
        let mut m = HashMap::new();
        for s in seats {
            if let Some(e) = &s.email {
                m.insert(e.trim().to_lowercase(), s.id);
            }
        }
        for s in seats {
            m.insert(s.id.to_string(), s.id);
        }
        // Member ids win over ids and e-mails if a value is both.
        for s in seats {
            m.insert(s.member_id.clone(), s.id);
        }
        SeatLookup(m)
    }

    fn find(&self, seat: &str) -> Option<i64> {
        let seat = seat.trim();
        self.0
            .get(seat)
            .or_else(|| self.0.get(&seat.to_lowercase()))
            .copied()
    }
}

#[cfg(any(test, feature = "testkit"))]
/// Parses a whole file's text; `Err` only when a CSV header is unusable.
pub fn parse(text: &str, format: Format, seats: &SeatLookup) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    let read = super::super::import_records::read(
        text.as_bytes(),
        FormatFrom::Given(format),
        u64::MAX,
        |item| {
            match item.and_then(|r| build(r, seats)) {
                Ok(good) => out.good.push(good),
                Err(bad) => out.bad.push(bad),
            }
            Ok::<_, std::convert::Infallible>(())
        },
    );
    match read {
        Ok(_) => Ok(out),
        Err(e) => Err(e.to_string()),
    }
}

/// One record judged: the activity it makes, or why it makes none.
pub(super) fn build(record: Record, seats: &SeatLookup) -> Result<(u64, NewActivity), LineError> {
    let line = record.line;
    Fields::from_record(record)
        .and_then(|f| f.build(seats))
        .map(|a| (line, a))
        .map_err(|reason| LineError { line, reason })
}

/// One line's values by field name, before validation. Empty text is
/// absent.
#[derive(Debug, Default)]
struct Fields(HashMap<&'static str, String>);

impl Fields {
    fn from_record(record: Record) -> Result<Self, String> {
        record
            .fields
            .into_iter()
            .try_fold(Fields::default(), |mut f, (k, v)| f.set(&k, v).map(|()| f))
    }

    fn set(&mut self, key: &str, value: String) -> Result<(), String> {
        let Some(&name) = FIELDS.iter().find(|f| **f == key) else {
            return Err(format!(
                "unknown field `{}` (allowed: {})",
                escape::value(key),
                FIELDS.join(", ")
            ));
        };
        let name = if name == "external_id" { "id" } else { name };
        // The CRM would take it, and nothing downstream expects one.
        if let Some(at) = value.find('\0') {
            return Err(format!(
                "`{name}` holds a NUL character (at byte {})",
                at + 1
            ));
        }
        if !value.trim().is_empty() {
            self.0.insert(name, value);
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    fn opt(&self, key: &str) -> Option<String> {
        self.get(key).map(|v| v.trim().to_string())
    }

    fn required(&self, key: &str) -> Result<&str, String> {
        self.get(key)
            .map(str::trim)
            .ok_or_else(|| format!("missing `{key}`"))
    }

    fn build(self, seats: &SeatLookup) -> Result<NewActivity, String> {
        let kind_text = self.required("kind")?;
        let kind = ActivityKind::parse(kind_text).ok_or_else(|| {
            format!(
                "unknown kind `{}` (use inmail, message, note or tag)",
                escape::value(kind_text)
            )
        })?;
        let thread = self.opt("thread");
        if thread.is_some() && !kind.in_threads() {
            return Err(format!(
                "`thread` is for InMails and messages, not a {}",
                kind.as_str()
            ));
        }
        let tag = self.opt("tag");
        match (kind, &tag) {
            (ActivityKind::Tag, None) => return Err("a tag needs `tag`, its label".into()),
            (ActivityKind::Tag, Some(_)) | (_, None) => {}
            (_, Some(_)) => return Err("`tag` is only for kind tag".into()),
        }
        let seat_text = self.required("seat")?;
        let seat_id = seats.find(seat_text).ok_or_else(|| {
            format!(
                "unknown seat `{}` (use a seat's id, member id or e-mail; see `navsync seats list`)",
                escape::value(seat_text)
            )
        })?;
        let member_name = self.required("member_name")?.to_string();
        let at_text = self.required("occurred_at")?;
        let occurred_at = DateTime::parse_from_rfc3339(at_text)
            .map_err(|e| {
                format!(
                    "`occurred_at` \"{}\" is not an RFC 3339 time like 2025-03-01T09:30:00Z ({e})",
                    escape::value(at_text)
                )
            })?
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Secs, true);
        let copy_to_crm = match self
            .get("copy_to_crm")
            .map(|v| v.trim().to_ascii_lowercase())
        {
            None => true,
            Some(v) => match v.as_str() {
                "true" | "yes" | "1" => true,
                "false" | "no" | "0" => false,
                _ => {
                    return Err(format!(
                        "`copy_to_crm` \"{}\" must be true or false",
                        escape::value(&v)
                    ));
                }
            },
        };
        let member_email = self.opt("member_email");
        if let Some(e) = &member_email
            && !e.contains('@')
        {
            return Err(format!(
                "`member_email` \"{}\" is not an e-mail address",
                escape::value(e)
            ));
        }
        let subject = self.opt("subject").unwrap_or_else(|| match &tag {
            Some(t) => format!("Tag: {t}"),
            None => format!("{}: {member_name}", kind_label(kind)),
        });
        let mut a = NewActivity {
            external_id: String::new(),
            seat_id,
            kind,
            member_name,
            member_company: self.opt("member_company"),
            member_title: self.opt("member_title"),
            member_email,
            member_profile_url: self.opt("member_profile_url"),
            subject,
            body: self.get("body").unwrap_or("").to_string(),
            occurred_at,
            copy_to_crm,
            thread,
            tag,
            sender: self.opt("sender"),
        };
        a.external_id = self.opt("id").unwrap_or_else(|| derived_id(&a));
        Ok(a)
    }
}

fn kind_label(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Inmail => "InMail",
        ActivityKind::Message => "Message",
        ActivityKind::Note => "Note",
        ActivityKind::Tag => "Tag",
    }
}

/// A line without `id` gets a UUID v5 of what makes it this activity
/// (seat, kind, member, time, subject, body), so the same line imported
/// again, from any file, gets the same id; `copy_to_crm` is left out so
/// flipping it does not create a second activity. A tag is the same tag
/// whenever it was put: only seat, member and label count.
fn derived_id(a: &NewActivity) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://navsync/activities");
    let seat = a.seat_id.to_string();
    let who = [
        seat.as_str(),
        a.kind.as_str(),
        &a.member_name,
        a.member_email.as_deref().unwrap_or(""),
        a.member_profile_url.as_deref().unwrap_or(""),
    ];
    let content = match &a.tag {
        Some(tag) => [&who[..], &[tag.as_str()]].concat(),
        None => [&who[..], &[a.occurred_at.as_str(), &a.subject, &a.body]].concat(),
    }
    .join("\u{1f}");
    format!("v5:{}", Uuid::new_v5(&namespace, content.as_bytes()))
}
