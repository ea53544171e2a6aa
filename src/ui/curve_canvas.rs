//! A function plot on a braille (or ASCII) canvas with stepped axes, shaded x regions, marks and
//! a cursor. Shared by the Activation and Derivative panes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Line};

use super::theme::Theme;
use crate::format;
use crate::format::nice_step;

/// One curve: y = f(x), broken (not connected) across the `breaks`.
pub struct Curve<'a> {
    pub f: Box<dyn Fn(f64) -> f64 + 'a>,
    pub style: Style,
    pub marker: Marker,
    pub breaks: Vec<f64>,
}

/// A shaded x interval with a label.
pub struct Region {
    pub x0: f64,
    pub x1: f64,
    pub style: Style,
    pub label: &'static str,
    /// Used when `label` does not fit.
    pub short: &'static str,
}

/// A glyph at a point (e.g. the open and closed dots of a kink).
pub struct Mark {
    pub x: f64,
    pub y: f64,
    pub glyph: &'static str,
    pub style: Style,
}

/// Everything one plot draws.
pub struct Plot<'a> {
    pub x_min: f64,
    pub x_max: f64,
    pub curves: Vec<Curve<'a>>,
    pub regions: Vec<Region>,
    pub marks: Vec<Mark>,
    pub cursor: Option<f64>,
    /// A fixed y range instead of one fitted to the values.
    pub y_fixed: Option<(f64, f64)>,
    /// A vertical line at x, with its glyph at the top (e.g. where training diverged).
    pub vline: Option<(f64, &'static str, Style)>,
    /// Labels of a second y axis on the right (bottom, top), for curves drawn on their own
    /// scale, in this style.
    pub right_axis: Option<(f64, f64, Style)>,
    pub theme: &'a Theme,
}

/// Width of the y-axis label column.
const Y_LABEL_W: u16 = 6;

