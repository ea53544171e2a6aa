//! The Activation and Derivative panes: the current function and its derivative over the same
//! x range, with the cursor, kinks, zero-gradient and saturation regions.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::curve_canvas::{Curve, Mark, Plot, Region};
use super::theme::Theme;
use crate::activation::Activation;
use crate::app::curve_view::CurveView;
use crate::format::num;

/// Markers for comparison curves: braille lines where colour tells them apart, distinct dot
/// shapes where it cannot.
fn compare_marker(theme: &Theme, i: usize) -> Marker {
    if theme.has_color() && !theme.ascii {
        return theme.marker;
    }
    if theme.ascii {
        [
            Marker::Custom('.'),
            Marker::Custom('+'),
            Marker::Custom('o'),
        ][i % 3]
    } else {
        [Marker::Dot, Marker::Custom('·'), Marker::Custom('∘')][i % 3]
    }
}

/// The Activation pane's contents (inside its border).
pub fn render_activation(
    area: Rect,
    buf: &mut Buffer,
    act: &Activation,
    view: &CurveView,
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let info = act.info();
    let mut y = area.y;
    let bottom = area.y + area.height;
    let mut line = |buf: &mut Buffer, l: Line| {
        if y < bottom {
            l.render(Rect::new(area.x, y, area.width, 1), buf);
            y += 1;
        }
    };
    // The formula, then the parameter values (e.g. `slope=0.01`). When both do not fit, the
    // values get a line of their own: a cut-off `a=0.25` would read as `a=0`.
    let params: Vec<String> = info
        .params
        .iter()
        .map(|p| format!("{}={}", p.key, num(act.param(p.key).unwrap_or(p.default))))
        .collect();
    let params_text = params.join("  ");
    let formula_w = info.formula.chars().count();
    let width = usize::from(area.width);
    if params.is_empty() || formula_w + 2 + params_text.chars().count() <= width {
        let mut head = vec![Span::styled(fit(info.formula, width, theme), theme.bold)];
        if !params.is_empty() {
            head.push(Span::styled(format!("  {params_text}"), theme.accent));
        }
        line(buf, Line::from(head));
    } else {
        line(
            buf,
            Line::styled(fit(info.formula, width, theme), theme.bold),
        );
        line(buf, Line::styled(params_text, theme.accent));
    }
    let c = view.cursor;
    line(
        buf,
        Line::from(vec![
            Span::styled("x ", theme.dim),
            Span::raw(num(c)),
            Span::styled("  f ", theme.dim),
            Span::styled(num(act.value(c)), theme.curve),
            Span::styled("  f' ", theme.dim),
            Span::styled(num(act.derivative(c)), theme.derivative),
        ]),
    );
    // Where the negative side is a small slope (leaky ReLU, PReLU), it would look flat: say it.
    if let Some(slope) = negative_slope(act)
        && area.height >= 9
    {
        let x = view.x_min.min(-1.0);
        line(
            buf,
            Line::from(vec![
                Span::styled("x < 0: ", theme.dim),
                Span::styled(format!("slope {}", num(slope)), theme.accent),
                Span::styled(
                    format!(", f({}) = {}", num(x), num(act.value(x))),
                    theme.dim,
                ),
            ]),
        );
    }
    let comparisons = view.comparisons(act);
    // Comparison curves much flatter than the current one get their own scale (right axis),
    // so sigmoid's S does not vanish into a row of dots under ReLU's climb.
    let sample = |f: &dyn Fn(f64) -> f64| -> (f64, f64) {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in 0..=200 {
            let v = f(view.x_min + view.span() * i as f64 / 200.0);
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        (lo, hi)
    };
    let (m_lo, m_hi) = sample(&|x| act.value(x));
    let main = super::curve_canvas::y_range([m_lo, m_hi].into_iter());
    let (mut c_lo, mut c_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for other in &comparisons {
        let (lo, hi) = sample(&|x| other.value(x));
        c_lo = c_lo.min(lo);
        c_hi = c_hi.max(hi);
    }
    let own_scale = !comparisons.is_empty()
        && c_hi > c_lo
        && (c_hi - c_lo) < 0.3 * (main.1 - main.0)
        && area.width >= 30;
    let own = if own_scale {
        Some(super::curve_canvas::y_range([c_lo, c_hi].into_iter()))
    } else {
        None
    };
    if !comparisons.is_empty() && area.height >= 8 {
        let mut spans = vec![Span::styled(
            format!("{} {}", if theme.ascii { "*" } else { "⣿" }, info.name),
            theme.curve,
        )];
        for (i, other) in comparisons.iter().enumerate() {
            let m = match compare_marker(theme, i) {
                Marker::Custom(ch) => ch.to_string(),
                Marker::Braille => "⣿".to_string(),
                _ => "•".to_string(),
            };
            spans.push(Span::styled(
                format!("  {m} {}", other.info().name),
                theme.compare[i % 3],
            ));
        }
        if own.is_some() {
            spans.push(Span::styled("  (right axis)", theme.dim));
        }
        line(buf, Line::from(spans));
    }
    let plot_area = Rect::new(area.x, y, area.width, bottom - y);
    let mut curves = vec![Curve {
        f: Box::new(|x| act.value(x)),
        style: theme.curve,
        marker: theme.marker,
        breaks: value_breaks(act),
    }];
    for (i, other) in comparisons.into_iter().enumerate() {
        // On its own scale, a comparison value maps from its axis onto the main one.
        let map = move |v: f64| match own {
            Some((lo, hi)) => main.0 + (v - lo) / (hi - lo) * (main.1 - main.0),
            None => v,
        };
        curves.push(Curve {
            breaks: value_breaks(&other),
            f: Box::new(move |x| map(other.value(x))),
            style: theme.compare[i % 3],
            marker: compare_marker(theme, i),
        });
    }
    let plot = Plot {
        x_min: view.x_min,
        x_max: view.x_max,
        curves,
        regions: Vec::new(),
        marks: Vec::new(),
        cursor: Some(c),
        y_fixed: own.map(|_| main),
        vline: None,
        right_axis: own.map(|(lo, hi)| (lo, hi, theme.compare[0])),
        theme,
    };
    (&plot).render(plot_area, buf);
}

/// `text` cut to `width` characters, ending in an ellipsis when cut, so a formula that does
/// not fit reads as unfinished rather than as a different formula.
fn fit(text: &str, width: usize, theme: &Theme) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let dots = if theme.ascii { "..." } else { "…" };
    let keep = width.saturating_sub(dots.chars().count());
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(dots);
    out.chars().take(width).collect()
}

/// The slope of the negative side when it is a small nonzero line (leaky ReLU, PReLU and
/// their relatives): hard to see at the plot's scale, so it is read out.
fn negative_slope(act: &Activation) -> Option<f64> {
    let (a, b, c) = (act.value(-3.0), act.value(-2.0), act.value(-1.0));
    let (s1, s2) = (b - a, c - b);
    let linear = (s1 - s2).abs() <= 1e-9 * s1.abs().max(1e-12);
    (linear && s1 != 0.0 && s1.abs() < 0.3 && act.value(1.0) == 1.0).then_some(s1)
}

/// Where the value itself jumps (only the step function): a curve must not be joined there.
fn value_breaks(act: &Activation) -> Vec<f64> {
    if act.kind() == crate::activation::Kind::Step {
        act.kinks()
    } else {
        Vec::new()
    }
}

/// The Derivative pane's contents (inside its border).
pub fn render_derivative(
    area: Rect,
    buf: &mut Buffer,
    act: &Activation,
    view: &CurveView,
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let info = act.info();
    let mut y = area.y;
    Line::styled(
        fit(info.derivative, usize::from(area.width), theme),
        theme.bold,
    )
    .render(Rect::new(area.x, y, area.width, 1), buf);
    y += 1;
    let kinks: Vec<f64> = act
        .kinks()
        .into_iter()
        .filter(|k| *k >= view.x_min && *k <= view.x_max)
        .collect();
    if let (Some(&k), true) = (kinks.first(), area.height >= 8) {
        let g = theme.glyphs;
        let closed = if theme.ascii { "*" } else { g.alive };
        let open = if theme.ascii { "o" } else { g.dead };
        let mut spans = vec![
            Span::styled("kink ", theme.dim),
            Span::styled(
                format!("f'({}) = {} {closed}", num(k), num(act.derivative(k))),
                theme.kink,
            ),
        ];
        // The open dots are drawn only where a one-sided limit differs from f'(k) (not for
        // ELU with alpha = 1, whose derivative is continuous): name them only then.
        let open_mark = if theme.ascii { "o" } else { "○" };
        if kink_marks(act, &kinks, theme)
            .iter()
            .any(|m| m.glyph == open_mark)
        {
            spans.push(Span::styled(
                format!("  one-sided limits {open}"),
                theme.dim,
            ));
        }
        Line::from(spans).render(Rect::new(area.x, y, area.width, 1), buf);
        y += 1;
    }
    if y >= area.y + area.height {
        return;
    }
    let plot_area = Rect::new(area.x, y, area.width, area.y + area.height - y);
    let plot = Plot {
        x_min: view.x_min,
        x_max: view.x_max,
        curves: vec![Curve {
            f: Box::new(|x| act.derivative(x)),
            style: theme.derivative,
            marker: theme.marker,
            breaks: act.kinks(),
        }],
        regions: gradient_regions(act, view, theme),
        marks: kink_marks(act, &kinks, theme),
        cursor: Some(view.cursor),
        y_fixed: None,
        vline: None,
        right_axis: None,
        theme,
    };
    (&plot).render(plot_area, buf);
}

/// Intervals where no gradient flows (f' = 0 exactly) and, for saturating functions, where it
/// nearly vanishes.
fn gradient_regions(act: &Activation, view: &CurveView, theme: &Theme) -> Vec<Region> {
    const N: usize = 600;
    let xs = |i: usize| view.x_min + view.span() * i as f64 / N as f64;
    let d: Vec<f64> = (0..=N).map(|i| act.derivative(xs(i))).collect();
    let peak = d.iter().fold(
        0.0_f64,
        |m, v| if v.is_finite() { m.max(v.abs()) } else { m },
    );
    let saturating = act.info().saturates_positive;
    #[derive(PartialEq, Clone, Copy)]
    enum K {
        None,
        Zero,
        Saturated,
    }
    let kind = |v: f64| {
        if v == 0.0 {
            K::Zero
        } else if saturating && peak > 0.0 && v.abs() < 0.05 * peak {
            K::Saturated
        } else {
            K::None
        }
    };
    let mut regions = Vec::new();
    let mut start = 0;
    for i in 1..=N + 1 {
        let end_run = i == N + 1 || kind(d[i]) != kind(d[start]);
        if end_run {
            let k = kind(d[start]);
            // Runs of a single sample are kinks, not regions.
            if k != K::None && i - start > 1 {
                let (style, label, short): (Style, &str, &str) = match k {
                    K::Zero => (theme.zero_grad, "no gradient flows here", "no grad"),
                    _ => (theme.saturation, "saturated", "sat"),
                };
                regions.push(Region {
                    x0: xs(start),
                    x1: xs(i - 1),
                    style,
                    label,
                    short,
                });
            }
            start = i;
        }
    }
    regions
}

/// A closed dot at the derivative's value at each kink, open dots at the one-sided limits
/// that differ from it.
fn kink_marks(act: &Activation, kinks: &[f64], theme: &Theme) -> Vec<Mark> {
    let closed = if theme.ascii { "*" } else { "●" };
    let open = if theme.ascii { "o" } else { "○" };
    let mut marks = Vec::new();
    for &k in kinks {
        let at = act.derivative(k);
        let eps = 1e-9 * k.abs().max(1.0);
        for side in [act.derivative(k - eps), act.derivative(k + eps)] {
            if (side - at).abs() > 1e-6 {
                marks.push(Mark {
                    x: k,
                    y: side,
                    glyph: open,
                    style: theme.kink,
                });
            }
        }
        marks.push(Mark {
            x: k,
            y: at,
            glyph: closed,
            style: theme.kink,
        });
    }
    marks
}
