//! The Network pane: inputs, hidden neurons and the output, joined by their weights.
//!
//! Each hidden neuron is a tile showing its own output over the input plane (TensorFlow
//! Playground's thumbnails) with its state in glyph, border and colour; a dead neuron's tile is
//! flat and dark. Next to it, when there is room, a gauge of its pre-activation range against
//! z = 0. Connections carry sign (colour, dashes for negative) and magnitude (three levels
//! within each layer); those into or out of a dead neuron are faint and dotted. A layer too
//! wide for its edges shows each neuron's strongest ones and says so; wider still, its tiles
//! shrink to glyphs, then to a strip of state cells. Under each layer: its dead and saturated
//! counts and its share of exact zeros.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::lines::{Lines, Pattern};
use super::theme::{EDGE_LEVELS, Theme, health_glyph, heat_level};
use crate::trainer::{Grid, LayerView, NeuronState, Snapshot, ZRange};

pub use super::inspector::render as render_inspector;

/// Cells of a gap between two columns per connection that still reads as a line: when more
/// connections than that would cross a gap, each target neuron keeps its strongest.
const CELLS_PER_EDGE: usize = 8;
/// The narrowest gap between two columns that still shows its connections.
const MIN_GAP: u16 = 4;
/// The z gauge: bin edges on each side of 0 (symmetric), one cell per bin.
const GAUGE_EDGES: [f64; 2] = [1.0, 4.0];
const GAUGE_W: u16 = 7;

/// What the pane draws besides the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The selected neuron: (hidden layer, neuron).
    pub selected: Option<(usize, usize)>,
    /// Room for the legend lines at the bottom.
    pub legend: bool,
    /// The pre-activation view instead of the tiles.
    pub preact: bool,
}

/// The counts line: `● alive 12 · ○ dead 3 · ◐ saturated 1 · deaths 5 · revivals 2`.
pub fn legend(snap: &Snapshot, theme: &Theme) -> Line<'static> {
    let g = theme.glyphs;
    let mut spans = Vec::new();
    for (i, (h, name, n)) in [
        (NeuronState::Alive, "alive", snap.alive),
        (NeuronState::Dead, "dead", snap.dead),
        (NeuronState::Saturated, "saturated", snap.saturated),
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
    spans.push(Span::styled(g.sep, theme.dim));
    spans.push(Span::styled("deaths ", theme.dim));
    spans.push(Span::styled(snap.deaths.to_string(), theme.dead));
    spans.push(Span::styled(g.sep, theme.dim));
    spans.push(Span::styled("revivals ", theme.dim));
    spans.push(Span::styled(snap.revivals.to_string(), theme.alive));
    Line::from(spans)
}

/// The working network once dead neurons are taken out, e.g. `2-5-3-1` for 2-8-8-1 with
/// three and five dead: the capacity that is left.
pub fn working_shape(snap: &Snapshot) -> String {
    let inputs = snap.inputs.len();
    let mut parts = vec![inputs.to_string()];
    for layer in snap.hidden() {
        let live = layer
            .neurons
            .iter()
            .filter(|n| n.health != NeuronState::Dead)
            .count();
        parts.push(live.to_string());
    }
    parts.push(snap.layers.last().map_or(1, |l| l.bias.len()).to_string());
    parts.join("-")
}

/// More inputs than this are drawn as a strip of input cells with one label for all (their
/// count and the first and last names), not one named row each.
pub const COLLAPSE_INPUTS: usize = 12;

/// How one column of nodes is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Glyph, bordered heatmap `heat` cells wide and `rows` tall, and a z gauge if `gauge`;
    /// in `cols` sub-columns side by side (neurons row by row) when one column would make
    /// tiles touch.
    Tile {
        heat: u16,
        rows: u16,
        gauge: bool,
        cols: u16,
    },
    /// Just the state glyph.
    Glyph,
    /// More neurons than rows: state cells in `cols` columns.
    Strip { cols: u16 },
}

/// One column: inputs, a hidden layer or the output.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    x: u16,
    width: u16,
    kind: Kind,
    /// Top row of each node (strips: row and column of each cell).
    nodes: Vec<(u16, u16)>,
}

impl Column {
    fn node_rows(&self) -> u16 {
        match self.kind {
            Kind::Tile { rows, .. } => rows,
            _ => 1,
        }
    }

    /// Where an edge leaves (right side) or enters (left side) node `i`.
    fn anchor(&self, i: usize, right: bool) -> Option<(f64, f64)> {
        if matches!(self.kind, Kind::Strip { .. }) {
            return None;
        }
        let (row, sub) = *self.nodes.get(i)?;
        let y = row as f64 + self.node_rows() as f64 / 2.0;
        let x = match self.kind {
            Kind::Tile { heat, cols, .. } if cols > 1 => {
                let left = self.x + sub * (heat + 4);
                if right { left + heat + 3 } else { left }
            }
            _ if right => self.x + self.width,
            _ => self.x,
        };
        Some((x as f64 - if right { 0.0 } else { 0.1 }, y))
    }
}

