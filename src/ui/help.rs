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

/// `text` broken at spaces into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// The scenario's title, caption and keys to try, wrapped to `width`.
fn scenario_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let Some(s) = &app.scenario else {
        return Vec::new();
    };
    let t = &app.theme;
    let width = width.max(24) as usize;
    let mut out = vec![Line::styled(s.title.clone(), t.title)];
    for l in wrap(&s.caption, width) {
        out.push(Line::styled(l, t.message));
    }
    // Keys right-aligned in 14 columns, what they do wrapped beside them.
    for (keys, does) in &s.hints {
        for (i, l) in wrap(does, width - 16).into_iter().enumerate() {
            let keys = if i == 0 { keys.as_str() } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!("{keys:>14}"), t.key),
                Span::raw("  "),
                Span::raw(l),
            ]));
        }
    }
    out.push(Line::raw(""));
    out
}

pub fn render(area: Rect, buf: &mut Buffer, app: &App) {
    let t = &app.theme;
    let mut body = lines(app);
    // One column when the scenario and the keys fit in it; otherwise two when the screen is
    // wide enough. The scenario text is wrapped to the box it goes in.
    let w = 48u16;
    let one_width = (w + 2).min(area.width);
    let mut head = scenario_lines(app, one_width.saturating_sub(2));
    let two = area.width >= 2 * w + 2 && head.len() + body.len() + 3 > area.height as usize;
    if two {
        head = scenario_lines(app, 2 * w);
    }
    let per_col = if two {
        body.len().div_ceil(2)
    } else {
        body.len()
    };
    let width = if two { 2 * w + 2 } else { one_width };
    let height = ((head.len() + per_col) as u16 + 3).min(area.height);
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
