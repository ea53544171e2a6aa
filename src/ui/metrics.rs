//! The Metrics pane: losses, the dead fraction and per-layer gradient norms (log scale) over
//! the run, with the epoch and speed on top.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::curve_canvas::{Curve, Plot};
use super::theme::Theme;
use crate::format::nice_step;
use crate::format::{count, num};
use crate::trainer::{Sample, Snapshot};

/// The top line: `epoch 12 · step 3 400 · 310 steps/s · train 0.12 · test 0.15`. When it does
/// not fit in `width`, parts go whole, least telling first (the step count, the speed, the
/// test loss, the train loss): cut at the edge, a loss of `1.6e-4` would read as `1.6`.
pub fn summary(snap: &Snapshot, theme: &Theme, width: u16) -> Line<'static> {
    // (drop order, spans): the lowest goes first.
    let mut parts: Vec<(u8, Vec<Span<'static>>)> = vec![
        (
            5,
            vec![Span::styled(format!("epoch {}", snap.epoch), theme.bold)],
        ),
        (1, vec![Span::raw(format!("step {}", count(snap.step)))]),
        // Steps per second are rounded to two significant digits: a readout that changes
        // every frame costs bandwidth and reads as noise.
        (
            2,
            vec![if snap.running {
                Span::raw(format!("{} steps/s", num(round_sig(snap.steps_per_sec, 2))))
            } else {
                Span::styled("paused", theme.dim)
            }],
        ),
        (
            4,
            vec![
                Span::styled("train ", theme.dim),
                Span::styled(num(snap.train_loss), theme.train_loss),
            ],
        ),
        (
            3,
            vec![
                Span::styled("test ", theme.dim),
                Span::styled(num(snap.test_loss), theme.test_loss),
            ],
        ),
    ];
    if snap.diverged {
        parts.push((6, vec![Span::styled("diverged", theme.error)]));
    }
    let join = |parts: &[(u8, Vec<Span<'static>>)]| {
        let mut spans = Vec::new();
        for (i, (_, p)) in parts.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(theme.glyphs.sep, theme.dim));
            }
            spans.extend(p.iter().cloned());
        }
        Line::from(spans)
    };
    loop {
        let line = join(&parts);
        if line.width() <= usize::from(width) || parts.len() == 1 {
            return line;
        }
        let lowest = (0..parts.len()).min_by_key(|&i| parts[i].0).unwrap_or(0);
        parts.remove(lowest);
    }
}

fn round_sig(v: f64, digits: i32) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return 0.0;
    }
    let p = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * p).round() / p
}

/// The top of the loss axis: losses are never negative, so the axis starts at 0 and ends at
/// a nice step above the largest finite loss.
fn loss_top(samples: &[Sample]) -> f64 {
    let max = samples
        .iter()
        .flat_map(|s| [s.train_loss, s.test_loss])
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    if max <= 0.0 {
        return 1.0;
    }
    let step = nice_step(max / 10.0);
    ((max / step).ceil() * step).max(step)
}

/// Piecewise-linear interpolation of one series over epochs.
fn interp(samples: &[Sample], get: &dyn Fn(&Sample) -> f64, x: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let i = samples.partition_point(|s| s.epoch < x);
    if i == 0 {
        return if x >= samples[0].epoch - 1e-9 {
            get(&samples[0])
        } else {
            f64::NAN
        };
    }
    if i >= samples.len() {
        return f64::NAN;
    }
    let (a, b) = (&samples[i - 1], &samples[i]);
    let t = if b.epoch > a.epoch {
        (x - a.epoch) / (b.epoch - a.epoch)
    } else {
        0.0
    };
    get(a) + (get(b) - get(a)) * t
}

/// A layer's name in the gradient chart: `h1`, `h2`, … and `out` for the last.
fn layer_name(l: usize, layers: usize) -> String {
    if l + 1 == layers {
        "out".to_string()
    } else {
        format!("h{}", l + 1)
    }
}

/// The latest finite value of a layer's gradient norm.
fn latest_grad(samples: &[Sample], l: usize) -> Option<f64> {
    samples
        .iter()
        .rev()
        .filter_map(|s| s.grad_norms.get(l).copied())
        .find(|g| g.is_finite())
}

/// log10 of a norm or loss floored at 1e-12; NaN stays NaN (`f64::max` would turn it into the
/// floor and draw a diverged point at the bottom).
fn log10_of(v: f64) -> f64 {
    if v.is_nan() {
        f64::NAN
    } else {
        v.max(1e-12).log10()
    }
}