/// Top rows of `n` nodes `h` rows tall spread over `rows`, or `None` if they do not fit.
fn spread(n: usize, h: u16, rows: u16) -> Option<Vec<u16>> {
    if n == 0 {
        return Some(Vec::new());
    }
    if (n as u64) * h as u64 > rows as u64 {
        return None;
    }
    let slot = rows as f64 / n as f64;
    Some(
        (0..n)
            .map(|i| (i as f64 * slot + (slot - h as f64) / 2.0).floor().max(0.0) as u16)
            .collect(),
    )
}

/// The columns for a network of `sizes` (inputs, hidden widths, output) in `width` × `rows`
/// cells, the inputs' labels `label_w` wide: the richest tiles that fit.
fn plan(sizes: &[usize], label_w: u16, width: u16, rows: u16) -> Vec<Column> {
    let last = sizes.len().saturating_sub(1);
    // Per hidden layer: how tall its tiles can be (2 rows with a gap between, else 1), or a
    // strip.
    let kind_for = |n: usize, heat: u16, gauge: bool| -> Kind {
        if heat == 0 {
            if n as u64 <= rows as u64 {
                Kind::Glyph
            } else {
                Kind::Strip {
                    cols: (n as u64).div_ceil(rows.max(1) as u64) as u16,
                }
            }
        } else if (3 * n as u64).saturating_sub(1) <= rows as u64 {
            Kind::Tile {
                heat,
                rows: 2,
                gauge,
                cols: 1,
            }
        } else if let Some(cols) = (1..=4u16)
            .find(|&c| (2 * (n as u64).div_ceil(c as u64)).saturating_sub(1) <= rows as u64)
        {
            Kind::Tile {
                heat,
                rows: 1,
                gauge: gauge && cols == 1,
                cols,
            }
        } else {
            Kind::Strip {
                cols: (n as u64).div_ceil(rows.max(1) as u64) as u16,
            }
        }
    };
    let kind_width = |k: Kind| match k {
        Kind::Tile { heat, cols, .. } if cols > 1 => cols * (heat + 4) - 1,
        Kind::Tile { heat, gauge, .. } => 1 + heat + 2 + if gauge { GAUGE_W + 1 } else { 0 },
        Kind::Glyph => 1,
        Kind::Strip { cols } => cols,
    };
    let options = [(4, true), (4, false), (3, false), (2, false), (0, false)];
    let mut chosen = Vec::new();
    for (i, &(heat, gauge)) in options.iter().enumerate() {
        let kinds: Vec<Kind> = (0..sizes.len())
            .map(|c| {
                if c == 0 && sizes[0] > COLLAPSE_INPUTS {
                    kind_for(sizes[0], 0, false)
                } else if c == 0 || c == last {
                    Kind::Glyph
                } else {
                    kind_for(sizes[c], heat, gauge)
                }
            })
            .collect();
        let used: u16 = kinds
            .iter()
            .enumerate()
            .map(|(c, k)| kind_width(*k) + if c == 0 { label_w + 1 } else { 0 })
            .sum::<u16>()
            + MIN_GAP * last as u16;
        chosen = kinds;
        if used <= width || i + 1 == options.len() {
            break;
        }
    }
    let widths: Vec<u16> = chosen.iter().map(|k| kind_width(*k)).collect();
    let total: u16 = widths.iter().sum::<u16>() + label_w + 1;
    let gap = if last == 0 {
        0
    } else {
        width.saturating_sub(total) / last as u16
    };
    let mut x = label_w + 1;
    let mut columns = Vec::with_capacity(sizes.len());
    for (c, (&n, &kind)) in sizes.iter().zip(&chosen).enumerate() {
        let nodes = match kind {
            Kind::Strip { cols } => {
                let per = (n as u64).div_ceil(cols.max(1) as u64) as u16;
                let top = rows.saturating_sub(per) / 2;
                (0..n as u16).map(|i| (top + i % per, i / per)).collect()
            }
            _ => {
                let h = if let Kind::Tile { rows: r, .. } = kind {
                    r
                } else {
                    1
                };
                let per_row = match kind {
                    Kind::Tile { cols, .. } => cols.max(1) as usize,
                    _ => 1,
                };
                let tops = spread(n.div_ceil(per_row), h, rows).unwrap_or_default();
                (0..n)
                    .filter_map(|i| {
                        let top = *tops.get(i / per_row)?;
                        Some((top, (i % per_row) as u16))
                    })
                    .collect()
            }
        };
        columns.push(Column {
            x,
            width: widths[c],
            kind,
            nodes,
        });
        x += widths[c] + gap;
    }
    columns
}

