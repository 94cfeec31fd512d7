//! Popups, drawn over the tab that opened them; while one is open it gets
//! every key.

pub mod assign;
pub mod command_line;
pub mod confirm;
pub mod detail;
pub mod device_code;
pub mod form;
pub mod help;
pub mod search;

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear};

use super::component::Component;
use super::theme::Theme;

#[derive(Debug)]
pub enum Popup {
    Confirm(confirm::ConfirmPopup),
    Detail(detail::DetailPopup),
    Form(form::ContactForm),
    Search(search::SearchPopup),
    Help(help::HelpPopup),
    CommandLine(command_line::CommandLine),
    DeviceCode(device_code::DeviceCodePopup),
    Assign(assign::AssignPopup),
}

impl Popup {
    pub(crate) fn component(&mut self) -> &mut dyn Component {
        match self {
            Self::Confirm(p) => p,
            Self::Detail(p) => p,
            Self::Form(p) => p,
            Self::Search(p) => p,
            Self::Help(p) => p,
            Self::CommandLine(p) => p,
            Self::DeviceCode(p) => p,
            Self::Assign(p) => p,
        }
    }
}

/// A centred box of at most `w` x `h` inside `area`, cleared and framed;
/// returns the inside.
pub(crate) fn frame_box(
    frame: &mut Frame,
    area: Rect,
    w: u16,
    h: u16,
    title: &str,
    theme: Theme,
) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(format!(" {title} "))
        .title_style(theme.title());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

/// Gives a key the keymap did not claim to a text input; true if it used it.
pub(crate) fn feed(input: &mut tui_input::Input, key: &crossterm::event::KeyEvent) -> bool {
    use tui_input::backend::crossterm::EventHandler;
    input
        .handle_event(&crossterm::event::Event::Key(*key))
        .is_some()
}

/// Key handling for a popup built around one text input: the popup's own
/// bindings win, every other key edits the input. Shared so the command
/// line, the CRM search and the contact form agree on which keys type.
pub(crate) fn input_key(
    bound: Option<super::action::Action>,
    input: &mut tui_input::Input,
    key: &crossterm::event::KeyEvent,
) -> super::component::KeyResult {
    use super::component::KeyResult;
    if let Some(a) = bound {
        return KeyResult::Consumed(Some(a));
    }
    if feed(input, key) {
        KeyResult::Consumed(None)
    } else {
        KeyResult::NotConsumed
    }
}

/// A popup's lines, each cut to `width` with "…" ([`fit_line`]), so the
/// box border never cuts a word bare. Every popup line that does not wrap
/// goes through here.
///
/// [`fit_line`]: crate::ui::table::fit_line
pub(crate) fn fit_lines(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .map(|l| {
            let style = l.style;
            crate::ui::table::fit_line(l.spans, width as usize).style(style)
        })
        .collect()
}

/// One input line with its cursor, scrolled to fit `width`; a value
/// longer than the room shows "…" where it goes on (before, after).
pub(crate) fn input_line(
    label: &str,
    input: &tui_input::Input,
    width: u16,
    focused: bool,
    theme: Theme,
) -> Line<'static> {
    use crate::ui::table::CUT;
    use ratatui::text::Span;
    let room = (width as usize).saturating_sub(label.len() + 1).max(1);
    let scroll = input.visual_scroll(room);
    let mut shown: Vec<char> = input.value().chars().skip(scroll).take(room).collect();
    if input.value().chars().count() > scroll + room
        && let Some(last) = shown.last_mut()
    {
        *last = CUT;
    }
    if scroll > 0
        && let Some(first) = shown.first_mut()
    {
        *first = CUT;
    }
    let shown: String = shown.into_iter().collect();
    let style = if focused {
        theme.selected()
    } else {
        theme.base()
    };
    Line::from(vec![
        Span::styled(label.to_string(), theme.dim()),
        Span::styled(format!("{shown:<room$}"), style),
    ])
}
