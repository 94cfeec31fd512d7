//! `$batch`: a multipart/mixed body of requests and change sets, run in
//! order under one write lock. A change set is atomic (the first failure
//! rolls it back and is the only answer given for it, with that
//! operation's Content-ID), `$n` Content-ID references resolve to entities
//! created earlier in the same change set. The answer is multipart/mixed in
//! Dataverse's layout (`batchresponse_` / `changesetresponse_` boundaries).
//!
//! Errors, as "Handling errors" in
//! <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#handling-errors>
//! shows them: the batch stops at the first failure and is answered with
//! that failure's status (e.g. `400`) around a multipart body that carries
//! the answers so far and the failing operation's own response. Under
//! `Prefer: odata.continue-on-error` a failed request outside a change set
//! does not stop the batch (`200 OK`, the error in its part); a failed
//! change set still does, since nothing after a rolled-back transaction
//! may assume it happened.

use std::collections::HashMap;
use std::fmt::Write;

use super::cost::WRITES_HEADER;
use super::response::{ApiError, OpResponse, reason_phrase};
use super::state::Shared;
use super::webapi::{OpRequest, parse_query, percent_decode};

pub const MAX_REQUESTS: usize = 1000;

#[derive(Debug)]
enum Item {
    Single(OpRequest),
    ChangeSet(Vec<(Option<String>, OpRequest)>),
}

enum Answer {
    Single(Option<String>, OpResponse),
    ChangeSet(Vec<(Option<String>, OpResponse)>),
}

fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        p.trim()
            .strip_prefix("boundary=")
            .map(|b| b.trim_matches('"').to_string())
    })
}

/// Splits a multipart body into its parts (text between delimiters).
fn parts<'a>(body: &'a str, boundary: &str) -> Vec<&'a str> {
    let delim = format!("--{boundary}");
    let mut out = Vec::new();
    for chunk in body.split(delim.as_str()).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        out.push(chunk.trim_start_matches(['\r', '\n']));
    }
    out
}

/// Splits "headers CRLF CRLF rest" into lower-cased headers and the rest.
fn split_head(text: &str) -> (HashMap<String, String>, &str) {
    let (head, rest) = match (text.find("\r\n\r\n"), text.find("\n\n")) {
        (Some(i), _) => (&text[..i], &text[i + 4..]),
        (None, Some(i)) => (&text[..i], &text[i + 2..]),
        (None, None) => (text, ""),
    };
    let headers = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (headers, rest)
}

fn parse_http(shared: &Shared, text: &str, outer: &OpRequest) -> Result<OpRequest, ApiError> {
    let text = text.trim_start_matches(['\r', '\n']);
    let (line, rest) = text.split_once('\n').unwrap_or((text, ""));
    let mut words = line.split_whitespace();
    let (Some(method), Some(url)) = (words.next(), words.next()) else {
        return Err(ApiError::bad_request(format!(
            "The request line '{}' of a $batch part is not valid.",
            line.trim()
        )));
    };
    let (mut headers, body) = split_head(rest);
    for inherited in ["callerobjectid", "mscrmcallerid"] {
        if let Some(v) = outer.header(inherited) {
            headers
                .entry(inherited.to_string())
                .or_insert_with(|| v.to_string());
        }
    }
    let api = shared.api_base();
    let rel = url
        .strip_prefix(api.as_str())
        .or_else(|| url.strip_prefix("/api/data/v9.2/"))
        .unwrap_or(url);
    let (path, query) = rel.split_once('?').unwrap_or((rel, ""));
    Ok(OpRequest {
        method: method.to_ascii_uppercase(),
        path: percent_decode(path),
        query: parse_query(query),
        headers,
        body: body.trim_end_matches(['\r', '\n']).as_bytes().to_vec(),
    })
}

fn parse(shared: &Shared, outer: &OpRequest) -> Result<Vec<Item>, ApiError> {
    let ct = outer.header("content-type").unwrap_or_default();
    let boundary = boundary_of(ct).ok_or_else(|| {
        ApiError::bad_request(
            "The $batch request must have a Content-Type of multipart/mixed with a boundary.",
        )
    })?;
    let body = String::from_utf8_lossy(&outer.body);
    let mut items = Vec::new();
    for part in parts(&body, &boundary) {
        let (headers, content) = split_head(part);
        let part_ct = headers
            .get("content-type")
            .map(String::as_str)
            .unwrap_or_default();
        if part_ct.starts_with("multipart/mixed") {
            let inner = boundary_of(part_ct)
                .ok_or_else(|| ApiError::bad_request("A change set must declare its boundary."))?;
            let mut ops = Vec::new();
            for op in parts(content, &inner) {
                let (op_headers, http) = split_head(op);
                ops.push((
                    op_headers.get("content-id").cloned(),
                    parse_http(shared, http, outer)?,
                ));
            }
            items.push(Item::ChangeSet(ops));
        } else {
            items.push(Item::Single(parse_http(shared, content, outer)?));
        }
    }
    let total: usize = items
        .iter()
        .map(|i| match i {
            Item::Single(_) => 1,
            Item::ChangeSet(ops) => ops.len(),
        })
        .sum();
    if total > MAX_REQUESTS {
        return Err(ApiError::bad_request(format!(
            "The number of requests in a batch ({total}) exceeds the maximum of {MAX_REQUESTS}."
        )));
    }
    Ok(items)
}

