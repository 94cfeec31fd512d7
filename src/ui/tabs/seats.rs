//! Seats: the seat table with marking, bulk enable/disable and assigning
//! seats from CRM users.

use std::collections::{HashMap, HashSet};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use crate::engine::Command;
use crate::store::seats::{Licence, Waiting};
use crate::ui::action::{Action, Tab};
use crate::ui::component::{Component, Effects, Undo, ViewCtx};
use crate::ui::format::stored_word;
use crate::ui::keymap::Context;
use crate::ui::loader::SeatsData;
use crate::ui::popups::Popup;
use crate::ui::popups::assign::AssignPopup;
use crate::ui::popups::confirm::ConfirmPopup;
use crate::ui::table::{self, Filtered, Marks, Sort, TableView, collate};

/// Seat counts for the title line, taken at load so a frame stays O(screen).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    admins: usize,
    members: usize,
    in_crm: usize,
    /// Seats whose sync is on (all of them with auto-sync all).
    syncing: usize,
}

/// From this width on the table also shows each seat's e-mail and
/// member id.
const WIDE: u16 = 110;

/// The columns `o` sorts by, in turn (the mark column is not one).
const SORTABLE: [&str; 6] = [
    "col-name",
    "col-licence",
    "col-edition",
    "col-crm-user",
    "col-sync",
    "col-in-crm",
];

#[derive(Debug, Default)]
pub struct SeatsTab {
    counts: Counts,
    data: SeatsData,
    names: HashMap<String, String>,
    haystacks: Vec<String>,
    pub view: TableView,
    marks: Marks,
    pub sort: Sort,
}

impl SeatsTab {
    pub fn load(&mut self, data: SeatsData) {
        self.names = data
            .users
            .iter()
            .map(|u| (u.systemuserid.clone(), u.fullname.clone()))
            .collect();
        let kept: HashSet<i64> = self.marked_ids().into_iter().collect();
        self.data = data;
        let names = &self.names;
        self.haystacks = self
            .data
            .seats
            .iter()
            .map(|s| {
                let user = s.crm_user_id.as_ref().and_then(|u| names.get(u));
                table::haystack([
                    s.name.as_str(),
                    s.email.as_deref().unwrap_or(""),
                    s.licence.as_str(),
                    s.edition.as_str(),
                    user.map(String::as_str).unwrap_or(""),
                ])
            })
            .collect();
        let admins = self
            .data
            .seats
            .iter()
            .filter(|s| s.licence == Licence::Admin)
            .count();
        self.counts = Counts {
            admins,
            members: self.data.seats.len() - admins,
            in_crm: self
                .data
                .seats
                .iter()
                .filter(|s| s.in_crm(self.data.auto_sync_all))
                .count(),
            syncing: self
                .data
                .seats
                .iter()
                .filter(|s| s.sync_enabled || self.data.auto_sync_all)
                .count(),
        };
        self.marks.reset(self.data.seats.len());
        for (i, s) in self.data.seats.iter().enumerate() {
            if kept.contains(&s.id) {
                self.marks.toggle(i);
            }
        }
        self.resort();
    }

    /// Ids of the marked seats, in table order.
    pub fn marked_ids(&self) -> Vec<i64> {
        self.marks
            .indices()
            .map(|i| self.data.seats[i].id)
            .collect()
    }

    /// Orders the rows by the sort column (names by letters, not code
    /// points), then by name.
    fn resort(&mut self) {
        let auto = self.data.auto_sync_all;
        let keys: Vec<String> = self
            .data
            .seats
            .iter()
            .map(|s| {
                let user = s
                    .crm_user_id
                    .as_ref()
                    .and_then(|u| self.names.get(u))
                    .map_or_else(String::new, |n| collate(n));
                let key = match self.sort.column {
                    0 => String::new(),
                    1 => s.licence.as_str().to_string(),
                    2 => s.edition.as_str().to_string(),
                    3 => user,
                    4 => if s.sync_enabled { "0" } else { "1" }.to_string(),
                    _ => if s.in_crm(auto) { "0" } else { "1" }.to_string(),
                };
                format!("{key}\u{1}{}", collate(&s.name))
            })
            .collect();
        self.view.set_order(self.sort.order(&keys));
        self.refilter();
    }

    /// Marked seats, or the cursor's when none is marked (k9s rule).
    fn targets(&self) -> Vec<i64> {
        if self.marks.is_empty() {
            self.view
                .selected()
                .map(|i| vec![self.data.seats[i].id])
                .unwrap_or_default()
        } else {
            self.marked_ids()
        }
    }

