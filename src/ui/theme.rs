//! Colours, glyphs and markers, chosen once from the terminal's abilities.
//!
//! Every pane draws through a [`Theme`], so the colour tier (none, 16, 256, truecolor) and the
//! glyph set (Unicode or ASCII) are decided in one place. Meaning is never carried by colour
//! alone: neuron states, data classes and heatmap levels also differ by glyph.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::{self, Marker, border};

use super::colour::{nearest_256, nearest_named, rgb_of};
use crate::settings::ColorChoice;

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorTier {
    /// NO_COLOR or `--color never`: styles use only bold, dim and reverse.
    None,
    /// The 16 named ANSI colours.
    Ansi16,
    /// The xterm 256-colour palette.
    Ansi256,
    /// 24-bit RGB.
    TrueColor,
}

impl ColorTier {
    /// The tier from `--color` and the environment (`env` looks a variable up, so tests need no
    /// process environment): NO_COLOR (non-empty) → none; COLORTERM truecolor/24bit or TERM
    /// `*-direct` → RGB; TERM `*256color` → 256; else 16.
    pub fn detect(choice: Option<ColorChoice>, env: impl Fn(&str) -> Option<String>) -> ColorTier {
        match choice {
            Some(ColorChoice::Never) => return ColorTier::None,
            Some(ColorChoice::Ansi16) => return ColorTier::Ansi16,
            Some(ColorChoice::Ansi256) => return ColorTier::Ansi256,
            Some(ColorChoice::Truecolor) => return ColorTier::TrueColor,
            Some(ColorChoice::Auto) | None => {}
        }
        if crate::output_caps::no_color(&env) {
            return ColorTier::None;
        }
        let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        let term = env("TERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" || term.ends_with("-direct") {
            ColorTier::TrueColor
        } else if term.ends_with("256color") {
            ColorTier::Ansi256
        } else {
            ColorTier::Ansi16
        }
    }
}

pub use crate::output_caps::locale_is_utf8;

/// One colour in the three palettes; the tier picks which.
#[derive(Debug, Clone, Copy)]
struct Tri {
    rgb: (u8, u8, u8),
    idx: u8,
    named: Color,
}

const fn tri(rgb: (u8, u8, u8), idx: u8, named: Color) -> Tri {
    Tri { rgb, idx, named }
}

// Colours chosen to stay apart for the common colour-vision deficiencies: blue/orange carry
// sign and class, and health adds glyphs on top.
const BLUE: Tri = tri((66, 135, 245), 33, Color::Blue);
const ORANGE: Tri = tri((245, 146, 66), 208, Color::Yellow);
const BLUE_DARK: Tri = tri((40, 75, 140), 25, Color::Blue);
const ORANGE_DARK: Tri = tri((140, 85, 40), 130, Color::Yellow);
const GREEN: Tri = tri((80, 200, 120), 78, Color::Green);
const RED: Tri = tri((235, 80, 80), 203, Color::Red);
const GREY: Tri = tri((128, 128, 128), 244, Color::DarkGray);
const CYAN: Tri = tri((80, 200, 220), 44, Color::Cyan);
const MAGENTA: Tri = tri((200, 110, 220), 170, Color::Magenta);
const YELLOW: Tri = tri((230, 210, 90), 185, Color::LightYellow);
const WHITE: Tri = tri((220, 220, 220), 252, Color::White);
const SHADE: Tri = tri((45, 45, 45), 236, Color::Black);
const SHADE_WARM: Tri = tri((60, 40, 30), 52, Color::Black);

/// Glyphs for one character set.
#[derive(Debug, Clone, Copy)]
pub struct Glyphs {
    pub alive: &'static str,
    pub dead: &'static str,
    pub saturated: &'static str,
    pub output: &'static str,
    pub input: &'static str,
    pub sep: &'static str,
    pub class_pos: &'static str,
    pub class_neg: &'static str,
    pub test_pos: &'static str,
    pub test_neg: &'static str,
    pub point: &'static str,
    pub selected_left: &'static str,
    pub selected_right: &'static str,
    pub up: &'static str,
    pub down: &'static str,
    pub cursor: &'static str,
    pub times: &'static str,
    /// Heatmap levels from most negative to most positive, for a terminal without colour.
    pub levels: [&'static str; 5],
}

const UNICODE: Glyphs = Glyphs {
    alive: "●",
    dead: "○",
    saturated: "◐",
    output: "◆",
    input: "■",
    sep: " · ",
    class_pos: "●",
    class_neg: "×",
    test_pos: "○",
    test_neg: "+",
    point: "•",
    selected_left: "[",
    selected_right: "]",
    up: "↑",
    down: "↓",
    cursor: "│",
    times: "×",
    levels: ["█", "▓", " ", "░", "▒"],
};

const ASCII: Glyphs = Glyphs {
    alive: "@",
    dead: "o",
    saturated: "%",
    output: "#",
    input: "=",
    sep: " | ",
    class_pos: "O",
    class_neg: "x",
    test_pos: "0",
    test_neg: "+",
    point: "*",
    selected_left: "[",
    selected_right: "]",
    up: "^",
    down: "v",
    cursor: "|",
    times: "x",
    levels: ["=", "-", " ", ".", ":"],
};

/// Every style and glyph the panes use.
#[derive(Debug, Clone)]
pub struct Theme {
    pub tier: ColorTier,
    pub ascii: bool,
    pub glyphs: Glyphs,
    pub marker: Marker,
    /// Markers for axes and the cursor line, so in ASCII they differ from the curves.
    pub axis_marker: Marker,
    pub cursor_marker: Marker,
    pub border_set: border::Set<'static>,
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub text: Style,
    pub dim: Style,
    pub bold: Style,
    pub accent: Style,
    pub selected: Style,
    pub editing: Style,
    pub alive: Style,
    pub dead: Style,
    pub saturated: Style,
    pub weight_pos: Style,
    pub weight_neg: Style,
    /// Weights of small magnitude: the same hue, darker.
    pub weight_pos_weak: Style,
    pub weight_neg_weak: Style,
    pub curve: Style,
    pub derivative: Style,
    pub compare: [Style; 3],
    pub cursor: Style,
    pub axis: Style,
    pub zero_grad: Style,
    pub saturation: Style,
    pub kink: Style,
    pub train_loss: Style,
    pub test_loss: Style,
    pub dead_fraction: Style,
    /// One colour per layer in the gradient chart: distinct for up to [`SERIES`] layers.
    pub layer_norms: [Style; SERIES],
    pub status: Style,
    pub key: Style,
    pub message: Style,
    pub error: Style,
    pub class_pos: Style,
    pub class_neg: Style,
}

impl Theme {
    /// A theme for a colour tier and character set.
    pub fn new(tier: ColorTier, ascii: bool) -> Theme {
        let c = |t: Tri| match tier {
            ColorTier::None => Color::Reset,
            ColorTier::Ansi16 => t.named,
            ColorTier::Ansi256 => Color::Indexed(t.idx),
            ColorTier::TrueColor => Color::Rgb(t.rgb.0, t.rgb.1, t.rgb.2),
        };
        let fg = |t: Tri| Style::new().fg(c(t));
        let mono = tier == ColorTier::None;
        let base = Style::new();
        let bold = base.add_modifier(Modifier::BOLD);
        let dim = if mono {
            base.add_modifier(Modifier::DIM)
        } else {
            fg(GREY)
        };
        Theme {
            tier,
            ascii,
            glyphs: if ascii { ASCII } else { UNICODE },
            axis_marker: if ascii {
                Marker::Custom('.')
            } else {
                Marker::Braille
            },
            cursor_marker: if ascii {
                Marker::Custom('|')
            } else {
                Marker::Braille
            },
            marker: if ascii {
                Marker::Custom('*')
            } else {
                Marker::Braille
            },
            border_set: if ascii {
                border::Set {
                    top_left: "+",
                    top_right: "+",
                    bottom_left: "+",
                    bottom_right: "+",
                    vertical_left: "|",
                    vertical_right: "|",
                    horizontal_top: "-",
                    horizontal_bottom: "-",
                }
            } else {
                symbols::border::ROUNDED
            },
            border: dim,
            border_focused: if mono {
                bold
            } else {
                fg(CYAN).add_modifier(Modifier::BOLD)
            },
            title: bold,
            text: base,
            dim,
            bold,
            accent: if mono { bold } else { fg(CYAN) },
            selected: base.add_modifier(Modifier::REVERSED),
            editing: base.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            alive: if mono {
                bold
            } else {
                fg(GREEN).add_modifier(Modifier::BOLD)
            },
            dead: if mono { dim } else { fg(RED) },
            saturated: if mono {
                base.add_modifier(Modifier::ITALIC)
            } else {
                fg(YELLOW)
            },
            weight_pos: fg(BLUE),
            weight_neg: fg(ORANGE),
            weight_pos_weak: fg(BLUE_DARK),
            weight_neg_weak: fg(ORANGE_DARK),
            curve: if mono { base } else { fg(CYAN) },
            derivative: if mono { base } else { fg(MAGENTA) },
            compare: [fg(ORANGE), fg(GREEN), fg(YELLOW)],
            cursor: if mono { dim } else { fg(WHITE) },
            axis: dim,
            zero_grad: if mono {
                base
            } else {
                Style::new().bg(c(SHADE_WARM))
            },
            saturation: if mono {
                base
            } else {
                Style::new().bg(c(SHADE))
            },
            kink: if mono {
                bold
            } else {
                fg(YELLOW).add_modifier(Modifier::BOLD)
            },
            train_loss: if mono { base } else { fg(BLUE) },
            test_loss: if mono { dim } else { fg(ORANGE) },
            dead_fraction: if mono { base } else { fg(RED) },
            layer_norms: if mono {
                [base; SERIES]
            } else {
                SERIES_COLOURS.map(fg)
            },
            status: if mono {
                base.add_modifier(Modifier::REVERSED)
            } else {
                Style::new().bg(c(SHADE)).fg(c(WHITE))
            },
            key: if mono {
                bold
            } else {
                fg(CYAN).add_modifier(Modifier::BOLD)
            },
            message: if mono { bold } else { fg(YELLOW) },
            error: if mono {
                bold
            } else {
                fg(RED).add_modifier(Modifier::BOLD)
            },
            class_pos: if mono {
                bold
            } else {
                fg(BLUE).add_modifier(Modifier::BOLD)
            },
            class_neg: if mono {
                bold
            } else {
                fg(ORANGE).add_modifier(Modifier::BOLD)
            },
        }
    }

