//! The `?` overlay: every binding of the active keymap with what it does.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::app::App;
use crate::app::action::BINDABLE;

/// One line per action: its keys, then its description.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    BINDABLE
        .iter()
        .filter_map(|(action, _, desc)| {
            let keys = app.keymap.keys_for(action);
            if keys.is_empty() {
                return None;
            }
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            Some(Line::from(vec![
                Span::styled(format!("{:>14}", keys.join(" ")), t.key),
                Span::raw("  "),
                Span::raw(*desc),
            ]))
        })
        .collect()
}

/// The scenario's title, caption and keys to try, wrapped to `width`.
fn scenario_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let Some(s) = &app.scenario else {
        return Vec::new();
    };
    let t = &app.theme;
    let mut out = vec![Line::styled(s.title.clone(), t.title)];
    let width = width.max(10) as usize;
    let mut line = String::new();
    for word in s.caption.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(Line::styled(std::mem::take(&mut line), t.message));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(Line::styled(line, t.message));
    }
    for (keys, does) in &s.hints {
        out.push(Line::from(vec![
            Span::styled(format!("{keys:>14}"), t.key),
            Span::raw("  "),
            Span::raw(does.clone()),
        ]));
    }
    out.push(Line::raw(""));
    out
}

pub fn render(area: Rect, buf: &mut Buffer, app: &App) {
    let t = &app.theme;
    let mut body = lines(app);
    let head = scenario_lines(app, area.width.saturating_sub(4).min(96));
    // Two columns when the list does not fit in one and the screen is wide enough.
    let w = 48u16;
    let two = area.width >= 2 * w + 2 && body.len() + 3 > area.height as usize;
    let per_col = if two {
        body.len().div_ceil(2)
    } else {
        body.len()
    };
    let width = if two { 2 * w + 2 } else { w + 2 }.min(area.width);
    let height = (per_col as u16 + 3).min(area.height);
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
        .title(Line::styled(" Keys (? or esc to close) ", t.border_focused));
    let mut inner = block.inner(r);
    block.render(r, buf);
    if !head.is_empty() {
        let h = (head.len() as u16).min(inner.height);
        Paragraph::new(head).render(Rect::new(inner.x, inner.y, inner.width, h), buf);
        inner.y += h;
        inner.height -= h;
    }
    if two {
        let right = body.split_off(per_col);
        let half = inner.width / 2;
        Paragraph::new(body).render(Rect::new(inner.x, inner.y, half, inner.height), buf);
        Paragraph::new(right).render(
            Rect::new(inner.x + half, inner.y, inner.width - half, inner.height),
            buf,
        );
    } else {
        Paragraph::new(body).render(inner, buf);
    }
}
