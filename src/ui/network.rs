//! The Network pane: inputs, hidden neurons and the output, joined by their weights. Each hidden
//! neuron shows its health by colour and glyph; positive weights are solid lines, negative ones
//! dashed, so sign reads without colour too.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine};

use super::theme::Theme;
use crate::format::num;
use crate::trainer::{Health, Snapshot};

/// Weights below this magnitude are not drawn; below [`STRONG`] they are drawn in the darker
/// shade of their sign. Fixed thresholds (not relative to the current largest weight) keep
/// lines from flickering as training moves the weights.
const FAINT: f64 = 0.2;
const STRONG: f64 = 0.8;

/// Where one node sits, in cells relative to the node area.
#[derive(Debug, Clone, Copy)]
struct Node {
    col: u16,
    row: u16,
}

/// The glyph and style of a hidden neuron's health.
pub fn health_glyph(theme: &Theme, h: Health) -> (&'static str, Style) {
    match h {
        Health::Alive => (theme.glyphs.alive, theme.alive),
        Health::Dead => (theme.glyphs.dead, theme.dead),
        Health::Saturated => (theme.glyphs.saturated, theme.saturated),
    }
}

/// The legend line: `● alive 12 · ○ dead 3 · ◐ saturated 1`.
pub fn legend(snap: &Snapshot, theme: &Theme) -> Line<'static> {
    let g = theme.glyphs;
    let mut spans = Vec::new();
    for (i, (h, name, n)) in [
        (Health::Alive, "alive", snap.alive),
        (Health::Dead, "dead", snap.dead),
        (Health::Saturated, "saturated", snap.saturated),
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            spans.push(Span::styled(g.sep, theme.dim));
        }
        let (glyph, style) = health_glyph(theme, h);
        spans.push(Span::styled(glyph, style));
        spans.push(Span::raw(format!(" {name} {n}")));
    }
    Line::from(spans)
}

/// Rows for `n` nodes in `rows` cells; when they do not fit, the last shown row is an overflow
/// marker (returned as `Some(hidden count)`).
fn spread(n: usize, rows: u16) -> (Vec<u16>, Option<usize>) {
    if n == 0 || rows == 0 {
        return (Vec::new(), None);
    }
    let rows_us = rows as usize;
    if n <= rows_us {
        let pos = (0..n)
            .map(|i| ((2 * i + 1) * rows_us / (2 * n)) as u16)
            .collect();
        (pos, None)
    } else {
        let shown = rows_us.saturating_sub(1);
        ((0..shown as u16).collect(), Some(n - shown))
    }
}

