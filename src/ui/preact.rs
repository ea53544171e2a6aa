//! The pre-activation view of the Network pane: for every hidden neuron, the range of its
//! pre-activation z over the training set (thin from min to max, thick over the middle half)
//! against the z = 0 line, one small chart per layer. A ReLU neuron is dead exactly when its
//! whole bar lies below the line; watch bars slide there as the bias falls or a large
//! learning rate throws them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use super::theme::health_glyph;
use crate::format::nice_step;
use crate::format::num;
use crate::trainer::{LayerView, NeuronState, Snapshot};

/// Columns for the axis labels left of each chart.
const AXIS_W: u16 = 6;

/// How the charts are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grid {
    /// Cells per neuron (bar plus gap).
    cell: u16,
    /// Charts side by side.
    per_row: usize,
    /// Rows of neuron bars per band, bands per chart.
    band_h: u16,
    bands: u16,
    /// Whether a row of neuron numbers fits under each band.
    numbers: bool,
    /// The first layer shown (the rest do not fit).
    first: usize,
    shown: usize,
}

fn layout(widths: &[usize], area: Rect, selected_layer: usize) -> Option<Grid> {
    let n_max = *widths.iter().max()? as u16;
    let layers = widths.len();
    let bar_room = area.width.saturating_sub(AXIS_W);
    if bar_room == 0 || area.height < 4 {
        return None;
    }
    // (cell, per_row, bands) for two cells per neuron, then one.
    let shape = |cell: u16| {
        let per_band = (bar_room / cell).max(1);
        let bands = n_max.div_ceil(per_band);
        let chart_w = AXIS_W + n_max.min(per_band) * cell + 2;
        let per_row = ((area.width + 2) / chart_w).clamp(1, layers as u16) as usize;
        (cell, per_row, bands)
    };
    for cell in [2u16, 1] {
        let (cell, per_row, bands) = shape(cell);
        if cell == 2 && bands > 1 {
            continue;
        }
        let rows_of_charts = layers.div_ceil(per_row) as u16;
        let chart_h = area.height / rows_of_charts;
        for numbers in [true, false] {
            let fixed = 1 + if numbers { bands } else { 0 };
            let band_h = chart_h.saturating_sub(fixed) / bands;
            if band_h >= 3 {
                return Some(Grid {
                    cell,
                    per_row,
                    band_h: band_h.min(20),
                    bands,
                    numbers,
                    first: 0,
                    shown: layers,
                });
            }
        }
    }
    // Not every layer fits: as many rows of charts as do, from the selected layer's row.
    let (cell, per_row, bands) = shape(1);
    let rows = (area.height / (1 + bands * 3)).max(1) as usize;
    let shown = (rows * per_row).min(layers);
    let first = (selected_layer / per_row * per_row).min(layers - shown);
    Some(Grid {
        cell,
        per_row,
        band_h: ((area.height / rows as u16).saturating_sub(1) / bands).max(1),
        bands,
        numbers: false,
        first,
        shown,
    })
}

/// Draw the view inside `area`.
pub fn render(
    area: Rect,
    buf: &mut Buffer,
    snap: &Snapshot,
    selected: Option<(usize, usize)>,
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    let hidden = snap.hidden();
    if area.height < 3 || area.width < AXIS_W + 4 {
        return;
    }
    if hidden.is_empty() {
        Line::styled("no hidden layer: nothing can die", theme.dim).render(area, buf);
        return;
    }
    let widths: Vec<usize> = hidden.iter().map(|l| l.bias.len()).collect();
    let sel_layer = selected.map_or(0, |s| s.0);
    let Some(g) = layout(&widths, area, sel_layer) else {
        return;
    };
    let rows_of_charts = g.shown.div_ceil(g.per_row) as u16;
    let chart_h = area.height / rows_of_charts.max(1);
    let chart_w = area.width / g.per_row as u16;
    for (k, li) in (g.first..g.first + g.shown).enumerate() {
        let (r, c) = ((k / g.per_row) as u16, (k % g.per_row) as u16);
        let rect = Rect::new(
            area.x + c * chart_w,
            area.y + r * chart_h,
            chart_w.saturating_sub(1),
            chart_h,
        );
        let sel = selected.filter(|s| s.0 == li).map(|s| s.1);
        chart(buf, rect, li, &hidden[li], g, sel, theme);
    }
    if g.shown < hidden.len() {
        let note = format!(
            "h{}-h{} of {} (select a neuron to move)",
            g.first + 1,
            g.first + g.shown,
            hidden.len()
        );
        let y = area.y + area.height - 1;
        let w = note.chars().count() as u16;
        let x = area.x + area.width.saturating_sub(w);
        buf.set_stringn(x, y, note, area.width as usize, theme.dim);
    }
}

