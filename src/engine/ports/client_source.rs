//! The crm client as the pull's [`CrmSource`]: its typed pages become
//! mirror rows, its errors user errors, its counters the run's.

use crate::engine::ports::CrmWrites;
use std::pin::Pin;

use futures::future::BoxFuture;
use futures::{Stream, StreamExt};

use crate::crm::{self, Client, CrmError, DeltaToken, Read, rows};
use crate::engine::interface::user_error::user_error;
use crate::engine::ports::{CrmSource, Page, ReadError, TableReader};
use crate::store::mirror::{self, Row, Table};
use crate::store::runs::RunTotals;
use crate::store::settings::{Choice, CrmChoices};

pub(crate) struct ClientSource {
    client: Client,
    /// The won-value money column, read with the opportunities.
    won_value: Option<crm::Column>,
}

impl ClientSource {
    pub fn new(client: Client, won_value_field: Option<&str>) -> Result<Self, CrmError> {
        Ok(Self {
            client,
            won_value: won_value_field.map(crm::Column::new).transpose()?,
        })
    }
}

type Pages = Pin<Box<dyn Stream<Item = Result<Page, CrmError>> + Send>>;

struct Reader {
    pages: Pages,
}

impl TableReader for Reader {
    fn next_page(&mut self) -> BoxFuture<'_, Result<Option<Page>, ReadError>> {
        Box::pin(async move {
            match self.pages.next().await {
                None => Ok(None),
                Some(Ok(page)) => Ok(Some(page)),
                Some(Err(CrmError::Cancelled)) => Err(ReadError::Cancelled),
                Some(Err(e)) => Err(ReadError::Crm(user_error(&e))),
            }
        })
    }
}

fn pages<T: rows::Table>(client: &Client, read: Read, to_row: fn(T) -> Row) -> Pages {
    client
        .stream::<T>(read)
        .map(move |page| {
            page.map(|p| Page {
                rows: p.rows.into_iter().map(to_row).collect(),
                deleted: p.deleted,
                delta_link: p.delta.map(|d| d.as_str().to_string()),
                full: p.full,
                last: p.last,
            })
        })
        .boxed()
}

impl CrmSource for ClientSource {
    fn read(
        &self,
        table: Table,
        delta_link: Option<String>,
        size: Option<u64>,
    ) -> Box<dyn TableReader> {
        let read = Read::changes(delta_link.map(DeltaToken::new)).sized(size);
        let pages = match table {
            Table::SystemUsers => pages(&self.client, read, user_row),
            Table::Accounts => pages(&self.client, read, account_row),
            Table::Contacts => pages(&self.client, read, contact_row),
            Table::Opportunities => {
                let read = match &self.won_value {
                    Some(c) => read.column(c.clone()),
                    None => read,
                };
                pages(&self.client, read, opportunity_row)
            }
        };
        Box::new(Reader { pages })
    }

    fn choices(&self) -> BoxFuture<'_, Result<CrmChoices, ReadError>> {
        Box::pin(async move {
            let err = |e: CrmError| match e {
                CrmError::Cancelled => ReadError::Cancelled,
                e => ReadError::Crm(user_error(&e)),
            };
            let stages = self.client.stage_options().await.map_err(err)?;
            let money = self.client.money_columns().await.map_err(err)?;
            // "Not sure" is no CRM choice: the faces offer it in words.
            Ok(CrmChoices {
                stages: stages
                    .into_iter()
                    .map(|o| Choice {
                        value: Some(o.value),
                        label: o.label,
                    })
                    .collect(),
                won_value_fields: money
                    .into_iter()
                    .map(|m| Choice {
                        label: format!("{} ({})", m.label, m.logical_name),
                        value: Some(m.logical_name),
                    })
                    .collect(),
                read_at: crate::store::now(),
            })
        })
    }

    fn counts(&self) -> BoxFuture<'_, Vec<(Table, u64)>> {
        Box::pin(async move {
            let tables = Table::ALL.map(|t| (t, logical_name(t)));
            match self.client.record_counts(&tables.map(|(_, n)| n)).await {
                Ok(counts) => tables
                    .into_iter()
                    .filter_map(|(t, n)| Some((t, *counts.get(n)?)))
                    .collect(),
                // Progress without totals is still progress.
                Err(e) => {
                    tracing::info!(error = %e.detail(), "table sizes unknown; progress without totals");
                    Vec::new()
                }
            }
        })
    }

    fn totals(&self) -> RunTotals {
        let s = self.client.stats();
        RunTotals {
            requests: s.requests as i64,
            retries: s.retries as i64,
            throttle_waits: s.throttle_waits as i64,
        }
    }

    /// The connected client writes too (writeback, the unresolved queue).
    fn writes(&self) -> Option<&dyn CrmWrites> {
        Some(&self.client)
    }
}

fn user_row(u: rows::SystemUser) -> Row {
    Row::SystemUser(mirror::SystemUser {
        is_application_user: u.is_application_user(),
        fullname: u.fullname.unwrap_or_default(),
        email: u.internalemailaddress,
        isdisabled: u.isdisabled.unwrap_or(false),
        modifiedon: u.modifiedon,
        systemuserid: u.systemuserid,
    })
}

fn account_row(a: rows::Account) -> Row {
    Row::Account(mirror::Account {
        accountid: a.accountid,
        name: a.name.unwrap_or_default(),
        websiteurl: a.websiteurl,
        parentaccountid: a.parentaccountid,
        ownerid: a.ownerid,
        modifiedon: a.modifiedon,
    })
}

fn contact_row(c: rows::Contact) -> Row {
    Row::Contact(mirror::Contact {
        parentaccountid: c.parent_account().map(str::to_string),
        contactid: c.contactid,
        fullname: c.fullname.unwrap_or_default(),
        firstname: c.firstname,
        lastname: c.lastname,
        email: c.emailaddress1,
        jobtitle: c.jobtitle,
        linkedin_url: c.new_linkedinprofileurl,
        ownerid: c.ownerid,
        createdon: c.createdon,
        modifiedon: c.modifiedon,
    })
}

fn opportunity_row(o: rows::Opportunity) -> Row {
    let money_json = serde_json::to_string(&o.money()).unwrap_or_else(|_| "{}".into());
    Row::Opportunity(mirror::Opportunity {
        accountid: o.account_id().map(str::to_string),
        contactid: o.contact_id().map(str::to_string),
        opportunityid: o.opportunityid,
        name: o.name.unwrap_or_default(),
        ownerid: o.ownerid,
        statecode: o.statecode.unwrap_or(0),
        salesstage: o.salesstage,
        stepname: o.stepname,
        money_json,
        modifiedon: o.modifiedon,
    })
}

fn logical_name(t: Table) -> &'static str {
    match t {
        Table::SystemUsers => "systemuser",
        Table::Accounts => "account",
        Table::Contacts => "contact",
        Table::Opportunities => "opportunity",
    }
}
