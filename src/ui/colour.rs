//! Colour math, in one place: the 16 named colours as xterm shows them, the 256-colour palette,
//! and the nearest palette entry to an RGB colour. The theme uses it to build palettes per
//! tier, the theme file to bring colours down to the terminal's tier, the screenshot to paint
//! cells as a terminal would.

use ratatui::style::Color;

/// The 16 named colours in palette order, with xterm's default values.
pub const NAMED: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// The squared distance between two RGB colours.
pub fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).unsigned_abs();
    d(a.0, b.0).pow(2) + d(a.1, b.1).pow(2) + d(a.2, b.2).pow(2)
}

/// The RGB value a terminal with xterm's palette shows for `color`; `None` for `Reset`, the
/// terminal's own default.
pub fn rgb_of(color: Color) -> Option<(u8, u8, u8)> {
    match color {
        Color::Reset => None,
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i) => Some(index_rgb(i)),
        named => NAMED.iter().find(|(c, _)| *c == named).map(|(_, rgb)| *rgb),
    }
}

/// The RGB value of a 256-colour palette index (xterm's cube and grey ramp).
pub fn index_rgb(i: u8) -> (u8, u8, u8) {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match i {
        0..=15 => NAMED[i as usize].1,
        16..=231 => {
            let k = i - 16;
            (
                LEVELS[(k / 36) as usize],
                LEVELS[(k / 6 % 6) as usize],
                LEVELS[(k % 6) as usize],
            )
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

/// The named colour nearest to an RGB colour.
pub fn nearest_named(rgb: (u8, u8, u8)) -> Color {
    NAMED
        .iter()
        .min_by_key(|(_, c)| distance(*c, rgb))
        .map_or(Color::Reset, |(c, _)| *c)
}

/// The palette index (cube or grey ramp, not the terminal-defined first 16) nearest to an RGB
/// colour.
pub fn nearest_256(rgb: (u8, u8, u8)) -> u8 {
    (16..=255u8)
        .min_by_key(|&i| distance(index_rgb(i), rgb))
        .unwrap_or(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_rgb_covers_the_palette() {
        assert_eq!(index_rgb(16), (0, 0, 0));
        assert_eq!(index_rgb(231), (255, 255, 255));
        assert_eq!(index_rgb(232), (8, 8, 8));
        assert_eq!(index_rgb(255), (238, 238, 238));
        for i in 16..=255u8 {
            assert_eq!(
                nearest_256(index_rgb(i)),
                i,
                "every palette colour maps to itself"
            );
        }
        assert_eq!(rgb_of(Color::Reset), None);
        assert_eq!(rgb_of(Color::Blue), Some((0, 0, 238)));
        assert_eq!(nearest_named((250, 10, 10)), Color::LightRed);
    }
}
