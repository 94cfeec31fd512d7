//! The query options of a read (`$select`, `$filter`, `$orderby`, `$top`,
//! `$count`, `$expand`, `$skiptoken`, `$deltatoken`) and the `Prefer`
//! header, parsed and checked against the table's columns the way
//! Dataverse refuses an unknown property.

use super::filter::{self, Expr, FilterError};
use super::response::ApiError;
use super::schema::{self, EntityDef, Lookup};

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
}