    /// The theme for this process: `--color`/`--ascii` and the environment.
    pub fn from_env(choice: Option<ColorChoice>, force_ascii: bool) -> Theme {
        let env = |k: &str| std::env::var(k).ok();
        let tier = ColorTier::detect(choice, env);
        let ascii = force_ascii || !locale_is_utf8(env);
        Theme::new(tier, ascii)
    }

    /// Whether cells can carry colour at all.
    pub fn has_color(&self) -> bool {
        self.tier != ColorTier::None
    }

    /// The heatmap colour for a value in [-1, 1] quantized to `level` of [`HEAT_LEVELS`]:
    /// orange for negative, blue for positive, dark near zero (Playground's convention).
    pub fn heat(&self, level: usize) -> Color {
        let level = level.min(HEAT_LEVELS - 1);
        let t = level as f64 / (HEAT_LEVELS - 1) as f64 * 2.0 - 1.0; // -1..1
        match self.tier {
            ColorTier::None => Color::Reset,
            ColorTier::TrueColor => {
                let (r, g, b) = if t < 0.0 { ORANGE.rgb } else { BLUE.rgb };
                let (r0, g0, b0) = (30.0, 30.0, 34.0);
                let a = t.abs() * 0.85;
                let mix = |x: u8, base: f64| (base + (x as f64 - base) * a).round() as u8;
                Color::Rgb(mix(r, r0), mix(g, g0), mix(b, b0))
            }
            ColorTier::Ansi256 => {
                // Indexed by |t| in quarter steps; index 0 is the shared dark middle.
                const NEG: [u8; 5] = [236, 94, 130, 166, 208];
                const POS: [u8; 5] = [236, 24, 25, 26, 33];
                let k = ((t.abs() * 4.0).round() as usize).min(4);
                Color::Indexed(if t < 0.0 { NEG[k] } else { POS[k] })
            }
            ColorTier::Ansi16 => {
                let k = ((t.abs() * 2.0).round() as usize).min(2);
                match (t < 0.0, k) {
                    (_, 0) => Color::Black,
                    (true, 1) => Color::Red,
                    (true, _) => Color::Yellow,
                    (false, 1) => Color::Blue,
                    (false, _) => Color::LightBlue,
                }
            }
        }
    }

