//! Braille charts for `reluscope plot`, drawn with textplots.
//!
//! textplots' `Shape::Continuous` drops points whose value is zero (it keeps only "normal"
//! floats), which would erase ReLU's flat half, so curves are sampled here into `Shape::Lines`.

use textplots::{Chart, ColorPlot, Plot, Shape};

use crate::activation::Activation;

/// Smallest chart textplots can draw: 32×3 dots, i.e. 16 columns and 1 row; we ask for 3 rows.
pub const MIN_COLS: u32 = 16;
pub const MIN_ROWS: u32 = 3;
/// Largest chart, to keep a typo from printing megabytes.
pub const MAX_COLS: u32 = 1000;
pub const MAX_ROWS: u32 = 500;

/// Distinct colours for successive curves (only used when colour is on).
const PALETTE: [(u8, u8, u8); 6] = [
    (80, 160, 255),
    (255, 170, 60),
    (120, 220, 120),
    (230, 100, 200),
    (240, 230, 90),
    (120, 230, 230),
];

/// One curve to draw: the activation, and whether it is the value or the derivative.
pub struct Curve {
    pub activation: Activation,
    pub derivative: bool,
}

impl Curve {
    fn eval(&self, x: f64) -> f64 {
        if self.derivative {
            self.activation.derivative(x)
        } else {
            self.activation.value(x)
        }
    }

    fn label(&self) -> String {
        if self.derivative {
            format!("{}'", self.activation)
        } else {
            self.activation.to_string()
        }
    }
}

/// How the chart may be printed: ANSI colour, and Unicode (braille and box-drawing legend
/// marks) or plain ASCII for a non-UTF-8 locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Output {
    pub color: bool,
    pub unicode: bool,
}

/// Renders the curves over [xmin, xmax] into a chart `cols`×`rows` cells large (clamped to
/// [`MIN_COLS`]×[`MIN_ROWS`] … [`MAX_COLS`]×[`MAX_ROWS`]; `reluscope plot` refuses sizes
/// outside), followed by a legend line. The y range always includes 0.
pub fn render(
    curves: &[Curve],
    xmin: f64,
    xmax: f64,
    cols: u32,
    rows: u32,
    output: Output,
) -> String {
    let Output { color, unicode } = output;
    let cols = cols.clamp(MIN_COLS, MAX_COLS);
    let rows = rows.clamp(MIN_ROWS, MAX_ROWS);
    // drawille draws rows for dots 0..=height, so `rows` text rows take (rows − 1)·4 dots.
    let (width, height) = (cols * 2, (rows - 1) * 4);

    // One sample per braille dot column; the first curve is drawn as a line, the others as
    // sparser points so they stay distinguishable without colour.
    let samples: Vec<Vec<(f32, f32)>> = curves
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let every = if i == 0 { 1 } else { 3 };
            (0..=width)
                .step_by(every)
                .map(|k| {
                    let x = xmin + (xmax - xmin) * f64::from(k) / f64::from(width);
                    (x as f32, c.eval(x) as f32)
                })
                .filter(|(_, y)| y.is_finite())
                .collect()
        })
        .collect();

    let (mut ymin, mut ymax) = (0.0f32, 0.0f32);
    for &(_, y) in samples.iter().flatten() {
        ymin = ymin.min(y);
        ymax = ymax.max(y);
    }
    if ymax - ymin < 1e-6 {
        ymax = ymin + 1.0;
    }
    let pad = (ymax - ymin) * 0.05;
    let (ymin, ymax) = (if ymin < 0.0 { ymin - pad } else { ymin }, ymax + pad);

    let shapes: Vec<Shape> = samples
        .iter()
        .enumerate()
        .map(|(i, pts)| {
            if i == 0 {
                Shape::Lines(pts)
            } else {
                Shape::Points(pts)
            }
        })
        .collect();

    let mut chart = Chart::new_with_y_range(width, height, xmin as f32, xmax as f32, ymin, ymax);
    let mut c = &mut chart;
    for (i, shape) in shapes.iter().enumerate() {
        c = if color {
            let (r, g, b) = PALETTE[i % PALETTE.len()];
            c.linecolorplot(shape, textplots_rgb(r, g, b))
        } else {
            c.lineplot(shape)
        };
    }
    c.axis();
    c.figures();
    let mut out = c.to_string();
    if !unicode {
        out = braille_to_ascii(&out);
    }

    let legend: Vec<String> = curves
        .iter()
        .enumerate()
        .map(|(i, curve)| {
            let mark = match (i == 0, unicode) {
                (true, true) => "───",
                (false, true) => "···",
                (true, false) => "---",
                (false, false) => "...",
            };
            let text = format!("{mark} {}", curve.label());
            if color {
                let (r, g, b) = PALETTE[i % PALETTE.len()];
                format!("\x1b[38;2;{r};{g};{b}m{text}\x1b[0m")
            } else {
                text
            }
        })
        .collect();
    out.push_str(&legend.join("   "));
    out.push('\n');
    out
}

/// Replaces each braille cell (2×4 dots) by one ASCII character placed where its dots are:
/// `|` for a cell whose dots span three rows or more, else `'`, `-`, `.` or `_` from the top
/// row to the bottom. Coarser than braille, but readable where braille cannot be shown.
fn braille_to_ascii(text: &str) -> String {
    // Braille dot bits by row: dots 1 and 4, 2 and 5, 3 and 6, 7 and 8.
    const ROWS: [u32; 4] = [0x01 | 0x08, 0x02 | 0x10, 0x04 | 0x20, 0x40 | 0x80];
    text.chars()
        .map(|ch| {
            let code = ch as u32;
            if !(0x2800..=0x28FF).contains(&code) {
                return ch;
            }
            let bits = code - 0x2800;
            let rows: Vec<usize> = (0..4).filter(|&r| bits & ROWS[r] != 0).collect();
            match (rows.first(), rows.last()) {
                (None, _) | (_, None) => ' ',
                (Some(&top), Some(&bottom)) if bottom - top >= 2 => '|',
                (Some(&top), Some(&bottom)) => ['\'', '-', '.', '_'][(top + bottom) / 2],
            }
        })
        .collect()
}

fn textplots_rgb(r: u8, g: u8, b: u8) -> rgb::RGB8 {
    rgb::RGB8 { r, g, b }
}

#[cfg(test)]
mod tests {
    use super::braille_to_ascii;

    #[test]
    fn braille_cells_become_ascii_at_the_height_of_their_dots() {
        // Blank, top row, second row, third row, bottom row, a full column, a 2-row pair.
        let braille = "\u{2800}\u{2809}\u{2812}\u{2824}\u{28C0}\u{2847}\u{281B}";
        assert_eq!(braille_to_ascii(braille), " '-._|'");
        assert_eq!(braille_to_ascii("x 1.5 ─"), "x 1.5 ─");
    }
}
