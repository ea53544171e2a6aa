//! The inspector for one hidden neuron: its state and numbers, its pre-activation range
//! against z = 0, its life story (state per epoch, deaths and revivals, and for a death the
//! update that did it), its incoming weights, and its own output over the input plane.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use super::theme::health_glyph;
use crate::format::nice_step;
use crate::format::num;
use crate::trainer::{Event, NeuronState, Snapshot, Turn, ZRange};

/// Draw the inspector of neuron `n` of hidden layer `li` inside `area`.
pub fn render(
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
    let view = layer.neurons.get(n).copied().unwrap_or_default();
    let width = area.width as usize;
    let (glyph, style) = health_glyph(theme, view.health);
    let state = match view.health {
        NeuronState::Alive => "alive".to_string(),
        NeuronState::Dead if view.epochs_dead == 0 && snap.epoch == 0 => {
            "dead from the start".into()
        }
        NeuronState::Dead => format!("dead for {} epochs", view.epochs_dead),
        NeuronState::Saturated => "saturated".to_string(),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("h{}.{} ", li + 1, n + 1), theme.bold),
        Span::styled(glyph, style),
        Span::styled(format!(" {state}"), style),
    ])];
    // Numbers, as items that wrap whole so a number never splits from its name.
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
    ];
    let z = view.z;
    if z.is_finite() {
        items.push(vec![
            Span::styled("z ", theme.dim),
            Span::styled(format!("{} .. {}", num(z.min), num(z.max)), style),
        ]);
    }
    wrap(&mut lines, items, width);
    if z.is_finite() && area.height >= 6 {
        lines.push(z_bar(&z, view.health, width, theme));
    }
    lines.extend(life(snap, li, n, width, theme));
    let mut weights: Vec<Vec<Span>> = vec![vec![Span::styled("in:", theme.dim)]];
    let names: Vec<String> = if li == 0 {
        snap.inputs.clone()
    } else {
        (0..hidden[li - 1].bias.len())
            .map(|k| format!("h{}.{}", li, k + 1))
            .collect()
    };
    let incoming = layer.weights.get(n).cloned().unwrap_or_default();
    let side = image_side(li, incoming.len());
    if side.is_some() {
        weights.push(vec![Span::styled(
            format!(
                "{} weights as the image they see ({} +, {} -)",
                incoming.len(),
                if theme.has_color() { "blue" } else { "dense" },
                if theme.has_color() { "orange" } else { "light" },
            ),
            theme.dim,
        )]);
    }
    for (k, w) in incoming.iter().enumerate().filter(|_| side.is_none()) {
        let name = names.get(k).map_or("?", String::as_str);
        let s = if *w >= 0.0 {
            theme.weight_pos
        } else {
            theme.weight_neg
        };
        weights.push(vec![
            Span::styled(format!("{name} "), theme.dim),
            Span::styled(format!("{w:+.2}"), s),
        ]);
    }
    wrap(&mut lines, weights, width);

    let mut text_rows = (lines.len() as u16).min(area.height);
    for (i, line) in lines.into_iter().take(text_rows as usize).enumerate() {
        line.render(Rect::new(area.x, area.y + i as u16, area.width, 1), buf);
    }
    // Image-like inputs (8×8 digits): the incoming weights as a picture, two cells per pixel
    // across and two pixels per cell down, on the heatmap's scale.
    if let Some(side) = side {
        let rows = (side as u16).div_ceil(2);
        if area.height >= text_rows + rows {
            let grid = crate::trainer::Grid {
                width: side,
                height: side,
                values: incoming.clone(),
            };
            let scale =
                incoming.iter().fold(
                    0.0_f64,
                    |m, v| if v.is_finite() { m.max(v.abs()) } else { m },
                );
            let pic = Rect::new(
                area.x,
                area.y + text_rows,
                (side as u16 * 2).min(area.width),
                rows,
            );
            super::heatmap::render(pic, buf, &grid, scale.max(1e-9), theme);
            text_rows += rows;
        }
    }
    // Below the text, the neuron's own output over the input plane.
    let grid = match &snap.inspected {
        Some((l, k, grid)) if (*l, *k) == (li, n) && area.height >= text_rows + 3 => grid,
        _ => return,
    };
    let rows = area.height - text_rows;
    let plane = Rect::new(
        area.x,
        area.y + text_rows,
        area.width.min(rows * 2 + 8),
        rows,
    );
    let scale = grid.values.iter().fold(
        0.0_f64,
        |m, v| if v.is_finite() { m.max(v.abs()) } else { m },
    );
    super::heatmap::render(plane, buf, grid, scale.max(1e-9), theme);
}

/// The side of the square image a first-layer neuron's inputs form (64 inputs: 8), when
/// there are at least 16 of them and their number is a square.
fn image_side(layer: usize, inputs: usize) -> Option<usize> {
    let side = (inputs as f64).sqrt().round() as usize;
    (layer == 0 && inputs >= 16 && side * side == inputs).then_some(side)
}

