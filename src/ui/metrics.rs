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
    // The x axis grows in nice steps so the chart rescales rarely.
    let last = samples.last().map_or(1.0, |s| s.epoch).max(1.0);
    let x_max = (last / nice_step(last / 4.0)).ceil() * nice_step(last / 4.0);
    let layers = samples.last().map_or(0, |s| s.grad_norms.len());

    let parts: Vec<Rect> = if charts.width >= 75 {
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
    };
    let line_marker = theme.marker;
    let series = |get: Box<dyn Fn(&Sample) -> f64>, style: Style, marker: Marker| Curve {
        f: Box::new(move |x| interp(samples, &*get, x)),
        style,
        marker,
        breaks: Vec::new(),
    };
    // A chart's title, or its short form when it would run into the next chart's title
    // (`loss train tedead % 0%`); a column stays free between charts.
    let titled = |buf: &mut Buffer, r: Rect, title: Line, short: Line| -> Rect {
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
    };
    let draw = |buf: &mut Buffer, r: Rect, curves: Vec<Curve>, y_fixed: Option<(f64, f64)>| {
        let plot = Plot {
            y_fixed,
            x_min: 0.0,
            x_max,
            curves,
            regions: Vec::new(),
            marks: Vec::new(),
            cursor: None,
            theme,
        };
        (&plot).render(r, buf);
    };

    // Loss.
    if let Some(&r) = parts.first() {
        let r = titled(
            buf,
            r,
            Line::from(vec![
                Span::styled("loss ", theme.bold),
                Span::styled("train", theme.train_loss),
                Span::raw(" "),
                Span::styled("test", theme.test_loss),
            ]),
            Line::styled("loss", theme.bold),
        );
        let test_marker = if theme.ascii {
            Marker::Custom('.')
        } else {
            Marker::Dot
        };
        draw(
            buf,
            r,
            vec![
                series(Box::new(|s| s.train_loss), theme.train_loss, line_marker),
                series(Box::new(|s| s.test_loss), theme.test_loss, test_marker),
            ],
            Some((0.0, loss_top(samples))),
        );
    }
    // Dead fraction, in percent.
    if let Some(&r) = parts.get(1) {
        let dead = Span::styled(
            format!("{:.0}%", snap.dead_fraction() * 100.0),
            theme.dead_fraction,
        );
        let r = titled(
            buf,
            r,
            Line::from(vec![Span::styled("dead % ", theme.bold), dead.clone()]),
            Line::from(vec![Span::styled("dead ", theme.bold), dead]),
        );
        draw(
            buf,
            r,
            vec![series(
                Box::new(|s| s.dead_fraction * 100.0),
                theme.dead_fraction,
                line_marker,
            )],
            Some((0.0, 100.0)),
        );
    }
    // Gradient norm per layer, log10.
    if let Some(&r) = parts.get(2) {
        let mut title = vec![Span::styled("log10 |grad| ", theme.bold)];
        for l in 0..layers {
            let name = if l + 1 == layers {
                "out".to_string()
            } else {
                format!("h{}", l + 1)
            };
            title.push(Span::styled(format!("{name} "), theme.layer_norms[l % 4]));
        }
        let r = titled(
            buf,
            r,
            Line::from(title),
            Line::styled("|grad|", theme.bold),
        );
        let curves = (0..layers)
            .map(|l| {
                series(
                    Box::new(move |s: &Sample| {
                        s.grad_norms
                            .get(l)
                            .map_or(f64::NAN, |g| g.max(1e-12).log10())
                    }),
                    theme.layer_norms[l % 4],
                    line_marker,
                )
            })
            .collect();
        draw(buf, r, curves, None);
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
