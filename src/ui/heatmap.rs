//! A grid of values drawn with half blocks: two pixels per cell, colours quantized to a fixed
//! palette so a cell changes only when its value crosses a level. Without colour, each cell
//! shows a shade glyph for its level instead.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::theme::{HEAT_LEVELS, Theme, heat_level};
use crate::trainer::Grid;

/// Draw `grid` into `area`, each value divided by `scale` to land in [-1, 1]. A grid of another
/// size (e.g. just after a resize) is sampled nearest-neighbour.
pub fn render(area: Rect, buf: &mut Buffer, grid: &Grid, scale: f64, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() || grid.width == 0 || grid.height == 0 {
        return;
    }
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        1.0
    };
    let level_at = |px: u16, py: u16, rows: u16| -> usize {
        let gx = (px as usize * grid.width) / area.width as usize;
        let gy = (py as usize * grid.height) / rows as usize;
        heat_level(grid.get(gx, gy).unwrap_or(0.0) / scale)
    };
    let half_blocks = theme.has_color() && !theme.ascii;
    let heat: [ratatui::style::Color; HEAT_LEVELS] = std::array::from_fn(|l| theme.heat(l));
    for row in 0..area.height {
        for col in 0..area.width {
            let cell = &mut buf[(area.x + col, area.y + row)];
            if half_blocks {
                let top = level_at(col, row * 2, area.height * 2);
                let bottom = level_at(col, row * 2 + 1, area.height * 2);
                cell.set_symbol("▀")
                    .set_style(Style::new().fg(heat[top]).bg(heat[bottom]));
            } else if theme.has_color() {
                // ASCII with colour: one pixel per cell, as background.
                let l = level_at(col, row, area.height);
                cell.set_symbol(" ").set_style(Style::new().bg(heat[l]));
            } else {
                let l = level_at(col, row, area.height);
                cell.set_symbol(theme.heat_glyph(l)).set_style(Style::new());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::theme::ColorTier;

    #[test]
    fn small_changes_do_not_change_cells() {
        let theme = Theme::new(ColorTier::TrueColor, false);
        let a = Grid {
            width: 2,
            height: 2,
            values: vec![0.30, -0.8, 0.0, 1.0],
        };
        let mut b = a.clone();
        b.values[0] = 0.31;
        let area = Rect::new(0, 0, 2, 1);
        let mut ba = Buffer::empty(area);
        let mut bb = Buffer::empty(area);
        render(area, &mut ba, &a, 1.0, &theme);
        render(area, &mut bb, &b, 1.0, &theme);
        assert_eq!(ba, bb);
    }

    #[test]
    fn mono_uses_glyphs_for_levels() {
        let theme = Theme::new(ColorTier::None, true);
        let g = Grid {
            width: 2,
            height: 1,
            values: vec![-1.0, 1.0],
        };
        let area = Rect::new(0, 0, 2, 1);
        let mut buf = Buffer::empty(area);
        render(area, &mut buf, &g, 1.0, &theme);
        assert_ne!(buf[(0, 0)].symbol(), buf[(1, 0)].symbol());
    }
}