    /// Set the first layer colours (a theme file's) and complete the rest with palette colours
    /// unlike every one already in use, so up to [`SERIES`] layers stay apart.
    pub fn set_layer_norms(&mut self, given: &[Style]) {
        if self.tier == ColorTier::None {
            return;
        }
        let n = given.len().min(SERIES);
        self.layer_norms[..n].copy_from_slice(&given[..n]);
        let mut used: Vec<(u8, u8, u8)> = given[..n]
            .iter()
            .filter_map(|s| s.fg.and_then(rgb_of))
            .collect();
        let mut candidates: Vec<Color> = match self.tier {
            ColorTier::Ansi16 => SERIES_NAMED.to_vec(),
            _ => SERIES_EXTRA.iter().map(|t| self.color(*t)).collect(),
        };
        // Greedy: each next colour the candidate farthest from every one in use.
        for k in n..SERIES {
            let far = |c: &Color| {
                let rgb = rgb_of(*c).unwrap_or(BACKGROUND);
                used.iter()
                    .map(|u| perceived(*u, rgb))
                    .fold(f64::INFINITY, f64::min)
            };
            let Some(best) = (0..candidates.len())
                .max_by(|&a, &b| far(&candidates[a]).total_cmp(&far(&candidates[b])))
            else {
                break;
            };
            let c = candidates.remove(best);
            used.push(rgb_of(c).unwrap_or(BACKGROUND));
            self.layer_norms[k] = Style::new().fg(c);
        }
    }

