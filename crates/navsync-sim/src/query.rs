//! Entity-set reads: paging with `Prefer: odata.maxpagesize` and an
//! opaque `$skiptoken`, ordering, `$count`, and change tracking
//! (`odata.track-changes`, `$deltatoken`, `$deletedEntity` rows). The
//! options are parsed in `options`, rows written by `row_json`.

use std::cmp::Ordering;
use std::io::Write;

use chrono::Utc;
use serde_json::Value;

use super::cost::{COLUMNS_HEADER, ROWS_HEADER};
use super::filter;
use super::options::{Options, Prefer};
use super::response::{ApiError, OpResponse};
use super::row_json::{Shape, json_str, write_row};
use super::schema::EntityDef;
use super::table::{Db, Table};
use super::tenant::Row;

pub const MAX_PAGE: usize = 5000;
/// Up to this many ordered rows are kept in one pass over the table;
/// more are selected, then sorted.
const SMALL_SELECTION: usize = 64;

fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a.unwrap_or(&Value::Null), b.unwrap_or(&Value::Null)) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => super::collation::cmp(x, y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// The opaque `$skiptoken`: Dataverse sends a paging cookie; ours carries
/// the scan position and the change-tracking snapshot of the first page.
fn skiptoken(page: usize, pos: usize, seq: u64) -> String {
    format!("<cookie pagenumber=\"{page}\" pos=\"{pos}\" seq=\"{seq}\" />")
}

fn cookie_attr(token: &str, name: &str) -> Option<u64> {
    let start = token.find(&format!("{name}=\""))? + name.len() + 2;
    let len = token[start..].find('"')?;
    token[start..start + len].parse().ok()
}

fn parse_skiptoken(token: &str) -> Result<(usize, usize, u64), ApiError> {
    let bad = || ApiError::bad_request(format!("The $skiptoken '{token}' is not valid."));
    let page = cookie_attr(token, "pagenumber").ok_or_else(bad)? as usize;
    let pos = cookie_attr(token, "pos").ok_or_else(bad)? as usize;
    let seq = cookie_attr(token, "seq").ok_or_else(bad)?;
    Ok((page, pos, seq))
}

/// `919042!08/22/2017 08:10:44`: the shape of Dataverse's delta tokens.
fn delta_token(seq: u64) -> String {
    format!("{seq}!{}", Utc::now().format("%m/%d/%Y %H:%M:%S"))
}

fn parse_delta_token(token: &str) -> Option<u64> {
    token.split('!').next()?.parse().ok()
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn link(api_base: &str, set: &str, query: &[(String, String)], extra: &[(&str, String)]) -> String {
    let mut parts: Vec<String> = query
        .iter()
        .filter(|(k, _)| k != "$skiptoken" && k != "$deltatoken")
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    parts.extend(extra.iter().map(|(k, v)| format!("{k}={}", encode(v))));
    format!("{api_base}{set}?{}", parts.join("&"))
}

fn context(api_base: &str, def: &EntityDef, select: Option<&[String]>, delta: bool) -> String {
    let sel = select
        .map(|s| format!("({})", s.join(",")))
        .unwrap_or_default();
    let suffix = if delta { "/$delta" } else { "" };
    format!("{api_base}$metadata#{}{sel}{suffix}", def.set)
}

pub struct ReadRequest<'a> {
    pub api_base: &'a str,
    pub def: &'static EntityDef,
    pub query: &'a [(String, String)],
    pub prefer: &'a Prefer,
}

/// `GET {set}/$count`: the number of rows as plain text, at most 5,000
/// ("the count value will not exceed 5,000", as "Count number of rows"
/// says: <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query/count-rows>).
pub fn count(db: &Db, def: &EntityDef) -> OpResponse {
    let n = db
        .table(def.set)
        .map_or(0, |t| t.live_rows().count())
        .min(MAX_PAGE);
    OpResponse {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
            ("OData-Version".into(), "4.0".into()),
        ],
        body: n.to_string().into_bytes(),
    }
}