/// Draw the network inside `area`. `selected` is (hidden layer, neuron).
pub fn render(
    area: Rect,
    buf: &mut Buffer,
    snap: &Snapshot,
    selected: Option<(usize, usize)>,
    show_legend: bool,
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    if area.width < 8 || area.height < 3 {
        return;
    }
    let mut body = area;
    if show_legend && area.height >= 5 {
        legend(snap, theme).render(
            Rect::new(area.x, area.y + area.height - 1, area.width, 1),
            buf,
        );
        body.height -= 1;
    }
    // Header row with layer names.
    let header_y = body.y;
    body.y += 1;
    body.height -= 1;
    if body.height == 0 || snap.layers.is_empty() {
        return;
    }
    let hidden = snap.hidden();
    let n_inputs = snap.layers[0].weights.first().map_or(0, |w| w.len());
    let label_w = snap
        .inputs
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(2)
        .min(8) as u16;
    let ncols = hidden.len() + 2;
    let first = label_w + 2;
    let last = body.width.saturating_sub(3).max(first + 1);
    let col_x = |i: usize| -> u16 {
        if ncols <= 1 {
            first
        } else {
            first + ((last - first) as usize * i / (ncols - 1)) as u16
        }
    };
    // Node positions per column: inputs, hidden layers, output.
    let mut columns: Vec<(Vec<Node>, Option<usize>)> = Vec::with_capacity(ncols);
    let sizes = std::iter::once(n_inputs)
        .chain(hidden.iter().map(|l| l.bias.len()))
        .chain(std::iter::once(
            snap.layers.last().map_or(1, |l| l.bias.len()),
        ));
    for (i, n) in sizes.enumerate() {
        let (rows, overflow) = spread(n, body.height);
        let x = col_x(i);
        columns.push((
            rows.into_iter().map(|row| Node { col: x, row }).collect(),
            overflow,
        ));
    }

    // Connections first, on a braille canvas; glyphs go over them.
    let h = body.height as f64;
    // In ASCII a light dot keeps the many connections from drowning the neurons.
    let marker = if theme.ascii {
        ratatui::symbols::Marker::Custom('.')
    } else {
        theme.marker
    };
    let canvas = Canvas::default()
        .x_bounds([0.0, body.width as f64])
        .y_bounds([0.0, h])
        .marker(marker)
        .paint(|ctx| {
            for (li, layer) in snap.layers.iter().enumerate() {
                let (from, _) = &columns[li];
                let (to, _) = &columns[li + 1];
                for (o, target) in to.iter().enumerate() {
                    for (k, source) in from.iter().enumerate() {
                        let w = layer
                            .weights
                            .get(o)
                            .and_then(|r| r.get(k))
                            .copied()
                            .unwrap_or(0.0);
                        if !w.is_finite() || w.abs() < FAINT {
                            continue;
                        }
                        let style = match (w > 0.0, w.abs() >= STRONG) {
                            (true, true) => theme.weight_pos,
                            (true, false) => theme.weight_pos_weak,
                            (false, true) => theme.weight_neg,
                            (false, false) => theme.weight_neg_weak,
                        };
                        let color = style.fg.unwrap_or(Color::Reset);
                        let (x1, y1) = (source.col as f64 + 1.0, h - source.row as f64 - 0.5);
                        let (x2, y2) = (target.col as f64 - 0.2, h - target.row as f64 - 0.5);
                        dashed(ctx, (x1, y1), (x2, y2), w < 0.0, color);
                    }
                }
            }
        });
    canvas.render(body, buf);

    // Header.
    let mut header = |i: usize, name: &str| {
        let x = body.x + col_x(i);
        let start = x.saturating_sub(name.len() as u16 / 2).max(area.x);
        buf.set_stringn(
            start,
            header_y,
            name,
            (area.x + area.width - start) as usize,
            theme.dim,
        );
    };
    header(0, "in");
    for i in 0..hidden.len() {
        header(i + 1, &format!("h{}", i + 1));
    }
    header(ncols - 1, "out");
    // Per layer, how many are dead: which layer dies first is part of the story.
    for (i, layer) in hidden.iter().enumerate() {
        let dead = layer
            .neurons
            .iter()
            .filter(|v| v.health == Health::Dead)
            .count();
        if dead == 0 {
            continue;
        }
        let label = format!("h{}", i + 1);
        let x = (body.x + col_x(i + 1)).saturating_sub(label.len() as u16 / 2) + label.len() as u16;
        let text = format!(" {}{dead}", theme.glyphs.dead);
        let room = (area.x + area.width).saturating_sub(x) as usize;
        buf.set_stringn(x, header_y, text, room, theme.dead);
    }

    // Input nodes with their names.
    let (inputs, in_overflow) = &columns[0];
    for (k, node) in inputs.iter().enumerate() {
        let name = snap.inputs.get(k).map(String::as_str).unwrap_or("x");
        let y = body.y + node.row;
        let name: String = name.chars().take(label_w as usize).collect();
        let pad = label_w as usize - name.chars().count();
        buf.set_string(body.x + pad as u16, y, &name, theme.dim);
        buf.set_string(body.x + node.col, y, theme.glyphs.input, theme.text);
    }
    overflow_marker(buf, body, &columns[0], *in_overflow, theme);

    // Hidden neurons.
    for (li, layer) in hidden.iter().enumerate() {
        let (nodes, overflow) = &columns[li + 1];
        for (n, node) in nodes.iter().enumerate() {
            let health = layer.neurons.get(n).map_or(Health::Alive, |v| v.health);
            let (glyph, mut style) = health_glyph(theme, health);
            let (x, y) = (body.x + node.col, body.y + node.row);
            if selected == Some((li, n)) {
                style = style.add_modifier(Modifier::REVERSED);
                let g = theme.glyphs;
                buf.set_string(x.saturating_sub(1), y, g.selected_left, theme.bold);
                buf.set_string(x + 1, y, g.selected_right, theme.bold);
            }
            buf.set_string(x, y, glyph, style);
        }
        overflow_marker(buf, body, &columns[li + 1], *overflow, theme);
    }

    // Output node.
    let (outs, _) = &columns[ncols - 1];
    for node in outs {
        buf.set_string(
            body.x + node.col,
            body.y + node.row,
            theme.glyphs.output,
            theme.bold,
        );
    }
}

fn overflow_marker(
    buf: &mut Buffer,
    body: Rect,
    column: &(Vec<Node>, Option<usize>),
    overflow: Option<usize>,
    theme: &Theme,
) {
    if let (Some(n), Some(last)) = (overflow, column.0.last()) {
        let y = body.y + last.row + 1;
        if y < body.y + body.height {
            let x = body.x + last.col.saturating_sub(1);
            buf.set_stringn(
                x,
                y,
                format!("+{n}"),
                (body.x + body.width - x) as usize,
                theme.dim,
            );
        }
    }
}

