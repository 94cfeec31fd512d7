//! Entity-set reads: query options (`$select`, `$filter`, `$orderby`, `$top`,
//! `$count`, `$expand`), paging with `Prefer: odata.maxpagesize` and an
//! opaque `$skiptoken`, and change tracking (`odata.track-changes`,
//! `$deltatoken`, `$deletedEntity` rows).
//!
//! Pages are written straight into the response buffer from the table
//! rows, without building an intermediate JSON tree, so the large tenant's
//! full pull stays cheap.

use std::cmp::Ordering;
use std::io::Write;

use chrono::Utc;
use serde_json::Value;

use super::cost::{COLUMNS_HEADER, ROWS_HEADER};
use super::filter::{self, Expr, FilterError};
use super::response::{ApiError, OpResponse};
use super::schema::{self, EntityDef, Lookup};
use super::table::{Db, Table};
use super::tenant::Row;

pub const MAX_PAGE: usize = 5000;

#[derive(Debug)]
pub struct Expand {
    pub lookup: &'static Lookup,
    pub select: Option<Vec<String>>,
}

#[derive(Debug, Default)]
pub struct Options {
    pub select: Option<Vec<String>>,
    pub filter: Option<Expr>,
    pub orderby: Vec<(String, bool)>,
    pub top: Option<usize>,
    pub count: bool,
    pub expand: Vec<Expand>,
    pub skiptoken: Option<String>,
    pub deltatoken: Option<String>,
}

/// What the `Prefer` header asked for.
#[derive(Debug, Default, Clone)]
pub struct Prefer {
    pub maxpagesize: Option<usize>,
    /// The `odata.include-annotations` value, as sent.
    pub include_annotations: Option<String>,
    pub track_changes: bool,
    pub return_representation: bool,
    pub continue_on_error: bool,
}

impl Prefer {
    pub fn parse(header: Option<&str>) -> Prefer {
        let mut p = Prefer::default();
        let header = header.unwrap_or_default();
        // The annotation list is quoted and may hold commas of its own.
        if let Some(i) = header.find("odata.include-annotations=") {
            let v = &header[i + "odata.include-annotations=".len()..];
            let v = match v.strip_prefix('"') {
                Some(q) => format!("\"{}\"", q.split('"').next().unwrap_or_default()),
                None => v.split(',').next().unwrap_or_default().trim().to_string(),
            };
            p.include_annotations = Some(v);
        }
        for part in header.split(',') {
            let part = part.trim();
            if let Some(n) = part.strip_prefix("odata.maxpagesize=") {
                p.maxpagesize = n.trim().parse().ok();
            } else if part == "odata.track-changes" {
                p.track_changes = true;
            } else if part == "return=representation" {
                p.return_representation = true;
            } else if part == "odata.continue-on-error" {
                p.continue_on_error = true;
            }
        }
        p
    }

    fn wants(&self, annotation: &str) -> bool {
        self.include_annotations
            .as_deref()
            .is_some_and(|a| a.contains('*') || a.contains(annotation))
    }

    /// Whether `lookuplogicalname` annotations were asked for.
    pub fn lookup_annotations(&self) -> bool {
        self.wants("Microsoft.Dynamics.CRM.lookuplogicalname")
    }

    /// Whether `associatednavigationproperty` annotations were asked for.
    pub fn navigation_annotations(&self) -> bool {
        self.wants("Microsoft.Dynamics.CRM.associatednavigationproperty")
    }
}

/// How rows are written: the selected columns, the expanded lookups and
/// which lookup annotations were asked for (Dataverse sends them only then):
/// `lookuplogicalname` (`annotations`) and `associatednavigationproperty`
/// (`navigation`).
#[derive(Debug, Clone, Copy)]
pub struct Shape<'a> {
    pub select: Option<&'a [String]>,
    pub expand: &'a [Expand],
    pub annotations: bool,
    pub navigation: bool,
}

