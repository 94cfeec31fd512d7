//! Writes through `$batch`: each [`ChangeSet`] is one atomic transaction,
//! up to 1,000 operations go in one HTTP request, and every change set
//! gets its own result. Creates carry client-generated ids, so sending one
//! twice (a retry after a lost answer) is recognised as already done.

use bytes::Bytes;
use serde_json::Value;
use uuid::Uuid;

use super::client::Client;
use super::error::{CrmError, from_status, parse_error_body};
use super::odata::Column;
use super::transport::Request;

/// Dataverse's limit of requests in one `$batch`.
pub const MAX_BATCH_OPERATIONS: usize = 1000;

/// Dataverse's "Cannot insert duplicate key" (-2147220937): a create whose
/// client-chosen id already exists.
const DUPLICATE_KEY: &str = "0x80040237";

/// One write.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOp {
    /// POST a new row whose primary key (`key` column) is `id`.
    Create {
        entity_set: String,
        key: Column,
        id: Uuid,
        body: Value,
    },
    /// PATCH an existing row (`If-Match: *`: never creates). Lookups are
    /// set with `"name@odata.bind": "/contacts(ID)"`.
    Update {
        entity_set: String,
        id: Uuid,
        body: Value,
    },
}

/// Whose name a change set is written under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// `CallerObjectId`: the user's Microsoft Entra object id.
    #[cfg(any(test, feature = "testkit"))]
    EntraObjectId(Uuid),
    /// `MSCRMCallerID`: the user's systemuserid.
    SystemUser(Uuid),
}

/// Operations that succeed or fail together.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSet {
    pub ops: Vec<WriteOp>,
    /// Impersonate this user (the connecting user needs the
    /// prvActOnBehalfOfAnotherUser privilege).
    pub caller: Option<Caller>,
}

impl ChangeSet {
    pub fn new(ops: Vec<WriteOp>) -> Self {
        Self { ops, caller: None }
    }
}

/// What became of one change set.
#[derive(Debug)]
pub enum WriteResult {
    /// Every operation took effect.
    Done,
    /// A single create whose id already existed: it was written before.
    AlreadyExists,
    Failed(CrmError),
}

impl WriteResult {
    /// Done now or before.
    pub fn is_ok(&self) -> bool {
        matches!(self, Self::Done | Self::AlreadyExists)
    }
}

impl Client {
    /// Sends change sets in `$batch` requests of at most
    /// [`MAX_BATCH_OPERATIONS`] operations; one result per change set, in
    /// order. A change set the server left unprocessed is sent again in the
    /// next request.
    pub async fn write_batch(&self, sets: &[ChangeSet]) -> Result<Vec<WriteResult>, CrmError> {
        let sets = &self.fitted(sets).await?[..];
        let mut results: Vec<Option<WriteResult>> = sets.iter().map(|_| None).collect();
        let mut start = 0;
        while start < sets.len() {
            let mut end = start;
            let mut ops = 0;
            while end < sets.len()
                && (end == start || ops + sets[end].ops.len() <= MAX_BATCH_OPERATIONS)
            {
                ops += sets[end].ops.len();
                end += 1;
            }
            let answered = self.send_batch(&sets[start..end]).await?;
            if answered.is_empty() {
                return Err(CrmError::api(
                    None,
                    "POST $batch: the CRM processed none of the change sets",
                ));
            }
            let n = answered.len();
            for (slot, r) in results[start..].iter_mut().zip(answered) {
                *slot = Some(r);
            }
            start += n;
        }
        Ok(results.into_iter().flatten().collect())
    }

    #[cfg(any(test, feature = "testkit"))]
    /// Creates rows with client-generated ids, each in its own change set
    /// so one failure does not undo the others.
    pub async fn create_batch(
        &self,
        entity_set: &str,
        key: &Column,
        rows: Vec<(Uuid, Value)>,
    ) -> Result<Vec<WriteResult>, CrmError> {
        let sets: Vec<ChangeSet> = rows
            .into_iter()
            .map(|(id, body)| {
                ChangeSet::new(vec![WriteOp::Create {
                    entity_set: entity_set.to_string(),
                    key: key.clone(),
                    id,
                    body,
                }])
            })
            .collect();
        self.write_batch(&sets).await
    }