/// A line, solid or dashed (for negative weights), in pieces of about one cell.
fn dashed(
    ctx: &mut ratatui::widgets::canvas::Context,
    (x1, y1): (f64, f64),
    (x2, y2): (f64, f64),
    dashed: bool,
    color: Color,
) {
    if !dashed {
        ctx.draw(&CanvasLine::new(x1, y1, x2, y2, color));
        return;
    }
    let len = ((x2 - x1).powi(2) + ((y2 - y1) * 2.0).powi(2)).sqrt();
    let pieces = (len / 1.0).ceil().max(1.0) as usize;
    for i in (0..pieces).step_by(2) {
        let a = i as f64 / pieces as f64;
        let b = ((i + 1) as f64 / pieces as f64).min(1.0);
        ctx.draw(&CanvasLine::new(
            x1 + (x2 - x1) * a,
            y1 + (y2 - y1) * a,
            x1 + (x2 - x1) * b,
            y1 + (y2 - y1) * b,
            color,
        ));
    }
}

/// The inspector for one hidden neuron: its state, numbers, incoming weights and its own
/// output over the input plane.
pub fn render_inspector(
    area: Rect,
    buf: &mut Buffer,
    snap: &Snapshot,
    (li, n): (usize, usize),
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let hidden = snap.hidden();
    let Some(layer) = hidden.get(li) else {
        return;
    };
    let Some(view) = layer.neurons.get(n).copied().or(Some(Default::default())) else {
        return;
    };
    let (glyph, style) = health_glyph(theme, view.health);
    let state = match view.health {
        Health::Alive => "alive".to_string(),
        Health::Dead => format!("dead for {} epochs", view.epochs_dead),
        Health::Saturated => "saturated".to_string(),
    };
    // Items that wrap as wholes, so a number never splits from its name.
    let mut items: Vec<Vec<Span>> = vec![
        vec![
            Span::styled("active ", theme.dim),
            Span::raw(format!("{:.0}%", view.activation_rate * 100.0)),
        ],
        vec![
            Span::styled("|grad| ", theme.dim),
            Span::raw(num(view.mean_abs_grad)),
        ],
        vec![
            Span::styled("bias ", theme.dim),
            Span::raw(num(layer.bias.get(n).copied().unwrap_or(0.0))),
        ],
        vec![Span::styled("weights in:", theme.dim)],
    ];
    let names: Vec<String> = if li == 0 {
        snap.inputs.clone()
    } else {
        (0..hidden[li - 1].bias.len())
            .map(|k| format!("h{}.{}", li, k + 1))
            .collect()
    };
    let weights = layer.weights.get(n).cloned().unwrap_or_default();
    for (k, w) in weights.iter().enumerate() {
        let name = names.get(k).map(String::as_str).unwrap_or("?");
        let s = if *w >= 0.0 {
            theme.weight_pos
        } else {
            theme.weight_neg
        };
        items.push(vec![
            Span::styled(format!("{name} "), theme.dim),
            Span::styled(format!("{w:+.2}"), s),
        ]);
    }
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("h{}.{} ", li + 1, n + 1), theme.bold),
        Span::styled(glyph, style),
        Span::styled(format!(" {state}"), style),
    ])];
    let mut current: Vec<Span> = Vec::new();
    let mut used = 0usize;
    for item in items {
        let w: usize = item.iter().map(|s| s.width()).sum::<usize>() + 2;
        if used > 0 && used + w > area.width as usize {
            lines.push(Line::from(std::mem::take(&mut current)));
            used = 0;
        }
        if used > 0 {
            current.push(Span::raw("  "));
        }
        current.extend(item);
        used += w;
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
    let text_rows = (lines.len() as u16).min(area.height);
    for (i, line) in lines.into_iter().take(text_rows as usize).enumerate() {
        line.render(Rect::new(area.x, area.y + i as u16, area.width, 1), buf);
    }
    // Below the text, the neuron's own output over the input plane.
    let grid = match &snap.inspected {
        Some((l, k, grid)) if (*l, *k) == (li, n) && area.height > text_rows + 1 => grid,
        _ => return,
    };
    let plane = Rect::new(
        area.x,
        area.y + text_rows,
        area.width,
        area.height - text_rows,
    );
    let scale = grid.values.iter().fold(
        0.0_f64,
        |m, v| if v.is_finite() { m.max(v.abs()) } else { m },
    );
    super::heatmap::render(plane, buf, grid, scale.max(1e-9), theme);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_fits_or_overflows() {
        assert_eq!(spread(2, 10), (vec![2, 7], None));
        assert_eq!(spread(1, 5), (vec![2], None));
        let (rows, over) = spread(10, 4);
        assert_eq!(rows, vec![0, 1, 2]);
        assert_eq!(over, Some(7));
        assert_eq!(spread(3, 0), (vec![], None));
    }
}
