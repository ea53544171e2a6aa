//! How a born-dead result reads: a table with a header saying what was measured and over which
//! domain, or CSV.

use std::io::{self, Write};

use super::born_dead::BornDeadReport;
use super::stats::Proportion;
use crate::engine::BiasInit;

impl BornDeadReport {
    /// The human-readable table with a header saying what was measured and how.
    pub fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        let c = &self.config;
        let bias = match c.bias {
            BiasInit::Constant(0.0) => "zero biases".to_string(),
            BiasInit::Constant(v) => format!("biases {v}"),
            BiasInit::Scheme => "the scheme's biases".to_string(),
        };
        writeln!(
            out,
            "born dead: {} weights, {bias}, {} input{}, {} trials per cell, seed {}",
            c.init,
            c.inputs,
            if c.inputs == 1 { "" } else { "s" },
            c.trials,
            c.seed
        )?;
        writeln!(out, "domain: {}", self.domain)?;
        let x0: Vec<String> = self.x0.iter().map(|v| format!("{v:.4}")).collect();
        // Many equal coordinates (x0 is (1, …, 1)/√D) would fill lines with the same number.
        let x0 = if x0.len() > 4 && x0.iter().all(|v| *v == x0[0]) {
            format!("({}, …, {}), {} equal coordinates", x0[0], x0[0], x0.len())
        } else {
            format!("({})", x0.join(", "))
        };
        writeln!(
            out,
            "x0 = {x0}; closed form 1 − (1 − 2^−N)^L {}",
            if c.closed_form_applies() {
                "(exact for symmetric weights and zero biases)"
            } else if !c.homogeneous() {
                "is the symmetric, zero-bias reference; it does not apply to nonzero biases"
            } else {
                "is the symmetric, zero-bias reference; it does not apply to this init"
            }
        )?;
        if self.cancelled {
            writeln!(out, "cancelled: only the widths finished are shown")?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "{:>5} {:>5}  {:>9} {:<17}  {:>8}  {:>10} {:<17}  {:>11}",
            "width", "depth", "born dead", "95% CI", "dead", "dead at x0", "95% CI", "closed form"
        )?;
        for cell in &self.cells {
            writeln!(
                out,
                "{:>5} {:>5}  {:>9.4} {:<17}  {:>7.1}%  {:>10.4} {:<17}  {:>11.4}",
                cell.width,
                cell.depth,
                cell.born_dead.estimate,
                interval(&cell.born_dead),
                100.0 * cell.dead_share,
                cell.point_dead.estimate,
                interval(&cell.point_dead),
                cell.closed_form
            )?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "born dead: output constant over the domain; dead: mean share of hidden neurons \
             zero on the whole domain;\ndead at x0: some hidden layer all zero at x0. \
             Intervals are 95% Wilson score intervals."
        )
    }

    /// CSV with a header row, one row per cell.
    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "width,depth,trials,inputs,init,bias_init,born_dead,born_dead_low,born_dead_high,\
             dead_neuron_share,dead_at_x0,dead_at_x0_low,dead_at_x0_high,closed_form"
        )?;
        let c = &self.config;
        for cell in &self.cells {
            writeln!(
                out,
                "{},{},{},{},{},{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6}",
                cell.width,
                cell.depth,
                cell.born_dead.trials,
                c.inputs,
                c.init,
                c.bias,
                cell.born_dead.estimate,
                cell.born_dead.low,
                cell.born_dead.high,
                cell.dead_share,
                cell.point_dead.estimate,
                cell.point_dead.low,
                cell.point_dead.high,
                cell.closed_form
            )?;
        }
        Ok(())
    }
}

fn interval(p: &Proportion) -> String {
    format!("[{:.4}, {:.4}]", p.low, p.high)
}

#[cfg(test)]
mod tests {
    use crate::experiment::Progress;
    use crate::experiment::born_dead::tests::cfg;
    use crate::experiment::born_dead::{BornDeadConfig, run};

    /// The closed form's caveat names what departs from its assumptions.
    #[test]
    fn the_closed_form_caveat_names_biases_or_init() {
        use crate::engine::{BiasInit, Init};
        let caveat = |init: Init, bias: BiasInit| {
            let c = BornDeadConfig {
                init,
                bias,
                ..cfg(&[2], &[2], 5)
            };
            let mut text = Vec::new();
            run(&c, &Progress::new())
                .unwrap()
                .write_text(&mut text)
                .unwrap();
            let text = String::from_utf8(text).unwrap();
            text.lines().nth(2).unwrap().to_string()
        };
        let zero = BiasInit::Constant(0.0);
        assert!(
            caveat(Init::HeNormal, zero).ends_with("(exact for symmetric weights and zero biases)")
        );
        assert!(
            caveat(Init::HeNormal, BiasInit::Constant(0.1))
                .ends_with("does not apply to nonzero biases")
        );
        assert!(caveat(Init::Rai, zero).ends_with("does not apply to this init"));
    }

    #[test]
    fn many_equal_x0_coordinates_are_shown_once() {
        let show = |inputs: usize| {
            let c = BornDeadConfig {
                inputs,
                ..cfg(&[2], &[2], 3)
            };
            let mut text = Vec::new();
            run(&c, &Progress::new())
                .unwrap()
                .write_text(&mut text)
                .unwrap();
            String::from_utf8(text)
                .unwrap()
                .lines()
                .nth(2)
                .unwrap()
                .to_string()
        };
        assert!(show(64).starts_with("x0 = (0.1250, …, 0.1250), 64 equal coordinates; "));
        assert!(show(4).starts_with("x0 = (0.5000, 0.5000, 0.5000, 0.5000); "));
    }

    #[test]
    fn text_and_csv_have_one_row_per_cell() {
        let r = run(&cfg(&[2, 3], &[1, 2], 20), &Progress::new()).unwrap();
        let mut text = Vec::new();
        r.write_text(&mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("evenly spaced directions"), "{text}");
        assert!(text.contains("exact for symmetric weights"), "{text}");
        let mut csv = Vec::new();
        r.write_csv(&mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(csv.lines().count(), 5);
        assert!(csv.lines().all(|l| l.split(',').count() == 14));
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .starts_with("2,1,20,2,he-normal,0,")
        );
    }
}