    #[cfg(any(test, feature = "testkit"))]
    /// Updates one row (never creates it).
    pub async fn update(&self, entity_set: &str, id: Uuid, body: Value) -> Result<(), CrmError> {
        let set = ChangeSet::new(vec![WriteOp::Update {
            entity_set: entity_set.to_string(),
            id,
            body,
        }]);
        match self.write_batch(std::slice::from_ref(&set)).await?.pop() {
            Some(WriteResult::Failed(e)) => Err(e),
            Some(_) => Ok(()),
            None => Err(CrmError::api(None, "PATCH: no answer for the change set")),
        }
    }

    async fn send_batch(&self, sets: &[ChangeSet]) -> Result<Vec<WriteResult>, CrmError> {
        let boundary = format!("batch_{}", Uuid::new_v4().simple());
        let body = encode_batch(self.inner.api_base.as_str(), &boundary, sets)?;
        let mut req = Request::post(self.api_url("$batch")?, "POST $batch", Bytes::from(body))
            .header(
                "content-type",
                &format!("multipart/mixed; boundary={boundary}"),
            )?
            .header("prefer", "odata.continue-on-error")?;
        req.batch = true;
        self.execute_with(&req, |answer| {
            let ct = answer
                .headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let parts = parse_multipart(&ct, &answer.body)?;
            if answer.status.is_success() {
                Ok(parts
                    .into_iter()
                    .zip(sets)
                    .enumerate()
                    .map(|(i, (part, set))| judge(part, set, first_content_id(sets, i)))
                    .collect())
            } else {
                stopped(answer.status.as_u16(), parts, sets)
            }
        })
        .await
    }
}

/// The Content-ID [`encode_batch`] gives the first operation of `sets[i]`.
fn first_content_id(sets: &[ChangeSet], i: usize) -> usize {
    1 + sets[..i].iter().map(|s| s.ops.len()).sum::<usize>()
}

/// The change set holding the operation numbered `content_id`.
fn set_of(sets: &[ChangeSet], content_id: usize) -> Option<usize> {
    (0..sets.len()).find(|&i| {
        let first = first_content_id(sets, i);
        (first..first + sets[i].ops.len()).contains(&content_id)
    })
}

/// A batch the server stopped at a failure (an error status around a
/// multipart body): the change sets before the failing one were committed,
/// the failing one was rolled back, and those after it were never run (left
/// out of the answer, so [`Client::write_batch`] sends them again). The
/// failing part's Content-ID says which change set failed; a body that
/// carries only that part still means those before it were committed, since
/// Dataverse runs a batch in order and stops at the first failure.
fn stopped(
    status: u16,
    mut parts: Vec<PartAnswer>,
    sets: &[ChangeSet],
) -> Result<Vec<WriteResult>, CrmError> {
    let bad = |why: String| CrmError::api(Some(status), format!("POST $batch: {why}"));
    let failing = parts
        .pop()
        .ok_or_else(|| bad("the CRM stopped the batch but named no failing request".into()))?;
    let content_id = failing
        .iter()
        .find(|a| !(200..300).contains(&a.status))
        .and_then(|a| a.content_id.as_deref()?.parse::<usize>().ok());
    let failed_at = match content_id {
        Some(cid) => set_of(sets, cid).unwrap_or(sets.len()),
        None => parts.len(),
    };
    if failed_at >= sets.len() || parts.len() > failed_at {
        return Err(bad(format!(
            "the failure names a request that was not sent ({} answers for {} change sets)",
            parts.len() + 1,
            sets.len()
        )));
    }
    let mut out: Vec<WriteResult> = (0..failed_at)
        .map(|i| match parts.get(i) {
            Some(part) => judge(part.clone(), &sets[i], first_content_id(sets, i)),
            None => WriteResult::Done,
        })
        .collect();
    out.push(judge(
        failing,
        &sets[failed_at],
        first_content_id(sets, failed_at),
    ));
    Ok(out)
}