/// The single-valued navigation property behind a lookup column
/// (`_ownerid_value` -> `ownerid`; `_parentcustomerid_value` pointing at an
/// account -> `parentcustomerid_account`).
fn navigation_of(def: &EntityDef, row: &Row, column: &str) -> Option<&'static str> {
    let attr = column.strip_prefix('_')?.strip_suffix("_value")?;
    let table = row
        .get(&schema::lookup_annotation(column))
        .and_then(Value::as_str);
    let candidates: Vec<&Lookup> = def.lookups.iter().filter(|l| l.attr == attr).collect();
    match candidates.as_slice() {
        [only] => Some(only.nav),
        many => many
            .iter()
            .find(|l| schema::by_set(l.target_set).is_some_and(|t| Some(t.logical) == table))
            .map(|l| l.nav),
    }
}

fn check_columns(def: &EntityDef, cols: &[String]) -> Result<(), ApiError> {
    match cols.iter().find(|c| !def.has_column(c)) {
        Some(c) => Err(ApiError::unknown_property(&def.type_name(), c)),
        None => Ok(()),
    }
}

fn parse_select(def: &EntityDef, s: &str) -> Result<Vec<String>, ApiError> {
    let cols: Vec<String> = s
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    check_columns(def, &cols)?;
    Ok(cols)
}

/// Splits on commas outside parentheses (`a($select=x,y),b`).
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn parse_expand(def: &'static EntityDef, s: &str) -> Result<Vec<Expand>, ApiError> {
    split_top_level(s)
        .into_iter()
        .map(|item| {
            let (nav, inner) = match item.find('(') {
                Some(i) => (&item[..i], item[i + 1..].strip_suffix(')')),
                None => (item, None),
            };
            let lookup = def
                .lookup_by_nav(nav)
                .ok_or_else(|| ApiError::unknown_property(&def.type_name(), nav))?;
            let target = schema::by_set(lookup.target_set)
                .ok_or_else(|| ApiError::unknown_property(&def.type_name(), nav))?;
            let mut select = None;
            for opt in inner.unwrap_or_default().split(';') {
                if let Some(cols) = opt.trim().strip_prefix("$select=") {
                    select = Some(parse_select(target, cols)?);
                }
            }
            Ok(Expand { lookup, select })
        })
        .collect()
}

pub fn filter_error(def: &EntityDef, e: FilterError) -> ApiError {
    match e {
        FilterError::Syntax(m) => ApiError::bad_request(m),
        FilterError::UnknownProperty(p) => ApiError::unknown_property(&def.type_name(), &p),
    }
}

impl Options {
    pub fn parse(def: &'static EntityDef, query: &[(String, String)]) -> Result<Options, ApiError> {
        let mut o = Options::default();
        for (k, v) in query {
            match k.as_str() {
                "$select" => o.select = Some(parse_select(def, v)?),
                "$filter" => {
                    o.filter = Some(filter::parse(v, def).map_err(|e| filter_error(def, e))?)
                }
                "$orderby" => {
                    for part in v.split(',') {
                        let mut it = part.split_whitespace();
                        let col = it.next().unwrap_or_default().to_string();
                        check_columns(def, std::slice::from_ref(&col))?;
                        let desc = match it.next() {
                            None | Some("asc") => false,
                            Some("desc") => true,
                            Some(other) => {
                                return Err(ApiError::bad_request(format!(
                                    "Syntax error: '{other}' is not a valid direction in '$orderby={v}'."
                                )));
                            }
                        };
                        o.orderby.push((col, desc));
                    }
                }
                "$top" => {
                    o.top = Some(v.parse().map_err(|_| {
                        ApiError::bad_request(format!(
                            "Invalid value '{v}' for $top query option found."
                        ))
                    })?)
                }
                "$count" => o.count = v == "true",
                "$expand" => o.expand = parse_expand(def, v)?,
                "$skiptoken" => o.skiptoken = Some(v.clone()),
                "$deltatoken" => o.deltatoken = Some(v.clone()),
                k if k.starts_with('$') => {
                    return Err(ApiError::bad_request(format!(
                        "The query parameter {k} is not supported"
                    )));
                }
                _ => {}
            }
        }
        Ok(o)
    }
}

