//! The Output pane: the network's prediction over the input plane as a heatmap, with the
//! training points (and test points on a key) on top.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::heatmap;
use super::theme::{CONFIDENCE_LEVELS, Theme, heat_level};
use crate::format::num;
use crate::trainer::{Snapshot, Task};

/// The scale that maps predictions into [-1, 1]: 1 for classes, the largest |target| for
/// regression (fixed per dataset, so colours do not drift as the prediction changes).
fn value_scale(snap: &Snapshot) -> f64 {
    match snap.task {
        Task::Classification | Task::MultiClass => 1.0,
        Task::Regression => snap
            .points
            .iter()
            .map(|p| p.label.abs())
            .filter(|v| v.is_finite())
            .fold(1e-9, f64::max),
    }
}

/// Draw the heatmap, points and a one-line key inside `area`.
pub fn render(
    area: Rect,
    buf: &mut Buffer,
    snap: &Snapshot,
    show_test: bool,
    probe: Option<(f64, f64)>,
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    if area.width < 4 || area.height < 2 {
        return;
    }
    let map = crate::app::layout::map_area(area);
    if snap.task == Task::MultiClass {
        render_classes(area, map, buf, snap, show_test, probe, theme);
        return;
    }
    let scale = value_scale(snap);
    heatmap::render(map, buf, &snap.output, scale, theme);
    let d = snap.domain;
    let g = theme.glyphs;
    // A point's style depends only on its class and the heatmap colour under it (a few
    // levels): worked out once per pair, not per point.
    let mut styles: Vec<(bool, ratatui::style::Color, Style)> = Vec::new();
    let mut point_style = |positive: bool, bg: ratatui::style::Color| {
        if let Some((.., s)) = styles.iter().find(|(p, b, _)| *p == positive && *b == bg) {
            return *s;
        }
        let s = theme.point_on(positive, Some(bg));
        styles.push((positive, bg, s));
        s
    };
    for p in snap.points.iter().filter(|p| show_test || !p.test) {
        let Some((x, y)) = cell_of(map, d, p.x1, p.x2) else {
            continue;
        };
        let bg = buf[(x, y)].bg;
        let (glyph, style) = match snap.task {
            // Each point in a colour that stands out from the heatmap under it.
            Task::Classification => match (p.label > 0.0, p.test) {
                (true, false) => (g.class_pos, point_style(true, bg)),
                (false, false) => (g.class_neg, point_style(false, bg)),
                (true, true) => (g.test_pos, point_style(true, bg)),
                (false, true) => (g.test_neg, point_style(false, bg)),
            },
            Task::Regression | Task::MultiClass => {
                let style = if theme.has_color() {
                    Style::new().fg(theme.heat(heat_level(p.label / scale)))
                } else {
                    theme.bold
                };
                (if p.test { g.test_pos } else { g.point }, style)
            }
        };
        let cell = &mut buf[(x, y)];
        // Keep the heatmap behind the point: its lower half-pixel colour becomes the background.
        let bg = cell.bg;
        cell.set_symbol(glyph).set_style(style.bg(bg));
    }
    let key_row = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
    if let Some((fx, fy)) = probe {
        // Mark the probed cell and read the prediction there instead of the key.
        mark_probe(map, buf, (fx, fy), theme);
        let x1 = d.x_min + fx * d.width();
        let x2 = d.y_max - fy * d.height();
        let gx = (fx * snap.output.width as f64) as usize;
        let gy = (fy * snap.output.height as f64) as usize;
        let v = snap.output.get(gx, gy).unwrap_or(f64::NAN);
        let value = match snap.task {
            // The grid holds 2p - 1; show the probability of class +1.
            Task::Classification => format!("p(+1) {}", num((v + 1.0) / 2.0)),
            Task::Regression | Task::MultiClass => format!("y {}", num(v)),
        };
        Line::from(vec![
            Span::styled(format!("x1 {} x2 {} ", num(x1), num(x2)), theme.dim),
            Span::styled(value, theme.bold),
        ])
        .render(key_row, buf);
        return;
    }
    let key = match snap.task {
        Task::Classification => Line::from(vec![
            Span::styled(g.class_pos, theme.class_pos),
            Span::raw(" +1 "),
            Span::styled(g.class_neg, theme.class_neg),
            Span::raw(" -1"),
            Span::styled(if show_test { "  test " } else { "  [t] test" }, theme.dim),
            if show_test {
                Span::styled(format!("{}{}", g.test_pos, g.test_neg), theme.dim)
            } else {
                Span::raw("")
            },
        ]),
        Task::Regression | Task::MultiClass => Line::from(vec![
            Span::styled("value ", theme.dim),
            Span::raw(format!("{} .. {}", num(-scale), num(scale))),
            Span::styled(
                if show_test {
                    "  test shown"
                } else {
                    "  [t] test"
                },
                theme.dim,
            ),
        ]),
    };
    key.render(key_row, buf);
}

/// Marks the probed cell (its place as fractions of `map`).
fn mark_probe(map: Rect, buf: &mut Buffer, (fx, fy): (f64, f64), theme: &Theme) {
    let x = map.x + (fx * map.width as f64) as u16;
    let y = map.y + (fy * map.height as f64) as u16;
    let cell = &mut buf[(x.min(map.x + map.width - 1), y.min(map.y + map.height - 1))];
    cell.set_symbol(if theme.ascii { "+" } else { "┼" })
        .set_style(theme.bold.add_modifier(ratatui::style::Modifier::REVERSED));
}

