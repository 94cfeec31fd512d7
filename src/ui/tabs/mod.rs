//! The tabs, each a [`Component`](super::component::Component) with its
//! own state.

pub mod connection;
pub mod log;
pub mod saved;
pub mod seats;
pub mod settings;
pub mod sync;
pub mod unresolved;

use ratatui::text::{Line, Span};

use super::theme::Theme;

/// A section heading inside a tab.
pub(crate) fn heading(text: &str, theme: Theme) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), theme.title()))
}

/// "label: value" with the label dimmed.
pub(crate) fn field(label: &str, value: String, theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<14}"), theme.dim()),
        Span::raw(value),
    ])
}