/// The axis of one layer: from `lo` ≤ 0 to `hi` ≥ 0 on a signed-log scale, rounded out to
/// nice values so it moves in steps.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Axis {
    lo: f64,
    hi: f64,
}

impl Axis {
    fn of(layer: &LayerView) -> Axis {
        let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
        for n in &layer.neurons {
            if n.z.is_finite() {
                lo = lo.min(n.z.min);
                hi = hi.max(n.z.max);
            }
        }
        let round = |v: f64| {
            if v <= 0.0 {
                return 0.0;
            }
            let s = nice_step(v);
            (v / s).ceil() * s
        };
        let (lo, hi) = (-round(-lo), round(hi));
        // The line stays clear of the edge on the side with nothing beyond it.
        let pad = 0.2 * (hi - lo).max(1.0);
        Axis {
            lo: if lo == 0.0 { -pad.min(1.0) } else { lo },
            hi: if hi == 0.0 { pad.min(1.0) } else { hi },
        }
    }

    fn t(v: f64) -> f64 {
        v.signum() * v.abs().ln_1p()
    }

    /// Half-rows from the top (0) to the bottom (`half_rows`) of `v`.
    fn y(&self, v: f64, half_rows: u16) -> f64 {
        let (a, b) = (Axis::t(self.lo), Axis::t(self.hi));
        let f = (b - Axis::t(v.clamp(self.lo, self.hi))) / (b - a);
        f * half_rows as f64
    }
}