    /// A palette colour in this theme's tier.
    fn color(&self, t: Tri) -> Color {
        match self.tier {
            ColorTier::None => Color::Reset,
            ColorTier::Ansi16 => t.named,
            ColorTier::Ansi256 => Color::Indexed(t.idx),
            ColorTier::TrueColor => Color::Rgb(t.rgb.0, t.rgb.1, t.rgb.2),
        }
    }

    /// An RGB colour in this theme's tier (the nearest palette entry below truecolor).
    /// The Output pane's colour for class `k`'s region at confidence `level` (0 = least sure,
    /// [`CONFIDENCE_LEVELS`] − 1 = certain): the class colour blended into the heatmap's dark
    /// base, so confidence reads as lightness.
    pub fn class_region(&self, k: usize, level: usize) -> Color {
        let rgb = CLASS_COLORS[k % CLASS_COLORS.len()];
        let a =
            0.25 + 0.6 * level.min(CONFIDENCE_LEVELS - 1) as f64 / (CONFIDENCE_LEVELS - 1) as f64;
        self.fit(blend(BACKGROUND, rgb, a))
    }

    /// A data point of class `k`: its glyph (the class name itself when that is one
    /// character, as for digits) and its full colour, bold; reversed when the network gets it
    /// wrong, so a mistake shows without colour too.
    pub fn class_point(&self, k: usize, name: &str, wrong: bool) -> (String, Style) {
        let glyph = if name.chars().count() == 1 && (!self.ascii || name.is_ascii()) {
            name.to_string()
        } else if self.ascii {
            CLASS_GLYPHS_ASCII[k % 10].to_string()
        } else {
            CLASS_GLYPHS[k % 10].to_string()
        };
        let mut style = self.bold;
        if self.has_color() {
            let rgb = CLASS_COLORS[k % CLASS_COLORS.len()];
            style = style.fg(self.fit(blend(rgb, (255, 255, 255), 0.35)));
        }
        if wrong {
            style = style.add_modifier(ratatui::style::Modifier::REVERSED);
        }
        (glyph, style)
    }

    fn fit(&self, (r, g, b): (u8, u8, u8)) -> Color {
        match self.tier {
            ColorTier::None => Color::Reset,
            ColorTier::TrueColor => Color::Rgb(r, g, b),
            ColorTier::Ansi256 => Color::Indexed(nearest_256((r, g, b))),
            ColorTier::Ansi16 => nearest_named((r, g, b)),
        }
    }

