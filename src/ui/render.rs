//! Draws the whole screen from `App`: header, tab bar, the current tab,
//! the message line, the key hints, and the popup on top.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::{Action, Tab};
use super::app::{App, EngineLink};
use super::format::{self, phase_name, relative};
use super::keymap::{self, Context};
use super::table;
use super::tabs::connection::{ConnView, conn_view};
use crate::engine::interface::health::{Health, HealthReason};

/// The smallest screen the console is laid out for.
pub(crate) const MIN_WIDTH: u16 = 80;
pub(crate) const MIN_HEIGHT: u16 = 24;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let banner = u16::from(app.options.demo);
    let hints = hint_lines(app, area.width);
    let [demo, header, tabs, body, message, footer] = Layout::vertical([
        Constraint::Length(banner),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(hints.len() as u16),
    ])
    .areas(area);
    let t = app.theme;
    if app.options.demo {
        frame.render_widget(
            Paragraph::new(Line::styled(crate::t!("demo-banner"), t.warn())),
            demo,
        );
    }
    frame.render_widget(Paragraph::new(header_line(app, area.width)), header);
    frame.render_widget(Paragraph::new(tab_line(app, area.width)), tabs);
    // The tab and popup draw with `&mut self` (table offsets), so the
    // context cannot borrow the app: it gets a copy of the status.
    let status = app.status.clone();
    let keys = std::sync::Arc::clone(&app.options.keys);
    let ctx = super::component::ViewCtx {
        theme: t,
        now: app.now(),
        status: &status,
        keys: &keys,
    };
    let tab = app.tab;
    app.tab_component(tab).render(frame, body, &ctx);
    if let Some(f) = &app.flash {
        let (mark, style) = if f.ok {
            ("✔", t.ok())
        } else {
            ("✘", t.error())
        };
        // The Log tab's key as the keymap in force has it.
        let log_key = app
            .options
            .keys
            .all(Context::Tab(app.tab))
            .iter()
            .find(|b| b.action == Action::GoTab(Tab::Log))
            .map_or_else(|| "6".to_string(), |b| keymap::shown(b.label));
        frame.render_widget(
            Paragraph::new(Line::styled(
                fit_message(
                    &format!("{mark} {}", f.text),
                    message.width as usize,
                    &log_key,
                ),
                style,
            )),
            message,
        );
    }
    frame.render_widget(Paragraph::new(hints), footer);
    if let Some(p) = &mut app.popup {
        p.component().render(frame, body, &ctx);
    }
}

/// The message line as it fits; a cut one says where the whole text is
/// (every message is also a log line, `log_key` goes there).
fn fit_message(text: &str, width: usize, log_key: &str) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let whole = crate::t!("flash-whole", key = log_key);
    let keep = width.saturating_sub(whole.chars().count());
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(&whole);
    out
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::raw(crate::t!("too-small")),
        Line::raw(crate::t!(
            "too-small-size",
            size = format!("{}x{}", area.width, area.height),
            need = format!("{MIN_WIDTH}x{MIN_HEIGHT}")
        )),
        Line::raw(crate::t!("too-small-next")),
    ];
    frame.render_widget(Paragraph::new(text), area);
}

/// Below this width the header drops to its compact form.
const WIDE: u16 = 110;