/// Whether the losses exploded (grew a thousandfold): then they are drawn on a log scale.
fn losses_exploded(samples: &[Sample]) -> bool {
    let finite = |s: &Sample| s.train_loss.is_finite().then_some(s.train_loss);
    let first = samples.iter().find_map(finite);
    let max = samples.iter().filter_map(finite).fold(0.0_f64, f64::max);
    first.is_some_and(|f| max > 1000.0 * f.max(1e-9))
}

/// One of the A/B charts: where, its title, the series, its style and its y range.
type AbChart<'a> = (
    Rect,
    Line<'a>,
    Box<dyn Fn(&Sample) -> f64>,
    Style,
    Option<(f64, f64)>,
);

/// The A/B comparison's shared chart: both runs' training loss and dead fraction over epochs,
/// A as a line, B as dots.
pub fn render_ab(area: Rect, buf: &mut Buffer, a: &Snapshot, b: &Snapshot, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.width < 20 || area.height < 4 {
        return;
    }
    let (sa, sb) = (a.history.samples(), b.history.samples());
    let last = |s: &[Sample]| s.last().map_or(1.0, |s| s.epoch);
    let span = last(sa).max(last(sb)).max(1.0);
    let x_max = (span / nice_step(span / 4.0)).ceil() * nice_step(span / 4.0);
    let [loss, dead] = Layout::horizontal([Constraint::Fill(1); 2]).areas(area);
    let dot = if theme.ascii {
        Marker::Custom('.')
    } else {
        Marker::Dot
    };
    let title = |what: &str, va: String, vb: String, style: Style| {
        Line::from(vec![
            Span::styled(format!("{what} "), theme.bold),
            Span::styled(format!("A {va}"), style),
            Span::raw("  "),
            Span::styled(format!("B {vb}"), theme.accent),
        ])
    };
    let fmt_loss = |s: &Snapshot| num(s.train_loss);
    let fmt_dead = |s: &Snapshot| format!("{:.0}%", s.dead_fraction() * 100.0);
    let charts: [AbChart; 2] = [
        (
            loss,
            title("loss train", fmt_loss(a), fmt_loss(b), theme.train_loss),
            Box::new(|s: &Sample| s.train_loss),
            theme.train_loss,
            Some((0.0, loss_top(sa).max(loss_top(sb)))),
        ),
        (
            dead,
            title("dead", fmt_dead(a), fmt_dead(b), theme.dead_fraction),
            Box::new(|s: &Sample| s.dead_fraction * 100.0),
            theme.dead_fraction,
            Some((0.0, 100.0)),
        ),
    ];
    for (r, title, get, style, y_fixed) in charts {
        title.render(Rect::new(r.x, r.y, r.width.saturating_sub(1), 1), buf);
        let plot_area = Rect::new(
            r.x,
            r.y + 1,
            r.width.saturating_sub(1),
            r.height.saturating_sub(1),
        );
        let get = &*get;
        let plot = Plot {
            y_fixed,
            x_min: 0.0,
            x_max,
            curves: vec![
                Curve {
                    f: Box::new(move |x| interp(sa, get, x)),
                    style,
                    marker: theme.marker,
                    breaks: Vec::new(),
                },
                Curve {
                    f: Box::new(move |x| interp(sb, get, x)),
                    style: theme.accent,
                    marker: dot,
                    breaks: Vec::new(),
                },
            ],
            regions: Vec::new(),
            marks: Vec::new(),
            cursor: None,
            vline: None,
            right_axis: None,
            theme,
        };
        (&plot).render(plot_area, buf);
    }
}

/// Draw the pane's contents.
pub fn render(area: Rect, buf: &mut Buffer, snap: &Snapshot, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    summary(snap, theme, area.width).render(Rect::new(area.x, area.y, area.width, 1), buf);
    if area.height < 6 {
        return;
    }
    let charts = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let samples = snap.history.samples();
    let vline = snap
        .divergence
        .map(|d| (d.epoch, if theme.ascii { "x" } else { "✕" }, theme.error));
    let pane = Charts {
        samples,
        x_max: x_axis_max(snap),
        vline,
        theme,
    };
    let parts = chart_parts(charts);
    if let Some(&r) = parts.first() {
        pane.loss(buf, r, snap);
    }
    if let Some(&r) = parts.get(1) {
        pane.dead(buf, r, snap);
    }
    if let Some(&r) = parts.get(2) {
        pane.grads(buf, r);
    }
}