fn json_str(out: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn json_val(out: &mut Vec<u8>, v: &Value) {
    let _ = serde_json::to_writer(&mut *out, v);
}

/// Writes one row as Dataverse shapes it: etag, then the selected columns
/// (all of them without `$select`; the primary key always), each lookup
/// followed by its `lookuplogicalname` and `associatednavigationproperty`
/// annotations when they were asked for and it has them.
pub fn write_row(
    out: &mut Vec<u8>,
    db: &Db,
    def: &EntityDef,
    row: &Row,
    version: u64,
    shape: &Shape,
) {
    let _ = write!(out, "{{\"@odata.etag\":\"W/\\\"{version}\\\"\"");
    let field = |out: &mut Vec<u8>, k: &str, v: &Value| {
        out.push(b',');
        json_str(out, k);
        out.push(b':');
        json_val(out, v);
    };
    let navigation = |out: &mut Vec<u8>, column: &str| {
        if let Some(nav) = shape
            .navigation
            .then(|| navigation_of(def, row, column))
            .flatten()
        {
            field(
                out,
                &format!("{column}@Microsoft.Dynamics.CRM.associatednavigationproperty"),
                &Value::String(nav.into()),
            );
        }
    };
    match shape.select {
        None => {
            for (k, v) in row {
                if shape.annotations || !k.contains('@') {
                    field(out, k, v);
                }
                if !k.contains('@') {
                    navigation(out, k);
                }
            }
        }
        Some(cols) => {
            for c in cols {
                field(out, c, row.get(c).unwrap_or(&Value::Null));
                if shape.annotations && c.starts_with('_') {
                    let ann = schema::lookup_annotation(c);
                    if let Some(v) = row.get(&ann) {
                        field(out, &ann, v);
                    }
                }
                navigation(out, c);
            }
            if !cols.iter().any(|c| c == def.key) {
                field(out, def.key, row.get(def.key).unwrap_or(&Value::Null));
            }
        }
    }
    for e in shape.expand {
        out.push(b',');
        json_str(out, e.lookup.nav);
        out.push(b':');
        let col = format!("_{}_value", e.lookup.attr);
        let target = schema::by_set(e.lookup.target_set);
        let points_here = row
            .get(&schema::lookup_annotation(&col))
            .and_then(Value::as_str)
            .is_none_or(|l| target.is_some_and(|t| t.logical == l));
        let related = row
            .get(&col)
            .and_then(Value::as_str)
            .filter(|_| points_here)
            .and_then(|id| Some((target?, db.table(e.lookup.target_set)?.get(id)?)));
        match related {
            Some((tdef, (trow, tver))) => {
                let nested = Shape {
                    select: e.select.as_deref(),
                    expand: &[],
                    annotations: shape.annotations,
                    navigation: shape.navigation,
                };
                write_row(out, db, tdef, trow, tver, &nested)
            }
            None => out.extend_from_slice(b"null"),
        }
    }
    out.push(b'}');
}

fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a.unwrap_or(&Value::Null), b.unwrap_or(&Value::Null)) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => {
            super::collation::key(x).cmp(&super::collation::key(y))
        }
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
        let mut pos = start;
        while pos < table.len_positions() {
            if let Some((row, ver)) = table.at(pos).filter(|(r, _)| matches(r)) {
                if written == limit {
                    return (if opts.top.is_some() { None } else { Some(pos) }, written);
                }
                emit(out, row, ver, &mut written);
            }
            pos += 1;
        }
        return (None, written);
    }
    let mut hits: Vec<usize> = (0..table.len_positions())
        .filter(|&p| table.at(p).is_some_and(|(r, _)| matches(r)))
        .collect();
    hits.sort_by(|&a, &b| {
        let (ra, rb) = (table.at(a).map(|x| x.0), table.at(b).map(|x| x.0));
        for (col, desc) in &opts.orderby {
            let o = cmp_values(ra.and_then(|r| r.get(col)), rb.and_then(|r| r.get(col)));
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        a.cmp(&b)
    });
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
    fn prefer_keeps_a_quoted_annotation_list_whole() {
        let p = Prefer::parse(Some(
            "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname\",odata.maxpagesize=50",
        ));
        assert_eq!(p.maxpagesize, Some(50));
        assert!(p.lookup_annotations());
        assert_eq!(
            p.include_annotations.as_deref(),
            Some(
                "\"OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname\""
            )
        );
        assert!(!Prefer::parse(Some("odata.maxpagesize=5")).lookup_annotations());
    }

    #[test]
    fn skiptoken_round_trips() {
        assert_eq!(
            parse_skiptoken(&skiptoken(3, 10_000, 42)),
            Ok((3, 10_000, 42))
        );
        assert!(parse_skiptoken("<cookie />").is_err());
    }
}
