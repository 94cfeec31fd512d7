//! OData `$filter` for the emulator: a tokenizer that reads string literals
//! with doubled quotes as one literal (so `'O''Brien'' or 1 eq 1'` can never
//! widen a query), a recursive-descent parser and an evaluator over rows.
//!
//! Supported: eq ne gt ge lt le, and or not, parentheses, contains,
//! startswith, endswith, Microsoft.Dynamics.CRM.In, null, true/false, numbers, GUIDs, strings and
//! unquoted date-times. Strings are compared as Dataverse's database
//! collation compares them: case and accents aside ([`collation`]).

use std::cmp::Ordering;

use serde_json::Value;

use super::collation;
use super::schema::EntityDef;
use super::tenant::Row;

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Lit(Lit),
    Open,
    Close,
    Comma,
    Equals,
    ListOpen,
    ListClose,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StrFn {
    Contains,
    StartsWith,
    EndsWith,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(CmpOp, String, Lit),
    Str(StrFn, String, String),
    /// `Microsoft.Dynamics.CRM.In(PropertyName='p',PropertyValues=['a','b'])`
    In(String, Vec<Lit>),
}

/// Why a `$filter` was refused; the text goes into Dataverse's 0x80060888.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterError {
    Syntax(String),
    UnknownProperty(String),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, FilterError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => i += 1,
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            ',' | '=' | '[' | ']' => {
                out.push(match c {
                    ',' => Tok::Comma,
                    '=' => Tok::Equals,
                    '[' => Tok::ListOpen,
                    _ => Tok::ListClose,
                });
                i += 1;
            }
            '\'' => {
                let mut lit = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(FilterError::Syntax(format!(
                                "Syntax error: unterminated string literal at position {i} in '{s}'."
                            )));
                        }
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            lit.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            lit.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Lit(Lit::Str(lit)));
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || matches!(chars[i], '_' | '-' | '.' | ':' | '+' | '/'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                out.push(classify(word));
            }
            _ => {
                return Err(FilterError::Syntax(format!(
                    "Syntax error: character '{c}' is not valid at position {i} in '{s}'."
                )));
            }
        }
    }
    Ok(out)
}

fn classify(word: String) -> Tok {
    let first = word.chars().next().unwrap_or('_');
    if first.is_ascii_digit() || first == '-' {
        if is_guid(&word) {
            return Tok::Lit(Lit::Str(word.to_ascii_lowercase()));
        }
        if let Ok(n) = word.parse::<f64>() {
            return Tok::Lit(Lit::Num(n));
        }
        return Tok::Lit(Lit::Str(word));
    }
    if is_guid(&word) {
        return Tok::Lit(Lit::Str(word.to_ascii_lowercase()));
    }
    match word.as_str() {
        "null" => Tok::Lit(Lit::Null),
        "true" => Tok::Lit(Lit::Bool(true)),
        "false" => Tok::Lit(Lit::Bool(false)),
        _ => Tok::Ident(word),
    }
}

pub fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    src: &'a str,
    def: &'a EntityDef,
}