fn header_line(app: &App, width: u16) -> Line<'static> {
    let t = app.theme;
    let st = &app.status;
    let wide = width >= WIDE;
    let sep = || Span::styled(" │ ", t.dim());
    let instance = st
        .instance_url
        .as_deref()
        .map(|u| instance_label(u, wide))
        .unwrap_or_else(|| crate::t!("header-no-crm"));
    let badge = if let Some(r) = &st.running {
        let spin = SPINNER[app.tick % SPINNER.len()];
        if wide {
            Span::styled(
                format!(
                    "{spin} {}",
                    crate::t!("header-syncing-phase", phase = phase_name(r.phase))
                ),
                t.warn(),
            )
        } else {
            Span::styled(format!("{spin} {}", crate::t!("header-syncing")), t.warn())
        }
    } else if let Some(span) = health_badge(app) {
        span
    } else {
        match conn_view(st, app.connection.row()) {
            _ if st.connected => {
                Span::styled(format!("● {}", crate::t!("header-connected")), t.ok())
            }
            ConnView::Connected => {
                Span::styled(format!("● {}", crate::t!("header-connected")), t.ok())
            }
            ConnView::Error { .. } => {
                Span::styled(format!("✘ {}", crate::t!("header-error")), t.error())
            }
            ConnView::Disconnected => {
                Span::styled(format!("○ {}", crate::t!("header-disconnected")), t.warn())
            }
            ConnView::Never => {
                Span::styled(format!("○ {}", crate::t!("header-not-connected")), t.warn())
            }
        }
    };
    let healthy = st.running.is_some() || st.health(app.now()).health == Health::Ok;
    let last = match st.last_sync {
        // After a failed run, the last sync is named as the last good one.
        Some(at) if !healthy => crate::t!("header-last-good-sync", ago = relative(app.now(), at)),
        Some(at) if wide => crate::t!(
            "header-last-sync",
            ago = relative(app.now(), at),
            at = crate::i18n::date_time(at)
        ),
        Some(at) => crate::t!(
            "header-synced",
            ago = relative(app.now(), at),
            at = crate::i18n::short_date_time(at)
        ),
        None => crate::t!("header-never-synced"),
    };
    // Without its date, for a header that would otherwise lose the engine.
    let last_short = match st.last_sync {
        Some(at) if healthy && !wide => Some(crate::t!(
            "header-synced-ago",
            ago = relative(app.now(), at)
        )),
        _ => None,
    };
    let mut spans = vec![
        Span::styled("navsync", t.title()),
        sep(),
        Span::raw(instance),
        sep(),
        badge,
        sep(),
        Span::raw(last),
        sep(),
    ];
    // The long form of the engine's part where it fits, else the short,
    // else the short with the last sync's date left out, else none (a cut
    // "o…" would say nothing).
    let engines = [engine_span(app, wide), engine_span(app, false)];
    let fitting = |spans: &[Span<'static>]| {
        let used: usize = spans.iter().map(Span::width).sum();
        engines
            .iter()
            .find(|e| used + e.width() <= width as usize)
            .cloned()
    };
    let mut engine = fitting(&spans);
    if engine.is_none()
        && let Some(short) = last_short
        && let Some(last) = spans.iter_mut().rev().nth(1)
    {
        *last = Span::raw(short);
        engine = fitting(&spans);
    }
    match engine {
        Some(engine) => spans.push(engine),
        None => {
            spans.pop();
        }
    }
    table::fit_line(spans, width as usize)
}

/// Which engine this console works with: its own, or a service's
/// (attached over the socket) with the service's process id.
fn engine_span(app: &App, long: bool) -> Span<'static> {
    let text = match (app.options.engine, long) {
        (EngineLink::Own, true) => crate::t!("header-engine-own"),
        (EngineLink::Own, false) => crate::t!("header-engine-own-short"),
        (EngineLink::Attached { pid }, true) => {
            crate::t!("header-engine-service", pid = pid.to_string())
        }
        (EngineLink::Attached { pid }, false) => {
            crate::t!("header-engine-service-short", pid = pid.to_string())
        }
    };
    Span::styled(text, app.theme.dim())
}

/// The header's badge when the verdict is not `ok` and there is a
/// connection (or was, for an engine lost): word and colour of the
/// verdict, how long ago the last run ended, and its cause, e.g.
/// `✘ sync failing · 3 min ago · Connection error`. `None` leaves the
/// connection's own badge.
fn health_badge(app: &App) -> Option<Span<'static>> {
    let t = app.theme;
    let st = &app.status;
    let now = app.now();
    let v = st.health(now);
    let (mark, style) = match v.health {
        Health::Ok => return None,
        Health::Failing if !st.connected => return None,
        Health::Degraded => ("▲", t.warn()),
        Health::Failing | Health::Offline => ("✘", t.error()),
    };
    let mut parts = vec![match v.health {
        Health::Offline => format::health_word(v.health),
        h => crate::t!("header-health", health = format::health_word(h)),
    }];
    if v.health != Health::Offline
        && let Some(ended) = st.last_run.as_ref().and_then(|r| r.finished_at)
    {
        parts.push(relative(now, ended));
    }
    let cause = match (v.reason, st.last_run.as_ref().and_then(|r| r.class)) {
        (HealthReason::RunFailed | HealthReason::WritesHeld, Some(class)) => {
            crate::t!(&format!("error-title-{}", class.as_str().replace('_', "-")))
        }
        (HealthReason::SignInNeeded, _) => crate::t!("header-sign-in-needed"),
        (reason, _) => format::health_reason(reason),
    };
    parts.push(cause);
    Some(Span::styled(format!("{mark} {}", parts.join(" · ")), style))
}

