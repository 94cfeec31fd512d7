//! The console's state: tabs, the open popup, the engine's latest status
//! and the commands it has asked for. `handle_key` and `on_event` are pure
//! state changes (plus non-blocking sends), so the whole console can be
//! driven in tests without a terminal.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use tokio::sync::mpsc;
use tracing::Level;

use crate::describe;

use super::action::{Action, Tab};
use super::component::{Component, Effect, Effects, Flash, KeyResult, Undo};
use super::keymap::{Context, Keymap};
use super::loader::{Load, Snapshot};
use super::popups::Popup;
use super::popups::command_line::{self, ColonRun, CommandLine};
use super::popups::device_code::DeviceCodePopup;
use super::popups::help::HelpPopup;
use super::tabs::{
    connection::ConnectionTab, log::LogTab, saved::SavedTab, seats::SeatsTab,
    settings::SettingsTab, sync::SyncTab, unresolved::UnresolvedTab,
};
use super::theme::Theme;
use crate::engine::{Command, Event, Status, View};

/// Where "now" comes from: the wall clock, or a fixed instant so snapshot
/// tests draw the same relative times every run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Fixed(t) => t,
        }
    }
}

/// Which engine the console works with, for the header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EngineLink {
    /// Started by this console (others can attach to it while it runs).
    #[default]
    Own,
    /// A service's (`navsync serve`, another console), over its socket.
    Attached { pid: u32 },
}

/// What the console shows besides the tabs.
#[derive(Debug, Clone, Default)]
pub struct ConsoleOptions {
    /// The key bindings: the defaults with config.toml's `[keys]` on top.
    pub keys: Arc<Keymap>,
    /// Show "DEMO — connected to a local Dynamics 365 emulator".
    pub demo: bool,
    /// Capture the mouse (off by default: keeps the terminal's own
    /// selection working over SSH).
    pub mouse: bool,
    /// Said in the header: an operator must know whether quitting stops
    /// the engine (its own) or leaves a service running.
    pub engine: EngineLink,
}

pub struct App {
    pub tab: Tab,
    pub connection: ConnectionTab,
    pub sync: SyncTab,
    pub seats: SeatsTab,
    pub unresolved: UnresolvedTab,
    pub settings: SettingsTab,
    pub log: LogTab,
    pub saved: SavedTab,
    pub popup: Option<Popup>,
    pub status: Status,
    pub theme: Theme,
    pub clock: Clock,
    pub options: ConsoleOptions,
    pub flash: Option<Flash>,
    pub quit: bool,
    /// A first q was refused (unsaved settings); the next one quits.
    quit_armed: bool,
    /// How to take back the last skip or seat switch; gone once a sync
    /// starts (the switch then has effects beyond this store).
    pub undo: Option<Undo>,
    /// Store reads the event loop hands to the reader.
    pub pending_loads: Vec<Load>,
    /// Text for the terminal's clipboard (OSC 52), written by the loop.
    pub clipboard: Option<String>,
    /// Spinner frame.
    pub tick: usize,
    /// Frames drawn by the event loop (it draws only after a change).
    pub frames: u64,
    commands: mpsc::UnboundedSender<Command>,
    next_search: u64,
}

