//! The Experiments view on ratatui's TestBackend: what it shows for born-dead curves, a sweep
//! heatmap and progress, in colour and ASCII, and that no size makes it panic.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use reluscope::engine::{BiasInit, Init};
use reluscope::experiment::{
    BornDeadCell, BornDeadConfig, BornDeadReport, ExperimentResults, JobStatus, Progress,
    Proportion, RunResult, SweepCell, SweepConfig, SweepReport, born_dead,
    single_point_dead_probability,
};
use reluscope::ui::experiments::ExperimentsView;

fn born_dead_results() -> ExperimentResults {
    let symmetric = BornDeadConfig {
        widths: vec![2, 4],
        depths: vec![1, 4, 8],
        trials: 200,
        points: Some(32),
        ..BornDeadConfig::default()
    };
    let zero = BornDeadConfig {
        init: Init::Zero,
        ..symmetric.clone()
    };
    ExperimentResults {
        born_dead: [symmetric, zero]
            .iter()
            .map(|c| born_dead::run(c, &Progress::new()).unwrap())
            .collect(),
        status: JobStatus::Done,
        progress: 1.0,
        stage: 1,
        stages: 2,
        ..ExperimentResults::default()
    }
}

fn run(dead: f64, diverged: bool) -> RunResult {
    RunResult {
        seed: 0,
        dead_at_init: 0.0,
        dead,
        train_loss: 0.1,
        test_loss: Some(0.1),
        diverged,
    }
}

fn sweep_results() -> ExperimentResults {
    let config = SweepConfig {
        lrs: vec![0.1, 1.0],
        bias_inits: vec![BiasInit::Constant(0.1), BiasInit::Constant(-3.0)],
        repeats: 1,
        ..SweepConfig::default()
    };
    let cell = |lr, b, runs| SweepCell {
        lr,
        bias: BiasInit::Constant(b),
        runs,
    };
    ExperimentResults {
        sweep: Some(SweepReport {
            data: config.data_name(),
            config,
            cells: vec![
                cell(0.1, 0.1, vec![run(0.05, false)]),
                cell(1.0, 0.1, vec![run(0.9, false)]),
                cell(0.1, -3.0, vec![]),
                cell(1.0, -3.0, vec![run(f64::NAN, true)]),
            ],
            cancelled: false,
        }),
        status: JobStatus::Running,
        progress: 0.5,
        stages: 1,
        ..ExperimentResults::default()
    }
}

fn draw(results: &ExperimentResults, w: u16, h: u16, ascii: bool, color: bool) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    let view = ExperimentsView {
        results,
        ascii,
        color,
        hint: "x run · c cancel",
    };
    t.draw(|f| f.render_widget(&view, f.area())).unwrap();
    t.backend().buffer().clone()
}

fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

#[test]
fn born_dead_curves_side_by_side() {
    let buf = draw(&born_dead_results(), 100, 24, false, true);
    let text = lines(&buf);
    let all = text.join("\n");
    assert!(text[1].contains("born dead · done"), "{all}");
    assert!(
        text[1].contains("100%") && text[1].contains("stage 2/2"),
        "{all}"
    );
    assert!(all.contains("P(born dead): he-normal b=0"), "{all}");
    assert!(all.contains("P(born dead): zero b=0"), "{all}");
    assert!(all.contains("● N=2") && all.contains("▲ N=4"), "{all}");
    assert!(all.contains("x run · c cancel"), "{all}");
    // The zero init is always born dead: every point sits on the 1.0 row of the right plot.
    let row = text.iter().rposition(|l| l.contains("1.0")).unwrap();
    let right_half: String = text[row].chars().skip(50).collect();
    assert!(
        right_half.contains('●') || right_half.contains('▲'),
        "{all}"
    );
    // Depth 1 is never born dead in 2 dimensions: a glyph on the left plot's 0.0 row.
    let zero_row = text.iter().position(|l| l.contains("0.0")).unwrap();
    let left_half: String = text[zero_row].chars().take(50).collect();
    assert!(left_half.contains('●') || left_half.contains('▲'), "{all}");
    // Series have colours when colour is on.
    let glyph = (0..100)
        .flat_map(|x| (0..24).map(move |y| (x, y)))
        .find(|&p| buf[p].symbol() == "●")
        .unwrap();
    assert_eq!(buf[glyph].fg, Color::Cyan);
}

