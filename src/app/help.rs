//! What the `?` overlay shows and where: every binding of the active keymap with what it does,
//! after the scenario's title, caption and keys to try, in one column or two. A pure function of
//! the app and the terminal size, so `update` can bound the scrolling without asking the UI;
//! `ui::help` only paints it.

use ratatui::layout::Rect;

use super::state::App;
use crate::action::Action;

/// How a piece of help text is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Plain,
    Key,
    Title,
    Message,
}

/// One piece of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub role: Role,
}

impl Piece {
    fn new(text: impl Into<String>, role: Role) -> Piece {
        Piece {
            text: text.into(),
            role,
        }
    }

    fn width(&self) -> usize {
        self.text.chars().count()
    }
}

/// One row of the overlay.
pub type Row = Vec<Piece>;

/// The overlay: its box and its rows (more rows than fit scroll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Help {
    pub area: Rect,
    pub rows: Vec<Row>,
}

impl Help {
    /// How far the rows can scroll in the box.
    pub fn max_scroll(&self) -> u16 {
        let inner = self.area.height.saturating_sub(2);
        (self.rows.len() as u16).saturating_sub(inner)
    }
}

/// One row per bound action: its keys, then what it does.
fn key_rows(app: &App) -> Vec<Row> {
    Action::all()
        .filter_map(|action| {
            let keys = app.keymap.keys_for(action);
            if keys.is_empty() {
                return None;
            }
            let keys: Vec<String> = keys.iter().map(std::string::ToString::to_string).collect();
            Some(vec![
                Piece::new(format!("{:>14}", keys.join(" ")), Role::Key),
                Piece::new("  ", Role::Plain),
                Piece::new(action.help(), Role::Plain),
            ])
        })
        .collect()
}

/// `text` broken at spaces into lines of at most `width` characters.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
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
fn scenario_rows(app: &App, width: u16) -> Vec<Row> {
    let Some(s) = &app.scenario else {
        return Vec::new();
    };
    let width = width.max(24) as usize;
    let mut out = vec![vec![Piece::new(s.title.clone(), Role::Title)]];
    for l in wrap(&s.caption, width) {
        out.push(vec![Piece::new(l, Role::Message)]);
    }
    // Keys right-aligned in 14 columns, what they do wrapped beside them.
    for (keys, does) in &s.hints {
        for (i, l) in wrap(does, width - 16).into_iter().enumerate() {
            let keys = if i == 0 { keys.as_str() } else { "" };
            out.push(vec![
                Piece::new(format!("{keys:>14}"), Role::Key),
                Piece::new("  ", Role::Plain),
                Piece::new(l, Role::Plain),
            ]);
        }
    }
    out.push(Vec::new());
    out
}

/// The overlay for a screen of `area`: the scenario, then the keys in one column or, when they
/// do not fit and the screen is wide enough, two side by side.
pub fn layout(area: Rect, app: &App) -> Help {
    let body = key_rows(app);
    // The scenario text is wrapped to the box it goes in.
    let w = 48u16;
    let one_width = (w + 2).min(area.width);
    let mut head = scenario_rows(app, one_width.saturating_sub(2));
    let two = area.width >= 2 * w + 2 && head.len() + body.len() + 3 > area.height as usize;
    let width = if two { 2 * w + 2 } else { one_width };
    let rows = if two {
        head = scenario_rows(app, 2 * w);
        let mut right = body;
        let left: Vec<Row> = right.drain(..right.len().div_ceil(2)).collect();
        let mut rows = head;
        for (i, l) in left.into_iter().enumerate() {
            let mut pieces = fit(l, usize::from(w));
            let used: usize = pieces.iter().map(Piece::width).sum();
            pieces.push(Piece::new(" ".repeat(usize::from(w) - used), Role::Plain));
            if let Some(r) = right.get(i) {
                pieces.extend(r.iter().cloned());
            }
            rows.push(pieces);
        }
        rows
    } else {
        let mut rows = head;
        rows.extend(body);
        rows
    };
    let height = (rows.len() as u16 + 3).min(area.height);
    let r = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    Help { area: r, rows }
}

/// `pieces` cut to `width` columns.
fn fit(pieces: Row, width: usize) -> Row {
    let mut out = Vec::new();
    let mut left = width;
    for p in pieces {
        if left == 0 {
            break;
        }
        let text: String = p.text.chars().take(left).collect();
        left -= text.chars().count();
        out.push(Piece::new(text, p.role));
    }
    out
}

/// How far the overlay can scroll for the app's terminal size: on a small terminal the keys
/// do not all fit, and ↑/↓ bring the rest into view.
pub fn max_scroll(app: &App) -> u16 {
    layout(Rect::new(0, 0, app.size.0, app.size.1), app).max_scroll()
}
