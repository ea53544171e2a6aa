//! The state string overlay: the command line that reproduces the run, drawn across the whole
//! width without side borders, so selecting its lines with the mouse copies only the command.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::action::Action;
use crate::app::App;
use crate::app::share::state_command;

/// `text` in lines of at most `width` characters, broken after the commas between items
/// where it must be broken (inside an item only if the item alone is wider).
fn wrap_items(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![String::new()];
    for piece in text.split_inclusive(',') {
        let last = lines.last_mut().expect("never empty");
        if last.chars().count() + piece.chars().count() <= width || last.is_empty() {
            last.push_str(piece);
        } else {
            lines.push(piece.to_string());
        }
        // An item wider than the screen is cut where it must be.
        while lines.last().is_some_and(|l| l.chars().count() > width) {
            let l = lines.pop().expect("checked");
            let cut = l.char_indices().nth(width).map_or(l.len(), |(i, _)| i);
            lines.push(l[..cut].to_string());
            lines.push(l[cut..].to_string());
        }
    }
    lines
}

/// Draw the overlay so that it ends just above row `bottom` of `area`.
pub fn render(area: Rect, bottom: u16, buf: &mut Buffer, app: &App, t: &Theme) {
    let width = usize::from(area.width);
    let mut lines: Vec<Line> = wrap_items(&state_command(app), width)
        .into_iter()
        .map(|l| Line::styled(l, t.bold))
        .collect();
    if let Some(csv) = &app.config().csv {
        lines.push(Line::styled(
            format!(
                "It trains on a CSV file, which the line cannot carry: add --data {}",
                csv.name
            ),
            t.message,
        ));
    }
    let key = |a: Action| app.keymap().first_key(a);
    let sep = t.glyphs.sep;
    lines.push(Line::from(vec![
        Span::styled(key(Action::SaveConfig), t.key),
        Span::styled(" saves it as a config file", t.dim),
        Span::styled(sep, t.dim),
        Span::styled(key(Action::SaveModel), t.key),
        Span::styled(" the model", t.dim),
        Span::styled(sep, t.dim),
        Span::styled(key(Action::Cancel), t.key),
        Span::styled(" closes", t.dim),
    ]));
    let height = (lines.len() as u16 + 2).min(bottom.saturating_sub(area.y));
    if height < 3 {
        return;
    }
    let r = Rect::new(area.x, bottom - height, area.width, height);
    Clear.render(r, buf);
    let block = Block::new()
        .borders(Borders::TOP | Borders::BOTTOM)
        .border_set(t.border_set)
        .border_style(t.border_focused)
        .title(Span::styled(" The run as one line ", t.title));
    let inner = block.inner(r);
    block.render(r, buf);
    Paragraph::new(lines).render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_after_commas_and_never_exceed_the_width() {
        assert_eq!(wrap_items("a=1,b=2,c=3", 8), ["a=1,b=2,", "c=3"]);
        assert_eq!(wrap_items("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap_items("", 4), [""]);
        for l in wrap_items("act=relu,lr=1,bias=-1,seed=3,layers=8.8", 10) {
            assert!(l.chars().count() <= 10, "{l}");
        }
    }
}
