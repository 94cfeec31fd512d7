//! What a key means once the keymap has read it. Components turn Actions
//! into state changes and engine Commands; nothing here does I/O.

/// The tabs, in the order of their number keys (Saved came last, so the
/// older tabs kept their numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Connection,
    Sync,
    Seats,
    Unresolved,
    Settings,
    Log,
    Saved,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Self::Connection,
        Self::Sync,
        Self::Seats,
        Self::Unresolved,
        Self::Settings,
        Self::Log,
        Self::Saved,
    ];

    /// The tab's name where it must not change with the language:
    /// message ids and test names.
    pub fn id(self) -> &'static str {
        match self {
            Self::Connection => "connection",
            Self::Sync => "sync",
            Self::Seats => "seats",
            Self::Unresolved => "unresolved",
            Self::Settings => "settings",
            Self::Log => "log",
            Self::Saved => "saved",
        }
    }

    /// The tab's name as the tab bar shows it.
    pub fn title(self) -> String {
        crate::i18n::text(&format!("tab-{}", self.id()), &[])
    }

    /// A shorter name, for the tab bar when the full names do not fit.
    pub(crate) fn short_title(self) -> String {
        crate::i18n::text(&format!("tab-{}-short", self.id()), &[])
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub(crate) fn offset(self, by: isize) -> Tab {
        let n = Self::ALL.len() as isize;
        Self::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Quit at once from any view or popup, without the questions `q`
    /// asks (an unapplied setting is dropped).
    ForceQuit,
    Help,
    NextTab,
    PrevTab,
    GoTab(Tab),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Left,
    Right,
    Filter,
    CommandLine,
    Back,
    /// The whole text of the row or error under the cursor.
    Details,
    /// Take back the last skip or seat switch.
    Undo,
    /// Sort by the next column / reverse the order (Seats, Unresolved).
    SortNext,
    SortReverse,
    // Connection
    Connect,
    Recheck,
    Disconnect,
    DisconnectPurge,
    // Sync
    SyncNow,
    CancelSync,
    DryRun,
    /// Pause the schedule, or resume it when paused.
    PauseSchedule,
    // Seats (Mark/MarkAll/ClearMarks also in the assign list)
    Mark,
    MarkAll,
    ClearMarks,
    EnableSync,
    DisableSync,
    AssignSeats,
    /// Take the CRM user off the marked seats (or the cursor's).
    UnassignSeats,
    // Unresolved
    Resolve,
    SearchCrm,
    CreateContact,
    Skip,
    /// Link the marked entries (or the cursor's) to their top candidate.
    LinkTop,
    /// All entries, open only, skipped only.
    CycleView,
    // Settings
    Apply,
    /// Back to config.toml's value (the console's change forgotten).
    ResetSetting,
    // Log
    CycleLevel,
    /// Keep to the newest line as lines arrive, or stop.
    Follow,
    /// Show long lines whole, wrapped over several rows, or on one row.
    Wrap,
    /// Find text (highlighted), then the next / previous line with it.
    Find,
    FindNext,
    FindPrev,
    // Popups
    Confirm,
    Copy,
    NextField,
    PrevField,
    CycleLicence,
    CycleEdition,
}