/// X axis: grows in nice steps so the chart rescales rarely; a run that diverged within its
/// first epoch spans just the steps it took.
fn x_axis_max(snap: &Snapshot) -> f64 {
    let last = snap.history.samples().last().map_or(1.0, |s| s.epoch);
    let span = if snap.divergence.is_some() {
        last.max(1e-3)
    } else {
        last.max(1.0)
    };
    (span / nice_step(span / 4.0)).ceil() * nice_step(span / 4.0)
}

/// Chart layout: zoomed (or simply large), losses and dead share the left and the gradients
/// get the right; otherwise three in a row, three in a column, or two side by side.
fn chart_parts(charts: Rect) -> Vec<Rect> {
    if charts.width >= 75 && charts.height >= 16 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(42), Constraint::Fill(1)]).areas(charts);
        let [loss, dead] = Layout::vertical([Constraint::Fill(1); 2]).areas(left);
        vec![loss, dead, right]
    } else if charts.width >= 75 {
        Layout::horizontal([Constraint::Fill(1); 3])
            .split(charts)
            .to_vec()
    } else if charts.height >= 16 {
        Layout::vertical([Constraint::Fill(1); 3])
            .split(charts)
            .to_vec()
    } else {
        Layout::horizontal([Constraint::Fill(1); 2])
            .split(charts)
            .to_vec()
    }
}

/// Chart title: the full title, or its short form when it would run into the next chart's
/// title (`loss train tedead % 0%`); a column stays free between charts. Returns the plot
/// area under it.
fn titled(buf: &mut Buffer, r: Rect, title: Line, short: Line) -> Rect {
    let room = r.width.saturating_sub(1);
    let title = if title.width() <= usize::from(room) {
        title
    } else {
        short
    };
    title.render(Rect::new(r.x, r.y, room, 1), buf);
    Rect::new(
        r.x,
        r.y + 1,
        r.width.saturating_sub(1),
        r.height.saturating_sub(1),
    )
}

/// What the three charts share: the samples, the x axis and the divergence mark.
struct Charts<'a> {
    samples: &'a [Sample],
    x_max: f64,
    vline: Option<(f64, &'static str, Style)>,
    theme: &'a Theme,
}

