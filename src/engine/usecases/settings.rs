//! Effective settings: what the admin changed in the console (stored) on
//! top of the config file. A change applies from the next sync, so a run
//! reads them once at its start and never sees a half-applied change.

use crate::engine::effects::writer::WriterGone;
use std::time::Duration;

use rusqlite::Connection;

use crate::config::{ActivityKind, Choice, Config};
use crate::engine::interface::command::{SettingChange, SettingKey};
use crate::engine::interface::note::{Applied, Refusal, Stage};
use crate::store::{self, settings};

const AUTO_SYNC_ALL: &str = "auto_sync_all_seats";
const PIPELINE_STAGE: &str = "pipeline_stage";
const WON_VALUE_FIELD: &str = "won_value_field";
const WRITEBACK_ENABLED: &str = "writeback_enabled";
const WRITEBACK_KINDS: &str = "writeback_kinds";
const SYNC_INTERVAL_SECS: &str = "sync_interval_secs";

/// The shortest schedule an admin can set from the console: the config
/// file's own floor, so a value the console offers is one the file takes.
pub const MIN_INTERVAL: Duration = crate::config::MIN_INTERVAL;

#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    pub auto_sync_all_seats: bool,
    /// `None` = "Not sure": every open opportunity.
    pub pipeline_stage: Option<i64>,
    /// `None` = "Not sure".
    pub won_value_field: Option<String>,
    pub writeback_enabled: bool,
    pub writeback_kinds: Vec<ActivityKind>,
    pub sync_interval: Duration,
}

impl Effective {
    pub fn selection(&self) -> store::saved::Selection {
        store::saved::Selection {
            auto_sync_all_seats: self.auto_sync_all_seats,
            min_stage: self.pipeline_stage,
        }
    }
}

fn choice<T: Clone>(c: &Choice<T>) -> Option<T> {
    match c {
        Choice::NotSure => None,
        Choice::Value(v) => Some(v.clone()),
    }
}

/// Stored overrides on top of `config`.
pub fn effective(conn: &Connection, config: &Config) -> store::Result<Effective> {
    Ok(Effective {
        auto_sync_all_seats: settings::get(conn, AUTO_SYNC_ALL)?
            .unwrap_or(config.sync.auto_sync_all_seats),
        pipeline_stage: settings::get(conn, PIPELINE_STAGE)?
            .unwrap_or_else(|| choice(&config.sync.pipeline_stage)),
        won_value_field: settings::get(conn, WON_VALUE_FIELD)?
            .unwrap_or_else(|| choice(&config.sync.won_value_field)),
        writeback_enabled: settings::get(conn, WRITEBACK_ENABLED)?
            .unwrap_or(config.writeback.enabled),
        writeback_kinds: settings::get(conn, WRITEBACK_KINDS)?
            .unwrap_or_else(|| config.writeback.kinds.clone()),
        sync_interval: settings::get::<u64>(conn, SYNC_INTERVAL_SECS)?
            .map(Duration::from_secs)
            .unwrap_or(config.sync.interval),
    })
}

/// Which settings were changed in the console (stored) and so override
/// config.toml; the Settings tab says where each value comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FromConsole {
    pub auto_sync_all_seats: bool,
    pub pipeline_stage: bool,
    pub won_value_field: bool,
    pub writeback_enabled: bool,
    pub writeback_kinds: bool,
    pub sync_interval: bool,
}

pub fn from_console(conn: &Connection) -> store::Result<FromConsole> {
    let set = |key: &str| {
        Ok::<_, store::StoreError>(settings::get::<serde_json::Value>(conn, key)?.is_some())
    };
    Ok(FromConsole {
        auto_sync_all_seats: set(AUTO_SYNC_ALL)?,
        pipeline_stage: set(PIPELINE_STAGE)?,
        won_value_field: set(WON_VALUE_FIELD)?,
        writeback_enabled: set(WRITEBACK_ENABLED)?,
        writeback_kinds: set(WRITEBACK_KINDS)?,
        sync_interval: set(SYNC_INTERVAL_SECS)?,
    })
}

