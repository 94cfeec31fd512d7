//! OData query pieces built only from typed values: a [`Filter`] can be
//! made from columns, operators and escaped literals, never from a raw
//! string, so no caller can splice user input into a `$filter`.

use std::fmt;

use super::error::CrmError;

/// A column (attribute) logical name, checked to be an identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Column(String);

impl Column {
    /// `name` must look like a Dataverse logical name (`_parentaccountid_value`,
    /// `new_linkedinprofileurl`), or a single-valued navigation path
    /// (`parentcustomerid_account/name`).
    pub fn new(name: &str) -> Result<Self, CrmError> {
        let ok = !name.is_empty()
            && name.split('/').all(|part| {
                let mut chars = part.chars();
                chars
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        if ok {
            Ok(Self(name.to_string()))
        } else {
            Err(CrmError::Config {
                detail: format!("{name:?} is not a valid column name"),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A literal, rendered in OData syntax with strings escaped.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Int(i64),
    Bool(bool),
    Guid(uuid::Uuid),
    /// An `Edm.DateTimeOffset`, unquoted as OData writes it, to the second
    /// (Dataverse keeps `createdon` to the second).
    DateTime(chrono::DateTime<chrono::Utc>),
    Null,
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Self::Str(s.to_string())
    }
}
impl From<String> for Literal {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}
impl From<i64> for Literal {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<bool> for Literal {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
impl From<chrono::DateTime<chrono::Utc>> for Literal {
    fn from(v: chrono::DateTime<chrono::Utc>) -> Self {
        Self::DateTime(v)
    }
}
impl From<uuid::Uuid> for Literal {
    fn from(v: uuid::Uuid) -> Self {
        Self::Guid(v)
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // OData ABNF: a single quote inside a string literal is doubled.
            Self::Str(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Self::Int(v) => write!(f, "{v}"),
            Self::Bool(v) => write!(f, "{v}"),
            Self::Guid(v) => write!(f, "{v}"),
            Self::DateTime(v) => write!(f, "{}", v.format("%Y-%m-%dT%H:%M:%SZ")),
            Self::Null => f.write_str("null"),
        }
    }
}

/// A `$filter` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter(String);

impl Filter {
    fn compare(op: &str, col: &Column, v: impl Into<Literal>) -> Self {
        Self(format!("{col} {op} {}", v.into()))
    }
    pub fn eq(col: &Column, v: impl Into<Literal>) -> Self {
        Self::compare("eq", col, v)
    }
    #[cfg(any(test, feature = "testkit"))]
    pub fn ne(col: &Column, v: impl Into<Literal>) -> Self {
        Self::compare("ne", col, v)
    }
    pub fn ge(col: &Column, v: impl Into<Literal>) -> Self {
        Self::compare("ge", col, v)
    }
    pub(crate) fn lt(col: &Column, v: impl Into<Literal>) -> Self {
        Self::compare("lt", col, v)
    }
    pub fn contains(col: &Column, text: &str) -> Self {
        Self(format!("contains({col},{})", Literal::from(text)))
    }
    #[cfg(any(test, feature = "testkit"))]
    pub fn startswith(col: &Column, text: &str) -> Self {
        Self(format!("startswith({col},{})", Literal::from(text)))
    }
    pub fn and(self, other: Filter) -> Self {
        Self(format!("({}) and ({})", self.0, other.0))
    }
    pub fn or(self, other: Filter) -> Self {
        Self(format!("({}) or ({})", self.0, other.0))
    }
    /// `col eq v1 or col eq v2 ...`; `None` for an empty list.
    pub(crate) fn any_of<L: Into<Literal>>(
        col: &Column,
        values: impl IntoIterator<Item = L>,
    ) -> Option<Self> {
        values
            .into_iter()
            .map(|v| Self::eq(col, v))
            .reduce(Filter::or)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Not for Filter {
    type Output = Filter;
    fn not(self) -> Filter {
        Filter(format!("not ({})", self.0))
    }
}

/// What stays unencoded in a query value: RFC 3986's unreserved
/// characters and the OData punctuation Dataverse reads literally.
/// `+`, `&`, `#`, `%`, `=` and spaces are encoded: `+` would read as a
/// space and `&` would end the value early.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b',')
    .remove(b'/')
    .remove(b':')
    .remove(b'@')
    .remove(b'$')
    .remove(b'*');

/// Percent-encodes a query value.
pub(crate) fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// Builds `entity_set?$select=...&$filter=...` with every value encoded.
pub(crate) fn query_path(
    entity_set: &str,
    select: &[&str],
    filter: Option<&Filter>,
    top: Option<u32>,
) -> String {
    let mut parts = vec![format!("$select={}", encode(&select.join(",")))];
    if let Some(f) = filter {
        parts.push(format!("$filter={}", encode(f.as_str())));
    }
    if let Some(t) = top {
        parts.push(format!("$top={t}"));
    }
    format!("{entity_set}?{}", parts.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_injection_stays_a_literal() {
        let c = Column::new("fullname").unwrap();
        let f = Filter::eq(&c, "O'Brien' or 1 eq 1");
        assert_eq!(f.as_str(), "fullname eq 'O''Brien'' or 1 eq 1'");
    }

    #[test]
    fn columns_are_identifiers() {
        assert!(Column::new("_parentaccountid_value").is_ok());
        assert!(Column::new("parentcustomerid_account/name").is_ok());
        assert!(Column::new("name eq 'x' or 1").is_err());
        assert!(Column::new("").is_err());
    }

    #[test]
    fn encoding_keeps_plus_and_ampersand_inside_the_value() {
        assert_eq!(encode("a+b & c#"), "a%2Bb%20%26%20c%23");
    }
}