    /// The style of a connection by the sign of its weight and its magnitude level, 1
    /// (smallest) to [`EDGE_LEVELS`] (largest): a shade ramp of the sign's colour in 256 and
    /// truecolor, dim / normal / bold in 16 colours and without colour (where dashes carry
    /// the sign).
    pub fn edge(&self, positive: bool, level: usize) -> Style {
        let base = if positive {
            self.weight_pos
        } else {
            self.weight_neg
        };
        let level = level.clamp(1, EDGE_LEVELS);
        match self.tier {
            ColorTier::None | ColorTier::Ansi16 => {
                let plain = Style::new().fg(base.fg.unwrap_or(Color::Reset));
                match level {
                    1 => plain.add_modifier(Modifier::DIM),
                    2 => plain,
                    _ => {
                        let bright = base.fg.map_or(Color::Reset, brighter_named);
                        plain.fg(bright).add_modifier(Modifier::BOLD)
                    }
                }
            }
            _ => {
                let rgb = base.fg.and_then(rgb_of).unwrap_or((128, 128, 128));
                // Dark to full, the strongest a little lighter so it reads on a dark screen.
                let mix = [0.0, 0.3, 0.6, 1.0][level];
                let rgb = if level == EDGE_LEVELS {
                    blend(rgb, (255, 255, 255), 0.25)
                } else {
                    rgb
                };
                let fg = self.fit(blend(BACKGROUND, rgb, mix));
                let s = Style::new().fg(fg);
                if level == EDGE_LEVELS {
                    s.add_modifier(Modifier::BOLD)
                } else {
                    s
                }
            }
        }
    }

    /// Connections into or out of a dead neuron: faint whatever their weight.
    pub fn edge_faint(&self) -> Style {
        match self.tier {
            ColorTier::None => Style::new().add_modifier(Modifier::DIM),
            ColorTier::Ansi16 => Style::new().fg(Color::DarkGray).add_modifier(Modifier::DIM),
            _ => Style::new().fg(self.fit((62, 62, 68))),
        }
    }

    /// The flat, dark fill of a dead neuron's tile: darker than any heatmap level.
    pub fn tile_off(&self) -> Style {
        match self.tier {
            ColorTier::None => Style::new().add_modifier(Modifier::DIM),
            ColorTier::Ansi16 => Style::new().fg(Color::DarkGray).bg(Color::Black),
            _ => Style::new()
                .fg(self.fit((48, 48, 52)))
                .bg(self.fit((12, 12, 14))),
        }
    }

    /// The colour of a data point drawn over heatmap colour `bg`: a light tint of its class
    /// colour on a dark cell, a deep shade of it on a light one, so it stands out from both
    /// ends of the heatmap in every theme.
    pub fn point_on(&self, positive: bool, bg: Option<Color>) -> Style {
        let class = if positive {
            self.class_pos
        } else {
            self.class_neg
        };
        if self.tier == ColorTier::None {
            return class;
        }
        let back = bg.and_then(rgb_of).unwrap_or(BACKGROUND);
        let fg = if self.tier == ColorTier::Ansi16 {
            [Color::White, Color::Black]
                .into_iter()
                .max_by(|a, b| contrast(*a, back).total_cmp(&contrast(*b, back)))
                .unwrap_or(Color::White)
        } else {
            let rgb = class.fg.and_then(rgb_of).unwrap_or((128, 128, 128));
            // A light tint reads best; a deep shade only where the tint would not stand out.
            let tint = self.fit(blend(rgb, (255, 255, 255), 0.85));
            let shade = self.fit(blend(rgb, (0, 0, 0), 0.75));
            if contrast(tint, back) >= 3.0 || contrast(tint, back) >= contrast(shade, back) {
                tint
            } else {
                shade
            }
        };
        Style::new().fg(fg).add_modifier(Modifier::BOLD)
    }

