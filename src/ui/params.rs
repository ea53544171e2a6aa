//! The Parameters pane: every training knob with its value; the selected one can be stepped or
//! typed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::app::params::Knob;
use crate::app::{App, Pane};

/// Width of the label column.
const LABEL_W: usize = 14;

pub fn render(area: Rect, buf: &mut Buffer, app: &App, t: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let focused = app.panes().focus == Pane::Parameters;
    let hint = area.height as usize > Knob::ALL.len();
    let rows = area.height as usize - usize::from(hint);
    // Scroll so the selected knob stays visible.
    let first = app.panes().knob.saturating_sub(rows.saturating_sub(1));
    // The file prompt types into the status line, not into a knob.
    let editing = app.editing().filter(|_| app.saving().is_none());
    for (row, (i, knob)) in Knob::ALL
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .enumerate()
    {
        let selected = i == app.panes().knob;
        let value = match (editing, selected) {
            // A fresh edit shows its prefilled value selected: typing replaces it.
            (Some(text), true) if app.edit_fresh() => Span::styled(
                text.to_string(),
                t.editing.add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            (Some(text), true) => Span::styled(format!("{text}_"), t.editing),
            _ => Span::styled(
                knob.value(app.config(), app.speed()),
                if selected { t.bold } else { t.text },
            ),
        };
        let marker = if selected { ">" } else { " " };
        let label = format!("{marker}{:<w$}", knob.label(), w = LABEL_W);
        let label_style = if selected && focused {
            t.selected
        } else if selected {
            t.bold
        } else {
            t.dim
        };
        Line::from(vec![
            Span::styled(label, label_style),
            Span::raw(" "),
            value,
        ])
        .render(Rect::new(area.x, area.y + row as u16, area.width, 1), buf);
    }
    if hint {
        let sep = t.glyphs.sep;
        let text = if editing.is_some() && app.edit_fresh() {
            format!("type to replace{sep}enter apply{sep}esc cancel")
        } else if editing.is_some() {
            format!("enter apply{sep}esc cancel")
        } else {
            let arrows = if t.ascii { "<>" } else { "←→" };
            let knob = Knob::ALL[app.panes().knob.min(Knob::ALL.len() - 1)];
            let effect = if knob.rebuilds(app.config()) {
                "rebuilds"
            } else {
                "live"
            };
            format!("{arrows} change{sep}enter type{sep}{effect}")
        };
        Line::styled(text, t.dim).render(
            Rect::new(area.x, area.y + area.height - 1, area.width, 1),
            buf,
        );
    }
}