/// One inner HTTP response of a `$batch` answer.
#[derive(Debug, Clone)]
struct InnerAnswer {
    status: u16,
    content_id: Option<String>,
    body: Bytes,
}

/// One change set's answer: the inner HTTP responses.
type PartAnswer = Vec<InnerAnswer>;

fn judge(answers: PartAnswer, set: &ChangeSet, first_content_id: usize) -> WriteResult {
    let Some(failed) = answers.iter().find(|a| !(200..300).contains(&a.status)) else {
        return WriteResult::Done;
    };
    let duplicate = parse_error_body(&failed.body).is_some_and(|(code, _)| code == DUPLICATE_KEY)
        || failed.status == 412;
    let single_create = matches!(set.ops.as_slice(), [WriteOp::Create { .. }]);
    if duplicate && single_create {
        return WriteResult::AlreadyExists;
    }
    // Name the operation that failed: its Content-ID when the answer gives
    // one, else the change set's only operation.
    let op = match failed
        .content_id
        .as_deref()
        .and_then(|c| c.parse::<usize>().ok())
    {
        Some(cid) => cid
            .checked_sub(first_content_id)
            .and_then(|i| set.ops.get(i)),
        None if set.ops.len() == 1 => set.ops.first(),
        None => None,
    };
    let what = match op {
        Some(WriteOp::Create { entity_set, id, .. }) => format!("create {entity_set}({id})"),
        Some(WriteOp::Update { entity_set, id, .. }) => format!("update {entity_set}({id})"),
        None => format!(
            "a write to {}",
            set.ops.first().map_or("?", |op| match op {
                WriteOp::Create { entity_set, .. } | WriteOp::Update { entity_set, .. } =>
                    entity_set.as_str(),
            })
        ),
    };
    let what = match &failed.content_id {
        Some(cid) => format!("$batch {what} (Content-ID {cid})"),
        None => format!("$batch {what}"),
    };
    WriteResult::Failed(from_status(failed.status, &failed.body, None, &what))
}