/// Per layer of weights: the edges to draw as (from, to, weight), all of them when at most
/// `budget`, else each target's `k` strongest by |w|; and `k` when it had to choose.
fn chosen_edges(layer: &LayerView, budget: usize) -> (Vec<(usize, usize, f64)>, Option<usize>) {
    let targets = layer.weights.len();
    let sources = layer.weights.first().map_or(0, Vec::len);
    let mut edges = Vec::new();
    if targets * sources <= budget {
        for (o, row) in layer.weights.iter().enumerate() {
            for (k, &w) in row.iter().enumerate() {
                edges.push((k, o, w));
            }
        }
        return (edges, None);
    }
    let per = (budget / targets.max(1)).max(1);
    for (o, row) in layer.weights.iter().enumerate() {
        let mut order: Vec<usize> = (0..row.len()).collect();
        order.sort_by(|&a, &b| row[b].abs().total_cmp(&row[a].abs()));
        for &k in order.iter().take(per) {
            edges.push((k, o, row[k]));
        }
    }
    (edges, Some(per))
}

/// The magnitude level (1..=3, 0 = too small to draw) of |w| against the layer's largest,
/// rounded up to a power of two so levels change only when a weight crosses a step.
fn level(w: f64, reference: f64) -> usize {
    if !w.is_finite() || reference <= 0.0 {
        return 0;
    }
    let r = w.abs() / reference;
    if r >= 0.25 {
        3
    } else if r >= 1.0 / 16.0 {
        2
    } else {
        usize::from(r >= 1.0 / 64.0)
    }
}

fn reference(layer: &LayerView) -> f64 {
    let max = layer
        .weights
        .iter()
        .flatten()
        .filter(|w| w.is_finite())
        .fold(0.0_f64, |m, w| m.max(w.abs()));
    if max <= 0.0 {
        0.0
    } else {
        2f64.powf(max.log2().ceil())
    }
}

/// Draw the pane's contents inside `area`.
pub fn render(area: Rect, buf: &mut Buffer, snap: &Snapshot, opt: Options, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.width < 8 || area.height < 3 {
        return;
    }
    let mut body = area;
    // Legend lines at the bottom: the counts, then (room permitting) how to read the picture.
    let legend_rows = match (opt.legend, area.height) {
        (false, _) | (_, 0..5) => 0,
        (_, 5..14) => 1,
        _ => 2,
    };
    body.height -= legend_rows;
    let drawn = if opt.preact {
        super::preact::render(body, buf, snap, opt.selected, theme);
        Drawn::default()
    } else {
        render_tiles(body, buf, snap, opt, theme)
    };
    let mut lines = vec![legend(snap, theme)];
    if legend_rows == 2 {
        lines.push(key_line(snap, opt, &drawn, theme));
    }
    for (i, l) in lines.iter().take(legend_rows as usize).rev().enumerate() {
        let y = area.y + area.height - 1 - i as u16;
        l.clone().render(Rect::new(area.x, y, area.width, 1), buf);
    }
}

/// Where the tiles view puts things, worked out once and shared by the drawing steps.
struct TileLayout {
    /// The whole body (labels and stats are clipped to it).
    area: Rect,
    /// The node rows between the header and the stats rows.
    nodes: Rect,
    /// One or two rows of per-layer counts under the nodes.
    stats_rows: u16,
    /// Inputs drawn as one labelled strip instead of a named row each.
    collapsed: bool,
    n_inputs: usize,
    /// Width of the input names left of the input column.
    label_w: u16,
    columns: Vec<Column>,
}

/// The tiles view in `body`.
fn render_tiles(
    body: Rect,
    buf: &mut Buffer,
    snap: &Snapshot,
    opt: Options,
    theme: &Theme,
) -> Drawn {
    let Some(layout) = tile_layout(body, snap) else {
        return Drawn::default();
    };
    let topk = draw_edges(&layout, buf, snap, theme);
    draw_headers(&layout, buf, snap, theme);
    draw_inputs(&layout, buf, snap, theme);
    draw_hidden(&layout, buf, snap, opt, theme);
    draw_output(&layout, buf, theme);
    draw_layer_stats(&layout, buf, snap, theme);
    Drawn {
        strips: (0..snap.hidden().len())
            .filter(|&l| matches!(layout.columns[l + 1].kind, Kind::Strip { .. }))
            .collect(),
        topk,
    }
}