    /// The seat holders' names, for completing `:seats enable NAME`.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.data.seats.iter().map(|s| s.name.clone()).collect();
        names.sort_by_key(|n| collate(n));
        names
    }

    /// `:seats enable|disable WHO`: the seats whose name, e-mail or
    /// member id holds WHO (accents and case aside); with no WHO, what
    /// `e` and `x` act on.
    pub(crate) fn switch_named(&self, enabled: bool, who: &str, fx: &mut Effects) {
        if who.is_empty() {
            return self.confirm_sync(enabled, fx);
        }
        let needle = table::fold(who);
        let named: Vec<&crate::store::seats::Seat> = self
            .data
            .seats
            .iter()
            .filter(|s| {
                [
                    s.name.as_str(),
                    s.email.as_deref().unwrap_or(""),
                    s.member_id.as_str(),
                ]
                .iter()
                .any(|f| table::fold(f).contains(&needle))
            })
            .collect();
        let what = match named.as_slice() {
            [] => {
                fx.flash(false, crate::t!("seats-none-named", who = who));
                return;
            }
            [one] => crate::t!("seats-the-seat-of", name = one.name.as_str()),
            many => crate::t!("seats-named", count = many.len(), who = who),
        };
        let ids = named.iter().map(|s| s.id).collect();
        self.open_sync_confirm(enabled, ids, what, fx);
    }

    fn confirm_sync(&self, enabled: bool, fx: &mut Effects) {
        let ids = self.targets();
        if ids.is_empty() {
            fx.flash(false, crate::t!("seats-none-to-change"));
            return;
        }
        let what = if self.marks.is_empty() {
            let name = self
                .data
                .seats
                .iter()
                .find(|s| s.id == ids[0])
                .map(|s| s.name.as_str())
                .unwrap_or("?");
            crate::t!("seats-the-seat-of", name = name)
        } else {
            let hidden = self.marks.count() - self.marks.among(self.view.visible());
            crate::t!("seats-marked-hidden", count = ids.len(), hidden = hidden)
        };
        self.open_sync_confirm(enabled, ids, what, fx);
    }

    /// Asks before taking the CRM user off the marked seats (or the
    /// cursor's), saying what becomes of their activities on the way.
    fn confirm_unassign(&self, fx: &mut Effects) {
        let ids = self.targets();
        let Some(first) = self.data.seats.iter().find(|s| Some(&s.id) == ids.first()) else {
            fx.flash(false, crate::t!("seats-none-to-change"));
            return;
        };
        let what = if self.marks.is_empty() {
            crate::t!("seats-the-seat-of", name = first.name.as_str())
        } else {
            let hidden = self.marks.count() - self.marks.among(self.view.visible());
            crate::t!("seats-marked-hidden", count = ids.len(), hidden = hidden)
        };
        let waiting = ids.iter().filter_map(|id| self.data.waiting.get(id)).fold(
            Waiting::default(),
            |a, w| Waiting {
                undecided: a.undecided + w.undecided,
                queued: a.queued + w.queued,
            },
        );
        let lines = vec![
            crate::t!("seats-unassign-question", what = what),
            crate::t!("seats-unassign-effect"),
            crate::t!("seats-unassign-undecided", count = waiting.undecided),
            crate::t!("seats-unassign-queued", count = waiting.queued),
        ];
        fx.open(Popup::Confirm(ConfirmPopup::new(
            &crate::t!("seats-unassign-title"),
            lines,
            vec![Command::UnassignSeats { seat_ids: ids }],
            Some(Action::ClearMarks),
        )));
    }

    /// Asks before switching the sync of `ids` (`what` names them).
    fn open_sync_confirm(&self, enabled: bool, ids: Vec<i64>, what: String, fx: &mut Effects) {
        let on = if enabled { "on" } else { "off" };
        let lines = vec![
            crate::t!("seats-sync-question", on = on, what = what.clone()),
            if enabled {
                crate::t!("seats-sync-on-effect")
            } else {
                crate::t!("seats-sync-off-effect")
            },
        ];
        // Undo puts back each seat's own switch, so only the seats this
        // changes are switched back.
        let changed: Vec<i64> = self
            .data
            .seats
            .iter()
            .filter(|s| ids.contains(&s.id) && s.sync_enabled != enabled)
            .map(|s| s.id)
            .collect();
        let undo = Undo {
            what: crate::t!("seats-sync-undo", on = on, what = what),
            commands: vec![Command::SetSeatSync {
                seat_ids: changed.clone(),
                enabled: !enabled,
            }],
        };
        let confirm = ConfirmPopup::new(
            &crate::t!("seats-sync-title", on = on),
            lines,
            vec![Command::SetSeatSync {
                seat_ids: ids,
                enabled,
            }],
            Some(Action::ClearMarks),
        );
        // Nothing to take back when every seat was switched so already.
        fx.open(Popup::Confirm(if changed.is_empty() {
            confirm
        } else {
            confirm.with_undo(undo)
        }));
    }
}

