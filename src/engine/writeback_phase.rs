//! The writeback phase of a run: workspace activities to the CRM. The
//! writeback helper's code plugs in here; until it does, a run with
//! writeback switched on says plainly that this build cannot write back
//! rather than reporting zero writes as if it had tried.

use super::run::RunCtx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WritebackOutcome {
    /// Writeback is switched off in the settings.
    Disabled,
    /// This build has no writeback.
    NotInThisBuild,
}

impl WritebackOutcome {
    /// The part of the run summary about writeback.
    pub fn summary(self) -> &'static str {
        match self {
            Self::Disabled => "writeback off",
            Self::NotInThisBuild => "writeback not available in this build",
        }
    }
}

pub async fn run(ctx: &RunCtx) -> WritebackOutcome {
    if ctx.settings.writeback_enabled {
        WritebackOutcome::NotInThisBuild
    } else {
        WritebackOutcome::Disabled
    }
}