/// Column layout: header row, node rows and stats rows, input labels and each column's plan.
fn tile_layout(body: Rect, snap: &Snapshot) -> Option<TileLayout> {
    if snap.layers.is_empty() || body.height < 3 {
        return None;
    }
    // Header row with layer names; one or two rows of per-layer counts at the bottom.
    let stats_rows: u16 = if body.height >= 14 { 2 } else { 1 };
    let nodes = Rect::new(
        body.x,
        body.y + 1,
        body.width,
        body.height.saturating_sub(1 + stats_rows),
    );
    if nodes.height == 0 {
        return None;
    }
    let hidden = snap.hidden();
    let n_inputs = snap.layers[0].weights.first().map_or(0, Vec::len);
    let collapsed = n_inputs > COLLAPSE_INPUTS;
    let label_w = if collapsed {
        0
    } else {
        snap.inputs
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(2)
            .min(8) as u16
    };
    let sizes: Vec<usize> = std::iter::once(n_inputs)
        .chain(hidden.iter().map(|l| l.bias.len()))
        .chain(std::iter::once(
            snap.layers.last().map_or(1, |l| l.bias.len()),
        ))
        .collect();
    let columns = plan(&sizes, label_w, nodes.width, nodes.height);
    Some(TileLayout {
        area: body,
        nodes,
        stats_rows,
        collapsed,
        n_inputs,
        label_w,
        columns,
    })
}

/// Whether node `i` of column `c` is a dead hidden neuron (its edges are drawn faint).
fn is_dead(hidden: &[LayerView], c: usize, i: usize) -> bool {
    // Column c ≥ 1 is hidden layer c - 1; inputs and the output never count as dead.
    c >= 1
        && hidden
            .get(c - 1)
            .and_then(|l| l.neurons.get(i))
            .is_some_and(|n| n.health == NeuronState::Dead)
}