impl Parser<'_> {
    fn peek_ident(&self, word: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Ident(w)) if w == word)
    }

    fn err(&self, what: &str) -> FilterError {
        FilterError::Syntax(format!(
            "Syntax error: {what} at token {} in '{}'.",
            self.pos, self.src
        ))
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.peek_ident("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.peek_ident("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        if self.peek_ident("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn expect(&mut self, t: Tok, what: &str) -> Result<(), FilterError> {
        if self.toks.get(self.pos) == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    fn property(&mut self) -> Result<String, FilterError> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::Ident(name)) => {
                self.pos += 1;
                if !self.def.has_column(&name) {
                    return Err(FilterError::UnknownProperty(name));
                }
                Ok(name)
            }
            _ => Err(self.err("a property name was expected")),
        }
    }

    fn literal(&mut self) -> Result<Lit, FilterError> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::Lit(l)) => {
                self.pos += 1;
                Ok(l)
            }
            _ => Err(self.err("a literal was expected")),
        }
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        if self.toks.get(self.pos) == Some(&Tok::Open) {
            self.pos += 1;
            let e = self.or()?;
            self.expect(Tok::Close, "')' was expected")?;
            return Ok(e);
        }
        if self.peek_ident("Microsoft.Dynamics.CRM.In") {
            return self.in_list();
        }
        let func = match self.toks.get(self.pos) {
            Some(Tok::Ident(w)) if self.toks.get(self.pos + 1) == Some(&Tok::Open) => {
                match w.as_str() {
                    "contains" => Some(StrFn::Contains),
                    "startswith" => Some(StrFn::StartsWith),
                    "endswith" => Some(StrFn::EndsWith),
                    other => {
                        return Err(FilterError::Syntax(format!(
                            "Unknown function '{other}' in '{}'.",
                            self.src
                        )));
                    }
                }
            }
            _ => None,
        };
        if let Some(f) = func {
            self.pos += 2;
            let prop = self.property()?;
            self.expect(Tok::Comma, "',' was expected")?;
            let Lit::Str(needle) = self.literal()? else {
                return Err(self.err("a string literal was expected"));
            };
            self.expect(Tok::Close, "')' was expected")?;
            return Ok(Expr::Str(f, prop, collation::key(&needle)));
        }
        let prop = self.property()?;
        let op = match self.toks.get(self.pos) {
            Some(Tok::Ident(w)) => match w.as_str() {
                "eq" => CmpOp::Eq,
                "ne" => CmpOp::Ne,
                "gt" => CmpOp::Gt,
                "ge" => CmpOp::Ge,
                "lt" => CmpOp::Lt,
                "le" => CmpOp::Le,
                _ => return Err(self.err("a comparison operator was expected")),
            },
            _ => return Err(self.err("a comparison operator was expected")),
        };
        self.pos += 1;
        let lit = self.literal()?;
        Ok(Expr::Cmp(op, prop, lit))
    }
}

impl Parser<'_> {
    fn named_arg(&mut self, name: &str) -> Result<(), FilterError> {
        if !self.peek_ident(name) {
            return Err(self.err(&format!("'{name}' was expected")));
        }
        self.pos += 1;
        self.expect(Tok::Equals, "'=' was expected")
    }

    fn in_list(&mut self) -> Result<Expr, FilterError> {
        self.pos += 1;
        self.expect(Tok::Open, "'(' was expected")?;
        self.named_arg("PropertyName")?;
        let Lit::Str(prop) = self.literal()? else {
            return Err(self.err("a quoted property name was expected"));
        };
        if !self.def.has_column(&prop) {
            return Err(FilterError::UnknownProperty(prop));
        }
        self.expect(Tok::Comma, "',' was expected")?;
        self.named_arg("PropertyValues")?;
        self.expect(Tok::ListOpen, "'[' was expected")?;
        let mut values = vec![self.literal()?];
        while self.toks.get(self.pos) == Some(&Tok::Comma) {
            self.pos += 1;
            values.push(self.literal()?);
        }
        self.expect(Tok::ListClose, "']' was expected")?;
        self.expect(Tok::Close, "')' was expected")?;
        Ok(Expr::In(prop, values))
    }
}

pub fn parse(src: &str, def: &EntityDef) -> Result<Expr, FilterError> {
    let toks = tokenize(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        src,
        def,
    };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return Err(p.err("unexpected text after the expression"));
    }
    Ok(e)
}

fn compare(v: &Value, lit: &Lit) -> Option<Ordering> {
    match (v, lit) {
        (Value::Number(n), Lit::Num(l)) => n.as_f64()?.partial_cmp(l),
        (Value::String(s), Lit::Str(l)) => Some(collation::cmp(s, l)),
        (Value::String(s), Lit::Num(l)) => s.parse::<f64>().ok()?.partial_cmp(l),
        (Value::Number(n), Lit::Str(l)) => n.as_f64()?.partial_cmp(&l.parse::<f64>().ok()?),
        (Value::Bool(b), Lit::Bool(l)) => Some(b.cmp(l)),
        _ => None,
    }
}

