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

/// The overlay's box in `area` and every line inside it: the scenario, then the keys in one
/// column or, when they do not fit and the screen is wide enough, two side by side.
fn content(area: Rect, app: &App) -> (Rect, Vec<Line<'static>>) {
    let body = lines(app);
    // The scenario text is wrapped to the box it goes in.
    let w = 48u16;
    let one_width = (w + 2).min(area.width);
    let mut head = scenario_lines(app, one_width.saturating_sub(2));
    let two = area.width >= 2 * w + 2 && head.len() + body.len() + 3 > area.height as usize;
    let width = if two { 2 * w + 2 } else { one_width };
    let mut out = if two {
        head = scenario_lines(app, 2 * w);
        let mut right = body;
        let left: Vec<Line> = right.drain(..right.len().div_ceil(2)).collect();
        let mut rows = head;
        for (i, l) in left.into_iter().enumerate() {
            let mut spans = fit_spans(l.spans, usize::from(w));
            let used: usize = spans.iter().map(|s| s.width()).sum();
            spans.push(Span::raw(" ".repeat(usize::from(w) - used)));
            if let Some(r) = right.get(i) {
                spans.extend(r.spans.iter().cloned());
            }
            rows.push(Line::from(spans));
        }
        rows
    } else {
        let mut rows = head;
        rows.extend(body);
        rows
    };
    out.shrink_to_fit();
    let height = (out.len() as u16 + 3).min(area.height);
    let r = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    (r, out)
}

/// `spans` cut to `width` columns.
fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut left = width;
    for s in spans {
        if left == 0 {
            break;
        }
        let text: String = s.content.chars().take(left).collect();
        left -= text.chars().count();
        out.push(Span::styled(text, s.style));
    }
    out
}

/// How far the overlay can scroll for the app's terminal size: on a small terminal the keys
/// do not all fit, and ↑/↓ bring the rest into view.
pub fn max_scroll(app: &App) -> u16 {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let (r, lines) = content(area, app);
    let inner = r.height.saturating_sub(2);
    (lines.len() as u16).saturating_sub(inner)
}

pub fn render(area: Rect, buf: &mut Buffer, app: &App) {
    let t = &app.theme;
    let (r, lines) = content(area, app);
    let inner_h = r.height.saturating_sub(2);
    let max = (lines.len() as u16).saturating_sub(inner_h);
    let scroll = app.help_scroll.min(max);
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
