//! How a sweep reads in a terminal: a table of mean ± sd, then heatmaps (bias inits down,
//! learning rates across) of the final dead share and the training loss. Shades carry the value
//! so the maps read without colour; colour, when on, repeats the shade's level.

use std::io::{self, Write};

use super::sweep::{Summary, SweepCell, SweepReport};

/// How to draw: ANSI colour and Unicode shades (else ASCII).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextStyle {
    pub color: bool,
    pub unicode: bool,
}

impl TextStyle {
    pub const PLAIN: TextStyle = TextStyle {
        color: false,
        unicode: true,
    };
}

/// The report's few non-ASCII signs in ASCII, for terminals that are not UTF-8.
pub fn to_ascii(text: &str) -> String {
    text.replace('×', "x")
        .replace('±', "+/-")
        .replace(['−', '—'], "-")
        .replace('…', "...")
}

/// Shades from low to high, two cells wide each.
const SHADES_UNICODE: [&str; 5] = ["··", "░░", "▒▒", "▓▓", "██"];
const SHADES_ASCII: [&str; 5] = [". ", "::", "==", "##", "@@"];
/// ANSI foreground colours for the five levels: green, bright green, yellow, bright red, red.
const COLORS: [&str; 5] = ["32", "92", "33", "91", "31"];

/// The level 0..=4 of `x` in [0, 1].
pub fn level(x: f64) -> usize {
    if x.is_finite() {
        ((x * 5.0).floor().max(0.0) as usize).min(4)
    } else {
        0
    }
}

fn shade(style: TextStyle, lvl: usize) -> String {
    let glyph = if style.unicode {
        SHADES_UNICODE[lvl]
    } else {
        SHADES_ASCII[lvl]
    };
    if style.color {
        format!("\x1b[{}m{glyph}\x1b[0m", COLORS[lvl])
    } else {
        glyph.to_string()
    }
}

fn pm(s: Summary, percent: bool) -> String {
    if s.n == 0 {
        return "—".to_string();
    }
    if percent {
        format!("{:.1}% ± {:.1}%", 100.0 * s.mean, 100.0 * s.sd)
    } else {
        format!("{:.4} ± {:.4}", s.mean, s.sd)
    }
}

impl SweepReport {
    /// Table and heatmaps; with `style.unicode` off, every sign is ASCII (× → x, ± → +/-).
    pub fn write_text(&self, out: &mut dyn Write, style: TextStyle) -> io::Result<()> {
        if style.unicode {
            return self.write_text_unicode(out, style);
        }
        let mut text = Vec::new();
        self.write_text_unicode(&mut text, style)?;
        out.write_all(to_ascii(&String::from_utf8_lossy(&text)).as_bytes())
    }

    fn write_text_unicode(&self, out: &mut dyn Write, style: TextStyle) -> io::Result<()> {
        let c = &self.config;
        let b = &c.base;
        let data = &self.data;
        let layers: Vec<String> = b
            .hidden
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        writeln!(
            out,
            "sweep: {} learning rates × {} bias inits × {} repeats, {} epochs each; {data}, \
             layers {}, {}, {} init, {}, batch {}; seeds {}..{}",
            c.lrs.len(),
            c.bias_inits.len(),
            c.repeats,
            c.epochs,
            if layers.is_empty() {
                "none".to_string()
            } else {
                layers.join(",")
            },
            b.activation,
            b.init,
            b.optimizer,
            if b.batch_size == 0 {
                "full".to_string()
            } else {
                b.batch_size.to_string()
            },
            b.seed,
            b.seed.wrapping_add(c.repeats - 1)
        )?;
        if self.cancelled {
            writeln!(out, "cancelled: only the runs that finished are counted")?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "{:>10} {:>9}  {:>15}  {:>15}  {:>17}  {:>17}  {:>8}",
            "lr", "bias init", "dead at init", "final dead", "train loss", "test loss", "diverged"
        )?;
        for cell in &self.cells {
            writeln!(
                out,
                "{:>10} {:>9}  {:>15}  {:>15}  {:>17}  {:>17}  {:>8}",
                cell.lr.to_string(),
                cell.bias.to_string(),
                pm(cell.dead_at_init(), true),
                pm(cell.dead(), true),
                pm(cell.train_loss(), false),
                pm(cell.test_loss(), false),
                format!("{}/{}", cell.diverged(), cell.runs.len())
            )?;
        }
        writeln!(out)?;
        let legend: Vec<String> = (0..5).map(|l| shade(style, l)).collect();
        writeln!(
            out,
            "final dead neurons, mean over runs that did not diverge ({} = 0, 20, 40, 60, 80%+)",
            legend.join(" ")
        )?;
        self.write_heatmap(out, style, |cell| {
            let s = cell.dead();
            (s.n > 0).then(|| (level(s.mean), format!("{:.1}%", 100.0 * s.mean)))
        })?;
        let losses: Vec<f64> = self
            .cells
            .iter()
            .map(|c| c.train_loss().mean)
            .filter(|x| x.is_finite())
            .collect();
        let lo = losses.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = losses.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        writeln!(out)?;
        if losses.is_empty() {
            return writeln!(out, "training loss: every run diverged");
        }
        writeln!(
            out,
            "final training loss, mean ({} = lowest {lo:.4} … highest {hi:.4})",
            legend.join(" ")
        )?;
        self.write_heatmap(out, style, |cell| {
            let s = cell.train_loss();
            let rel = if hi > lo {
                (s.mean - lo) / (hi - lo)
            } else {
                0.0
            };
            (s.n > 0).then(|| (level(rel), format!("{:.4}", s.mean)))
        })
    }

