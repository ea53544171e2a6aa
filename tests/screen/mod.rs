//! Helpers for tests that look at the explorer's screen (the driver itself is
//! `common::Harness`): the sizes, the themes, cells and styles of a rendered buffer.

#![allow(dead_code)]

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use reluscope::settings::Settings;
use reluscope::ui::theme::{ColorTier, Theme};

/// The three sizes the claims are checked at.
pub const SIZES: [(u16, u16); 3] = [(160, 48), (100, 30), (80, 24)];

pub fn truecolor() -> Theme {
    Theme::new(ColorTier::TrueColor, false)
}

/// The theme a user gets by default (the shipped default theme file) in a tier.
pub fn shipped(tier: ColorTier) -> Theme {
    reluscope::ui::theme_fit::from_file(&Settings::default().theme, tier, false)
}

/// Cells of `area` whose symbol is `glyph`.
pub fn cells_with(buf: &Buffer, area: Rect, glyph: &str) -> Vec<(u16, u16)> {
    let mut v = Vec::new();
    for y in area.y..area.y + area.height {
        for x in area.x..area.x + area.width {
            if buf[(x, y)].symbol() == glyph {
                v.push((x, y));
            }
        }
    }
    v
}

/// The style of a cell.
pub fn style_at(buf: &Buffer, (x, y): (u16, u16)) -> Style {
    buf[(x, y)].style()
}
