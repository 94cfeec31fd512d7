//! Text values fitted to their columns before they are sent.
//!
//! Dataverse refuses a value longer than its column's `MaxLength` with a
//! 400 (0x80044331) that fails the whole change set
//! (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api#handling-errors>),
//! so one long InMail would hold back every activity written with it. The
//! lengths come from the table's String and Memo attribute metadata
//! (`MaxLength`), read once per table and client; a value that is too long
//! is cut and ends with "…".

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::batch::{ChangeSet, WriteOp};
use super::client::Client;
use super::entity_ref::EntityKind;
use super::error::CrmError;

/// Column lengths of one table, by logical column name.
pub(crate) type Lengths = Arc<HashMap<String, usize>>;

/// Dataverse's default lengths of the columns navsync writes, used when the
/// metadata cannot be read (no prvReadEntity): better a default than a
/// refused change set.
fn default_lengths(table: EntityKind) -> HashMap<String, usize> {
    let pairs: &[(&str, usize)] = match table {
        EntityKind::Task => &[("subject", 200), ("description", 2000)],
        EntityKind::Contact => &[
            ("firstname", 50),
            ("lastname", 50),
            ("emailaddress1", 100),
            ("jobtitle", 100),
        ],
        EntityKind::Account => &[("name", 160)],
        EntityKind::SystemUser | EntityKind::Opportunity => &[],
    };
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// `s` cut to at most `max` characters, marked with "…" when cut.
pub fn fit_text(s: &str, max: usize) -> Option<String> {
    if s.chars().count() <= max || max == 0 {
        return None;
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    Some(out)
}

impl Client {
    /// The `MaxLength` of each String and Memo column of `logical`.
    async fn read_lengths(&self, logical: &str) -> Result<HashMap<String, usize>, CrmError> {
        #[derive(Deserialize)]
        struct Values {
            value: Vec<Attr>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Attr {
            logical_name: String,
            max_length: Option<usize>,
        }
        let mut out = HashMap::new();
        for kind in ["StringAttributeMetadata", "MemoAttributeMetadata"] {
            let path = format!(
                "EntityDefinitions(LogicalName='{logical}')/Attributes/Microsoft.Dynamics.CRM.{kind}?$select=LogicalName,MaxLength"
            );
            let v: Values = self.get_json(&path, None).await?;
            out.extend(
                v.value
                    .into_iter()
                    .filter_map(|a| Some((a.logical_name, a.max_length?))),
            );
        }
        Ok(out)
    }

    async fn lengths(&self, table: EntityKind) -> Result<Lengths, CrmError> {
        let logical = table.logical_name();
        let mut cache = self.inner.lengths.lock().await;
        if let Some(l) = cache.get(logical) {
            return Ok(l.clone());
        }
        let lengths = match self.read_lengths(logical).await {
            Ok(l) => l,
            Err(e @ (CrmError::Cancelled | CrmError::Connection { .. })) => return Err(e),
            Err(e) => {
                tracing::warn!(
                    table = logical,
                    error = %e.detail(),
                    "column lengths unreadable; using Dataverse's defaults"
                );
                default_lengths(table)
            }
        };
        let lengths = Arc::new(lengths);
        cache.insert(logical, lengths.clone());
        Ok(lengths)
    }

    /// The `MaxLength` of `column` in `table`.
    pub(crate) async fn max_length(
        &self,
        table: EntityKind,
        column: &str,
    ) -> Result<Option<usize>, CrmError> {
        Ok(self.lengths(table).await?.get(column).copied())
    }

    /// `sets` with every text value cut to its column's length.
    pub(crate) async fn fitted(&self, sets: &[ChangeSet]) -> Result<Vec<ChangeSet>, CrmError> {
        let mut out = sets.to_vec();
        for set in &mut out {
            for op in &mut set.ops {
                let (WriteOp::Create {
                    entity_set, body, ..
                }
                | WriteOp::Update {
                    entity_set, body, ..
                }) = op;
                let Some(table) = EntityKind::of_entity_set(entity_set) else {
                    continue;
                };
                let Value::Object(fields) = body else {
                    continue;
                };
                let lengths = self.lengths(table).await?;
                for (column, value) in fields.iter_mut() {
                    let (Some(max), Value::String(s)) = (lengths.get(column), &*value) else {
                        continue;
                    };
                    if let Some(cut) = fit_text(s, *max) {
                        tracing::info!(
                            table = table.logical_name(),
                            column = column.as_str(),
                            max,
                            "a text value was cut to its column's length"
                        );
                        *value = Value::String(cut);
                    }
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_to_whole_characters_with_a_mark() {
        assert_eq!(fit_text("short", 200), None);
        let long = "é".repeat(250);
        let cut = fit_text(&long, 200).unwrap();
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.ends_with('…'));
    }
}
