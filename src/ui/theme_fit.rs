//! From a theme file to the explorer's [`Theme`]: every configured style replaces the
//! explorer's built-in one, with colours brought down to what the terminal can show.
//!
//! Without colour (NO_COLOR, `--color never`) the explorer's monochrome styles stay as they
//! are: they are built from bold, dim and reverse so states still read, and a theme's colours
//! have nothing to add there.

use ratatui::style::{Color, Modifier, Style};

use super::theme::{ColorTier, Theme, locale_is_utf8};
use crate::settings::{Settings, ThemeFile};

/// The explorer's theme for a colour tier and character set, with a theme file's styles.
pub fn from_file(file: &ThemeFile, tier: ColorTier, ascii: bool) -> Theme {
    let mut t = Theme::new(tier, ascii);
    if tier == ColorTier::None {
        return t;
    }
    let s = |name: &str| fit_style(file.style(name), tier);
    t.text = s("text");
    t.dim = s("muted");
    t.accent = s("accent");
    t.title = s("title");
    t.border = s("border");
    t.border_focused = s("border_focused");
    t.status = s("status");
    t.key = s("key_hint");
    t.message = s("message");
    t.error = s("error");
    t.selected = s("highlight");
    t.editing = s("editing");
    t.alive = s("alive");
    t.dead = s("dead");
    t.saturated = s("saturated");
    t.weight_pos = s("positive_weight");
    t.weight_neg = s("negative_weight");
    // Weak weights: the same hue, dimmed.
    t.weight_pos_weak = t.weight_pos.add_modifier(Modifier::DIM);
    t.weight_neg_weak = t.weight_neg.add_modifier(Modifier::DIM);
    t.axis = s("axis");
    t.curve = s("curve");
    t.derivative = s("derivative");
    t.compare = [s("compare"), s("compare_2"), s("compare_3")];
    t.cursor = s("cursor");
    t.kink = s("kink");
    t.zero_grad = s("no_gradient");
    t.saturation = s("saturation");
    t.train_loss = s("train_loss");
    t.test_loss = s("test_loss");
    t.dead_fraction = s("dead_fraction");
    t.set_layer_norms(&[
        s("grad_norm_1"),
        s("grad_norm_2"),
        s("grad_norm_3"),
        s("grad_norm_4"),
    ]);
    t.class_neg = s("heatmap_low");
    t.class_pos = s("heatmap_high");
    t
}

/// The explorer's theme for these settings in this process's terminal: the colour tier from
/// `display.color` and NO_COLOR/COLORTERM/TERM, ASCII from `display.ascii` or a non-UTF-8
/// locale.
pub fn for_terminal(settings: &Settings) -> Theme {
    let env = |k: &str| std::env::var(k).ok();
    let tier = ColorTier::detect(Some(settings.display.color), env);
    let ascii = settings.display.ascii || !locale_is_utf8(env);
    from_file(&settings.theme, tier, ascii)
}

/// A style whose colours the tier can show.
pub fn fit_style(style: Style, tier: ColorTier) -> Style {
    Style {
        fg: style.fg.map(|c| fit_color(c, tier)),
        bg: style.bg.map(|c| fit_color(c, tier)),
        ..style
    }
}

/// A colour brought down to a tier: RGB to the nearest of the 256-colour palette or of the
/// 16 named colours, palette indices to the nearest named colour; named colours stay.
pub fn fit_color(color: Color, tier: ColorTier) -> Color {
    match (tier, color) {
        (ColorTier::None, _) => Color::Reset,
        (ColorTier::TrueColor, c) => c,
        (ColorTier::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256(r, g, b)),
        (ColorTier::Ansi256, c) => c,
        (ColorTier::Ansi16, Color::Rgb(r, g, b)) => nearest_named(r, g, b),
        (ColorTier::Ansi16, Color::Indexed(i)) if i < 16 => NAMED[i as usize].0,
        (ColorTier::Ansi16, Color::Indexed(i)) => {
            let (r, g, b) = index_rgb(i);
            nearest_named(r, g, b)
        }
        (ColorTier::Ansi16, c) => c,
    }
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

/// The 16 named colours in palette order, with xterm's default values.
const NAMED: [(Color, (u8, u8, u8)); 16] = [
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

fn distance((r1, g1, b1): (u8, u8, u8), (r2, g2, b2): (u8, u8, u8)) -> u32 {
    let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).unsigned_abs();
    d(r1, r2).pow(2) + d(g1, g2).pow(2) + d(b1, b2).pow(2)
}

fn nearest_named(r: u8, g: u8, b: u8) -> Color {
    NAMED
        .iter()
        .min_by_key(|(_, rgb)| distance(*rgb, (r, g, b)))
        .map_or(Color::Reset, |(c, _)| *c)
}

/// The RGB value of a 256-colour palette index (xterm's cube and grey ramp).
fn index_rgb(i: u8) -> (u8, u8, u8) {
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

/// The palette index (cube or grey ramp, not the terminal-defined first 16) nearest to an RGB.
fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    (16..=255u8)
        .min_by_key(|&i| distance(index_rgb(i), (r, g, b)))
        .unwrap_or(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_come_down_to_the_tier() {
        let orange = Color::Rgb(255, 135, 0);
        assert_eq!(fit_color(orange, ColorTier::TrueColor), orange);
        assert_eq!(fit_color(orange, ColorTier::Ansi256), Color::Indexed(208));
        assert_eq!(
            fit_color(Color::Rgb(0, 0, 0), ColorTier::Ansi256),
            Color::Indexed(16)
        );
        assert_eq!(
            fit_color(Color::Rgb(250, 0, 0), ColorTier::Ansi16),
            Color::LightRed
        );
        assert_eq!(fit_color(Color::Indexed(4), ColorTier::Ansi16), Color::Blue);
        assert_eq!(
            fit_color(Color::Indexed(196), ColorTier::Ansi16),
            Color::LightRed
        );
        assert_eq!(fit_color(Color::Cyan, ColorTier::Ansi16), Color::Cyan);
        assert_eq!(fit_color(Color::Cyan, ColorTier::None), Color::Reset);
    }

    #[test]
    fn index_rgb_covers_the_palette() {
        assert_eq!(index_rgb(16), (0, 0, 0));
        assert_eq!(index_rgb(231), (255, 255, 255));
        assert_eq!(index_rgb(232), (8, 8, 8));
        assert_eq!(index_rgb(255), (238, 238, 238));
        for i in 16..=255u8 {
            let (r, g, b) = index_rgb(i);
            assert_eq!(
                nearest_256(r, g, b),
                i,
                "every palette colour maps to itself"
            );
        }
    }
}