/// Edges: connections, faint ones first so live ones stay on top; returns the top-k kept.
fn draw_edges(l: &TileLayout, buf: &mut Buffer, snap: &Snapshot, theme: &Theme) -> Option<usize> {
    let (nodes, columns) = (l.nodes, &l.columns);
    let hidden = snap.hidden();
    let mut lines = Lines::new(nodes);
    let mut topk: Option<usize> = None;
    for (li, layer) in snap.layers.iter().enumerate() {
        let (from, to) = (&columns[li], &columns[li + 1]);
        let gap = to.x.saturating_sub(from.x + from.width) as usize;
        let budget = (gap * nodes.height as usize / CELLS_PER_EDGE).max(12);
        let (edges, k) = chosen_edges(layer, budget);
        if from.anchor(0, true).is_some() && to.anchor(0, false).is_some() {
            topk = match (topk, k) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let r = reference(layer);
        for (k, o, w) in edges {
            let (Some(a), Some(b)) = (from.anchor(k, true), to.anchor(o, false)) else {
                continue;
            };
            if is_dead(hidden, li, k) || is_dead(hidden, li + 1, o) {
                if w.is_finite() && w != 0.0 {
                    lines.line(a, b, theme.edge_faint(), 0, Pattern::Dotted);
                }
                continue;
            }
            let lv = level(w, r);
            if lv == 0 {
                continue;
            }
            let p = if w < 0.0 {
                Pattern::Dashed
            } else {
                Pattern::Solid
            };
            lines.line(a, b, theme.edge(w > 0.0, lv), lv as u8, p);
        }
    }
    lines.render(buf, theme.ascii);
    topk
}

/// Header: each column's name centred over it, clipped to the body.
fn draw_headers(l: &TileLayout, buf: &mut Buffer, snap: &Snapshot, theme: &Theme) {
    let (area, nodes, columns) = (l.area, l.nodes, &l.columns);
    let header_y = area.y;
    let mut header = |c: usize, name: &str| {
        let col = &columns[c];
        let mid = nodes.x + col.x + col.width / 2;
        let start = mid
            .saturating_sub(name.len() as u16 / 2)
            .min((area.x + area.width).saturating_sub(name.len() as u16))
            .max(area.x);
        buf.set_stringn(
            start,
            header_y,
            name,
            (area.x + area.width).saturating_sub(start) as usize,
            theme.dim,
        );
    };
    if l.collapsed {
        header(0, &format!("in {}", l.n_inputs));
    } else {
        header(0, "in");
    }
    for i in 0..snap.hidden().len() {
        header(i + 1, &format!("h{}", i + 1));
    }
    header(columns.len() - 1, "out");
}

/// Labels: inputs with their names, or a strip labelled with the first and last names.
fn draw_inputs(l: &TileLayout, buf: &mut Buffer, snap: &Snapshot, theme: &Theme) {
    let (area, nodes, label_w) = (l.area, l.nodes, l.label_w);
    let input_col = &l.columns[0];
    if l.collapsed {
        for &(row, sub) in &input_col.nodes {
            buf.set_string(
                nodes.x + input_col.x + sub,
                nodes.y + row,
                theme.glyphs.input,
                theme.dim,
            );
        }
        let first = input_col.nodes.iter().map(|n| n.0).min().unwrap_or(0);
        let last_row = input_col.nodes.iter().map(|n| n.0).max().unwrap_or(0);
        let names = (snap.inputs.first(), snap.inputs.last());
        if let (Some(a), Some(b)) = names {
            let x = nodes.x + input_col.x + input_col.width + 1;
            let w = (area.x + area.width).saturating_sub(x) as usize;
            let short = |n: &str| -> String { n.chars().take(10).collect() };
            if first > 0 {
                buf.set_stringn(
                    x.saturating_sub(input_col.width + 1),
                    nodes.y + first - 1,
                    short(a),
                    w + input_col.width as usize,
                    theme.dim,
                );
            }
            if nodes.y + last_row + 1 < nodes.y + nodes.height {
                buf.set_stringn(
                    x.saturating_sub(input_col.width + 1),
                    nodes.y + last_row + 1,
                    short(b),
                    w + input_col.width as usize,
                    theme.dim,
                );
            }
        }
    }
    for (k, &(row, _)) in input_col.nodes.iter().enumerate().filter(|_| !l.collapsed) {
        let name = snap.inputs.get(k).map_or("x", String::as_str);
        let y = nodes.y + row;
        let name: String = name.chars().take(label_w as usize).collect();
        let pad = label_w as usize - name.chars().count();
        buf.set_string(nodes.x + pad as u16, y, &name, theme.dim);
        buf.set_string(nodes.x + input_col.x, y, theme.glyphs.input, theme.text);
    }
}

/// Tiles: each hidden neuron as a tile (heatmap and gauge), a glyph or a strip cell.
fn draw_hidden(l: &TileLayout, buf: &mut Buffer, snap: &Snapshot, opt: Options, theme: &Theme) {
    let nodes = l.nodes;
    for (li, layer) in snap.hidden().iter().enumerate() {
        let col = &l.columns[li + 1];
        let tiles = snap.tiles.get(li);
        for (n, &(row, sub)) in col.nodes.iter().enumerate() {
            let view = layer.neurons.get(n).copied().unwrap_or_default();
            let selected = opt.selected == Some((li, n));
            let (x, y) = (nodes.x + col.x, nodes.y + row);
            match col.kind {
                Kind::Tile {
                    heat, rows, gauge, ..
                } => {
                    let grid = tiles.and_then(|t| t.get(n));
                    let x = x + sub * (heat + 4);
                    let tile = Rect::new(x, y, 3 + heat, rows);
                    draw_tile(buf, tile, grid, view.health, selected, theme);
                    if gauge {
                        draw_gauge(buf, x + 4 + heat, y, &view.z, view.health, theme);
                    }
                }
                Kind::Glyph => {
                    let (glyph, mut style) = health_glyph(theme, view.health);
                    if selected {
                        style = style.add_modifier(Modifier::REVERSED);
                        let g = theme.glyphs;
                        buf.set_string(x.saturating_sub(1), y, g.selected_left, theme.bold);
                        buf.set_string(x + 1, y, g.selected_right, theme.bold);
                    }
                    buf.set_string(x, y, glyph, style);
                }
                Kind::Strip { .. } => {
                    let (glyph, mut style) = health_glyph(theme, view.health);
                    if selected {
                        style = style.add_modifier(Modifier::REVERSED);
                    }
                    buf.set_string(x + sub, y, glyph, style);
                }
            }
        }
    }
}

/// Output node: the output glyph(s) in the last column.
fn draw_output(l: &TileLayout, buf: &mut Buffer, theme: &Theme) {
    let nodes = l.nodes;
    let out_col = &l.columns[l.columns.len() - 1];
    for &(row, _) in &out_col.nodes {
        buf.set_string(
            nodes.x + out_col.x,
            nodes.y + row,
            theme.glyphs.output,
            theme.bold,
        );
    }
}

/// Stats: under each hidden layer, dead and saturated counts, then the share of exact zeros.
fn draw_layer_stats(l: &TileLayout, buf: &mut Buffer, snap: &Snapshot, theme: &Theme) {
    let (area, nodes, columns, stats_rows) = (l.area, l.nodes, &l.columns, l.stats_rows);
    let stats_y = nodes.y + nodes.height;
    for (li, layer) in snap.hidden().iter().enumerate() {
        let col = &columns[li + 1];
        let gap_right = columns
            .get(li + 2)
            .map_or(area.width, |c| c.x.saturating_sub(1));
        let room = gap_right.saturating_sub(col.x) as usize;
        let count = |h: NeuronState| layer.neurons.iter().filter(|v| v.health == h).count();
        let (d, s) = (count(NeuronState::Dead), count(NeuronState::Saturated));
        let g = theme.glyphs;
        let counts = Line::from(vec![
            Span::styled(
                format!("{}{d}", g.dead),
                if d > 0 { theme.dead } else { theme.dim },
            ),
            Span::raw(" "),
            Span::styled(
                format!("{}{s}", g.saturated),
                if s > 0 { theme.saturated } else { theme.dim },
            ),
        ]);
        let zeros = format!("{:.0}%", layer.sparsity * 100.0);
        let zeros = if stats_rows == 2 && room >= zeros.len() + 3 {
            Line::from(vec![Span::styled("0s ", theme.dim), Span::raw(zeros)])
        } else {
            Line::raw(zeros)
        };
        let x = nodes.x + col.x;
        let w = room.min((area.x + area.width).saturating_sub(x) as usize) as u16;
        if stats_rows == 2 {
            counts.render(Rect::new(x, stats_y, w, 1), buf);
            zeros.render(Rect::new(x, stats_y + 1, w, 1), buf);
        } else {
            let mut both = counts;
            both.spans.push(Span::raw(" "));
            both.spans.extend(zeros.spans);
            both.render(Rect::new(x, stats_y, w, 1), buf);
        }
    }
}

/// What the tiles view drew that its legend must tell.
#[derive(Debug, Clone, Default)]
struct Drawn {
    /// Hidden layers drawn as strips (their edges hidden).
    strips: Vec<usize>,
    /// The fewest strongest incoming edges kept per neuron, when some gap had to choose.
    topk: Option<usize>,
}

/// The second legend line: how to read the picture, parts dropped from the end when short.
fn key_line(snap: &Snapshot, opt: Options, drawn: &Drawn, theme: &Theme) -> Line<'static> {
    let strips = &drawn.strips;
    let g = theme.glyphs;
    let mut parts: Vec<Vec<Span<'static>>> = Vec::new();
    // Most telling first: what death cost, the born-dead tally, then how to read the picture.
    if let Some(t) = tally_line(snap) {
        parts.push(vec![Span::styled(t, theme.accent)]);
    }
    if snap.dead > 0 {
        parts.push(vec![
            Span::styled("working net ", theme.dim),
            Span::styled(working_shape(snap), theme.dead),
        ]);
    }
    if opt.preact {
        parts.push(vec![Span::styled(
            "bar: z over the data, thick = middle half; dead = all below 0",
            theme.dim,
        )]);
    } else {
        let (pos, neg) = if theme.ascii {
            ("...", ". .")
        } else {
            ("⠒⠒", "⠒ ⠒")
        };
        parts.push(vec![
            Span::styled(pos, theme.edge(true, EDGE_LEVELS)),
            Span::styled(" +w ", theme.dim),
            Span::styled(neg, theme.edge(false, EDGE_LEVELS)),
            Span::styled(" -w", theme.dim),
        ]);
        parts.push(vec![Span::styled("brighter = larger |w|", theme.dim)]);
        let topk = drawn.topk;
        if !strips.is_empty() {
            let names: Vec<String> = strips.iter().map(|l| format!("h{}", l + 1)).collect();
            parts.insert(
                parts.len() - 2,
                vec![Span::styled(
                    format!("{} too wide: state cells, edges hidden", names.join(",")),
                    theme.accent,
                )],
            );
        }
        if let Some(k) = topk {
            parts.insert(
                parts.len() - 2,
                vec![Span::styled(
                    format!("each neuron's {k} strongest inputs"),
                    theme.accent,
                )],
            );
        }
        parts.push(vec![Span::styled(
            "tile: its output; bar: z vs 0",
            theme.dim,
        )]);
    }
    let mut spans = Vec::new();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(g.sep, theme.dim));
        }
        spans.extend(p);
    }
    Line::from(spans)
}