fn chart(
    buf: &mut Buffer,
    r: Rect,
    li: usize,
    layer: &LayerView,
    g: Grid,
    selected: Option<usize>,
    theme: &Theme,
) {
    if r.height < 2 || r.width <= AXIS_W {
        return;
    }
    let count = |h: NeuronState| layer.neurons.iter().filter(|v| v.health == h).count();
    let dead = count(NeuronState::Dead);
    let sat = count(NeuronState::Saturated);
    let gl = theme.glyphs;
    let mut title = vec![
        Span::styled(format!("h{} ", li + 1), theme.bold),
        Span::styled("z per neuron ", theme.dim),
        Span::styled(
            format!("{}{dead}", gl.dead),
            if dead > 0 { theme.dead } else { theme.dim },
        ),
        Span::raw(" "),
        Span::styled(
            format!("{}{sat}", gl.saturated),
            if sat > 0 { theme.saturated } else { theme.dim },
        ),
    ];
    if dead > 0 {
        title.push(Span::styled(" below 0", theme.dead));
    }
    Line::from(title).render(Rect::new(r.x, r.y, r.width, 1), buf);
    let axis = Axis::of(layer);
    let n = layer.neurons.len();
    let per_band = ((r.width - AXIS_W) / g.cell).max(1) as usize;
    let band_rows = g.band_h + u16::from(g.numbers);
    for band in 0..g.bands as usize {
        let top = r.y + 1 + band as u16 * band_rows;
        if top + g.band_h > r.y + r.height {
            break;
        }
        let half = g.band_h * 2;
        let zero = axis.y(0.0, half);
        // Axis labels: top, zero, bottom.
        let label = |buf: &mut Buffer, v: f64, row: u16| {
            let s = format!("{:>w$}", num(v), w = (AXIS_W - 1) as usize);
            buf.set_stringn(r.x, row, s, (AXIS_W - 1) as usize, theme.axis);
        };
        label(buf, axis.hi, top);
        label(buf, axis.lo, top + g.band_h - 1);
        let zero_row = top + ((zero / 2.0).floor() as u16).min(g.band_h - 1);
        if zero_row > top && zero_row < top + g.band_h - 1 {
            buf.set_stringn(r.x, zero_row, " z=0 ", (AXIS_W - 1) as usize, theme.bold);
        }
        let x0 = r.x + AXIS_W;
        let from = band * per_band;
        let to = (from + per_band).min(n);
        // The zero line across the band, under the bars.
        let line = if theme.ascii { "-" } else { "─" };
        for x in x0..(x0 + ((to - from) as u16 * g.cell)).min(r.x + r.width) {
            buf.set_string(x, zero_row, line, theme.text);
        }
        for i in from..to {
            let v = layer.neurons[i];
            let x = x0 + (i - from) as u16 * g.cell;
            if x >= r.x + r.width || !v.z.is_finite() {
                continue;
            }
            let (_, mut style) = health_glyph(theme, v.health);
            if selected == Some(i) {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let span = |a: f64, b: f64| (axis.y(b, half), axis.y(a, half));
            let thin = span(v.z.min, v.z.max);
            let thick = span(v.z.q1, v.z.q3);
            for row in 0..g.band_h {
                let covers = |(top_y, bottom_y): (f64, f64), h: f64| {
                    // Half-row h (0 top) is covered when it overlaps [top_y, bottom_y];
                    // a range thinner than a half-row still marks the one it falls in.
                    let (a, b) = (h, h + 1.0);
                    top_y < b && bottom_y >= a || (bottom_y - top_y < 1.0 && top_y.floor() == h)
                };
                let (u, d) = ((2 * row) as f64, (2 * row + 1) as f64);
                let k = (covers(thick, u), covers(thick, d));
                let t = (covers(thin, u), covers(thin, d));
                let sym = match (k, t, theme.ascii) {
                    ((true, true), _, false) => "█",
                    ((true, false), _, false) => "▀",
                    ((false, true), _, false) => "▄",
                    (_, (true, true), false) => "│",
                    (_, (true, false), false) => "╵",
                    (_, (false, true), false) => "╷",
                    ((true, _) | (_, true), _, true) => "#",
                    (_, (true, _) | (_, true), true) => "|",
                    _ => continue,
                };
                buf.set_string(x, top + row, sym, style);
            }
        }
        if g.numbers {
            let y = top + g.band_h;
            let every = if g.cell >= 2 || n <= 9 { 1 } else { 5 };
            for i in from..to {
                let no = i + 1;
                let x = x0 + (i - from) as u16 * g.cell;
                if !(no == 1 || no % every == 0) || x >= r.x + r.width {
                    continue;
                }
                let s = no.to_string();
                if g.cell == 1 && no > 9 && every == 1 {
                    continue;
                }
                let style = if selected == Some(i) {
                    theme.bold.add_modifier(Modifier::REVERSED)
                } else {
                    theme.dim
                };
                buf.set_stringn(x, y, s, (r.x + r.width - x) as usize, style);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trainer::{NeuronView, ZRange};

    fn layer(ranges: &[(f64, f64)]) -> LayerView {
        LayerView {
            bias: vec![0.0; ranges.len()],
            neurons: ranges
                .iter()
                .map(|&(a, b)| NeuronView {
                    health: if b <= 0.0 {
                        NeuronState::Dead
                    } else {
                        NeuronState::Alive
                    },
                    z: ZRange {
                        min: a,
                        q1: a + (b - a) / 4.0,
                        q3: b - (b - a) / 4.0,
                        max: b,
                    },
                    ..NeuronView::default()
                })
                .collect(),
            ..LayerView::default()
        }
    }

    #[test]
    fn the_axis_holds_zero_and_every_range() {
        let a = Axis::of(&layer(&[(-3.2, 1.4), (-40.0, -2.0)]));
        assert!(a.lo <= -40.0 && a.hi >= 1.4, "{a:?}");
        // All below zero: the line is still inside, near the top.
        let a = Axis::of(&layer(&[(-3.0, -1.0)]));
        assert!(a.hi > 0.0 && a.lo <= -3.0, "{a:?}");
        let y0 = a.y(0.0, 10);
        assert!(y0 > 0.0 && y0 < 5.0, "{y0}");
    }

    #[test]
    fn a_dead_bar_sits_below_the_zero_line() {
        let theme = Theme::new(crate::ui::theme::ColorTier::None, false);
        let l = layer(&[(-1.0, 2.0), (-6.0, -1.5)]);
        let snap = Snapshot {
            layers: vec![l, LayerView::default()],
            ..Snapshot::default()
        };
        let area = Rect::new(0, 0, 30, 10);
        let mut buf = Buffer::empty(area);
        render(area, &mut buf, &snap, None, &theme);
        let text = crate::ui::buffer_text(&buf);
        let rows: Vec<&str> = text.lines().collect();
        let zero = rows.iter().position(|r| r.contains("z=0")).unwrap();
        let col = |i: usize| AXIS_W as usize + 2 * i;
        let cells = |i: usize| -> Vec<usize> {
            rows.iter()
                .enumerate()
                .filter(|(_, r)| r.chars().nth(col(i)).is_some_and(|c| "█▀▄│╵╷".contains(c)))
                .map(|(y, _)| y)
                .collect()
        };
        let dead = cells(1);
        assert!(!dead.is_empty() && dead.iter().all(|&y| y > zero), "{text}");
        let alive = cells(0);
        assert!(
            alive.iter().any(|&y| y < zero) && alive.iter().any(|&y| y >= zero),
            "{text}"
        );
        assert!(text.contains("○1 ◐0 below 0"), "{text}");
    }
}
