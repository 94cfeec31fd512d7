//! Draws the whole screen from `App`: header, tab bar, the current tab,
//! the message line, the key hints, and the popup on top.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::action::Tab;
use super::app::App;
use super::format::relative_and_absolute;
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
    frame.render_widget(Paragraph::new(header_line(app)), header);
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
    frame.render_widget(Paragraph::new(hint_line(app)), footer);
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

fn header_line(app: &App) -> Line<'static> {
    let t = app.theme;
    let st = &app.status;
    let sep = || Span::styled(" │ ", t.dim());
    let instance = st
        .instance_url
        .as_deref()
        .map(|u| {
            u.trim_start_matches("https://")
                .trim_end_matches('/')
                .to_string()
        })
        .unwrap_or_else(|| "no CRM".into());
    let badge = if st.connected {
        Span::styled("● Connected", t.ok())
    } else if st.last_error.is_some() {
        Span::styled("✘ Error", t.error())
    } else {
        Span::styled("○ Disconnected", t.warn())
    };
    let last = st
        .last_sync
        .as_deref()
        .map(|s| relative_and_absolute(app.now(), s))
        .unwrap_or_else(|| "never".into());
    let mut spans = vec![
        Span::styled("navsync", t.title()),
        sep(),
        Span::raw(instance),
        sep(),
        badge,
        sep(),
        Span::raw(format!("last sync {last}")),
    ];
    if let Some(r) = &st.running {
        spans.push(sep());
        spans.push(Span::styled(
            format!(
                "{} syncing {}",
                SPINNER[app.tick % SPINNER.len()],
                r.phase.label()
            ),
            t.warn(),
        ));
    }
    Line::from(spans)
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

fn hint_line(app: &App) -> Line<'static> {
    let t = app.theme;
    let mut spans = Vec::new();
    for b in keymap::hints(app.context()) {
        spans.push(Span::styled(format!("<{}>", b.label), t.key()));
        let word = b
            .desc
            .split([':', '(', ','])
            .next()
            .unwrap_or(b.desc)
            .trim();
        spans.push(Span::raw(format!(" {word}  ")));
    }
    Line::from(spans)
}