    /// Rows: bias inits; columns: learning rates. `value` gives a cell's level and label, or
    /// `None` when every run of it diverged.
    fn write_heatmap(
        &self,
        out: &mut dyn Write,
        style: TextStyle,
        value: impl Fn(&SweepCell) -> Option<(usize, String)>,
    ) -> io::Result<()> {
        let c = &self.config;
        write!(out, "{:>10}", "bias \\ lr")?;
        for lr in &c.lrs {
            write!(out, " {:>11}", lr.to_string())?;
        }
        writeln!(out)?;
        for &bias in &c.bias_inits {
            write!(out, "{:>10}", bias.to_string())?;
            for &lr in &c.lrs {
                match self.cell(lr, bias).and_then(&value) {
                    Some((lvl, label)) => write!(out, " {} {label:>8}", shade(style, lvl))?,
                    None => write!(out, " {:>11}", "diverged")?,
                }
            }
            writeln!(out)?;
        }
        Ok(())
    }

    /// CSV, one row per combination.
    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "lr,bias_init,runs,diverged,dead_at_init_mean,dead_at_init_sd,dead_mean,dead_sd,\
             train_loss_mean,train_loss_sd,test_loss_mean,test_loss_sd"
        )?;
        for cell in &self.cells {
            let f = |s: Summary| {
                if s.n == 0 {
                    ",".to_string()
                } else {
                    format!("{:.6},{:.6}", s.mean, s.sd)
                }
            };
            writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                cell.lr,
                cell.bias,
                cell.runs.len(),
                cell.diverged(),
                f(cell.dead_at_init()),
                f(cell.dead()),
                f(cell.train_loss()),
                f(cell.test_loss())
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::BiasInit;
    use crate::experiment::sweep::{RunResult, SweepConfig};

    fn run(dead: f64, loss: f64, diverged: bool) -> RunResult {
        RunResult {
            seed: 0,
            dead_at_init: 0.0,
            dead,
            train_loss: loss,
            test_loss: Some(loss),
            diverged,
        }
    }

    fn report() -> SweepReport {
        let config = SweepConfig {
            lrs: vec![0.1, 1.0],
            bias_inits: vec![BiasInit::Constant(0.1)],
            repeats: 2,
            ..SweepConfig::default()
        };
        SweepReport {
            data: config.data_name(),
            config,
            cells: vec![
                SweepCell {
                    lr: 0.1,
                    bias: BiasInit::Constant(0.1),
                    runs: vec![run(0.0, 0.2, false), run(0.25, 0.4, false)],
                },
                SweepCell {
                    lr: 1.0,
                    bias: BiasInit::Constant(0.1),
                    runs: vec![run(0.9, f64::NAN, true), run(1.0, 0.6, false)],
                },
            ],
            cancelled: false,
        }
    }

    #[test]
    fn levels_split_unit_interval_in_fifths() {
        assert_eq!(
            [0.0, 0.19, 0.2, 0.5, 0.79, 0.8, 1.0, 7.0, -1.0, f64::NAN].map(level),
            [0, 0, 1, 2, 3, 4, 4, 4, 0, 0]
        );
    }

    #[test]
    fn heatmap_reads_without_colour() {
        let mut out = Vec::new();
        report().write_text(&mut out, TextStyle::PLAIN).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\x1b'));
        // 12.5% dead → level 0; 100% (the diverged run excluded) → level 4.
        assert!(
            text.contains("       0.1 ··    12.5% ██   100.0%"),
            "{text}"
        );
        // Loss 0.3 is the lowest (level 0), 0.6 the highest (level 4).
        assert!(
            text.contains("       0.1 ··   0.3000 ██   0.6000"),
            "{text}"
        );
        assert!(text.contains("12.5% ± 17.7%"), "{text}");
        assert!(text.contains("1/2"), "{text}");
    }

    #[test]
    fn colour_and_ascii_styles() {
        let mut out = Vec::new();
        let style = TextStyle {
            color: true,
            unicode: false,
        };
        report().write_text(&mut out, style).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\x1b[31m@@\x1b[0m"), "{text}");
        assert!(text.contains("\x1b[32m. \x1b[0m"), "{text}");
        assert!(!text.contains('█'));
    }

    #[test]
    fn csv_rows() {
        let mut out = Vec::new();
        report().write_csv(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[1],
            "0.1,0.1,2,0,0.000000,0.000000,0.125000,0.176777,0.300000,0.141421,0.300000,0.141421"
        );
        assert!(lines[2].starts_with("1,0.1,2,1,0.000000,0.000000,1.000000,0.000000,0.6"));
    }
}
