//! The scenario picker: the guided scenarios in tour order, one highlighted; Enter starts it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::app::App;

pub fn render(area: Rect, buf: &mut Buffer, app: &App, t: &Theme, selected: usize) {
    let scenarios = crate::settings::preset::all();
    let lines: Vec<Line> = scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let current = app.scenario_index() == Some(i);
            let marker = if current { "*" } else { " " };
            let style = if i == selected { t.selected } else { t.text };
            Line::from(vec![
                Span::styled(format!("{marker}{:<22}", s.name), style),
                Span::styled(
                    format!(" {}", s.title),
                    if i == selected { t.selected } else { t.dim },
                ),
            ])
        })
        .collect();
    let width = lines
        .iter()
        .map(|l| l.width() as u16 + 2)
        .max()
        .unwrap_or(30)
        .max(40)
        .min(area.width);
    let height = (lines.len() as u16 + 3).min(area.height);
    let r = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    Clear.render(r, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_set(t.border_set)
        .border_style(t.border_focused)
        .title(Line::styled(
            " Scenarios (enter start, esc close) ",
            t.border_focused,
        ));
    let inner = block.inner(r);
    block.render(r, buf);
    // Keep the highlighted entry in view on short screens.
    let skip = selected.saturating_sub(inner.height.saturating_sub(1) as usize);
    Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).render(inner, buf);
}