impl Filtered for SeatsTab {
    fn view(&mut self) -> &mut TableView {
        &mut self.view
    }

    fn refilter(&mut self) {
        self.view.refilter(&self.haystacks);
    }
}

impl Component for SeatsTab {
    fn context(&self) -> Context {
        Context::Tab(Tab::Seats)
    }

    fn update(&mut self, action: Action, fx: &mut Effects) {
        match action {
            action if self.view.navigate(action) => {}
            action if self.sort.update(action, SORTABLE.len()) => self.resort(),
            Action::Mark => {
                if let Some(i) = self.view.selected() {
                    self.marks.toggle(i);
                    self.view.move_by(1);
                }
            }
            Action::MarkAll => self.marks.mark_all(self.view.visible()),
            Action::ClearMarks => self.marks.clear(),
            Action::EnableSync => self.confirm_sync(true, fx),
            Action::DisableSync => self.confirm_sync(false, fx),
            Action::UnassignSeats => self.confirm_unassign(fx),
            Action::AssignSeats => {
                fx.open(Popup::Assign(AssignPopup::new(&self.data)));
            }
            _ => {}
        }
    }

    fn filtered(&mut self) -> Option<&mut dyn Filtered> {
        Some(self)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &ViewCtx) {
        let t = ctx.theme;
        let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let Counts {
            admins,
            members,
            in_crm,
            syncing,
        } = self.counts;
        let mut spans = vec![
            Span::styled(format!("{} ", Tab::Seats.title()), t.title()),
            Span::raw(crate::t!(
                "seats-syncing",
                syncing = syncing,
                total = self.data.seats.len()
            )),
            Span::raw(format!(
                " · {}",
                crate::t!(
                    "seats-counts",
                    admins = admins,
                    members = members,
                    in_crm = in_crm
                )
            )),
        ];
        if !self.marks.is_empty() {
            spans.push(Span::styled(
                format!(
                    " · {}",
                    crate::t!("count-marked", count = self.marks.count())
                ),
                t.marked(),
            ));
        }
        if !self.view.filter.is_empty() {
            spans.push(Span::raw(format!(
                " · {}",
                crate::t!(
                    "filter-shown",
                    filter = self.view.filter.clone(),
                    count = self.view.len()
                )
            )));
        }
        if self.data.auto_sync_all {
            spans.push(Span::styled(
                format!(" · {}", crate::t!("seats-auto-sync-all")),
                t.dim(),
            ));
        }
        frame.render_widget(
            Paragraph::new(table::fit_line(spans, top.width as usize)),
            top,
        );
        if self.data.seats.is_empty() {
            frame.render_widget(Paragraph::new(crate::t!("seats-empty")), body);
            return;
        }
        let mut titles = vec![String::new()];
        titles.extend(
            SORTABLE
                .iter()
                .enumerate()
                .map(|(i, id)| self.sort.title(i, &crate::i18n::text(id, &[]))),
        );
        let in_crm_badge = format!("✔ {}", crate::t!("seats-in-crm"));
        let mut widths = vec![
            Constraint::Length(3),
            Constraint::Fill(3),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Fill(2),
            Constraint::Length(6),
            // The badge's width in this language ("✔ In CRM").
            Constraint::Length(in_crm_badge.chars().count().max(8) as u16),
        ];
        // The e-mail and the member id when the screen has room for them.
        let wide = area.width >= WIDE;
        if wide {
            titles.push(crate::t!("col-email"));
            titles.push(crate::t!("col-member-id"));
            widths.push(Constraint::Fill(3));
            widths.push(Constraint::Length(14));
        }
        let (seats, names, marks, auto) = (
            &self.data.seats,
            &self.names,
            &self.marks,
            self.data.auto_sync_all,
        );
        table::render(frame, body, &mut self.view, titles, &widths, t, |i| {
            let s = &seats[i];
            let marked = marks.is_marked(i);
            // A purge empties the CRM users: say so rather than show an id.
            let user = match &s.crm_user_id {
                Some(id) => names
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| format!("— {}", crate::t!("seats-user-not-synced"))),
                None => format!("— {}", crate::t!("seats-user-not-matched")),
            };
            let mut cells = vec![
                if marked { "[x]" } else { "[ ]" }.to_string(),
                s.name.clone(),
                stored_word("licence", s.licence.as_str()),
                stored_word("edition", s.edition.as_str()),
                user,
                stored_word("switch", if s.sync_enabled { "on" } else { "off" }),
                if s.in_crm(auto) {
                    in_crm_badge.clone()
                } else {
                    String::new()
                },
            ];
            if wide {
                cells.push(s.email.clone().unwrap_or_default());
                cells.push(s.member_id.clone());
            }
            (cells, if marked { t.marked() } else { Style::default() })
        });
    }
}