/// `born dead: he-normal, bias 0 3/5 · rai, bias scheme 0/2`, once there is something to
/// compare (a second draw, or a first one born dead).
pub fn tally_line(snap: &Snapshot) -> Option<String> {
    let t = &snap.born_dead_tally;
    if !(t.iter().any(|t| t.draws > 1 || t.born_dead > 0) || snap.born_dead) {
        return None;
    }
    // `he-normal, bias 0`: the bias is left out when every draw had the same.
    let bias = |init: &str| init.split_once(", ").map(|(_, b)| b.to_string());
    let same_bias = t.windows(2).all(|w| bias(&w[0].init) == bias(&w[1].init));
    let parts: Vec<String> = t
        .iter()
        .map(|t| {
            let name = match (same_bias, t.init.split_once(", ")) {
                (true, Some((init, _))) => init,
                _ => t.init.as_str(),
            };
            format!("{name} {}/{}", t.born_dead, t.draws)
        })
        .collect();
    Some(format!("born dead: {}", parts.join(" · ")))
}

/// A hidden neuron's tile in `r`: glyph, left border, heatmap, right border.
fn draw_tile(
    buf: &mut Buffer,
    r: Rect,
    grid: Option<&Grid>,
    health: NeuronState,
    selected: bool,
    theme: &Theme,
) {
    let (glyph, mut style) = health_glyph(theme, health);
    let mut border = style;
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
        border = border.add_modifier(Modifier::BOLD);
    }
    let (left, right) = if theme.ascii {
        ("[", "]")
    } else {
        ("▕", "▏")
    };
    let (left, right) = if selected && !theme.ascii {
        ("▐", "▌")
    } else {
        (left, right)
    };
    let heat = r.width.saturating_sub(3);
    let area = buf.area;
    for row in 0..r.height {
        let y = r.y + row;
        if y >= area.y + area.height {
            break;
        }
        if row == 0 {
            buf.set_string(r.x, y, glyph, style);
        }
        buf.set_string(r.x + 1, y, left, border);
        buf.set_string(r.x + 2 + heat, y, right, border);
    }
    let map = Rect::new(r.x + 2, r.y, heat, r.height).intersection(area);
    if health == NeuronState::Dead {
        // Off: flat and dark whatever the weights would draw outside the data.
        let off = theme.tile_off();
        for y in map.y..map.y + map.height {
            for x in map.x..map.x + map.width {
                buf[(x, y)]
                    .set_symbol(if theme.ascii { "." } else { "░" })
                    .set_style(off);
            }
        }
        return;
    }
    if let Some(grid) = grid {
        draw_heat(buf, map, grid, theme);
    }
}