impl App {
    pub fn new(
        commands: mpsc::UnboundedSender<Command>,
        theme: Theme,
        clock: Clock,
        options: ConsoleOptions,
    ) -> Self {
        Self {
            tab: Tab::Connection,
            connection: ConnectionTab::default(),
            sync: SyncTab::default(),
            seats: SeatsTab::default(),
            unresolved: UnresolvedTab::default(),
            settings: SettingsTab::default(),
            log: LogTab::default(),
            saved: SavedTab::default(),
            popup: None,
            status: Status::default(),
            theme,
            clock,
            options,
            flash: None,
            quit: false,
            quit_armed: false,
            undo: None,
            pending_loads: super::loader::ALL_VIEWS.to_vec(),
            clipboard: None,
            tick: 0,
            frames: 0,
            commands,
            next_search: 1,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Where keys go now: the popup's context, else the tab's.
    pub fn context(&self) -> Context {
        match &self.popup {
            Some(p) => match p {
                Popup::Confirm(c) => c.context(),
                Popup::Detail(_) => Context::Detail,
                Popup::Form(_) => Context::Form,
                Popup::Search(_) => Context::Search,
                Popup::Help(_) => Context::Help,
                Popup::CommandLine(c) => c.context(),
                Popup::DeviceCode(_) => Context::DeviceCode,
                Popup::Assign(_) => Context::Assign,
            },
            None => Context::Tab(self.tab),
        }
    }

    pub(crate) fn tab_component(&mut self, tab: Tab) -> &mut dyn Component {
        match tab {
            Tab::Connection => &mut self.connection,
            Tab::Sync => &mut self.sync,
            Tab::Seats => &mut self.seats,
            Tab::Unresolved => &mut self.unresolved,
            Tab::Settings => &mut self.settings,
            Tab::Log => &mut self.log,
            Tab::Saved => &mut self.saved,
        }
    }

    /// Whether anything on screen moves by itself (spinner, countdowns):
    /// only then does the loop tick.
    pub fn animating(&self) -> bool {
        self.status.running.is_some() || matches!(self.popup, Some(Popup::DeviceCode(_)))
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        let bound = self.options.keys.lookup(self.context(), &key);
        if bound == Some(Action::ForceQuit) {
            self.quit = true;
            return;
        }
        let mut fx = Effects::default();
        if let Some(p) = &mut self.popup {
            let c = p.component();
            if let KeyResult::Consumed(Some(a)) = c.handle_key(&key, bound) {
                c.update(a, &mut fx);
            }
            if let Popup::CommandLine(cl) = p
                && !fx.leaves_the_line()
            {
                command_line::live(cl, &mut fx);
            }
        } else if let KeyResult::Consumed(Some(a)) =
            self.tab_component(self.tab).handle_key(&key, bound)
        {
            self.update(a, &mut fx);
        }
        self.apply(fx);
    }

    /// The mouse wheel (with `ConsoleOptions::mouse`) moves like ↑/↓ in
    /// whatever has the keys.
    pub fn scroll(&mut self, down: bool) {
        let action = if down { Action::Down } else { Action::Up };
        let mut fx = Effects::default();
        match &mut self.popup {
            Some(p) => p.component().update(action, &mut fx),
            None => self.update(action, &mut fx),
        }
        self.apply(fx);
    }

    /// App-wide actions; the rest go to the current tab.
    pub fn update(&mut self, action: Action, fx: &mut Effects) {
        let armed = std::mem::take(&mut self.quit_armed);
        match action {
            Action::Quit => match self.settings.unsaved() {
                // A change picked in Settings and not applied is not lost
                // silently: the first q says so, a second one quits.
                Some(question) if !armed => {
                    self.quit_armed = true;
                    fx.flash(false, crate::t!("quit-unsaved", question = question));
                }
                _ => self.quit = true,
            },
            Action::NextTab => self.tab = self.tab.offset(1),
            Action::PrevTab => self.tab = self.tab.offset(-1),
            Action::GoTab(t) => self.tab = t,
            Action::Help => {
                let ctx = Context::Tab(self.tab);
                fx.open(Popup::Help(HelpPopup::new(
                    self.options.keys.help_rows(ctx),
                )));
            }
            Action::CommandLine => {
                let words = command_line::Words {
                    seats: self.seats.names(),
                };
                fx.open(Popup::CommandLine(CommandLine::command(words)));
            }
            Action::Filter => {
                if let Some(f) = self.tab_component(self.tab).filtered() {
                    fx.open(Popup::CommandLine(CommandLine::filter(&f.view().filter)));
                }
            }
            Action::Back => {
                let tab = self.tab_component(self.tab);
                if let Some(f) = tab.filtered()
                    && !f.view().filter.is_empty()
                {
                    f.view().filter.clear();
                    f.refilter();
                    fx.flash(true, crate::t!("filter-cleared"));
                } else {
                    tab.update(Action::Back, fx);
                }
            }
            Action::Undo => match self.undo.take() {
                Some(u) => {
                    fx.send_all(u.commands);
                    fx.flash(true, crate::t!("undoing", what = u.what));
                }
                None => fx.flash(false, crate::t!("nothing-to-undo")),
            },
            // A run's report comes with the log lines of its time, which
            // the Log tab holds.
            Action::Details if self.tab == Tab::Sync => {
                match self.sync.details(self.log.entries()) {
                    Some(p) => fx.open(Popup::Detail(p)),
                    None => fx.flash(false, crate::t!("no-run-yet")),
                }
            }
            Action::Connect | Action::Disconnect => {
                self.tab = Tab::Connection;
                self.connection.update(action, fx);
            }
            other => self.tab_component(self.tab).update(other, fx),
        }
    }

    /// Carries out what handling an Action asked, in the order asked.
    fn apply(&mut self, fx: Effects) {
        for effect in fx {
            match effect {
                Effect::Send(c) => self.send(c),
                Effect::Search(query) => {
                    if let Some(Popup::Search(p)) = &mut self.popup {
                        let request_id = self.next_search;
                        self.next_search += 1;
                        p.sent(request_id);
                        let _ = self
                            .commands
                            .send(Command::SearchContacts { request_id, query });
                    }
                }
                Effect::Filter(text) => match self.tab_component(self.tab).filtered() {
                    Some(f) => {
                        f.view().filter = text;
                        f.refilter();
                    }
                    None => {
                        self.flash = Some(Flash {
                            ok: false,
                            text: crate::t!("filter-none-here"),
                        })
                    }
                },
                Effect::Find(text) => self.log.set_find(text),
                Effect::ClosePopup => self.popup = None,
                Effect::Open(p) => self.popup = Some(*p),
                Effect::Load(l) => self.pending_loads.push(l),
                Effect::Flash(f) => self.flash = Some(f),
                Effect::Copy(c) => self.clipboard = Some(c),
                Effect::Undo(u) => self.undo = Some(u),
                Effect::Colon(run) => {
                    let mut more = Effects::default();
                    match run {
                        ColonRun::SeatSync { enabled, who } => {
                            self.tab = Tab::Seats;
                            self.seats.switch_named(enabled, &who, &mut more);
                        }
                        ColonRun::Lang(lang) => {
                            // The console's thread only: an engine in this
                            // process sends data, said in each face's words.
                            crate::i18n::set_for_thread(Some(crate::i18n::Locale::Lang(lang)));
                            more.flash(true, crate::t!("lang-set"));
                        }
                    }
                    self.apply(more);
                }
                Effect::Then(a) => {
                    let mut more = Effects::default();
                    self.update(a, &mut more);
                    self.apply(more);
                }
            }
        }
        // A filter or a sort of a big Saved tab is worked out by the reader.
        self.pending_loads.extend(self.saved.take_asks());
    }

    fn send(&mut self, c: Command) {
        if self.commands.send(c).is_err() {
            self.flash = Some(Flash {
                ok: false,
                text: crate::t!("engine-stopped"),
            });
        }
    }

    fn log(&mut self, level: Level, message: String) {
        let now = self.now();
        self.log.push(now, level, message);
    }

    pub fn on_event(&mut self, ev: Event) {
        let now = self.now();
        self.sync.on_event(&ev, now);
        match ev {
            Event::DataChanged(view) => {
                self.pending_loads.push(Load::View(view));
                // Saved lists change with the seats (the sync's saved-lists
                // phase and a purge announce Seats).
                if view == View::Seats {
                    self.pending_loads.push(Load::Saved);
                }
                // A resolved entry leaves the queue for the resolved view.
                if view == View::Unresolved {
                    self.pending_loads.push(Load::Resolved);
                }
                // Candidates and the activity may have changed as well.
                if view == View::Unresolved
                    && let Some(row) = self.unresolved.selected_row()
                {
                    self.pending_loads.push(Load::Detail(row.activity_id));
                }
            }
            Event::RunStarted { .. } => self.undo = None,
            Event::RunFinished {
                outcome, summary, ..
            } => {
                let level = match outcome {
                    crate::store::runs::Outcome::Error => Level::ERROR,
                    _ => Level::INFO,
                };
                let failed = outcome != crate::store::runs::Outcome::Ok;
                let outcome = crate::i18n::word(outcome);
                let summary = crate::describe::run_summary(&summary);
                let line = crate::t!("log-run-finished", outcome = outcome, summary = summary);
                self.log(level, line.clone());
                // The footer's "Sync requested" belongs to the run: its
                // outcome replaces it. A failure's own error (message and
                // next step), shown just before, stays.
                if !(failed && self.flash.as_ref().is_some_and(|f| !f.ok)) {
                    self.flash = Some(Flash {
                        ok: !failed,
                        text: line,
                    });
                }
                // A run changes what a purge would remove: the Connection
                // tab's counts are read again after every run.
                self.pending_loads.push(Load::View(View::Sync));
                self.pending_loads.push(Load::View(View::Connection));
            }
            Event::DeltaRejected { table, .. } => {
                self.log(Level::WARN, crate::t!("log-delta-rejected", table = table))
            }
            Event::Retry {
                attempt,
                reason,
                wait,
            } => self.log(
                Level::WARN,
                crate::t!(
                    "log-retry",
                    attempt = attempt,
                    secs = wait.as_secs(),
                    reason = reason
                ),
            ),
            Event::Throttled { retry_after } => self.log(
                Level::WARN,
                crate::t!("log-throttled", secs = retry_after.as_secs()),
            ),
            Event::DeviceCode {
                user_code,
                verification_uri,
                expires_in,
                ..
            } => {
                let expires_at = self.now()
                    + chrono::Duration::from_std(expires_in).unwrap_or(chrono::Duration::zero());
                self.tab = Tab::Connection;
                self.popup = Some(Popup::DeviceCode(DeviceCodePopup {
                    user_code,
                    verification_uri,
                    expires_at,
                }));
            }
            Event::Error(e) => {
                self.unresolved.action_failed();
                let (message, next) = (describe::message(&e), describe::next_step(&e));
                self.log(
                    Level::ERROR,
                    format!("{message} — {next} ({})", describe::detail(&e)),
                );
                self.flash = Some(Flash {
                    ok: false,
                    text: format!("{message} — {next}"),
                });
                if matches!(self.popup, Some(Popup::DeviceCode(_))) {
                    self.popup = None;
                }
            }
            Event::SearchResults {
                request_id,
                contacts,
            } => {
                if let Some(Popup::Search(p)) = &mut self.popup {
                    p.results(request_id, contacts);
                }
            }
            Event::ActionResult { ok, reply } => {
                if !ok {
                    self.unresolved.action_failed();
                }
                let message = describe::reply(&reply);
                self.log(if ok { Level::INFO } else { Level::WARN }, message.clone());
                self.flash = Some(Flash { ok, text: message });
            }
            Event::Log { level, note } => {
                for line in describe::note(&note) {
                    self.log(level, line);
                }
            }
            Event::SeatsUnassigned { seats } => {
                let message = crate::t!("seats-unassigned", count = seats);
                self.log(Level::INFO, message.clone());
                self.flash = Some(Flash {
                    ok: true,
                    text: message,
                });
            }
            // A command's own import; the Saved and Unresolved views
            // reload at the next sync like for any other import.
            Event::StatusChanged
            | Event::PhaseStarted { .. }
            | Event::Progress { .. }
            | Event::PhaseFinished { .. }
            | Event::ImportBatch { .. }
            | Event::WritesRefused { .. }
            | Event::RenewingSignIn => {}
        }
    }

    pub fn on_status(&mut self, status: Status) {
        let connected_now = status.connected && !self.status.connected;
        if connected_now && matches!(self.popup, Some(Popup::DeviceCode(_))) {
            self.popup = None;
        }
        self.status = status;
    }

    pub fn on_snapshot(&mut self, snap: Snapshot) {
        match snap {
            Snapshot::Connection(d) => self.connection.load(*d),
            Snapshot::Purge(counts) => {
                self.connection.set_purge(counts);
                if let Some(Popup::Confirm(c)) = &mut self.popup
                    && c.counting
                {
                    c.counted(self.connection.purge_lines());
                }
            }
            Snapshot::Sync(runs) => self.sync.load(runs),
            Snapshot::Seats(d) => self.seats.load(d),
            Snapshot::Queue(rows) => {
                let mut loads = Vec::new();
                self.unresolved.load(rows, &mut loads);
                self.pending_loads.extend(loads);
            }
            Snapshot::Detail(d) => self.unresolved.load_detail(*d),
            Snapshot::Settings(d) => self.settings.load(*d),
            Snapshot::Saved(data) => self.saved.load(*data),
            Snapshot::SavedView(v) => {
                self.saved.show(v);
            }
            Snapshot::Resolved(rows) => self.unresolved.load_resolved(rows),
            Snapshot::Failed(msg) => self.log(
                Level::ERROR,
                crate::t!("log-store-read-failed", error = msg),
            ),
        }
        self.pending_loads.extend(self.saved.take_asks());
    }
}