/// The instance as the header names it: the host without scheme; in the
/// compact header the organisation's own label ("contoso" of
/// contoso.crm4.dynamics.com), but an IP address or localhost whole (the
/// emulator's "127.0.0.1:8080" must not shrink to "127").
pub fn instance_label(url: &str, wide: bool) -> String {
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .trim_end_matches('/');
    let name = host.split(':').next().unwrap_or(host);
    let literal = name == "localhost" || name.parse::<std::net::IpAddr>().is_ok();
    if wide || literal {
        host.to_string()
    } else {
        name.split('.').next().unwrap_or(name).to_string()
    }
}

fn tab_line(app: &App, width: u16) -> Line<'static> {
    let t = app.theme;
    let label = |i: usize, tab: Tab, title: String| match tab {
        Tab::Unresolved => format!("{} {title} ({})", i + 1, app.unresolved.rows().len()),
        _ => format!("{} {title}", i + 1),
    };
    // Which tabs show their short name: none, the others, or all.
    let labels = |short: &dyn Fn(Tab) -> bool| -> Vec<String> {
        Tab::ALL
            .iter()
            .enumerate()
            .map(|(i, tab)| {
                let title = if short(*tab) {
                    tab.short_title()
                } else {
                    tab.title()
                };
                label(i, *tab, title)
            })
            .collect()
    };
    // Seven tabs fit in 80 columns with one space each side in English;
    // in longer languages the other tabs take their short names, and if
    // that is not enough, this one too.
    let fits = |labels: &[String]| {
        labels.iter().map(|l| l.chars().count() + 2).sum::<usize>() <= width as usize
    };
    let shown = [
        labels(&|_| false),
        labels(&|tab| tab != app.tab),
        labels(&|_| true),
    ]
    .into_iter()
    .find(|l| fits(l))
    .unwrap_or_else(|| labels(&|_| true));
    let mut spans = Vec::new();
    for (tab, label) in Tab::ALL.iter().zip(shown) {
        if *tab == app.tab {
            spans.push(Span::styled(format!("[{label}]"), t.active_tab()));
        } else {
            spans.push(Span::raw(format!(" {label} ")));
        }
    }
    Line::from(spans)
}

/// Actions the footer always shows (k9s keeps its prompt keys in view):
/// the filter, the command line, quit and help, in this order, last.
const PINNED: [Action; 4] = [
    Action::Filter,
    Action::CommandLine,
    Action::Quit,
    Action::Help,
];

/// The most lines the key hints take; below that the help lists the rest.
const HINT_LINES: usize = 2;

/// The keys that work here, on one line or, when they do not fit, two:
/// the view's own first, then the pinned ones, so the way to the rest is
/// never cut off. Should even two lines be too few, the view's last keys
/// give way and help says "more" instead of dropping them silently.
fn hint_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let t = app.theme;
    let short = |b: &keymap::Binding| (keymap::shown(b.label), crate::i18n::short(b.desc));
    let hints = app.options.keys.hints(app.context());
    let (mut pinned, rest): (Vec<&keymap::Binding>, Vec<_>) =
        hints.iter().partition(|b| PINNED.contains(&b.action));
    pinned.sort_by_key(|b| PINNED.iter().position(|a| *a == b.action));
    let pinned: Vec<_> = pinned.into_iter().map(short).collect();
    let mut rest: Vec<_> = rest.into_iter().map(short).collect();
    let width = width as usize;
    let mut dropped = false;
    loop {
        let mut entries = rest.clone();
        entries.extend(pinned.iter().cloned());
        if dropped && let Some(help) = entries.iter_mut().find(|(k, _)| k == "?") {
            help.1 = crate::t!("footer-more");
        }
        let lines = wrap_entries(&entries, width);
        if lines.len() <= HINT_LINES || rest.is_empty() {
            return lines
                .into_iter()
                .map(|line| {
                    let mut spans = Vec::new();
                    for (k, w) in line {
                        spans.push(Span::styled(k, t.key()));
                        spans.push(Span::raw(format!(" {w}  ")));
                    }
                    Line::from(spans)
                })
                .collect();
        }
        rest.pop();
        dropped = true;
    }
}

/// Greedy line filling: each entry is "key word" and two spaces.
fn wrap_entries(entries: &[(String, String)], width: usize) -> Vec<Vec<(String, String)>> {
    let mut lines: Vec<Vec<(String, String)>> = vec![Vec::new()];
    let mut used = 0;
    for e in entries {
        let len = e.0.chars().count() + e.1.chars().count() + 3;
        if used + len > width && !lines.last().is_some_and(Vec::is_empty) {
            lines.push(Vec::new());
            used = 0;
        }
        used += len;
        if let Some(line) = lines.last_mut() {
            line.push(e.clone());
        }
    }
    lines
}