#[test]
fn sweep_heatmap_shades_and_states() {
    let buf = draw(&sweep_results(), 80, 16, false, true);
    let text = lines(&buf);
    let all = text.join("\n");
    assert!(text[1].contains("lr × bias sweep · running"), "{all}");
    assert!(text[1].contains("50%"), "{all}");
    let row = |label: &str| {
        text.iter()
            .find(|l| l.contains(label) && !l.contains("bias\\lr"))
            .unwrap()
            .clone()
    };
    let r1 = row("     0.1 ");
    assert!(
        r1.contains("··   5.0%") && r1.contains("██  90.0%"),
        "{all}"
    );
    let r2 = row("      -3 ");
    assert!(r2.contains('…') && r2.contains("diverged"), "{all}");
    let x = r1.chars().position(|c| c == '█').unwrap() as u16;
    let y = text.iter().position(|l| *l == r1).unwrap() as u16;
    assert_eq!(buf[(x, y)].fg, Color::Red);
}

#[test]
fn ascii_without_colour() {
    for results in [born_dead_results(), sweep_results()] {
        let buf = draw(&results, 90, 20, true, false);
        for cell in buf.content() {
            assert!(cell.symbol().is_ascii(), "non-ASCII '{}'", cell.symbol());
            assert_eq!(cell.fg, Color::Reset);
        }
    }
    let all = lines(&draw(&sweep_results(), 90, 20, true, false)).join("\n");
    assert!(all.contains("@@  90.0%") && all.contains("..."), "{all}");
    assert!(all.contains("lr x bias sweep - running  ####"), "{all}");
}

#[test]
fn empty_and_failed_states() {
    let all = lines(&draw(&ExperimentResults::default(), 90, 12, false, false)).join("\n");
    assert!(all.contains("No experiment yet"), "{all}");
    let failed = ExperimentResults {
        status: JobStatus::Failed("--width 0 is out of range".into()),
        ..ExperimentResults::default()
    };
    let all = lines(&draw(&failed, 90, 12, false, false)).join("\n");
    assert!(all.contains("failed: --width 0 is out of range"), "{all}");
    let all = lines(&draw(&born_dead_results(), 30, 8, false, false)).join("\n");
    assert!(all.contains("needs 40×10"), "{all}");
}

#[test]
fn no_size_panics() {
    let both = ExperimentResults {
        sweep: sweep_results().sweep,
        ..born_dead_results()
    };
    for w in (0..130).step_by(7) {
        for h in (0..45).step_by(4) {
            for ascii in [false, true] {
                draw(&both, w, h, ascii, true);
            }
        }
    }
}

/// Hand-made results (independent of the random draws), so the snapshot changes only when the
/// drawing does.
fn synthetic() -> ExperimentResults {
    let report = |init: Init, bias: BiasInit, scale: f64| {
        let config = BornDeadConfig {
            widths: vec![2, 4],
            depths: (1..=10).collect(),
            trials: 1000,
            init,
            bias,
            ..BornDeadConfig::default()
        };
        let cells = [2, 4]
            .iter()
            .flat_map(|&w| {
                (1..=10).map(move |d| {
                    let p = scale * single_point_dead_probability(w, d);
                    let k = (p * 1000.0).round() as u64;
                    BornDeadCell {
                        width: w,
                        depth: d,
                        born_dead: Proportion::new(k, 1000),
                        point_dead: Proportion::new(k, 1000),
                        dead_share: p / 2.0,
                        dead_neurons: (p / 2.0 * (1000 * w * d) as f64).round() as u64,
                        closed_form: single_point_dead_probability(w, d),
                    }
                })
            })
            .collect();
        BornDeadReport {
            config,
            domain: String::new(),
            x0: vec![],
            cells,
            cancelled: false,
        }
    };
    ExperimentResults {
        born_dead: vec![
            report(Init::HeNormal, BiasInit::Constant(0.0), 1.0),
            report(Init::Rai, BiasInit::Scheme, 0.3),
        ],
        sweep: sweep_results().sweep,
        status: JobStatus::Running,
        progress: 0.25,
        stage: 1,
        stages: 2,
    }
}

#[test]
fn snapshot_full_view() {
    let text = lines(&draw(&synthetic(), 100, 30, false, false)).join("\n");
    insta::assert_snapshot!("experiments_view_100x30", text);
    let text = lines(&draw(&synthetic(), 64, 20, true, false)).join("\n");
    insta::assert_snapshot!("experiments_view_ascii_64x20", text);
}