/// The cell of plane point (x1, x2) in `map`, if it lies inside.
fn cell_of(map: Rect, d: crate::trainer::Extent, x1: f64, x2: f64) -> Option<(u16, u16)> {
    if !(x1.is_finite() && x2.is_finite()) || d.width() <= 0.0 || d.height() <= 0.0 {
        return None;
    }
    let fx = (x1 - d.x_min) / d.width();
    let fy = (d.y_max - x2) / d.height();
    if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
        return None;
    }
    Some((
        map.x + (fx * map.width as f64) as u16,
        map.y + (fy * map.height as f64) as u16,
    ))
}

/// Multi-class output: each class's region in its colour, lighter where the network is surer
/// (half-block pixels), the points by true class (glyph and colour), reversed where the
/// network predicts another class; without colour, region borders as dots.
fn render_classes(
    area: Rect,
    map: Rect,
    buf: &mut Buffer,
    snap: &Snapshot,
    show_test: bool,
    probe: Option<(f64, f64)>,
    theme: &Theme,
) {
    let k = snap.classes.len().max(2);
    let Some(classes) = &snap.output_class else {
        return;
    };
    let conf = &snap.output;
    let at = |px: u16, py: u16, rows: u16| -> (usize, usize) {
        if classes.width == 0 || classes.height == 0 || map.width == 0 || rows == 0 {
            return (0, 0);
        }
        let gx = (px as usize * classes.width) / map.width as usize;
        let gy = (py as usize * classes.height) / rows as usize;
        let c = classes.get(gx, gy).unwrap_or(0.0) as usize;
        let p = conf.get(gx, gy).unwrap_or(0.0);
        let chance = 1.0 / k as f64;
        let sure = ((p - chance) / (1.0 - chance)).clamp(0.0, 1.0);
        let level = (sure * (CONFIDENCE_LEVELS - 1) as f64).round() as usize;
        (c, level)
    };
    for row in 0..map.height {
        for col in 0..map.width {
            let cell = &mut buf[(map.x + col, map.y + row)];
            if theme.has_color() && !theme.ascii {
                let (tc, tl) = at(col, row * 2, map.height * 2);
                let (bc, bl) = at(col, row * 2 + 1, map.height * 2);
                cell.set_symbol("▀").set_style(
                    Style::new()
                        .fg(theme.class_region(tc, tl))
                        .bg(theme.class_region(bc, bl)),
                );
            } else if theme.has_color() {
                let (c, l) = at(col, row, map.height);
                cell.set_symbol(" ")
                    .set_style(Style::new().bg(theme.class_region(c, l)));
            } else {
                let (c, _) = at(col, row, map.height);
                let right = if col + 1 < map.width {
                    at(col + 1, row, map.height).0
                } else {
                    c
                };
                let below = if row + 1 < map.height {
                    at(col, row + 1, map.height).0
                } else {
                    c
                };
                let edge = right != c || below != c;
                cell.set_symbol(if edge { "." } else { " " })
                    .set_style(theme.dim);
            }
        }
    }
    let name = |c: usize| snap.classes.get(c).map_or("?", String::as_str);
    for (i, p) in snap
        .points
        .iter()
        .enumerate()
        .filter(|(_, p)| show_test || !p.test)
    {
        let Some((x, y)) = cell_of(map, snap.domain, p.x1, p.x2) else {
            continue;
        };
        let class = p.label.max(0.0) as usize;
        let wrong = snap.predicted.get(i).is_some_and(|&c| c as usize != class);
        let (glyph, style) = theme.class_point(class, name(class), wrong);
        let cell = &mut buf[(x, y)];
        let bg = cell.bg;
        cell.set_symbol(&glyph).set_style(style.bg(bg));
    }
    let key_row = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
    if let Some((fx, fy)) = probe {
        mark_probe(map, buf, (fx, fy), theme);
        let d = snap.domain;
        let gx = (fx * classes.width as f64) as usize;
        let gy = (fy * classes.height as f64) as usize;
        let c = classes.get(gx, gy).unwrap_or(0.0) as usize;
        let p = conf.get(gx, gy).unwrap_or(f64::NAN);
        Line::from(vec![
            Span::styled(
                format!(
                    "{} {} {} {} ",
                    snap.plane.axes.0,
                    num(d.x_min + fx * d.width()),
                    snap.plane.axes.1,
                    num(d.y_max - fy * d.height())
                ),
                theme.dim,
            ),
            Span::styled(format!("{} p {}", name(c), num(p)), theme.bold),
        ])
        .render(key_row, buf);
        return;
    }
    let mut spans = Vec::new();
    for c in 0..snap.classes.len() {
        let (glyph, style) = theme.class_point(c, name(c), false);
        // A class drawn as its own name (a digit) needs no label beside it.
        if glyph == name(c) {
            spans.push(Span::styled(format!("{glyph} "), style));
        } else {
            spans.push(Span::styled(glyph, style));
            spans.push(Span::raw(format!(
                " {} ",
                crate::message::excerpt(name(c), 12)
            )));
        }
    }
    spans.push(Span::styled(
        if show_test {
            " test shown"
        } else {
            " [t] test"
        },
        theme.dim,
    ));
    Line::from(spans).render(key_row, buf);
}