/// Items joined by two spaces into lines no wider than `width`, each item whole.
fn wrap(lines: &mut Vec<Line<'static>>, items: Vec<Vec<Span<'static>>>, width: usize) {
    let mut current: Vec<Span> = Vec::new();
    let mut used = 0usize;
    for item in items {
        let w: usize = item
            .iter()
            .map(ratatui::prelude::Span::width)
            .sum::<usize>();
        if used > 0 && used + 2 + w > width {
            lines.push(Line::from(std::mem::take(&mut current)));
            used = 0;
        }
        if used > 0 {
            current.push(Span::raw("  "));
            used += 2;
        }
        current.extend(item);
        used += w;
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
}

/// The pre-activation range on a symmetric axis around 0 as wide as the inspector: thin from
/// min to max, thick over the middle half, `┊` at z = 0, with the axis limit at both ends.
fn z_bar(z: &ZRange, health: NeuronState, width: usize, theme: &Theme) -> Line<'static> {
    let reach = z.min.abs().max(z.max.abs()).max(1e-9);
    let step = nice_step(reach / 2.0);
    let limit = (reach / step).ceil() * step;
    let left = format!("{} ", num(-limit));
    let right = format!(" {}", num(limit));
    let cells = width.saturating_sub(left.len() + right.len()).max(3);
    let mid = cells / 2;
    let cell_of = |v: f64| -> usize {
        let t = (v / limit).clamp(-1.0, 1.0);
        ((t + 1.0) / 2.0 * (cells - 1) as f64).round() as usize
    };
    let (lo, hi, q1, q3) = (cell_of(z.min), cell_of(z.max), cell_of(z.q1), cell_of(z.q3));
    let (_, style) = health_glyph(theme, health);
    let (thin, thick, zero) = if theme.ascii {
        ("-", "=", "|")
    } else {
        ("─", "━", "┊")
    };
    let mut spans = vec![Span::styled(left, theme.dim)];
    for c in 0..cells {
        let s: (&str, Style) = if (q1..=q3).contains(&c) {
            (thick, style)
        } else if (lo..=hi).contains(&c) {
            (thin, style)
        } else if c == mid {
            (zero, theme.dim)
        } else {
            (" ", theme.dim)
        };
        let s = if c == mid && (lo..=hi).contains(&c) {
            (if theme.ascii { "+" } else { "┼" }, theme.bold)
        } else {
            s
        };
        spans.push(Span::styled(s.0, s.1));
    }
    spans.push(Span::styled(right, theme.dim));
    Line::from(spans)
}

/// The life story: a strip of the neuron's state per epoch end, then its deaths and
/// revivals, newest first.
fn life(snap: &Snapshot, li: usize, n: usize, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let strip = snap.lives.strip(li, n);
    let mut lines = Vec::new();
    if strip.is_empty() {
        return lines;
    }
    let first = strip[0].0;
    let last = strip[strip.len() - 1].0;
    let label = format!("epochs {first}-{last}");
    let cells = width.saturating_sub(label.len() + 6).clamp(1, 64);
    let mut spans = vec![Span::styled("life ", theme.dim)];
    // The first cell is the start; each other the state at the end of its share of the kept
    // epochs (the events below tell what a cell cannot).
    let shown = cells.min(strip.len());
    for c in 0..shown {
        let end = if c == 0 {
            0
        } else {
            ((c + 1) * strip.len() / shown).clamp(1, strip.len()) - 1
        };
        let (g, s) = health_glyph(theme, strip[end].1);
        spans.push(Span::styled(g, s));
    }
    spans.push(Span::styled(format!(" {label}"), theme.dim));
    lines.push(Line::from(spans));
    let story = snap.lives.story(li, n);
    let born_dead = strip[0].1 == NeuronState::Dead;
    if born_dead {
        lines.push(Line::styled(
            "born dead: z ≤ 0 on every input from the start",
            theme.dead,
        ));
    }
    let Some(story) = story else {
        return lines;
    };
    if story.deaths + story.revivals > 1 {
        lines.push(Line::styled(
            format!("died {}×, revived {}×", story.deaths, story.revivals),
            theme.dim,
        ));
    }
    for e in story.events.iter().rev().take(2) {
        lines.extend(event_lines(e, snap, width, theme));
    }
    lines
}

fn event_lines(e: &Event, snap: &Snapshot, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let per = steps_per_epoch(snap);
    match (e.turn, e.update) {
        (Turn::Revived, _) => vec![Line::from(vec![
            Span::styled(format!("revived in epoch {}", e.epoch), theme.alive),
            Span::styled(" (a layer below moved)", theme.dim),
        ])],
        (Turn::Died, None) => vec![Line::styled(
            format!("died in epoch {}", e.epoch),
            theme.dead,
        )],
        (Turn::Died, Some(u)) => {
            let when = if e.exact {
                format!("died at step {} (epoch {})", u.step, e.epoch)
            } else {
                let from = per.map_or(String::new(), |p| {
                    format!(" (steps {}-{})", u.step.saturating_sub(p) + 1, u.step)
                });
                format!("died in epoch {}{from}", e.epoch)
            };
            let what = if e.exact { "that update" } else { "the epoch" };
            let mut items = vec![
                vec![Span::styled(when, theme.dead)],
                vec![
                    Span::styled(format!("{what}: bias "), theme.dim),
                    Span::raw(signed(u.bias_change)),
                ],
                vec![
                    Span::styled("|Δw| ", theme.dim),
                    Span::raw(num(u.weight_change)),
                ],
                vec![
                    Span::styled("max z ", theme.dim),
                    Span::raw(format!("{} → ", num(u.z_max_before))),
                    Span::styled(num(u.z_max_after), theme.dead),
                ],
            ];
            if theme.ascii {
                items[3][1] = Span::raw(format!("{} -> ", num(u.z_max_before)));
                items[2][0] = Span::styled("|dw| ", theme.dim);
            }
            let mut lines = Vec::new();
            wrap(&mut lines, items, width);
            lines
        }
    }
}

/// The run's steps per epoch, from the history when known.
fn steps_per_epoch(snap: &Snapshot) -> Option<u64> {
    (snap.epoch > 0).then(|| snap.step / snap.epoch)
}

fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", num(v))
    } else {
        num(v)
    }
}