/// A small grid as a half-block heatmap filling `r`, each pixel the mean of the grid values
/// it covers, scaled by the grid's largest |value| rounded up to a power of two (so colours
/// move only when the neuron's range doubles or halves).
fn draw_heat(buf: &mut Buffer, r: Rect, grid: &Grid, theme: &Theme) {
    if r.is_empty() || grid.width == 0 || grid.height == 0 {
        return;
    }
    let max = grid
        .values
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let scale = if max > 1e-12 {
        2f64.powf(max.log2().ceil())
    } else {
        1.0
    };
    let half = theme.has_color() && !theme.ascii;
    let (pw, ph) = (
        r.width as usize,
        r.height as usize * if half { 2 } else { 1 },
    );
    let pixel = |px: usize, py: usize| -> usize {
        let span = |p: usize, of: usize, n: usize| {
            let a = p * n / of;
            (a, ((p + 1) * n / of).max(a + 1))
        };
        let (x0, x1) = span(px, pw, grid.width);
        let (y0, y1) = span(py, ph, grid.height);
        let (mut sum, mut k) = (0.0, 0);
        for y in y0..y1 {
            for x in x0..x1 {
                if let Some(v) = grid.get(x, y).filter(|v| v.is_finite()) {
                    sum += v;
                    k += 1;
                }
            }
        }
        heat_level(if k == 0 { 0.0 } else { sum / k as f64 / scale })
    };
    for row in 0..r.height {
        for col in 0..r.width {
            let cell = &mut buf[(r.x + col, r.y + row)];
            let (c, rw) = (col as usize, row as usize);
            if half {
                let (top, bottom) = (pixel(c, 2 * rw), pixel(c, 2 * rw + 1));
                cell.set_symbol("▀")
                    .set_style(Style::new().fg(theme.heat(top)).bg(theme.heat(bottom)));
            } else if theme.has_color() {
                cell.set_symbol(" ")
                    .set_style(Style::new().bg(theme.heat(pixel(c, rw))));
            } else {
                cell.set_symbol(theme.heat_glyph(pixel(c, rw)))
                    .set_style(Style::new());
            }
        }
    }
}

/// Which gauge cell (0..GAUGE_W, the zero mark in the middle) a z value falls in.
fn gauge_cell(z: f64) -> usize {
    let mid = GAUGE_W as usize / 2;
    let bins = GAUGE_EDGES.iter().take_while(|&&e| z.abs() > e).count();
    if z > 0.0 {
        mid + 1 + bins
    } else if z < 0.0 {
        mid - 1 - bins
    } else {
        mid
    }
}