impl Widget for &Plot<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.width < Y_LABEL_W + 4 || area.height < 3 {
            return;
        }
        let t = self.theme;
        // A second axis on the right takes a label column there too.
        let right_w = if self.right_axis.is_some() {
            Y_LABEL_W
        } else {
            0
        };
        if area.width < Y_LABEL_W + right_w + 4 {
            return;
        }
        let canvas_area = Rect::new(
            area.x + Y_LABEL_W,
            area.y,
            area.width - Y_LABEL_W - right_w,
            area.height - 1,
        );
        let (x_min, x_max) = (self.x_min, self.x_max);
        if x_max.partial_cmp(&x_min) != Some(std::cmp::Ordering::Greater) {
            return;
        }
        // Sample every curve once per horizontal sub-pixel.
        let n = canvas_area.width as usize * 2 + 1;
        let xs: Vec<f64> = (0..n)
            .map(|i| x_min + (x_max - x_min) * i as f64 / (n - 1) as f64)
            .collect();
        let ys: Vec<Vec<f64>> = self
            .curves
            .iter()
            .map(|c| xs.iter().map(|&x| (c.f)(x)).collect())
            .collect();
        let (y_min, y_max) = self
            .y_fixed
            .unwrap_or_else(|| y_range(ys.iter().flatten().copied()));

        // Regions: whole columns shaded (after the canvas, which resets the background).
        let mut labels: Vec<(u16, &'static str, Style)> = Vec::new();
        let mut shade: Vec<(u16, u16, Style)> = Vec::new();
        let col_of = |x: f64| -> u16 {
            let f = (x - x_min) / (x_max - x_min);
            (f * canvas_area.width as f64)
                .floor()
                .clamp(0.0, canvas_area.width as f64) as u16
        };
        for r in &self.regions {
            let c0 = col_of(r.x0.max(x_min));
            let c1 = col_of(r.x1.min(x_max));
            if c1 <= c0 {
                continue;
            }
            shade.push((c0, c1, r.style));
            let w = (c1 - c0) as usize;
            let label = [r.label, r.short]
                .into_iter()
                .find(|l| w >= l.len() + 2 && canvas_area.height > 2);
            if let Some(label) = label {
                // Regions are labelled after the canvas is drawn (see below).
                labels.push((
                    canvas_area.x + c0 + ((w - label.len()) / 2) as u16,
                    label,
                    r.style,
                ));
            }
            if !t.has_color() {
                // Without colour, mark the region along its bottom row instead.
                for col in c0..c1 {
                    let y = canvas_area.y + canvas_area.height - 1;
                    buf.set_string(canvas_area.x + col, y, ":", t.dim);
                }
            }
        }

        let canvas = Canvas::default()
            .x_bounds([x_min, x_max])
            .y_bounds([y_min, y_max])
            .marker(t.marker)
            .paint(|ctx| {
                // Axes through the origin, then the cursor, then the curves on top.
                ctx.marker(t.axis_marker);
                if y_min < 0.0 && y_max > 0.0 {
                    ctx.draw(&Line::new(x_min, 0.0, x_max, 0.0, fg(t.axis)));
                }
                if x_min < 0.0 && x_max > 0.0 {
                    ctx.draw(&Line::new(0.0, y_min, 0.0, y_max, fg(t.axis)));
                }
                ctx.layer();
                ctx.marker(t.cursor_marker);
                if let Some(c) = self.cursor {
                    ctx.draw(&Line::new(c, y_min, c, y_max, fg(t.cursor)));
                }
                if let Some((x, _, style)) = self.vline {
                    ctx.draw(&Line::new(x, y_min, x, y_max, fg(style)));
                }
                ctx.layer();
                // Comparison curves first so the main curve (index 0) stays on top.
                for (ci, curve) in self.curves.iter().enumerate().rev() {
                    ctx.marker(curve.marker);
                    let color = fg(curve.style);
                    let y = &ys[ci];
                    for i in 0..n - 1 {
                        let (a, b) = (y[i], y[i + 1]);
                        if !a.is_finite() || !b.is_finite() {
                            continue;
                        }
                        if curve.breaks.iter().any(|&k| xs[i] < k && k <= xs[i + 1]) {
                            continue;
                        }
                        let clip =
                            |v: f64| v.clamp(y_min - (y_max - y_min), y_max + (y_max - y_min));
                        ctx.draw(&Line::new(xs[i], clip(a), xs[i + 1], clip(b), color));
                    }
                    ctx.layer();
                }
                for m in &self.marks {
                    if m.x >= x_min && m.x <= x_max && m.y >= y_min && m.y <= y_max {
                        ctx.print(m.x, m.y, Span::styled(m.glyph, m.style));
                    }
                }
            });
        canvas.render(canvas_area, buf);
        for (c0, c1, style) in shade {
            let bg = Style {
                bg: style.bg,
                ..Style::default()
            };
            buf.set_style(
                Rect::new(
                    canvas_area.x + c0,
                    canvas_area.y,
                    c1 - c0,
                    canvas_area.height,
                ),
                bg,
            );
        }
        if let Some((x, glyph, style)) = self.vline
            && x >= x_min
            && x <= x_max
        {
            let c = ((x - x_min) / (x_max - x_min) * (canvas_area.width as f64 - 0.5)) as u16;
            let c = c.min(canvas_area.width - 1);
            buf.set_string(canvas_area.x + c, canvas_area.y, glyph, style);
        }
        let label_row = canvas_area.y + canvas_area.height.saturating_sub(2) / 2;
        // Labels in the text colour on the shading: dim grey on grey did not read.
        for (x, label, style) in labels {
            let on = Style {
                bg: style.bg,
                ..Style::default()
            };
            buf.set_string(
                x,
                label_row,
                label,
                on.patch(t.text).add_modifier(Modifier::BOLD),
            );
        }
        if let Some((lo, hi, style)) = self.right_axis {
            let w = Y_LABEL_W as usize - 1;
            let right = canvas_area.x + canvas_area.width;
            for (v, row) in [
                (hi, canvas_area.y),
                (lo, canvas_area.y + canvas_area.height - 1),
            ] {
                let s = format!("{:<w$}", format::num(v));
                buf.set_stringn(right + 1, row, s, w, style);
            }
        }

        // Y labels: top, zero (if visible) and bottom.
        let label_style = t.axis;
        let put_y = |buf: &mut Buffer, v: f64, row: u16| {
            let s = format::num(v);
            let s = format!("{:>w$}", s, w = (Y_LABEL_W - 1) as usize);
            buf.set_stringn(area.x, row, s, (Y_LABEL_W - 1) as usize, label_style);
        };
        put_y(buf, y_max, canvas_area.y);
        put_y(buf, y_min, canvas_area.y + canvas_area.height - 1);
        if y_min < 0.0 && y_max > 0.0 && canvas_area.height > 4 {
            // The same mapping as the canvas uses for the axis line: sub-rows per cell, rounded.
            let sub = if t.axis_marker == Marker::Braille {
                4.0
            } else {
                1.0
            };
            let f = y_max / (y_max - y_min);
            let dot = (f * (canvas_area.height as f64 * sub - 1.0)).round();
            let row = canvas_area.y + (dot / sub).floor() as u16;
            if row > canvas_area.y && row < canvas_area.y + canvas_area.height - 1 {
                put_y(buf, 0.0, row);
            }
        }
        // X labels: the ends and zero.
        let row = area.y + area.height - 1;
        let left = format::num(x_min);
        let right = format::num(x_max);
        let rx = (canvas_area.x + canvas_area.width).saturating_sub(right.len() as u16);
        // On a narrow chart the ends would run together (`0` and `60000` read as `060000`):
        // then only the right end, the larger one, is labelled.
        if canvas_area.x + (left.len() as u16) < rx {
            buf.set_string(canvas_area.x, row, &left, label_style);
        }
        buf.set_string(rx, row, &right, label_style);
        if x_min < 0.0 && x_max > 0.0 {
            let c = canvas_area.x + col_of(0.0);
            if c > canvas_area.x + left.len() as u16 && c + 1 < rx {
                buf.set_string(c, row, "0", label_style);
            }
        }
    }
}