/// Stores one change; returns the value now in force.
pub(crate) fn apply(conn: &Connection, change: &SettingChange) -> Result<Applied, ApplyError> {
    match change {
        SettingChange::AutoSyncAllSeats(v) => settings::set(conn, AUTO_SYNC_ALL, v)?,
        SettingChange::PipelineStage(v) => settings::set(conn, PIPELINE_STAGE, v)?,
        SettingChange::WonValueField(v) => {
            settings::set(conn, WON_VALUE_FIELD, v)?;
            reread_opportunities(conn)?;
        }
        SettingChange::WritebackEnabled(v) => settings::set(conn, WRITEBACK_ENABLED, v)?,
        SettingChange::WritebackKinds(kinds) => {
            if kinds.is_empty() {
                return Err(ApplyError::Rejected(Refusal::NoKinds));
            }
            let mut kinds = kinds.clone();
            kinds.sort();
            kinds.dedup();
            settings::set(conn, WRITEBACK_KINDS, &kinds)?;
        }
        SettingChange::SyncInterval(d) => {
            if *d < MIN_INTERVAL {
                return Err(ApplyError::Rejected(Refusal::IntervalTooShort));
            }
            settings::set(conn, SYNC_INTERVAL_SECS, &d.as_secs())?;
        }
    }
    applied(conn, change)
}

/// `Command::ResetSetting`: forgets the console's value of `key`, so
/// config.toml's (or the default) applies again; answered with the value
/// now in force, as a change is.
pub fn reset(conn: &Connection, config: &Config, key: SettingKey) -> Result<Applied, ApplyError> {
    let stored = match key {
        SettingKey::AutoSyncAllSeats => AUTO_SYNC_ALL,
        SettingKey::PipelineStage => PIPELINE_STAGE,
        SettingKey::WonValueField => WON_VALUE_FIELD,
        SettingKey::WritebackEnabled => WRITEBACK_ENABLED,
        SettingKey::WritebackKinds => WRITEBACK_KINDS,
        SettingKey::SyncInterval => SYNC_INTERVAL_SECS,
    };
    settings::remove(conn, stored)?;
    if key == SettingKey::WonValueField {
        reread_opportunities(conn)?;
    }
    let e = effective(conn, config)?;
    let now = match key {
        SettingKey::AutoSyncAllSeats => SettingChange::AutoSyncAllSeats(e.auto_sync_all_seats),
        SettingKey::PipelineStage => SettingChange::PipelineStage(e.pipeline_stage),
        SettingKey::WonValueField => SettingChange::WonValueField(e.won_value_field),
        SettingKey::WritebackEnabled => SettingChange::WritebackEnabled(e.writeback_enabled),
        SettingKey::WritebackKinds => SettingChange::WritebackKinds(e.writeback_kinds),
        SettingKey::SyncInterval => SettingChange::SyncInterval(e.sync_interval),
    };
    applied(conn, &now)
}

/// The column is part of the opportunities read; a delta link keeps the
/// columns it was made with, so the next run reads the opportunities in
/// full once to pick a new won-value column up.
fn reread_opportunities(conn: &Connection) -> Result<(), ApplyError> {
    store::mirror::set_delta_link(conn, store::mirror::Table::Opportunities, None)?;
    Ok(())
}

/// The answer to a value now in force: what it is (a stage named from the
/// CRM's choices).
fn applied(conn: &Connection, change: &SettingChange) -> Result<Applied, ApplyError> {
    Ok(match change {
        SettingChange::AutoSyncAllSeats(on) => Applied::AutoSyncAllSeats { on: *on },
        SettingChange::PipelineStage(v) => Applied::PipelineStage {
            stage: v.map(|value| stage(conn, value)).transpose()?,
        },
        SettingChange::WonValueField(field) => Applied::WonValueField {
            field: field.clone(),
        },
        SettingChange::WritebackEnabled(on) => Applied::WritebackEnabled { on: *on },
        SettingChange::WritebackKinds(kinds) => {
            let mut kinds = kinds.clone();
            kinds.sort();
            kinds.dedup();
            Applied::WritebackKinds { kinds }
        }
        SettingChange::SyncInterval(every) => Applied::SyncInterval { every: *every },
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Rejected(Refusal),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("the store writer has stopped")]
    WriterGone,
}

impl From<WriterGone> for ApplyError {
    fn from(_: WriterGone) -> Self {
        Self::WriterGone
    }
}

/// The stage with its label from the cached CRM choices, if known.
fn stage(conn: &Connection, value: i64) -> store::Result<Stage> {
    let label = settings::crm_choices(conn)?
        .and_then(|c| c.stages.into_iter().find(|s| s.value == Some(value)))
        .map(|s| s.label);
    Ok(Stage { value, label })
}
