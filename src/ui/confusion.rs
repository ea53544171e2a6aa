//! The confusion matrix as a small table: a row per true class, a column per predicted class,
//! the diagonal (right) in bold and the rest dim, and each class's recall. Shown in the idle
//! inspector for classification tasks.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::trainer::Snapshot;

/// Draws `m` (`m[true][predicted]`) at the top of `area`; returns the rows used.
pub fn render(area: Rect, buf: &mut Buffer, snap: &Snapshot, m: &[Vec<u64>], theme: &Theme) -> u16 {
    let k = m.len();
    let name = |c: usize| -> String {
        snap.classes
            .get(c)
            .map_or_else(|| c.to_string(), |n| n.chars().take(6).collect())
    };
    let label_w = (0..k)
        .map(|c| name(c).chars().count())
        .max()
        .unwrap_or(1)
        .max(4);
    let col_w = m
        .iter()
        .flatten()
        .map(|v| v.to_string().len())
        .max()
        .unwrap_or(1)
        .max(if k <= 4 { 4 } else { 2 });
    let total: u64 = m.iter().flatten().sum();
    let right: u64 = (0..k).map(|c| m[c][c]).sum();
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!(
                "confusion, {} set: ",
                if snap.confusion_on_test {
                    "test"
                } else {
                    "train"
                }
            ),
            theme.dim,
        ),
        Span::styled(format!("{right}/{total} right"), theme.bold),
    ])];
    let mut head = vec![Span::raw(format!(
        "{:>label_w$} ",
        "true\\pred".chars().take(label_w).collect::<String>()
    ))];
    for c in 0..k {
        let n: String = name(c).chars().take(col_w).collect();
        head.push(Span::styled(format!("{n:>col_w$} "), theme.dim));
    }
    head.push(Span::styled("recall", theme.dim));
    lines.push(Line::from(head));
    for (t, row) in m.iter().enumerate() {
        let mut spans = vec![Span::styled(format!("{:>label_w$} ", name(t)), theme.dim)];
        for (p, v) in row.iter().enumerate() {
            let style = if p == t {
                theme.bold
            } else if *v > 0 {
                theme.text
            } else {
                theme.dim
            };
            spans.push(Span::styled(format!("{v:>col_w$} "), style));
        }
        let n: u64 = row.iter().sum();
        let recall = if n == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%", 100.0 * row[t] as f64 / n as f64)
        };
        spans.push(Span::raw(recall));
        lines.push(Line::from(spans));
    }
    let rows = (lines.len() as u16).min(area.height);
    for (i, line) in lines.into_iter().take(rows as usize).enumerate() {
        line.render(Rect::new(area.x, area.y + i as u16, area.width, 1), buf);
    }
    rows
}
