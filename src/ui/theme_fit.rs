//! From a theme file to the explorer's [`Theme`]: every configured style replaces the
//! explorer's built-in one, with colours brought down to what the terminal can show.
//!
//! Without colour (NO_COLOR, `--color never`) the explorer's monochrome styles stay as they
//! are: they are built from bold, dim and reverse so states still read, and a theme's colours
//! have nothing to add there.

use ratatui::style::{Color, Modifier, Style};

use super::colour::{NAMED, index_rgb, nearest_256, nearest_named};
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
        (ColorTier::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256((r, g, b))),
        (ColorTier::Ansi256, c) => c,
        (ColorTier::Ansi16, Color::Rgb(r, g, b)) => nearest_named((r, g, b)),
        (ColorTier::Ansi16, Color::Indexed(i)) if i < 16 => NAMED[i as usize].0,
        (ColorTier::Ansi16, Color::Indexed(i)) => nearest_named(index_rgb(i)),
        (ColorTier::Ansi16, c) => c,
    }
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
}