fn encode_batch(api_base: &str, boundary: &str, sets: &[ChangeSet]) -> Result<Vec<u8>, CrmError> {
    let mut out = String::new();
    let mut content_id = 0;
    for set in sets {
        let cs = format!("changeset_{}", Uuid::new_v4().simple());
        out.push_str(&format!(
            "--{boundary}\r\nContent-Type: multipart/mixed; boundary={cs}\r\n\r\n"
        ));
        for op in &set.ops {
            content_id += 1;
            let (line, extra, body) = match op {
                WriteOp::Create {
                    entity_set,
                    key,
                    id,
                    body,
                } => {
                    let mut body = body.clone();
                    if let Value::Object(m) = &mut body {
                        m.insert(key.as_str().to_string(), Value::String(id.to_string()));
                    }
                    (
                        format!("POST {api_base}{} HTTP/1.1", Column::new(entity_set)?),
                        "",
                        body,
                    )
                }
                WriteOp::Update {
                    entity_set,
                    id,
                    body,
                } => (
                    format!(
                        "PATCH {api_base}{}({id}) HTTP/1.1",
                        Column::new(entity_set)?
                    ),
                    "If-Match: *\r\n",
                    body.clone(),
                ),
            };
            let caller = match set.caller {
                #[cfg(any(test, feature = "testkit"))]
                Some(Caller::EntraObjectId(u)) => format!("CallerObjectId: {u}\r\n"),
                Some(Caller::SystemUser(u)) => format!("MSCRMCallerID: {u}\r\n"),
                None => String::new(),
            };
            out.push_str(&format!(
                "--{cs}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: {content_id}\r\n\r\n{line}\r\nContent-Type: application/json\r\n{extra}{caller}\r\n{body}\r\n"
            ));
        }
        out.push_str(&format!("--{cs}--\r\n"));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    Ok(out.into_bytes())
}

/// Parses a `$batch` answer into one entry per top-level part: a change
/// set's inner responses, or the single response that failed it.
fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<PartAnswer>, CrmError> {
    let bad = |why: &str| CrmError::api(None, format!("POST $batch: malformed answer ({why})"));
    let boundary = boundary_of(content_type).ok_or_else(|| bad("no multipart boundary"))?;
    let text = std::str::from_utf8(body).map_err(|_| bad("not UTF-8"))?;
    let mut out = Vec::new();
    for part in split_parts(text, &boundary) {
        let (headers, rest) = split_head(part);
        let ct = header(headers, "content-type").unwrap_or_default();
        if ct.to_ascii_lowercase().starts_with("multipart/mixed") {
            let inner = boundary_of(&ct).ok_or_else(|| bad("no change set boundary"))?;
            let mut answers = Vec::new();
            for p in split_parts(rest, &inner) {
                let (head, msg) = split_head(p);
                answers.push(parse_http(head, msg).ok_or_else(|| bad("bad inner response"))?);
            }
            out.push(answers);
        } else {
            out.push(vec![
                parse_http(headers, rest).ok_or_else(|| bad("bad response part"))?,
            ]);
        }
    }
    Ok(out)
}

/// The boundary of a multipart Content-Type, read as MIME defines the
/// header (case-insensitive names, quoted values, any spacing).
fn boundary_of(content_type: &str) -> Option<String> {
    let m: mime::Mime = content_type.trim().parse().ok()?;
    (m.type_() == mime::MULTIPART)
        .then(|| m.get_param(mime::BOUNDARY))
        .flatten()
        .map(|b| b.as_str().to_string())
}

/// The parts between `--boundary` lines, up to `--boundary--`.
fn split_parts<'a>(text: &'a str, boundary: &str) -> Vec<&'a str> {
    let delim = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut chunks = text.split(delim.as_str());
    chunks.next(); // preamble
    for chunk in chunks {
        if chunk.starts_with("--") {
            break;
        }
        parts.push(chunk.trim_start_matches(['\r', '\n']));
    }
    parts
}

/// Splits a part into its header block and what follows the blank line.
fn split_head(part: &str) -> (&str, &str) {
    if let Some(i) = part.find("\r\n\r\n") {
        (&part[..i], &part[i + 4..])
    } else if let Some(i) = part.find("\n\n") {
        (&part[..i], &part[i + 2..])
    } else {
        (part, "")
    }
}