/// The values a filter that only picks rows by `key` asks for (`key eq
/// a or key eq b …`, or `In` on the key), so the rows can be found by
/// their id instead of by reading the table.
pub fn key_values<'e>(e: &'e Expr, key: &str) -> Option<Vec<&'e str>> {
    match e {
        Expr::Cmp(CmpOp::Eq, prop, Lit::Str(v)) if prop == key => Some(vec![v.as_str()]),
        Expr::In(prop, values) if prop == key => values
            .iter()
            .map(|l| match l {
                Lit::Str(v) => Some(v.as_str()),
                _ => None,
            })
            .collect(),
        Expr::Or(a, b) => {
            let mut ids = key_values(a, key)?;
            ids.extend(key_values(b, key)?);
            Some(ids)
        }
        _ => None,
    }
}

pub fn eval(e: &Expr, row: &Row) -> bool {
    match e {
        Expr::And(a, b) => eval(a, row) && eval(b, row),
        Expr::Or(a, b) => eval(a, row) || eval(b, row),
        Expr::Not(a) => !eval(a, row),
        Expr::Cmp(op, prop, lit) => {
            let v = row.get(prop).unwrap_or(&Value::Null);
            if *lit == Lit::Null || v.is_null() {
                let both_null = *lit == Lit::Null && v.is_null();
                return match op {
                    CmpOp::Eq => both_null,
                    CmpOp::Ne => !both_null,
                    _ => false,
                };
            }
            let Some(ord) = compare(v, lit) else {
                return *op == CmpOp::Ne;
            };
            match op {
                CmpOp::Eq => ord == Ordering::Equal,
                CmpOp::Ne => ord != Ordering::Equal,
                CmpOp::Gt => ord == Ordering::Greater,
                CmpOp::Ge => ord != Ordering::Less,
                CmpOp::Lt => ord == Ordering::Less,
                CmpOp::Le => ord != Ordering::Greater,
            }
        }
        Expr::In(prop, values) => {
            let v = row.get(prop).unwrap_or(&Value::Null);
            values
                .iter()
                .any(|l| compare(v, l) == Some(Ordering::Equal))
        }
        Expr::Str(f, prop, needle) => {
            let Some(Value::String(s)) = row.get(prop) else {
                return false;
            };
            let s = collation::key(s);
            match f {
                StrFn::Contains => s.contains(needle.as_str()),
                StrFn::StartsWith => s.starts_with(needle.as_str()),
                StrFn::EndsWith => s.ends_with(needle.as_str()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    fn accounts() -> &'static EntityDef {
        schema::by_set("accounts").expect("accounts is in the schema")
    }

    #[test]
    fn doubled_quotes_stay_inside_one_literal() {
        let e = parse("name eq 'O''Brien'' or 1 eq 1'", accounts()).expect("parses");
        assert_eq!(
            e,
            Expr::Cmp(
                CmpOp::Eq,
                "name".into(),
                Lit::Str("O'Brien' or 1 eq 1".into())
            )
        );
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        let e = parse(
            "statecode eq 0 or statecode eq 1 and name eq 'x'",
            accounts(),
        )
        .expect("parses");
        assert!(matches!(e, Expr::Or(_, _)));
    }

    #[test]
    fn unknown_property_and_bad_syntax_are_refused() {
        assert_eq!(
            parse("nope eq 1", accounts()),
            Err(FilterError::UnknownProperty("nope".into()))
        );
        assert!(matches!(
            parse("name eq 'x", accounts()),
            Err(FilterError::Syntax(_))
        ));
        assert!(matches!(
            parse("name eq 'x' or", accounts()),
            Err(FilterError::Syntax(_))
        ));
    }

    #[test]
    fn in_list_matches_numbers_given_as_strings() {
        let e = parse(
            "Microsoft.Dynamics.CRM.In(PropertyName='statecode',PropertyValues=['0','2'])",
            accounts(),
        )
        .expect("parses");
        let mut row = Row::new();
        row.insert("statecode".into(), Value::from(2));
        assert!(eval(&e, &row));
        row.insert("statecode".into(), Value::from(1));
        assert!(!eval(&e, &row));
    }

    #[test]
    fn guid_and_null_literals() {
        let mut row = Row::new();
        row.insert(
            "_ownerid_value".into(),
            Value::String("8f4e1a3c-0000-4000-8000-000000000001".into()),
        );
        let e = parse(
            "_ownerid_value eq 8F4E1A3C-0000-4000-8000-000000000001 and _parentaccountid_value eq null",
            accounts(),
        )
        .expect("parses");
        assert!(eval(&e, &row));
    }
}