/// The neuron's pre-activation range on a small fixed axis: `──━━┊━─`, thin from min to max,
/// thick over the middle half, the zero mark in the middle (`┼` when the range crosses it).
/// A dead ReLU's bar lies wholly left of the mark.
fn draw_gauge(buf: &mut Buffer, x: u16, y: u16, z: &ZRange, health: NeuronState, theme: &Theme) {
    let area = buf.area;
    if y >= area.y + area.height || !z.is_finite() {
        return;
    }
    let mid = GAUGE_W as usize / 2;
    let (lo, hi) = (gauge_cell(z.min), gauge_cell(z.max));
    let (q1, q3) = (gauge_cell(z.q1), gauge_cell(z.q3));
    let (_, style) = health_glyph(theme, health);
    let style = style.remove_modifier(Modifier::BOLD);
    for c in 0..GAUGE_W as usize {
        let xx = x + c as u16;
        if xx >= area.x + area.width {
            break;
        }
        let inside = (lo..=hi).contains(&c);
        let thick = (q1..=q3).contains(&c);
        let (sym, st) = if c == mid {
            let crosses = z.min < 0.0 && z.max > 0.0;
            match (theme.ascii, crosses) {
                (false, true) => ("┼", style),
                (false, false) => ("┊", theme.dim),
                (true, true) => ("+", style),
                (true, false) => ("|", theme.dim),
            }
        } else if thick {
            (if theme.ascii { "=" } else { "━" }, style)
        } else if inside {
            (if theme.ascii { "-" } else { "─" }, style)
        } else {
            (" ", theme.dim)
        };
        buf.set_string(xx, y, sym, st);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_fits_or_not() {
        assert_eq!(spread(2, 1, 10), Some(vec![2, 7]));
        assert_eq!(spread(1, 2, 5), Some(vec![1]));
        assert_eq!(spread(3, 2, 5), None);
        assert_eq!(spread(0, 2, 0), Some(vec![]));
    }

    #[test]
    fn plans_shrink_from_tiles_to_glyphs_to_strips() {
        // The default network at 160×48: one-row tiles with gauges.
        let cols = plan(&[2, 8, 8, 1], 2, 64, 19);
        assert!(matches!(
            cols[1].kind,
            Kind::Tile {
                heat: 4,
                rows: 1,
                gauge: true,
                cols: 1
            }
        ));
        let cols = plan(&[2, 6, 6, 1], 2, 64, 19);
        assert!(matches!(
            cols[1].kind,
            Kind::Tile {
                heat: 4,
                rows: 2,
                gauge: true,
                ..
            }
        ));
        // Sixteen in 19 rows: one-row tiles two side by side, rows apart.
        let cols = plan(&[4, 16, 16, 1], 7, 64, 19);
        assert!(
            matches!(cols[1].kind, Kind::Tile { cols: 2, .. }),
            "{:?}",
            cols[1]
        );
        let nodes: Vec<(u16, u16)> = cols[1].nodes.clone();
        assert_eq!(nodes.len(), 16);
        for w in nodes.chunks(2).collect::<Vec<_>>().windows(2) {
            assert_eq!((w[0][0].1, w[0][1].1), (0, 1));
            assert!(w[1][0].0 >= w[0][0].0 + 2, "{nodes:?}");
        }
        // Seven layers: too wide for tiles with gauges.
        let cols = plan(&[2, 8, 8, 8, 8, 8, 8, 8, 1], 2, 64, 19);
        assert!(!matches!(cols[1].kind, Kind::Tile { gauge: true, .. }));
        // 64 neurons in 19 rows: a strip of four columns.
        let cols = plan(&[2, 64, 1], 2, 64, 19);
        assert_eq!(cols[1].kind, Kind::Strip { cols: 4 });
        assert_eq!(cols[1].nodes.len(), 64);
        // Columns never overlap and stay inside.
        for sizes in [
            vec![2, 8, 8, 1],
            vec![7, 64, 64, 1],
            vec![2, 2, 2, 2, 2, 2, 2, 2, 2, 1],
        ] {
            let cols = plan(&sizes, 5, 64, 19);
            for w in cols.windows(2) {
                assert!(w[0].x + w[0].width <= w[1].x, "{sizes:?}: {cols:?}");
            }
        }
    }

    #[test]
    fn wide_layers_keep_each_neurons_strongest_edges() {
        let layer = LayerView {
            weights: (0..16)
                .map(|o| (0..16).map(|k| (k as f64 - o as f64) / 10.0).collect())
                .collect(),
            ..LayerView::default()
        };
        let (edges, k) = chosen_edges(&layer, 32);
        assert_eq!(k, Some(2));
        assert_eq!(edges.len(), 32);
        // Neuron 0's strongest incoming weights are from inputs 15 and 14.
        let into0: Vec<usize> = edges.iter().filter(|e| e.1 == 0).map(|e| e.0).collect();
        assert_eq!(into0, vec![15, 14]);
        let small = LayerView {
            weights: vec![vec![1.0; 8]; 8],
            ..LayerView::default()
        };
        assert_eq!(chosen_edges(&small, 64).1, None);
        assert_eq!(chosen_edges(&small, 64).0.len(), 64);
        assert_eq!(chosen_edges(&small, 40).1, Some(5));
    }

    #[test]
    fn levels_are_relative_and_stepped() {
        let r = 2.0; // the largest |w| is in (1, 2]
        assert_eq!(level(1.9, r), 3);
        assert_eq!(level(-0.6, r), 3);
        assert_eq!(level(0.2, r), 2);
        assert_eq!(level(0.05, r), 1);
        assert_eq!(level(0.01, r), 0);
        assert_eq!(level(f64::NAN, r), 0);
    }

    #[test]
    fn gauge_cells_put_zero_in_the_middle() {
        assert_eq!(gauge_cell(0.0), 3);
        assert_eq!(gauge_cell(-0.5), 2);
        assert_eq!(gauge_cell(-2.0), 1);
        assert_eq!(gauge_cell(-40.0), 0);
        assert_eq!(gauge_cell(0.5), 4);
        assert_eq!(gauge_cell(9.0), 6);
    }
}