/// The foreground colour of a style (Reset when it has none).
fn fg(style: Style) -> ratatui::style::Color {
    style.fg.unwrap_or(ratatui::style::Color::Reset)
}

/// A y range that holds the finite values, padded and rounded out to nice steps so it moves in
/// steps rather than with every value.
pub fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (-1.0, 1.0);
    }
    lo = lo.clamp(-1e6, 1e6);
    hi = hi.clamp(-1e6, 1e6);
    if hi - lo < 1e-9 {
        return (lo - 1.0, hi + 1.0);
    }
    let step = nice_step((hi - lo) / 10.0);
    let pad = (hi - lo) * 0.02;
    (
        ((lo - pad) / step).floor() * step,
        ((hi + pad) / step).ceil() * step,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_range_is_nice_and_holds_the_values() {
        assert_eq!(y_range([0.0, 10.0].into_iter()), (-1.0, 11.0));
        assert_eq!(y_range([0.0, 9.7].into_iter()), (-1.0, 10.0));
        assert_eq!(y_range([1.0, 1.0].into_iter()), (0.0, 2.0));
        assert_eq!(y_range([f64::NAN].into_iter()), (-1.0, 1.0));
        let (lo, hi) = y_range([-0.3, 0.7].into_iter());
        assert!(lo <= -0.3 && hi >= 0.7 && hi - lo < 2.0);
    }

    #[test]
    fn x_labels_never_run_together() {
        let theme = Theme::new(crate::ui::theme::ColorTier::None, false);
        let bottom = |width: u16| {
            let plot = Plot {
                x_min: 0.0,
                x_max: 60000.0,
                curves: vec![Curve {
                    f: Box::new(|x| x),
                    style: Style::default(),
                    marker: Marker::Braille,
                    breaks: Vec::new(),
                }],
                regions: Vec::new(),
                marks: Vec::new(),
                cursor: None,
                y_fixed: Some((0.0, 1.0)),
                vline: None,
                right_axis: None,
                theme: &theme,
            };
            let area = Rect::new(0, 0, width, 5);
            let mut buf = Buffer::empty(area);
            (&plot).render(area, &mut buf);
            (0..width)
                .map(|x| buf[(x, 4)].symbol().to_string())
                .collect::<String>()
        };
        // 12 columns: the canvas has 6, too few for `0` and `60000` apart.
        let narrow = bottom(12);
        assert!(!narrow.contains("060000"), "{narrow:?}");
        assert!(narrow.trim_end().ends_with("60000"), "{narrow:?}");
        let wide = bottom(30);
        assert!(
            wide.contains(" 0 ") || wide.trim_start().starts_with('0'),
            "{wide:?}"
        );
        assert!(wide.trim_end().ends_with("60000"), "{wide:?}");
    }
}
