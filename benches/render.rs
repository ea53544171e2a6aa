//! Cost of one explorer frame: the full-screen render at 160×48 (budget: under 1 ms) of the
//! default run with a neuron inspected, of the sparsity scenario (16,16: tiles side by side,
//! each neuron's strongest edges) and of the pre-activation view of dying-high-lr; the
//! terminal diff and write through a test backend; the trainer's snapshot capture.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use reluscope::action::Action;
use reluscope::app::{App, Msg, update};
use reluscope::engine::TrainConfig;
use reluscope::settings::builtin_keymap;
use reluscope::trainer::Worker;
use reluscope::ui::{self, theme::ColorTier, theme::Theme};

fn setup(w: u16, h: u16) -> (App, Worker) {
    let config = TrainConfig::default();
    // The keymap the binary runs: the default config file's.
    let mut app = App::new(config.clone(), builtin_keymap(), false, false, (w, h));
    // Select a neuron so the inspector's plane is drawn too (the most expensive frame).
    update(&mut app, Msg::Focus(reluscope::app::Pane::Network));
    update(&mut app, Action::Down);
    let view = reluscope::app::layout::wanted_view(&app);
    let mut worker = Worker::new(config, true, None, view).unwrap();
    for _ in 0..500 {
        worker.step();
    }
    update(&mut app, Msg::Snapshot(Arc::new(worker.capture())));
    (app, worker)
}

/// A paused scenario at 160×48 after `steps` steps, its Network pane focused.
fn scenario(name: &str, steps: usize, preact: bool) -> App {
    use reluscope::settings::{Settings, preset};
    let s = preset::find(name).unwrap();
    let settings = Settings::default().with_scenario(&s).unwrap();
    let train = settings.train.clone();
    let mut app = App::from_settings(train.clone(), settings, false, (160, 48));
    update(&mut app, Msg::Paused(true));
    if preact {
        update(&mut app, Action::TogglePreactivations);
    }
    let view = reluscope::app::layout::wanted_view(&app);
    let mut worker = Worker::new(train, false, None, view).unwrap();
    for _ in 0..steps {
        worker.step();
    }
    update(&mut app, Msg::Snapshot(Arc::new(worker.capture())));
    app
}

fn bench(c: &mut Criterion) {
    let (app, worker) = setup(160, 48);
    let theme = Theme::new(ColorTier::TrueColor, false);
    let area = Rect::new(0, 0, 160, 48);
    c.bench_function("render_full_frame_160x48", |b| {
        let mut buf = Buffer::empty(area);
        b.iter(|| {
            buf.reset();
            ui::render(area, &mut buf, black_box(&app), &theme);
        });
    });
    for (name, app) in [
        ("render_sparsity_160x48", scenario("sparsity", 300, false)),
        (
            "render_preactivations_160x48",
            scenario("dying-high-lr", 540, true),
        ),
    ] {
        c.bench_function(name, |b| {
            let mut buf = Buffer::empty(area);
            b.iter(|| {
                buf.reset();
                ui::render(area, &mut buf, black_box(&app), &theme);
            });
        });
    }
    c.bench_function("draw_and_diff_160x48", |b| {
        let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
        b.iter(|| {
            term.draw(|f| ui::draw(f, black_box(&app), &theme)).unwrap();
        });
    });
    c.bench_function("snapshot_capture_160x48", |b| {
        b.iter(|| black_box(worker.capture()));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