fn header(block: &str, name: &str) -> Option<String> {
    block.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// `HTTP/1.1 204 No Content` + headers + body, under the part's `head`
/// (which carries its Content-ID).
fn parse_http(head: &str, msg: &str) -> Option<InnerAnswer> {
    let status: u16 = msg
        .lines()
        .next()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    let (_, body) = split_head(msg);
    Some(InnerAnswer {
        status,
        content_id: header(head, "content-id"),
        body: Bytes::from(body.trim_end().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boundary_is_read_as_mime_defines_it() {
        for ct in [
            "multipart/mixed; boundary=batchresponse_1",
            "Multipart/Mixed;Boundary=\"batchresponse_1\"",
            "multipart/mixed; charset=utf-8;  boundary=batchresponse_1",
        ] {
            assert_eq!(boundary_of(ct).as_deref(), Some("batchresponse_1"), "{ct}");
        }
        assert_eq!(boundary_of("application/json; boundary=x"), None);
    }

    #[test]
    fn parses_a_changeset_answer_and_a_failed_one() {
        let body = "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_a\r\n\r\n--changesetresponse_a\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 1\r\n\r\nHTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\n\r\n\r\n--changesetresponse_a--\r\n--batchresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{\"error\":{\"code\":\"0x80040237\",\"message\":\"Cannot insert duplicate key.\"}}\r\n--batchresponse_1--\r\n";
        let parts =
            parse_multipart("multipart/mixed; boundary=batchresponse_1", body.as_bytes()).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0][0].status, 204);
        assert_eq!(parts[0][0].content_id.as_deref(), Some("1"));
        assert_eq!(parts[1][0].status, 400);
        let set = ChangeSet::new(vec![WriteOp::Create {
            entity_set: "tasks".into(),
            key: Column::new("activityid").unwrap(),
            id: Uuid::nil(),
            body: serde_json::json!({}),
        }]);
        assert!(matches!(
            judge(parts[1].clone(), &set, 2),
            WriteResult::AlreadyExists
        ));
    }
}

/// A batch stopped at a failure: the documented answer
/// (https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#handling-errors)
/// with the failing part only, or with the committed parts before it.
#[cfg(test)]
mod stopped_batch {
    use super::*;

    fn create() -> ChangeSet {
        ChangeSet::new(vec![WriteOp::Create {
            entity_set: "tasks".into(),
            key: Column::new("activityid").unwrap(),
            id: Uuid::nil(),
            body: serde_json::json!({}),
        }])
    }

    const FAILING_2: &str = "--batchresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 2\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Type: application/json; odata.metadata=minimal\r\n\r\n{\"error\":{\"code\":\"0x80044331\",\"message\":\"A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'.\"}}\r\n--batchresponse_1--\r\n";

    #[test]
    fn the_failing_part_alone_means_the_sets_before_it_were_committed() {
        let sets = vec![create(), create(), create()];
        let parts = parse_multipart(
            "multipart/mixed; boundary=batchresponse_1",
            FAILING_2.as_bytes(),
        )
        .unwrap();
        let out = stopped(400, parts, &sets).unwrap();
        assert_eq!(out.len(), 2, "the third set was never run: {out:?}");
        assert!(matches!(out[0], WriteResult::Done));
        let WriteResult::Failed(e) = &out[1] else {
            panic!("{out:?}")
        };
        assert!(
            matches!(e, CrmError::Api { status: Some(400), code: Some(c), .. } if c == "0x80044331"),
            "{e:?}"
        );
        assert!(e.detail().contains("Content-ID 2"), "{}", e.detail());
    }

    #[test]
    fn a_two_operation_set_failing_at_its_second_is_one_failure() {
        let mut set = create();
        set.ops.push(WriteOp::Update {
            entity_set: "tasks".into(),
            id: Uuid::nil(),
            body: serde_json::json!({}),
        });
        let parts = parse_multipart(
            "multipart/mixed; boundary=batchresponse_1",
            FAILING_2.as_bytes(),
        )
        .unwrap();
        let out = stopped(400, parts, std::slice::from_ref(&set)).unwrap();
        assert_eq!(out.len(), 1);
        let WriteResult::Failed(e) = &out[0] else {
            panic!("{out:?}")
        };
        assert!(e.detail().contains("update tasks("), "{}", e.detail());
    }

    #[test]
    fn a_failure_naming_an_unsent_request_is_an_error() {
        let parts = parse_multipart(
            "multipart/mixed; boundary=batchresponse_1",
            FAILING_2.as_bytes(),
        )
        .unwrap();
        assert!(stopped(400, parts, &[create()]).is_err());
    }
}

/// The `$batch` answer parser meets whatever the network delivers: it must
/// refuse garbage and cut-off bodies with an error, never panic.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    const GOOD: &str = "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_a\r\n\r\n--changesetresponse_a\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 1\r\n\r\nHTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\n\r\n\r\n--changesetresponse_a--\r\n--batchresponse_1--\r\n";

    proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(ct in "\\PC{0,60}", body in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse_multipart(&ct, &body);
            let _ = parse_multipart("multipart/mixed; boundary=batchresponse_1", &body);
        }

        #[test]
        fn a_cut_off_answer_never_panics(cut in 0..GOOD.len(), noise in "\\PC{0,20}") {
            let mut body = GOOD.as_bytes()[..cut].to_vec();
            body.extend_from_slice(noise.as_bytes());
            let _ = parse_multipart("multipart/mixed; boundary=batchresponse_1", &body);
        }
    }
}