/// GET {set}: one page of the collection, or of the changes since a delta
/// token.
pub fn read_collection(db: &Db, req: &ReadRequest) -> Result<OpResponse, ApiError> {
    let def = req.def;
    let opts = Options::parse(def, req.query)?;
    let table = db
        .table(def.set)
        .ok_or_else(|| ApiError::resource_not_found(def.set))?;
    let page_size = req
        .prefer
        .maxpagesize
        .unwrap_or(MAX_PAGE)
        .clamp(1, MAX_PAGE);
    let (page_no, start, snapshot) = match &opts.skiptoken {
        Some(t) => parse_skiptoken(t)?,
        None => (1, 0, db.seq()),
    };
    let tracking = req.prefer.track_changes || opts.deltatoken.is_some();
    // "System query options $filter, $orderby, $expand and $top aren't
    // supported when using the Prefer: odata.track-changes header"
    // (https://learn.microsoft.com/en-us/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems#query-options-not-supported-in-change-tracking-web-api-request).
    if tracking {
        let refused = [
            ("$filter", opts.filter.is_some()),
            ("$orderby", !opts.orderby.is_empty()),
            ("$expand", !opts.expand.is_empty()),
            ("$top", opts.top.is_some()),
        ];
        if let Some((option, _)) = refused.iter().find(|(_, used)| *used) {
            return Err(ApiError::bad_request(format!(
                "The \"{option}\" query parameter isn't supported when Change Tracking is enabled."
            )));
        }
    }
    let mut out = Vec::with_capacity(page_size * 256);
    out.extend_from_slice(b"{\"@odata.context\":");
    json_str(
        &mut out,
        &context(req.api_base, def, opts.select.as_deref(), tracking),
    );
    let shape = Shape {
        select: opts.select.as_deref(),
        expand: &opts.expand,
        annotations: req.prefer.lookup_annotations(),
        navigation: req.prefer.navigation_annotations(),
    };
    let page = Page {
        start,
        size: page_size,
        snapshot,
    };
    let next: Option<usize>;
    let rows: usize;
    if let Some(token) = &opts.deltatoken {
        let since = parse_delta_token(token).ok_or_else(|| {
            ApiError::bad_request(format!("The delta token '{token}' is not valid."))
        })?;
        if since < db.delta_floor() || since > db.seq() {
            return Err(ApiError::new(
                400,
                "0x80044352",
                "Version stamp associated with the client has expired. Please perform a full sync.",
            ));
        }
        (next, rows) = write_delta(&mut out, db, req, table, since, &page, &shape);
    } else {
        if opts.count {
            let n = (0..table.len_positions())
                .filter_map(|p| table.at(p))
                .filter(|(r, _)| opts.filter.as_ref().is_none_or(|f| filter::eval(f, r)))
                .take(MAX_PAGE)
                .count();
            let _ = write!(out, ",\"@odata.count\":{n}");
        }
        out.extend_from_slice(b",\"value\":[");
        (next, rows) = write_rows(&mut out, db, def, table, &opts, &shape, &page);
        out.push(b']');
    }
    let mut preference = Vec::new();
    if let Some(n) = req.prefer.maxpagesize {
        preference.push(format!("odata.maxpagesize={}", n.clamp(1, MAX_PAGE)));
    }
    if req.prefer.track_changes {
        preference.push("odata.track-changes".to_string());
    }
    if let Some(a) = &req.prefer.include_annotations {
        preference.push(format!("odata.include-annotations={a}"));
    }
    match next {
        Some(pos) => {
            out.extend_from_slice(b",\"@odata.nextLink\":");
            let l = link(
                req.api_base,
                def.set,
                req.query,
                &[
                    ("$deltatoken", opts.deltatoken.clone().unwrap_or_default()),
                    ("$skiptoken", skiptoken(page_no + 1, pos, snapshot)),
                ]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect::<Vec<_>>(),
            );
            json_str(&mut out, &l);
        }
        None if tracking => {
            out.extend_from_slice(b",\"@odata.deltaLink\":");
            let sel: Vec<(String, String)> = req
                .query
                .iter()
                .filter(|(k, _)| k == "$select")
                .cloned()
                .collect();
            let l = link(
                req.api_base,
                def.set,
                &sel,
                &[("$deltatoken", delta_token(snapshot))],
            );
            json_str(&mut out, &l);
        }
        None => {}
    }
    out.push(b'}');
    let columns = rows as u64 * columns_per_row(def, &shape);
    let mut resp = OpResponse::raw_json(200, out)
        .with_header(ROWS_HEADER, rows.to_string())
        .with_header(COLUMNS_HEADER, columns.to_string());
    if !preference.is_empty() {
        resp = resp.with_header("Preference-Applied", preference.join(","));
    }
    Ok(resp)
}

