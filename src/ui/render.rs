//! Draws the whole screen from `App`: header, tab bar, the current tab,
//! the message line, the key hints, and the popup on top.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::{Action, Tab};
use super::app::App;
use super::format::{parse_time, relative};
use super::keymap;

/// The smallest screen the console is laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let banner = u16::from(app.options.demo);
    let [demo, header, tabs, body, message, footer] = Layout::vertical([
        Constraint::Length(banner),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let t = app.theme;
    if app.options.demo {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "DEMO — connected to a local Dynamics 365 emulator",
                t.warn(),
            )),
            demo,
        );
    }
    frame.render_widget(Paragraph::new(header_line(app, area.width)), header);
    frame.render_widget(Paragraph::new(tab_line(app)), tabs);
    // The tab and popup draw with `&mut self` (table offsets), so the
    // context cannot borrow the app: it gets a copy of the status.
    let status = app.status.clone();
    let ctx = super::component::ViewCtx {
        theme: t,
        now: app.now(),
        status: &status,
        tick: app.tick,
    };
    let tab = app.tab;
    app.tab_component(tab).render(frame, body, &ctx);
    if let Some(f) = &app.flash {
        let (mark, style) = if f.ok {
            ("✔", t.ok())
        } else {
            ("✘", t.error())
        };
        frame.render_widget(
            Paragraph::new(Line::styled(format!("{mark} {}", f.text), style)),
            message,
        );
    }
    frame.render_widget(Paragraph::new(hint_line(app, area.width)), footer);
    if let Some(p) = &mut app.popup {
        p.component().render(frame, body, &ctx);
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::raw("Terminal too small"),
        Line::raw(format!(
            "{}x{}, need {MIN_WIDTH}x{MIN_HEIGHT}",
            area.width, area.height
        )),
        Line::raw("Resize, or q to quit"),
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
    let host = st
        .instance_url
        .as_deref()
        .map(|u| {
            u.trim_start_matches("https://")
                .trim_end_matches('/')
                .to_string()
        })
        .unwrap_or_else(|| "no CRM".into());
    // Compact: the organisation's own label ("contoso" of contoso.crm4...).
    let instance = if wide {
        host
    } else {
        host.split('.').next().unwrap_or_default().to_string()
    };
    let badge = if let Some(r) = &st.running {
        let spin = SPINNER[app.tick % SPINNER.len()];
        if wide {
            Span::styled(format!("{spin} Syncing {}", r.phase.label()), t.warn())
        } else {
            Span::styled(format!("{spin} Syncing"), t.warn())
        }
    } else if st.connected {
        Span::styled("● Connected", t.ok())
    } else if st.last_error.is_some() {
        Span::styled("✘ Error", t.error())
    } else {
        Span::styled("○ Disconnected", t.warn())
    };
    let last = match st.last_sync.as_deref().and_then(parse_time) {
        Some(at) if wide => format!(
            "last sync {} ({})",
            relative(app.now(), at),
            at.format("%Y-%m-%d %H:%M UTC")
        ),
        Some(at) => format!(
            "synced {} ({})",
            relative(app.now(), at),
            at.format("%m-%d %H:%M UTC")
        ),
        None => "never synced".into(),
    };
    Line::from(vec![
        Span::styled("navsync", t.title()),
        sep(),
        Span::raw(instance),
        sep(),
        badge,
        sep(),
        Span::raw(last),
    ])
}

fn tab_line(app: &App) -> Line<'static> {
    let t = app.theme;
    let mut spans = Vec::new();
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let label = match tab {
            Tab::Unresolved => format!(
                "{} {} ({})",
                i + 1,
                tab.title(),
                app.unresolved.rows().len()
            ),
            _ => format!("{} {}", i + 1, tab.title()),
        };
        if *tab == app.tab {
            spans.push(Span::styled(format!("[{label}]"), t.active_tab()));
        } else {
            spans.push(Span::raw(format!(" {label} ")));
        }
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

/// The keys that work here, as many as fit, with `? help` always last on
/// tabs so the way to the rest is never cut off.
fn hint_line(app: &App, width: u16) -> Line<'static> {
    let t = app.theme;
    let short = |b: &keymap::Binding| {
        let word = b
            .desc
            .split([':', '(', ','])
            .next()
            .unwrap_or(b.desc)
            .trim();
        (b.label, word.to_string())
    };
    let hints = keymap::hints(app.context());
    let (pinned, rest): (Vec<_>, Vec<_>) = hints.iter().partition(|b| b.action == Action::Help);
    let pinned: Vec<_> = pinned.into_iter().map(short).collect();
    let entry_len = |(k, w): &(&str, String)| k.chars().count() + w.chars().count() + 3;
    let width = width as usize;
    let mut room = width - pinned.iter().map(entry_len).sum::<usize>().min(width);
    let mut shown = Vec::new();
    for b in rest {
        let e = short(b);
        let len = entry_len(&e);
        if len > room {
            break;
        }
        room -= len;
        shown.push(e);
    }
    shown.extend(pinned);
    let mut spans = Vec::new();
    for (k, w) in shown {
        spans.push(Span::styled(k.to_string(), t.key()));
        spans.push(Span::raw(format!(" {w}  ")));
    }
    Line::from(spans)
}