impl<'a> Charts<'a> {
    /// Series: one sampled quantity as a curve interpolated between samples.
    fn series(&self, get: Box<dyn Fn(&Sample) -> f64>, style: Style, marker: Marker) -> Curve<'a> {
        let samples = self.samples;
        Curve {
            f: Box::new(move |x| interp(samples, &*get, x)),
            style,
            marker,
            breaks: Vec::new(),
        }
    }

    /// Plot: the curves over the shared x axis, with the divergence mark.
    fn draw(&self, buf: &mut Buffer, r: Rect, curves: Vec<Curve>, y_fixed: Option<(f64, f64)>) {
        let plot = Plot {
            y_fixed,
            x_min: 0.0,
            x_max: self.x_max,
            curves,
            regions: Vec::new(),
            marks: Vec::new(),
            cursor: None,
            vline: self.vline,
            right_axis: None,
            theme: self.theme,
        };
        (&plot).render(r, buf);
    }

    /// Loss chart: train and test loss, on a log scale once it has exploded.
    fn loss(&self, buf: &mut Buffer, r: Rect, snap: &Snapshot) {
        let (theme, samples) = (self.theme, self.samples);
        let log = losses_exploded(samples);
        let mut title = vec![Span::styled(
            if log { "log10 loss " } else { "loss " },
            theme.bold,
        )];
        title.extend([
            Span::styled("train", theme.train_loss),
            Span::raw(" "),
            Span::styled("test", theme.test_loss),
        ]);
        if let Some(d) = snap.divergence {
            title.push(Span::styled(
                format!(" diverged at step {}", d.step),
                theme.error,
            ));
        }
        let r = titled(
            buf,
            r,
            Line::from(title),
            Line::styled(if log { "log loss" } else { "loss" }, theme.bold),
        );
        let test_marker = if theme.ascii {
            Marker::Custom('.')
        } else {
            Marker::Dot
        };
        let f = move |v: f64| if log { log10_of(v) } else { v };
        self.draw(
            buf,
            r,
            vec![
                self.series(
                    Box::new(move |s| f(s.train_loss)),
                    theme.train_loss,
                    theme.marker,
                ),
                self.series(
                    Box::new(move |s| f(s.test_loss)),
                    theme.test_loss,
                    test_marker,
                ),
            ],
            (!log).then(|| (0.0, loss_top(samples))),
        );
    }

    /// Dead chart: the dead fraction in percent, with the deaths and revivals behind it.
    fn dead(&self, buf: &mut Buffer, r: Rect, snap: &Snapshot) {
        let theme = self.theme;
        let dead = Span::styled(
            format!("{:.0}%", snap.dead_fraction() * 100.0),
            theme.dead_fraction,
        );
        let r = titled(
            buf,
            r,
            Line::from(vec![
                Span::styled("dead % ", theme.bold),
                dead.clone(),
                Span::styled(" deaths ", theme.dim),
                Span::styled(snap.deaths.to_string(), theme.dead),
                Span::styled(" revivals ", theme.dim),
                Span::styled(snap.revivals.to_string(), theme.alive),
            ]),
            Line::from(vec![Span::styled("dead ", theme.bold), dead]),
        );
        self.draw(
            buf,
            r,
            vec![self.series(
                Box::new(|s| s.dead_fraction * 100.0),
                theme.dead_fraction,
                theme.marker,
            )],
            Some((0.0, 100.0)),
        );
    }

    /// Gradient chart: the norm per layer, log10, each layer in its own colour with its
    /// latest value, in a legend column or the title.
    fn grads(&self, buf: &mut Buffer, r: Rect) {
        let (theme, samples) = (self.theme, self.samples);
        let layers = samples.last().map_or(0, |s| s.grad_norms.len());
        let colour = |l: usize| theme.layer_norms[l % theme.layer_norms.len()];
        let latest: Vec<Option<f64>> = (0..layers).map(|l| latest_grad(samples, l)).collect();
        let ratio = match (latest.first(), latest.last()) {
            (Some(Some(a)), Some(Some(b))) if layers > 1 && *b > 0.0 => Some(a / b),
            _ => None,
        };
        let legend = GradLegend {
            layers,
            values: latest
                .iter()
                .map(|v| v.map_or("-".to_string(), num))
                .collect(),
            ratio_text: ratio.map(|q| format!("h1/out {}", num(q))),
        };
        let chart = legend
            .column(buf, r, theme)
            .unwrap_or_else(|| legend.title(buf, r, theme));
        let curves = (0..layers)
            .map(|l| {
                self.series(
                    Box::new(move |s: &Sample| {
                        s.grad_norms.get(l).map_or(f64::NAN, |g| log10_of(*g))
                    }),
                    colour(l),
                    theme.marker,
                )
            })
            .collect();
        self.draw(buf, chart, curves, None);
    }
}

/// The gradient chart's key: each layer's name and latest value, and the h1/out ratio.
struct GradLegend {
    layers: usize,
    /// Latest value per layer, formatted (`-` when there is none).
    values: Vec<String>,
    ratio_text: Option<String>,
}

impl GradLegend {
    /// Legend column: beside the chart when it leaves the chart most of the room; returns
    /// the chart area left of it, or `None` when it does not fit.
    fn column(&self, buf: &mut Buffer, r: Rect, theme: &Theme) -> Option<Rect> {
        let layers = self.layers;
        let colour = |l: usize| theme.layer_norms[l % theme.layer_norms.len()];
        let item_w = (0..layers)
            .map(|l| layer_name(l, layers).len() + self.values[l].len() + 3)
            .chain(self.ratio_text.iter().map(String::len))
            .max()
            .unwrap_or(0) as u16
            + 1;
        let items = layers + usize::from(self.ratio_text.is_some());
        let rows = r.height.saturating_sub(1).max(1) as usize;
        let legend_w = items.div_ceil(rows) as u16 * item_w;
        if !(layers > 0 && r.height >= 5 && legend_w * 2 <= r.width) {
            return None;
        }
        let title = vec![Span::styled("log10 |grad| ", theme.bold)];
        let chart = titled(
            buf,
            r,
            Line::from(title),
            Line::styled("|grad|", theme.bold),
        );
        let lx = r.x + r.width - legend_w;
        let swatch = if theme.ascii { "-" } else { "━" };
        for k in 0..items {
            let (col, row) = ((k / rows) as u16, (k % rows) as u16);
            let at = Rect::new(lx + col * item_w, chart.y + row, item_w, 1);
            let line = if k < layers {
                Line::from(vec![
                    Span::styled(swatch, colour(k)),
                    Span::styled(format!(" {} ", layer_name(k, layers)), colour(k)),
                    Span::raw(self.values[k].clone()),
                ])
            } else {
                Line::styled(self.ratio_text.clone().unwrap_or_default(), theme.bold)
            };
            line.render(at, buf);
        }
        Some(Rect::new(
            chart.x,
            chart.y,
            chart.width.saturating_sub(legend_w),
            chart.height,
        ))
    }

