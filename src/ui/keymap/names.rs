//! The names actions have in `[keys]` of config.toml. Users' files hold
//! them, so each is written out here, never derived from the variant's
//! name: renaming a variant must not break a config that works today.

use crate::ui::action::{Action, Tab};

/// The name `action` has in `[keys]` ("sync_now", "tab_seats"). A new
/// action does not compile until it has one.
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::Quit => "quit",
        Action::ForceQuit => "force_quit",
        Action::Help => "help",
        Action::NextTab => "next_tab",
        Action::PrevTab => "prev_tab",
        Action::Up => "up",
        Action::Down => "down",
        Action::PageUp => "page_up",
        Action::PageDown => "page_down",
        Action::Top => "top",
        Action::Bottom => "bottom",
        Action::Left => "left",
        Action::Right => "right",
        Action::Filter => "filter",
        Action::CommandLine => "command_line",
        Action::Back => "back",
        Action::Details => "details",
        Action::Undo => "undo",
        Action::SortNext => "sort_next",
        Action::SortReverse => "sort_reverse",
        Action::Connect => "connect",
        Action::Recheck => "recheck",
        Action::Disconnect => "disconnect",
        Action::DisconnectPurge => "disconnect_purge",
        Action::SyncNow => "sync_now",
        Action::CancelSync => "cancel_sync",
        Action::DryRun => "dry_run",
        Action::PauseSchedule => "pause_schedule",
        Action::Mark => "mark",
        Action::MarkAll => "mark_all",
        Action::ClearMarks => "clear_marks",
        Action::EnableSync => "enable_sync",
        Action::DisableSync => "disable_sync",
        Action::AssignSeats => "assign_seats",
        Action::UnassignSeats => "unassign_seats",
        Action::Resolve => "resolve",
        Action::SearchCrm => "search_crm",
        Action::CreateContact => "create_contact",
        Action::Skip => "skip",
        Action::LinkTop => "link_top",
        Action::CycleView => "cycle_view",
        Action::Apply => "apply",
        Action::ResetSetting => "reset_setting",
        Action::CycleLevel => "cycle_level",
        Action::Follow => "follow",
        Action::Wrap => "wrap",
        Action::Find => "find",
        Action::FindNext => "find_next",
        Action::FindPrev => "find_prev",
        Action::Confirm => "confirm",
        Action::Copy => "copy",
        Action::NextField => "next_field",
        Action::PrevField => "prev_field",
        Action::CycleLicence => "cycle_licence",
        Action::CycleEdition => "cycle_edition",
        Action::GoTab(Tab::Connection) => "tab_connection",
        Action::GoTab(Tab::Sync) => "tab_sync",
        Action::GoTab(Tab::Seats) => "tab_seats",
        Action::GoTab(Tab::Unresolved) => "tab_unresolved",
        Action::GoTab(Tab::Settings) => "tab_settings",
        Action::GoTab(Tab::Log) => "tab_log",
        Action::GoTab(Tab::Saved) => "tab_saved",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::ui::keymap::{CONTEXTS, Keymap};

    /// Every name a config could hold when the names were still made
    /// from the variants (`SyncNow` → "sync_now", tabs as "tab_" and the
    /// tab's id): each must keep naming the same action.
    const PINNED: [(Action, &str); 62] = [
        (Action::Quit, "quit"),
        (Action::ForceQuit, "force_quit"),
        (Action::Help, "help"),
        (Action::NextTab, "next_tab"),
        (Action::PrevTab, "prev_tab"),
        (Action::Up, "up"),
        (Action::Down, "down"),
        (Action::PageUp, "page_up"),
        (Action::PageDown, "page_down"),
        (Action::Top, "top"),
        (Action::Bottom, "bottom"),
        (Action::Left, "left"),
        (Action::Right, "right"),
        (Action::Filter, "filter"),
        (Action::CommandLine, "command_line"),
        (Action::Back, "back"),
        (Action::Details, "details"),
        (Action::Undo, "undo"),
        (Action::SortNext, "sort_next"),
        (Action::SortReverse, "sort_reverse"),
        (Action::Connect, "connect"),
        (Action::Recheck, "recheck"),
        (Action::Disconnect, "disconnect"),
        (Action::DisconnectPurge, "disconnect_purge"),
        (Action::SyncNow, "sync_now"),
        (Action::CancelSync, "cancel_sync"),
        (Action::DryRun, "dry_run"),
        (Action::PauseSchedule, "pause_schedule"),
        (Action::Mark, "mark"),
        (Action::MarkAll, "mark_all"),
        (Action::ClearMarks, "clear_marks"),
        (Action::EnableSync, "enable_sync"),
        (Action::DisableSync, "disable_sync"),
        (Action::AssignSeats, "assign_seats"),
        (Action::UnassignSeats, "unassign_seats"),
        (Action::Resolve, "resolve"),
        (Action::SearchCrm, "search_crm"),
        (Action::CreateContact, "create_contact"),
        (Action::Skip, "skip"),
        (Action::LinkTop, "link_top"),
        (Action::CycleView, "cycle_view"),
        (Action::Apply, "apply"),
        (Action::ResetSetting, "reset_setting"),
        (Action::CycleLevel, "cycle_level"),
        (Action::Follow, "follow"),
        (Action::Wrap, "wrap"),
        (Action::Find, "find"),
        (Action::FindNext, "find_next"),
        (Action::FindPrev, "find_prev"),
        (Action::Confirm, "confirm"),
        (Action::Copy, "copy"),
        (Action::NextField, "next_field"),
        (Action::PrevField, "prev_field"),
        (Action::CycleLicence, "cycle_licence"),
        (Action::CycleEdition, "cycle_edition"),
        (Action::GoTab(Tab::Connection), "tab_connection"),
        (Action::GoTab(Tab::Sync), "tab_sync"),
        (Action::GoTab(Tab::Seats), "tab_seats"),
        (Action::GoTab(Tab::Unresolved), "tab_unresolved"),
        (Action::GoTab(Tab::Settings), "tab_settings"),
        (Action::GoTab(Tab::Log), "tab_log"),
        (Action::GoTab(Tab::Saved), "tab_saved"),
    ];

    #[test]
    fn every_name_users_have_today_keeps_its_action() {
        for (action, name) in PINNED {
            assert_eq!(action_name(action), name, "{action:?}");
        }
        let names: HashSet<&str> = PINNED.iter().map(|(_, n)| *n).collect();
        assert_eq!(names.len(), PINNED.len(), "two actions share a name");
    }

    #[test]
    fn every_bound_action_has_a_pinned_name() {
        let km = Keymap::default();
        for ctx in CONTEXTS {
            for b in km.all(ctx) {
                assert!(
                    PINNED.iter().any(|(a, _)| *a == b.action),
                    "{:?} in {ctx:?} has no pinned name",
                    b.action
                );
            }
        }
    }
}
