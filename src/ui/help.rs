//! The `?` overlay, painted from [`crate::app::help::layout`].

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::app::App;
use crate::app::help::{self, Role};

fn style(role: Role, t: &Theme) -> Style {
    match role {
        Role::Plain => Style::default(),
        Role::Key => t.key,
        Role::Title => t.title,
        Role::Message => t.message,
    }
}

pub fn render(area: Rect, buf: &mut Buffer, app: &App, t: &Theme) {
    let help = help::layout(area, app);
    let r = help.area;
    let max = help.max_scroll();
    let scroll = app.help_scroll().min(max);
    let lines: Vec<Line> = help
        .rows
        .into_iter()
        .map(|row| {
            Line::from(
                row.into_iter()
                    .map(|p| Span::styled(p.text, style(p.role, t)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    Clear.render(r, buf);
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_set(t.border_set)
        .border_style(t.border_focused)
        .title(Line::styled(" Keys (? or esc to close) ", t.border_focused));
    if max > 0 {
        // Say that more lies beyond the edge, and how to get there.
        let (up, down) = if t.ascii { ("^", "v") } else { ("↑", "↓") };
        let more = match (scroll > 0, scroll < max) {
            (true, true) => format!(" {up}{down} more "),
            (false, _) => format!(" {down} more "),
            (true, false) => format!(" {up} more "),
        };
        block = block.title_bottom(Line::styled(more, t.border_focused).right_aligned());
    }
    let inner = block.inner(r);
    block.render(r, buf);
    Paragraph::new(lines).scroll((scroll, 0)).render(inner, buf);
}
