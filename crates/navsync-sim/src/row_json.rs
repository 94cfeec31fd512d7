//! One row as JSON, written straight into the answer buffer from the
//! table's row (no intermediate JSON tree), so a page of 5,000 rows stays
//! cheap to serve.

use std::io::Write;

use serde_json::Value;

use super::options::Expand;
use super::schema::{self, EntityDef, Lookup};
use super::table::Db;
use super::tenant::Row;

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

pub fn json_str(out: &mut Vec<u8>, s: &str) {
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