/// The column values each row of an answer carries, for the cost model:
/// the `$select` list (the key is always added), or every column of the
/// table when nothing is selected.
fn columns_per_row(def: &EntityDef, shape: &Shape) -> u64 {
    match shape.select {
        Some(cols) => (cols.len() + usize::from(!cols.iter().any(|c| c == def.key))) as u64,
        None => def.columns.len() as u64,
    }
}

/// Writes the page's rows; returns the position the next page starts at.
fn write_rows(
    out: &mut Vec<u8>,
    db: &Db,
    def: &EntityDef,
    table: &Table,
    opts: &Options,
    shape: &Shape,
    page: &Page,
) -> (Option<usize>, usize) {
    let (start, limit) = (page.start, opts.top.map_or(page.size, |t| t.min(MAX_PAGE)));
    let matches = |r: &Row| opts.filter.as_ref().is_none_or(|f| filter::eval(f, r));
    let mut written = 0;
    let emit = |out: &mut Vec<u8>, row: &Row, ver: u64, written: &mut usize| {
        if *written > 0 {
            out.push(b',');
        }
        write_row(out, db, def, row, ver, shape);
        *written += 1;
    };
    if opts.orderby.is_empty() {
        for pos in candidates(def, table, opts, start) {
            if let Some((row, ver)) = table.at(pos).filter(|(r, _)| matches(r)) {
                if written == limit {
                    return (if opts.top.is_some() { None } else { Some(pos) }, written);
                }
                emit(out, row, ver, &mut written);
            }
        }
        return (None, written);
    }
    let order = |&a: &usize, &b: &usize| {
        let (ra, rb) = (table.at(a).map(|x| x.0), table.at(b).map(|x| x.0));
        for (col, desc) in &opts.orderby {
            let o = cmp_values(ra.and_then(|r| r.get(col)), rb.and_then(|r| r.get(col)));
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        a.cmp(&b)
    };
    // Only the rows up to this page's end, and one past to know whether
    // another page follows, need ordering: `$top=1` of a million rows is
    // one pass keeping the best, not a sort.
    let keep = start + limit + 1;
    let found =
        (0..table.len_positions()).filter(|&p| table.at(p).is_some_and(|(r, _)| matches(r)));
    let mut hits: Vec<usize> = Vec::new();
    if keep <= SMALL_SELECTION {
        for p in found {
            if hits.len() == keep && hits.last().is_some_and(|l| order(&p, l) != Ordering::Less) {
                continue;
            }
            let at = hits.partition_point(|h| order(h, &p) == Ordering::Less);
            hits.insert(at, p);
            hits.truncate(keep);
        }
    } else {
        hits.extend(found);
        if keep < hits.len() {
            hits.select_nth_unstable_by(keep, order);
            hits.truncate(keep);
        }
        hits.sort_unstable_by(order);
    }
    for (i, &p) in hits.iter().enumerate().skip(start) {
        if written == limit {
            return (if opts.top.is_some() { None } else { Some(i) }, written);
        }
        if let Some((row, ver)) = table.at(p) {
            emit(out, row, ver, &mut written);
        }
    }
    (None, written)
}

/// The positions a read in table order looks at from `start`: the rows a
/// filter on the primary key names, found through the key index as
/// Dataverse finds them, or else every position.
fn candidates(
    def: &EntityDef,
    table: &Table,
    opts: &Options,
    start: usize,
) -> Box<dyn Iterator<Item = usize>> {
    match opts
        .filter
        .as_ref()
        .and_then(|f| filter::key_values(f, def.key))
    {
        Some(ids) => {
            let mut at: Vec<usize> = ids
                .into_iter()
                .filter_map(|id| table.position(id))
                .filter(|&p| p >= start)
                .collect();
            at.sort_unstable();
            at.dedup();
            Box::new(at.into_iter())
        }
        None => Box::new(start..table.len_positions()),
    }
}

/// Where a page starts, how long it is, and the change-tracking snapshot
/// the whole paged read belongs to.
struct Page {
    start: usize,
    size: usize,
    snapshot: u64,
}

fn write_delta(
    out: &mut Vec<u8>,
    db: &Db,
    req: &ReadRequest,
    table: &Table,
    since: u64,
    page: &Page,
    shape: &Shape,
) -> (Option<usize>, usize) {
    let changed = table.changed_since(since, page.snapshot);
    let deleted = table.deleted_since(since, page.snapshot);
    let total = changed.len() + deleted.len();
    let start = page.start;
    let end = (start + page.size).min(total);
    out.extend_from_slice(b",\"value\":[");
    let deleted_ctx = format!("{}$metadata#{}/$deletedEntity", req.api_base, req.def.set);
    for i in start..end {
        if i > start {
            out.push(b',');
        }
        if let Some(&pos) = changed.get(i) {
            if let Some((row, ver)) = table.at(pos) {
                write_row(out, db, req.def, row, ver, shape);
            }
        } else if let Some(id) = deleted.get(i - changed.len()) {
            out.extend_from_slice(b"{\"@odata.context\":");
            json_str(out, &deleted_ctx);
            out.extend_from_slice(b",\"id\":");
            json_str(out, id);
            out.extend_from_slice(b",\"reason\":\"deleted\"}");
        }
    }
    out.push(b']');
    ((end < total).then_some(end), end.saturating_sub(start))
}

/// GET {set}(id)
pub fn read_one(
    db: &Db,
    api_base: &str,
    def: &'static EntityDef,
    id: &str,
    query: &[(String, String)],
    prefer: &Prefer,
) -> Result<OpResponse, ApiError> {
    let opts = Options::parse(def, query)?;
    let (row, ver) = db
        .table(def.set)
        .and_then(|t| t.get(id))
        .ok_or_else(|| ApiError::not_found(def.logical, id))?;
    let mut out = Vec::with_capacity(512);
    let mut body = Vec::with_capacity(512);
    let shape = Shape {
        select: opts.select.as_deref(),
        expand: &opts.expand,
        annotations: prefer.lookup_annotations(),
        navigation: prefer.navigation_annotations(),
    };
    write_row(&mut body, db, def, row, ver, &shape);
    out.extend_from_slice(b"{\"@odata.context\":");
    json_str(
        &mut out,
        &format!(
            "{}/$entity",
            context(api_base, def, opts.select.as_deref(), false)
        ),
    );
    out.push(b',');
    out.extend_from_slice(&body[1..]);
    Ok(OpResponse::raw_json(200, out).with_header("ETag", format!("W/\"{ver}\"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skiptoken_round_trips() {
        assert_eq!(
            parse_skiptoken(&skiptoken(3, 10_000, 42)),
            Ok((3, 10_000, 42))
        );
        assert!(parse_skiptoken("<cookie />").is_err());
    }
}