    /// Legend in the title: names with their values when they fit, names alone otherwise,
    /// the ratio last; returns the chart area under it.
    fn title(&self, buf: &mut Buffer, r: Rect, theme: &Theme) -> Rect {
        let layers = self.layers;
        let colour = |l: usize| theme.layer_norms[l % theme.layer_norms.len()];
        let title = vec![Span::styled("log10 |grad| ", theme.bold)];
        let mut full = title.clone();
        let mut names = title;
        for l in 0..layers {
            let name = layer_name(l, layers);
            full.push(Span::styled(format!("{name} "), colour(l)));
            full.push(Span::raw(format!("{} ", self.values[l])));
            names.push(Span::styled(format!("{name} "), colour(l)));
        }
        if let Some(t) = &self.ratio_text {
            full.push(Span::styled(t.clone(), theme.bold));
            names.push(Span::styled(t.clone(), theme.bold));
        }
        let room = usize::from(r.width.saturating_sub(1));
        let title = if Line::from(full.clone()).width() <= room {
            full
        } else {
            names
        };
        titled(
            buf,
            r,
            Line::from(title),
            Line::styled("|grad|", theme.bold),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_between_samples() {
        let s = |e: f64, l: f64| Sample {
            epoch: e,
            train_loss: l,
            ..Sample::default()
        };
        let v = vec![s(0.0, 1.0), s(2.0, 3.0)];
        let get = |s: &Sample| s.train_loss;
        assert_eq!(interp(&v, &get, 1.0), 2.0);
        assert_eq!(interp(&v, &get, 0.0), 1.0);
        assert!(interp(&v, &get, 3.0).is_nan());
        assert!(interp(&[], &get, 0.0).is_nan());
    }

    #[test]
    fn loss_axis_starts_at_zero_and_ends_on_a_step() {
        let s = |l: f64| Sample {
            train_loss: l,
            test_loss: l / 2.0,
            ..Sample::default()
        };
        assert!((loss_top(&[s(0.69), s(0.3)]) - 0.7).abs() < 1e-12);
        assert!((loss_top(&[s(1.13)]) - 1.2).abs() < 1e-12);
        assert_eq!(loss_top(&[s(f64::NAN)]), 1.0);
        assert_eq!(loss_top(&[]), 1.0);
    }

    #[test]
    fn rounding_to_significant_digits() {
        assert_eq!(round_sig(1234.0, 2), 1200.0);
        assert_eq!(round_sig(0.0456, 2), 0.046);
        assert_eq!(round_sig(f64::NAN, 2), 0.0);
    }

    #[test]
    fn summary_drops_counts_before_cutting_a_loss() {
        let theme = Theme::new(crate::ui::theme::ColorTier::None, false);
        let snap = Snapshot {
            epoch: 505,
            step: 12_625,
            running: true,
            steps_per_sec: 2100.0,
            train_loss: 3.0e-5,
            test_loss: 1.6e-4,
            ..Snapshot::default()
        };
        let text = |w: u16| summary(&snap, &theme, w).to_string();
        let wide = text(200);
        assert!(
            wide.contains("step 12 625") && wide.contains("2100 steps/s"),
            "{wide}"
        );
        // 62 columns: the whole line needs 64; the step count goes, the losses stay whole.
        let narrow = text(62);
        assert!(!narrow.contains("step 12"), "{narrow}");
        assert!(narrow.ends_with("test 1.6e-4"), "{narrow}");
        let tiny = text(40);
        assert_eq!(tiny, "epoch 505 · train 3.0e-5 · test 1.6e-4");
        // The 100x30 layout's 31 columns: the test loss goes whole rather than as `test 1`.
        assert_eq!(text(31), "epoch 505 · train 3.0e-5");
    }
}