/// A `$n` path refers to an entity created earlier in the change set.
fn resolve_reference(op: &mut OpRequest, ids: &HashMap<String, String>, api: &str) {
    if let Some(n) = op.path.strip_prefix('$') {
        let (cid, tail) = n.split_once('/').unwrap_or((n, ""));
        if let Some(url) = ids.get(cid) {
            let base = url.strip_prefix(api).unwrap_or(url);
            op.path = if tail.is_empty() {
                base.to_string()
            } else {
                format!("{base}/{tail}")
            };
        }
    }
}

pub fn run(shared: &Shared, token_user: &str, outer: &OpRequest) -> OpResponse {
    let items = match parse(shared, outer) {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let continue_on_error = outer.prefer().continue_on_error;
    // Operations run, committed or not: each costs server time.
    let mut operations = 0usize;
    let api = shared.api_base();
    let mut answers = Vec::new();
    let mut db = shared.write_db();
    let none = HashMap::new();
    // The status of the failure that stopped the batch, if one did.
    let mut stopped_by = None;
    for item in items {
        let (failed, stops) = match item {
            Item::Single(op) => {
                operations += 1;
                let r = shared.execute(&mut db, token_user, &op, &none);
                let failed = r.status >= 400;
                let status = r.status;
                answers.push(Answer::Single(None, r));
                (failed.then_some(status), !continue_on_error)
            }
            Item::ChangeSet(ops) => {
                let sp = db.savepoint();
                let mut ids = HashMap::new();
                let mut done = Vec::new();
                let mut failure = None;
                for (cid, mut op) in ops {
                    resolve_reference(&mut op, &ids, &api);
                    operations += 1;
                    let r = shared.execute(&mut db, token_user, &op, &ids);
                    if r.status >= 400 {
                        failure = Some((cid, r));
                        break;
                    }
                    if let (Some(cid), Some(url)) = (&cid, r.header("OData-EntityId")) {
                        ids.insert(cid.clone(), url.to_string());
                    }
                    done.push((cid, r));
                }
                match failure {
                    Some((cid, r)) => {
                        db.rollback(sp);
                        let status = r.status;
                        answers.push(Answer::Single(cid, r));
                        (Some(status), true)
                    }
                    None => {
                        db.release(sp);
                        answers.push(Answer::ChangeSet(done));
                        (None, false)
                    }
                }
            }
        };
        if let (Some(status), true) = (failed, stops) {
            stopped_by = Some(status);
            break;
        }
    }
    drop(db);
    let boundary = format!("batchresponse_{}", uuid::Uuid::new_v4());
    let mut out = String::new();
    for a in &answers {
        let _ = write!(out, "--{boundary}\r\n");
        match a {
            Answer::Single(cid, r) => write_http(&mut out, cid.as_deref(), r),
            Answer::ChangeSet(rs) => {
                let cs = format!("changesetresponse_{}", uuid::Uuid::new_v4());
                let _ = write!(out, "Content-Type: multipart/mixed; boundary={cs}\r\n\r\n");
                for (cid, r) in rs {
                    let _ = write!(out, "--{cs}\r\n");
                    write_http(&mut out, cid.as_deref(), r);
                }
                let _ = write!(out, "--{cs}--\r\n");
            }
        }
    }
    let _ = write!(out, "--{boundary}--\r\n");
    let mut resp = OpResponse {
        status: stopped_by.unwrap_or(200),
        headers: vec![
            (
                "Content-Type".into(),
                format!("multipart/mixed; boundary={boundary}"),
            ),
            ("OData-Version".into(), "4.0".into()),
        ],
        body: out.into_bytes(),
    };
    if continue_on_error {
        resp = resp.with_header("Preference-Applied", "odata.continue-on-error");
    }
    resp.with_header(WRITES_HEADER, operations.to_string())
}

fn write_http(out: &mut String, content_id: Option<&str>, r: &OpResponse) {
    out.push_str("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
    if let Some(cid) = content_id {
        let _ = write!(out, "Content-ID: {cid}\r\n");
    }
    let _ = write!(
        out,
        "\r\nHTTP/1.1 {} {}\r\n",
        r.status,
        reason_phrase(r.status)
    );
    for (k, v) in &r.headers {
        let _ = write!(out, "{k}: {v}\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&String::from_utf8_lossy(&r.body));
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_stop_at_the_closing_delimiter() {
        let body = "--b\r\nA\r\n--b\r\nB\r\n--b--\r\nignored";
        assert_eq!(parts(body, "b"), vec!["A\r\n", "B\r\n"]);
    }

    #[test]
    fn boundary_is_read_from_content_type() {
        assert_eq!(
            boundary_of("multipart/mixed; boundary=\"batch_x\"").as_deref(),
            Some("batch_x")
        );
    }
}
