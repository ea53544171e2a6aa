//! Straight lines on a braille grid (2×4 dots per cell) where every cell keeps the style of
//! the most important line through it, modifiers included: the Network pane's connections
//! need dim / normal / bold and faint dotted lines, which a ratatui canvas (one colour per
//! cell, no modifiers) cannot carry. In ASCII each touched cell shows one character instead.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// How a line is broken up, in dots along its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    Solid,
    /// Three dots on, two off: negative weights, so the sign reads without colour.
    Dashed,
    /// One dot on, three off: connections that carry nothing (into or out of a dead neuron).
    Dotted,
}

impl Pattern {
    /// Whether dot `i` of a line of `n` steps is drawn: both ends always, so a broken line
    /// still visibly meets its nodes.
    fn on(self, i: usize, n: usize) -> bool {
        if i < 2 || i + 2 > n {
            return true;
        }
        match self {
            Pattern::Solid => true,
            Pattern::Dashed => i % 5 < 3,
            Pattern::Dotted => i % 4 == 0,
        }
    }
}

/// A grid of braille cells being drawn on.
pub struct Lines {
    area: Rect,
    bits: Vec<u8>,
    /// Per cell, the style and rank of the highest-ranked line through it.
    styles: Vec<Option<(u8, Style)>>,
}

impl Lines {
    pub fn new(area: Rect) -> Lines {
        let n = area.width as usize * area.height as usize;
        Lines {
            area,
            bits: vec![0; n],
            styles: vec![None; n],
        }
    }

    /// A line between two points in cell coordinates relative to the area (x right, y down;
    /// (0.5, 0.5) is the centre of the top-left cell). Cells it crosses take its style unless
    /// a line of higher `rank` passes there too.
    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), style: Style, rank: u8, p: Pattern) {
        let (x0, y0) = (from.0 * 2.0, from.1 * 4.0);
        let (x1, y1) = (to.0 * 2.0, to.1 * 4.0);
        let steps = (x1 - x0).abs().max((y1 - y0).abs()).ceil().max(1.0) as usize;
        if steps > 100_000
            || !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite())
        {
            return;
        }
        let (w, h) = (self.area.width as i64 * 2, self.area.height as i64 * 4);
        for i in 0..=steps {
            if !p.on(i, steps) {
                continue;
            }
            let t = i as f64 / steps as f64;
            let px = (x0 + (x1 - x0) * t).floor() as i64;
            let py = (y0 + (y1 - y0) * t).floor() as i64;
            if px < 0 || py < 0 || px >= w || py >= h {
                continue;
            }
            let cell = (py / 4) as usize * self.area.width as usize + (px / 2) as usize;
            self.bits[cell] |= dot(px % 2, py % 4);
            match self.styles[cell] {
                Some((r, _)) if r > rank => {}
                _ => self.styles[cell] = Some((rank, style)),
            }
        }
    }

    /// Write the touched cells into `buf` (braille, or `ascii` characters).
    pub fn render(&self, buf: &mut Buffer, ascii: bool) {
        let area = self.area.intersection(buf.area);
        for y in 0..area.height {
            for x in 0..area.width {
                let i = y as usize * self.area.width as usize + x as usize;
                let (Some((_, style)), bits) = (self.styles[i], self.bits[i]) else {
                    continue;
                };
                let cell = &mut buf[(area.x + x, area.y + y)];
                if ascii {
                    cell.set_symbol(".");
                } else {
                    let ch = char::from_u32(0x2800 + u32::from(bits)).unwrap_or(' ');
                    cell.set_char(ch);
                }
                cell.set_style(style);
            }
        }
    }
}

/// The braille bit of dot (x, y) in a cell (x 0..2, y 0..4).
fn dot(x: i64, y: i64) -> u8 {
    match (x, y) {
        (0, 0) => 0x01,
        (0, 1) => 0x02,
        (0, 2) => 0x04,
        (1, 0) => 0x08,
        (1, 1) => 0x10,
        (1, 2) => 0x20,
        (0, _) => 0x40,
        _ => 0x80,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    #[test]
    fn the_higher_rank_keeps_a_shared_cell() {
        let area = Rect::new(0, 0, 4, 1);
        let mut l = Lines::new(area);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let dim = Style::new().add_modifier(Modifier::DIM);
        l.line((0.0, 0.5), (4.0, 0.5), bold, 3, Pattern::Solid);
        l.line((0.0, 0.1), (4.0, 0.1), dim, 1, Pattern::Solid);
        let mut buf = Buffer::empty(area);
        l.render(&mut buf, false);
        for x in 0..4 {
            assert_eq!(buf[(x, 0)].modifier, Modifier::BOLD);
            // Both lines' dots are there: rows 0 and 2 of each cell.
            assert_eq!(buf[(x, 0)].symbol(), "⠭");
        }
    }

    #[test]
    fn patterns_leave_gaps() {
        let area = Rect::new(0, 0, 20, 1);
        let count = |p| {
            let mut l = Lines::new(area);
            l.line((0.0, 0.5), (20.0, 0.5), Style::new(), 1, p);
            l.bits.iter().map(|b| b.count_ones()).sum::<u32>()
        };
        let (solid, dashed, dotted) = (
            count(Pattern::Solid),
            count(Pattern::Dashed),
            count(Pattern::Dotted),
        );
        assert_eq!(solid, 40);
        assert!(
            dashed < solid && dotted < dashed,
            "{solid} {dashed} {dotted}"
        );
    }
}