    /// The glyph for a heatmap level on a terminal without colour.
    pub fn heat_glyph(&self, level: usize) -> &'static str {
        let k = level * (self.glyphs.levels.len() - 1) / (HEAT_LEVELS - 1).max(1);
        self.glyphs.levels[k.min(self.glyphs.levels.len() - 1)]
    }
}

/// Layers the gradient chart tells apart by colour.
pub const SERIES: usize = 9;
/// Magnitude levels of a connection.
pub const EDGE_LEVELS: usize = 3;

/// The built-in layer colours, in order.
const SERIES_COLOURS: [Tri; SERIES] = [
    CYAN,
    MAGENTA,
    GREEN,
    YELLOW,
    ORANGE,
    BLUE,
    RED,
    WHITE,
    tri((170, 120, 70), 137, Color::LightRed),
];

/// Colours that complete a theme's layer colours in 256 and truecolor: the Okabe–Ito
/// colour-blind-safe palette first, then more.
const SERIES_EXTRA: [Tri; 13] = [
    tri((230, 159, 0), 214, Color::Yellow),
    tri((86, 180, 233), 74, Color::LightBlue),
    tri((0, 158, 115), 36, Color::Green),
    tri((213, 94, 0), 166, Color::Red),
    tri((204, 121, 167), 175, Color::Magenta),
    tri((240, 228, 66), 227, Color::LightYellow),
    tri((0, 114, 178), 25, Color::Blue),
    WHITE,
    tri((150, 150, 150), 246, Color::Gray),
    tri((170, 120, 70), 137, Color::LightRed),
    tri((120, 220, 120), 114, Color::LightGreen),
    tri((255, 170, 220), 218, Color::LightMagenta),
    tri((140, 100, 220), 98, Color::LightBlue),
];

/// Named colours that complete a theme's layer colours in 16 colours.
const SERIES_NAMED: [Color; 12] = [
    Color::Yellow,
    Color::Red,
    Color::White,
    Color::LightMagenta,
    Color::LightGreen,
    Color::LightBlue,
    Color::LightCyan,
    Color::LightRed,
    Color::LightYellow,
    Color::Blue,
    Color::Green,
    Color::Cyan,
];

/// What the heatmap's middle and a faint line fade towards: a dark terminal background.
const BACKGROUND: (u8, u8, u8) = (30, 30, 34);

/// Categorical colours for classes (the Tableau 10 palette), repeated beyond ten classes, where
/// the glyph still tells them apart.
const CLASS_COLORS: [(u8, u8, u8); 10] = [
    (78, 121, 167),
    (242, 142, 43),
    (225, 87, 89),
    (118, 183, 178),
    (89, 161, 79),
    (237, 201, 72),
    (176, 122, 161),
    (255, 157, 167),
    (156, 117, 95),
    (186, 176, 172),
];
/// Confidence levels a class region is drawn in: its colour from faint to full.
pub const CONFIDENCE_LEVELS: usize = 4;
const CLASS_GLYPHS: [&str; 10] = ["●", "▲", "■", "◆", "★", "✚", "▼", "◀", "▶", "✖"];
const CLASS_GLYPHS_ASCII: [&str; 10] = ["o", "^", "#", "*", "+", "x", "v", "<", ">", "%"];

/// `a` moved towards `b` by `t` (0: a, 1: b).
fn blend(a: (u8, u8, u8), b: (u8, u8, u8), t: f64) -> (u8, u8, u8) {
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Relative luminance (sRGB, roughly): 0 black, 1 white.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let l = |c: u8| (c as f64 / 255.0).powf(2.2);
    0.2126 * l(r) + 0.7152 * l(g) + 0.0722 * l(b)
}

/// The contrast ratio of a colour against an RGB background (1 to 21, as WCAG defines it).
fn contrast(c: Color, back: (u8, u8, u8)) -> f64 {
    let (a, b) = (luminance(rgb_of(c).unwrap_or(BACKGROUND)), luminance(back));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// How far apart two colours look, to normal vision and to the two common red-green
/// deficiencies (simulated with Machado et al.'s 2009 matrices): the smallest of the three.
fn perceived(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    const DEUTAN: [[f64; 3]; 3] = [
        [0.367, 0.861, -0.228],
        [0.280, 0.673, 0.047],
        [-0.012, 0.043, 0.969],
    ];
    const PROTAN: [[f64; 3]; 3] = [
        [0.152, 1.053, -0.205],
        [0.115, 0.786, 0.099],
        [-0.004, -0.048, 1.052],
    ];
    let sim = |m: &[[f64; 3]; 3], c: (u8, u8, u8)| {
        let v = [c.0 as f64, c.1 as f64, c.2 as f64];
        let ch = |r: usize| (m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2]).clamp(0.0, 255.0);
        (ch(0) as u8, ch(1) as u8, ch(2) as u8)
    };
    redmean(a, b)
        .min(redmean(sim(&DEUTAN, a), sim(&DEUTAN, b)))
        .min(redmean(sim(&PROTAN, a), sim(&PROTAN, b)))
}

/// A colour difference closer to what the eye sees than plain RGB distance ("redmean").
fn redmean(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let r = (a.0 as f64 + b.0 as f64) / 2.0;
    let (dr, dg, db) = (
        a.0 as f64 - b.0 as f64,
        a.1 as f64 - b.1 as f64,
        a.2 as f64 - b.2 as f64,
    );
    ((2.0 + r / 256.0) * dr * dr + 4.0 * dg * dg + (2.0 + (255.0 - r) / 256.0) * db * db).sqrt()
}

/// The bright variant of a named colour (for the strongest connections in 16 colours).
fn brighter_named(c: Color) -> Color {
    match c {
        Color::Red => Color::LightRed,
        Color::Green => Color::LightGreen,
        Color::Yellow => Color::LightYellow,
        Color::Blue => Color::LightBlue,
        Color::Magenta => Color::LightMagenta,
        Color::Cyan => Color::LightCyan,
        Color::Gray => Color::White,
        Color::DarkGray => Color::Gray,
        other => other,
    }
}

/// Heatmap colours are quantized to this many levels, so cells change only when a value
/// crosses a level, not on every step.
pub const HEAT_LEVELS: usize = 9;

/// The level of a value in [-1, 1] (clamped; NaN is the middle level).
pub fn heat_level(v: f64) -> usize {
    if !v.is_finite() {
        return HEAT_LEVELS / 2;
    }
    let t = (v.clamp(-1.0, 1.0) + 1.0) / 2.0;
    ((t * (HEAT_LEVELS - 1) as f64).round() as usize).min(HEAT_LEVELS - 1)
}

/// The glyph and style of a hidden neuron's health.
pub fn health_glyph(theme: &Theme, h: crate::trainer::NeuronState) -> (&'static str, Style) {
    match h {
        crate::trainer::NeuronState::Alive => (theme.glyphs.alive, theme.alive),
        crate::trainer::NeuronState::Dead => (theme.glyphs.dead, theme.dead),
        crate::trainer::NeuronState::Saturated => (theme.glyphs.saturated, theme.saturated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| owned.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn tiers_follow_the_environment() {
        let d = |pairs: &[(&str, &str)]| ColorTier::detect(None, env_of(pairs));
        assert_eq!(
            d(&[("NO_COLOR", "1"), ("COLORTERM", "truecolor")]),
            ColorTier::None
        );
        assert_eq!(d(&[("NO_COLOR", ""), ("TERM", "xterm")]), ColorTier::Ansi16);
        assert_eq!(d(&[("COLORTERM", "24bit")]), ColorTier::TrueColor);
        assert_eq!(d(&[("TERM", "xterm-direct")]), ColorTier::TrueColor);
        assert_eq!(d(&[("TERM", "screen-256color")]), ColorTier::Ansi256);
        assert_eq!(d(&[]), ColorTier::Ansi16);
    }

    #[test]
    fn color_flag_overrides_the_environment() {
        let env = env_of(&[("NO_COLOR", "1")]);
        assert_eq!(
            ColorTier::detect(Some(ColorChoice::Truecolor), &env),
            ColorTier::TrueColor
        );
        let env = env_of(&[("COLORTERM", "truecolor")]);
        assert_eq!(
            ColorTier::detect(Some(ColorChoice::Never), &env),
            ColorTier::None
        );
        assert_eq!(
            ColorTier::detect(Some(ColorChoice::Auto), &env),
            ColorTier::TrueColor
        );
    }

    #[test]
    fn locale_decides_unicode() {
        assert!(locale_is_utf8(env_of(&[("LANG", "en_US.UTF-8")])));
        assert!(locale_is_utf8(env_of(&[
            ("LC_ALL", ""),
            ("LANG", "C.utf8")
        ])));
        assert!(!locale_is_utf8(env_of(&[
            ("LC_ALL", "C"),
            ("LANG", "en_US.UTF-8")
        ])));
        assert!(!locale_is_utf8(env_of(&[("LC_CTYPE", "POSIX")])));
        assert!(!locale_is_utf8(env_of(&[])));
    }

    #[test]
    fn heat_levels_are_symmetric_and_clamped() {
        assert_eq!(heat_level(0.0), HEAT_LEVELS / 2);
        assert_eq!(heat_level(-5.0), 0);
        assert_eq!(heat_level(5.0), HEAT_LEVELS - 1);
        assert_eq!(heat_level(f64::NAN), HEAT_LEVELS / 2);
        assert_eq!(
            heat_level(0.5) - HEAT_LEVELS / 2,
            HEAT_LEVELS / 2 - heat_level(-0.5)
        );
    }

    #[test]
    fn edge_levels_differ_in_every_tier() {
        for tier in [
            ColorTier::TrueColor,
            ColorTier::Ansi256,
            ColorTier::Ansi16,
            ColorTier::None,
        ] {
            let t = Theme::new(tier, false);
            for positive in [true, false] {
                let styles: Vec<Style> = (1..=EDGE_LEVELS).map(|l| t.edge(positive, l)).collect();
                for i in 0..styles.len() {
                    for j in i + 1..styles.len() {
                        assert_ne!(styles[i], styles[j], "{tier:?} levels {i} {j}");
                    }
                    assert_ne!(styles[i], t.edge_faint(), "{tier:?} level {i} vs faint");
                }
            }
        }
    }

    #[test]
    fn nine_layer_colours_stay_distinct_with_a_theme_of_four() {
        for tier in [ColorTier::TrueColor, ColorTier::Ansi256, ColorTier::Ansi16] {
            let mut t = Theme::new(tier, false);
            let given = [Color::Blue, Color::Yellow, Color::Magenta, Color::Cyan]
                .map(|c| Style::new().fg(c));
            t.set_layer_norms(&given);
            let fgs: Vec<Color> = t.layer_norms.iter().map(|s| s.fg.unwrap()).collect();
            assert_eq!(
                &fgs[..4],
                &[Color::Blue, Color::Yellow, Color::Magenta, Color::Cyan]
            );
            for i in 0..SERIES {
                for j in i + 1..SERIES {
                    assert_ne!(fgs[i], fgs[j], "{tier:?}: {fgs:?}");
                }
            }
            let builtin = Theme::new(tier, false);
            let fgs: Vec<Color> = builtin.layer_norms.iter().map(|s| s.fg.unwrap()).collect();
            for i in 0..SERIES {
                for j in i + 1..SERIES {
                    assert_ne!(fgs[i], fgs[j], "{tier:?} built in: {fgs:?}");
                }
            }
        }
    }

    #[test]
    fn points_contrast_with_both_ends_of_the_heatmap() {
        for tier in [ColorTier::TrueColor, ColorTier::Ansi256, ColorTier::Ansi16] {
            let t = Theme::new(tier, false);
            for level in [0, HEAT_LEVELS / 2, HEAT_LEVELS - 1] {
                let bg = t.heat(level);
                for positive in [true, false] {
                    let fg = t.point_on(positive, Some(bg)).fg.unwrap();
                    let ratio = contrast(fg, rgb_of(bg).unwrap());
                    assert!(
                        ratio > 3.0,
                        "{tier:?} level {level}: {fg:?} on {bg:?}: {ratio}"
                    );
                }
            }
        }
    }

    #[test]
    fn ascii_theme_uses_only_ascii() {
        let t = Theme::new(ColorTier::None, true);
        let g = t.glyphs;
        for s in [
            g.alive,
            g.dead,
            g.saturated,
            g.output,
            g.sep,
            g.class_pos,
            g.class_neg,
        ] {
            assert!(s.is_ascii(), "{s:?}");
        }
        assert!(g.levels.iter().all(|s| s.is_ascii()));
        assert!(t.border_set.top_left.is_ascii());
    }
}
