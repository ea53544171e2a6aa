//! Whole-screen snapshots of the explorer at several sizes, driven by actions on a paused,
//! seeded run so every frame is deterministic; plus cell-style checks for neuron health, which
//! a text snapshot cannot see.

use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use reluscope::action::Action;
use reluscope::app::Msg;
use reluscope::engine::{BiasInit, TrainConfig};
use reluscope::trainer::NeuronState;
use reluscope::ui::theme::{ColorTier, Theme};

mod common;
use common::Harness;

/// A paused app of `size` whose trainer ran `steps` steps of `config`.
fn app_with(config: TrainConfig, theme: Theme, size: (u16, u16), steps: usize) -> Harness {
    Harness::new(config, theme, size, steps)
}

fn app_at(w: u16, h: u16) -> Harness {
    Harness::at(w, h)
}

fn render(app: &Harness) -> Buffer {
    app.render()
}

fn screen(app: &Harness) -> String {
    app.screen()
}

#[test]
fn full_layout_160x48() {
    insta::assert_snapshot!(screen(&app_at(160, 48)));
}

#[test]
fn medium_layout_100x30() {
    insta::assert_snapshot!(screen(&app_at(100, 30)));
}

#[test]
fn one_pane_layout_60x20() {
    let mut app = app_at(60, 20);
    // Tab to the network pane: the one-pane layout shows whichever pane has the focus.
    for _ in 0..3 {
        app.act(Action::FocusNext);
    }
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn too_small() {
    insta::assert_snapshot!(screen(&app_at(39, 11)));
}

#[test]
fn inspector_and_parameters_after_actions() {
    let mut app = app_at(160, 48);
    for a in [
        Action::FocusNext,
        Action::FocusNext,
        Action::FocusNext,
        Action::Down,
        Action::Down,
        Action::Right,
    ] {
        app.act(a);
    }
    assert_eq!(app.panes().selected, Some((1, 1)));
    // The inspector's plane is sampled by the trainer for the requested neuron.
    let view = app.requested_view().unwrap();
    assert_eq!(view.inspect.map(|(l, n, ..)| (l, n)), Some((1, 1)));
    app.refresh();
    let text = screen(&app);
    assert!(text.contains("h2.2"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut app = app_at(100, 30);
    app.act(Action::ToggleHelp);
    let text = screen(&app);
    for key in [
        "space",
        "ctrl-c",
        "shift-tab",
        "play / pause training",
        "reset the network",
    ] {
        assert!(text.contains(key), "missing {key:?}\n{text}");
    }
    insta::assert_snapshot!(text);
    app.act(Action::Cancel);
    assert!(!screen(&app).contains("play / pause training"));
}

#[test]
fn zoomed_parameters_say_what_a_change_does() {
    let mut app = app_with(
        TrainConfig::default(),
        Theme::new(ColorTier::None, true),
        (100, 30),
        0,
    );
    app.act(Action::ToggleZoom);
    let text = screen(&app);
    assert!(text.is_ascii(), "{text}");
    assert!(text.contains("<> change | enter type | live"), "{text}");
    // Down to the weight init, which needs a new network.
    for _ in 0..7 {
        app.act(Action::Down);
    }
    let text = screen(&app);
    assert!(text.contains(">weight init"), "{text}");
    assert!(text.contains("enter type | rebuilds"), "{text}");
}

#[test]
fn ascii_without_colour() {
    let app = app_with(
        TrainConfig::default(),
        Theme::new(ColorTier::None, true),
        (100, 30),
        250,
    );
    let text = screen(&app);
    let odd: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    assert!(odd.is_empty(), "non-ASCII {odd:?} in ASCII mode:\n{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn editing_a_value_shows_the_text() {
    let mut app = app_at(100, 30);
    // Parameters has the focus at start; the learning rate is the third knob.
    app.act(Action::Down);
    app.act(Action::Down);
    app.act(Action::Enter);
    for _ in 0..4 {
        app.act(Msg::Backspace);
    }
    for c in "0.1".chars() {
        app.act(Msg::Input(c));
    }
    assert!(screen(&app).contains("0.1_"));
    app.act(Action::Enter);
    assert_eq!(app.config().lr, 0.1);
    assert!(screen(&app).contains("learning rate 0.1"));
}

/// Cells showing `glyph` inside `area`.
fn cells_with(buf: &Buffer, area: Rect, glyph: &str) -> Vec<(u16, u16)> {
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

#[test]
fn dead_and_alive_neurons_have_their_styles() {
    for tier in [ColorTier::TrueColor, ColorTier::Ansi16, ColorTier::None] {
        let theme = Theme::new(tier, false);
        let mut app = app_with(TrainConfig::default(), theme.clone(), (160, 48), 0);
        // Mark neuron h1.1 dead and h1.2 saturated; the rest stay alive.
        let mut snap = (**app.snapshot().unwrap()).clone();
        snap.layers[0].neurons[0].health = NeuronState::Dead;
        snap.layers[0].neurons[1].health = NeuronState::Saturated;
        for n in &mut snap.layers[0].neurons[2..] {
            n.health = NeuronState::Alive;
        }
        for n in &mut snap.layers[1].neurons {
            n.health = NeuronState::Alive;
        }
        (snap.alive, snap.dead, snap.saturated) = (14, 1, 1);
        app.act(Msg::Snapshot(Arc::new(snap)));
        let buf = render(&app);
        let layout = reluscope::app::layout::compute(buf.area, &app).unwrap();
        let net = layout.get(reluscope::app::Pane::Network).unwrap();
        // The node rows: below the header, above the per-layer counts and the legend.
        let body = Rect::new(net.x + 1, net.y + 2, net.width - 2, net.height - 7);
        let g = theme.glyphs;
        let dead = cells_with(&buf, body, g.dead);
        let saturated = cells_with(&buf, body, g.saturated);
        let alive = cells_with(&buf, body, g.alive);
        assert_eq!(dead.len(), 1, "{tier:?}");
        assert_eq!(saturated.len(), 1, "{tier:?}");
        assert_eq!(alive.len(), 14, "{tier:?}");
        let style_of = |(x, y): (u16, u16)| buf[(x, y)].style();
        let fg = |s: ratatui::style::Style| s.fg.unwrap_or(ratatui::style::Color::Reset);
        assert_eq!(fg(style_of(dead[0])), fg(theme.dead), "{tier:?}");
        assert_eq!(style_of(dead[0]).add_modifier, theme.dead.add_modifier);
        for &c in &alive {
            assert_eq!(fg(style_of(c)), fg(theme.alive), "{tier:?}");
            assert_eq!(style_of(c).add_modifier, theme.alive.add_modifier);
        }
        if tier != ColorTier::None {
            assert_ne!(style_of(dead[0]).fg, style_of(alive[0]).fg, "{tier:?}");
        }
        // The legend counts them.
        assert!(reluscope::ui::buffer_text(&buf).contains("alive 14 · ○ dead 1 · ◐ saturated 1"));
    }
}

#[test]
fn born_dead_network_shows_dead_neurons() {
    // A bias of -5 puts every ReLU pre-activation below zero on the data: dead at birth.
    let config = TrainConfig {
        bias_init: BiasInit::Constant(-5.0),
        ..TrainConfig::default()
    };
    let app = app_with(
        config,
        Theme::new(ColorTier::TrueColor, false),
        (160, 48),
        0,
    );
    let snap = app.snapshot().unwrap();
    assert!(snap.dead > 0, "expected dead neurons, got {}", snap.dead);
    let text = screen(&app);
    assert!(text.contains(&format!("dead {}", snap.dead)), "{text}");
    // Under each layer, its dead count.
    let h1_dead = snap.hidden()[0]
        .neurons
        .iter()
        .filter(|n| n.health == NeuronState::Dead)
        .count();
    assert!(text.contains(&format!("○{h1_dead} ◐")), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_click_focuses_the_pane_under_it() {
    let mut app = app_at(160, 48);
    let area = Rect::new(0, 0, 160, 48);
    let layout = reluscope::app::layout::compute(area, &app).unwrap();
    let out = layout.get(reluscope::app::Pane::Output).unwrap();
    app.act(Msg::Click(out.x + 2, out.y + 2));
    assert_eq!(app.panes().focus, reluscope::app::Pane::Output);
    // A click on the status bar changes nothing.
    assert!(!app.act(Msg::Click(1, 47)).redraw());
    assert_eq!(app.panes().focus, reluscope::app::Pane::Output);
}

#[test]
fn zoomed_activation_with_comparisons_and_a_parameter() {
    let mut app = app_at(100, 30);
    app.act(Action::NextActivation); // leaky-relu
    app.act(Action::FocusNext); // activation pane
    app.act(Action::ToggleZoom);
    app.act(Action::CycleCompare); // sigmoid and tanh
    for _ in 0..3 {
        app.act(Action::Down); // zoom in
    }
    app.act(Action::Left);
    let text = screen(&app);
    assert!(text.contains("slope=0.01"), "{text}");
    assert!(text.contains("sigmoid") && text.contains("tanh"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn zoomed_derivative_of_sigmoid_marks_saturation() {
    let mut app = app_at(100, 30);
    for _ in 0..4 {
        app.act(Action::PrevActivation); // relu -> step -> linear -> softsign -> tanh
    }
    app.act(Action::PrevActivation); // sigmoid
    assert_eq!(app.config().activation.info().name, "sigmoid");
    app.act(Msg::Focus(reluscope::app::Pane::Derivative));
    app.act(Action::ToggleZoom);
    let text = screen(&app);
    assert!(text.contains("saturated"), "{text}");
    assert!(!text.contains("no gradient"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_diverged_run_says_how_to_recover() {
    let mut app = app_at(160, 48);
    let mut snap = (**app.snapshot().unwrap()).clone();
    snap.diverged = true;
    snap.train_loss = f64::NAN;
    app.act(Msg::Snapshot(Arc::new(snap)));
    let text = screen(&app);
    assert!(text.contains("diverged"), "{text}");
    assert!(
        text.contains("- lowers the learning rate, r resets"),
        "{text}"
    );
    assert!(text.contains("train NaN"), "{text}");
}

#[test]
fn the_output_probe_reads_the_prediction() {
    let mut app = app_at(160, 48);
    app.act(Msg::Focus(reluscope::app::Pane::Output));
    app.act(Action::Up); // the probe appears at the centre
    let text = screen(&app);
    assert!(text.contains("x1 0 x2 0 p(+1)"), "{text}");
    // The circle dataset is positive at the centre: a trained network says so.
    let line = text.lines().find(|l| l.contains("p(+1)")).unwrap();
    let p: f64 = line
        .split("p(+1) ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(p > 0.5, "p(+1) at the centre = {p}");
    app.act(Action::Left);
    assert!(screen(&app).contains("x1 -0.5 x2 0 p(+1)"));
    app.act(Action::Cancel);
    assert!(!screen(&app).contains("p(+1)"));
}

#[test]
fn regression_data_colours_points_by_target() {
    let config = TrainConfig {
        dataset: reluscope::engine::DatasetKind::MultiGauss,
        ..TrainConfig::default()
    };
    let mut app = app_with(
        config,
        Theme::new(ColorTier::TrueColor, false),
        (100, 30),
        100,
    );
    let text = screen(&app);
    assert!(text.contains("Output: multi-gauss"), "{text}");
    assert!(text.contains("value -"), "{text}");
    app.act(Msg::Focus(reluscope::app::Pane::Output));
    app.act(Action::Down);
    assert!(screen(&app).contains("x1 0 x2 0 y "));
}

#[test]
fn scenarios_are_picked_and_toured() {
    let mut app = app_at(160, 48);
    app.act(Action::PickScenario);
    assert_eq!(app.picker(), Some(0));
    app.act(Action::Down);
    let text = screen(&app);
    assert!(
        text.contains("Scenarios (enter start, esc close)"),
        "{text}"
    );
    insta::assert_snapshot!(text);
    let effects = app.act(Action::Enter);
    assert_eq!(app.picker(), None);
    let second = &reluscope::settings::preset::all()[1];
    assert_eq!(app.scenario().unwrap().title, second.title);
    let expected = reluscope::settings::Settings::default()
        .with_scenario(second)
        .unwrap();
    assert_eq!(*app.config(), expected.train);
    assert!(
        effects.trainer().iter().any(
            |c| matches!(c, reluscope::trainer::Command::Restart(cfg) if **cfg == expected.train)
        ),
        "a fresh run of the scenario's preset"
    );
    let text = screen(&app);
    assert!(text.contains(&format!("scenario: {}", second.title)));
    // Without a selected neuron, the inspector's place shows what to watch.
    assert!(text.contains("Scenario ─"), "{text}");
    // The tour goes on from there, and wraps around backwards.
    app.act(Action::NextScenario);
    assert_eq!(
        app.scenario().unwrap().title,
        reluscope::settings::preset::all()[2].title
    );
    // Back from the tour's first scenario wraps to its last.
    app.act(Action::PrevScenario);
    app.act(Action::PrevScenario);
    assert_eq!(app.scenario_index(), Some(0));
    app.act(Action::PrevScenario);
    let last = reluscope::settings::preset::all().len() - 1;
    assert_eq!(app.scenario_index(), Some(last));
    // The help overlay shows what to watch.
    app.act(Action::ToggleHelp);
    let caption_start: String = reluscope::settings::preset::all()[last]
        .caption
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(screen(&app).contains(&caption_start), "{}", screen(&app));
}

#[test]
fn typing_replaces_the_prefilled_value() {
    let mut app = app_at(100, 30);
    app.act(Action::Down);
    app.act(Action::Down);
    app.act(Action::Enter);
    assert_eq!(app.editing(), Some("0.03"));
    app.act(Action::ToggleZoom);
    assert!(screen(&app).contains("type to replace"));
    // Typing straight away replaces the value shown, as in a selected field.
    for c in "0.1".chars() {
        app.act(Msg::Input(c));
    }
    assert_eq!(app.editing(), Some("0.1"));
    app.act(Action::Enter);
    assert_eq!(app.config().lr, 0.1);
    // Backspace first edits the prefilled value instead.
    app.act(Action::Enter);
    app.act(Msg::Backspace);
    app.act(Msg::Input('5'));
    assert_eq!(app.editing(), Some("0.5"));
}

#[test]
fn activation_parameters_are_never_cut_off() {
    // At 160x48 the Activation pane is too narrow for PReLU's formula and `a=0.25` on one
    // line; cut there, the value read `a=0`.
    let config = TrainConfig {
        activation: "prelu".parse().unwrap(),
        ..TrainConfig::default()
    };
    let app = app_with(config, Theme::new(ColorTier::Ansi16, false), (160, 48), 0);
    let text = screen(&app);
    assert!(text.contains("a=0.25"), "{text}");
    // Formulas that do not fit end in an ellipsis rather than stop mid-expression.
    let config = TrainConfig {
        activation: "softplus".parse().unwrap(),
        ..TrainConfig::default()
    };
    let app = app_with(config, Theme::new(ColorTier::Ansi16, false), (160, 48), 0);
    let text = screen(&app);
    assert!(text.contains("beta=1  threshold=20"), "{text}");
    assert!(text.contains('…'), "{text}");
}

#[test]
fn esc_acts_on_something_visible_in_the_full_layout() {
    let mut app = app_at(160, 48);
    // Parameters -> Activation -> Derivative -> Network: select a neuron, toggle the inspector.
    for _ in 0..3 {
        app.act(Action::FocusNext);
    }
    app.act(Action::Enter);
    assert!(app.panes().selected.is_some() && app.panes().inspector);
    // Output: place a probe, then esc. The full layout shows the inspector regardless of the
    // toggle, so esc must remove the probe, not flip the toggle and change nothing visible.
    app.act(Action::FocusNext);
    app.act(Action::Down);
    assert!(app.panes().probe.is_some());
    let before = screen(&app);
    app.act(Action::Cancel);
    assert!(app.panes().probe.is_none());
    assert_ne!(screen(&app), before);
    // In the medium layout the toggle shows, and esc closes the inspector first.
    let mut app = app_at(100, 30);
    app.act(Action::FocusNext); // Activation
    app.act(Action::FocusNext); // Network
    app.act(Action::Enter);
    assert!(app.panes().inspector);
    app.act(Action::Cancel);
    assert!(!app.panes().inspector && app.panes().selected.is_some());
}

/// The text inside the help overlay's box, one line per row.
fn help_box(text: &str) -> Vec<String> {
    let rows: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let Some((top, left)) = rows.iter().enumerate().find_map(|(y, r)| {
        let s: String = r.iter().collect();
        s.find("Keys (? or esc")
            .map(|b| (y, s[..b].chars().count() - 2))
    }) else {
        return Vec::new();
    };
    let right = (left + 1..rows[top].len())
        .find(|&x| rows[top][x] == '╮')
        .unwrap_or(rows[top].len() - 1);
    let mut out = Vec::new();
    for r in &rows[top + 1..] {
        if r.get(left) == Some(&'╰') {
            break;
        }
        out.push(r[left + 1..right.min(r.len())].iter().collect());
    }
    out
}

#[test]
fn help_with_a_scenario_shows_the_whole_caption_and_every_key() {
    let first = &reluscope::settings::preset::all()[0];
    for (w, h) in [(160, 48), (100, 30)] {
        let mut app = app_at(w, h);
        app.act(Action::NextScenario);
        app.act(Action::ToggleHelp);
        let inside = help_box(&screen(&app)).join(" ");
        // The caption is wrapped to the box, not cut at its edge.
        let words: Vec<&str> = inside.split_whitespace().collect();
        for word in first.caption.split_whitespace() {
            assert!(words.contains(&word), "{w}x{h}: '{word}' cut\n{inside}");
        }
        // The keys below the scenario still reach the last binding: on screen, or scrolled
        // into view where the screen is too short for them all.
        for _ in 0..reluscope::app::help::max_scroll(&app) {
            app.act(Action::Down);
        }
        let inside = help_box(&screen(&app)).join(" ");
        assert!(inside.contains("quit"), "{w}x{h}: keys cut\n{inside}");
    }
}

#[test]
fn metrics_chart_titles_do_not_run_together() {
    // At 90x26 each chart of the Metrics pane is 13 columns: `loss train test` ran into the
    // next title as `loss train tedead % 0%`.
    let text = screen(&app_at(90, 26));
    assert!(!text.contains("tedead"), "{text}");
    assert!(text.contains("loss ") && text.contains("dead "), "{text}");
}

#[test]
fn the_rebuild_notice_keeps_what_caused_it() {
    let config = TrainConfig::default();
    let mut app = Harness::new(
        config.clone(),
        Theme::new(ColorTier::None, false),
        (160, 48),
        0,
    );
    // `R`: new data. The trainer rebuilds and says so; the message must still say why.
    app.act(Action::NewData);
    app.refresh();
    let msg = &app.message().unwrap().0;
    assert!(msg.starts_with("new data (seed 1)"), "{msg}");
    assert!(msg.contains("network rebuilt: 8,8 hidden layers"), "{msg}");
    // A scenario's title stays in front of the trainer's "new run" notice.
    app.act(Action::NextScenario);
    app.refresh();
    let msg = &app.message().unwrap().0;
    assert!(msg.starts_with("scenario: "), "{msg}");
    assert!(msg.contains("new run: "), "{msg}");
}

#[test]
fn diverged_status_keeps_the_learning_rate_in_view() {
    // At 100 columns the explanation used to push `lr` off the line, so lowering it with `-`
    // showed no change.
    let mut app = app_at(100, 30);
    let mut snap = (**app.snapshot().unwrap()).clone();
    snap.diverged = true;
    app.act(Msg::Snapshot(Arc::new(snap)));
    app.act(Action::LrDown);
    let text = screen(&app);
    let status = text.lines().nth(28).unwrap();
    assert!(status.contains("diverged"), "{status}");
    assert!(status.contains("lr 0.01"), "{status}");
}

#[test]
fn one_sided_limits_are_named_only_when_drawn() {
    let shown = |spec: &str| {
        let config = TrainConfig {
            activation: spec.parse().unwrap(),
            ..TrainConfig::default()
        };
        screen(&app_with(
            config,
            Theme::new(ColorTier::Ansi16, false),
            (160, 48),
            0,
        ))
    };
    // ReLU jumps at 0: the open dots mark the one-sided limits.
    assert!(shown("relu").contains("one-sided limits"));
    // ELU with alpha = 1 has a continuous derivative: no open dot, so no such legend.
    let elu = shown("elu");
    assert!(elu.contains("kink f'(0) = 1"), "{elu}");
    assert!(!elu.contains("one-sided limits"), "{elu}");
}

#[test]
fn help_scrolls_to_every_key_on_a_small_terminal() {
    // 80x24: one column of keys, taller than the screen. The last bindings (experiments,
    // quit) used to be out of reach.
    let mut app = app_at(80, 24);
    app.act(Action::ToggleHelp);
    let first = help_box(&screen(&app)).join("\n");
    assert!(!first.contains("quit"), "{first}");
    assert!(screen(&app).contains("↓ more"));
    for _ in 0..60 {
        app.act(Action::Down);
    }
    let last = help_box(&screen(&app)).join("\n");
    assert!(
        last.contains("quit") && last.contains("experiments view"),
        "{last}"
    );
    assert!(screen(&app).contains("↑ more"));
    // Scrolled past the end, one press up still moves.
    app.act(Action::Up);
    assert_ne!(help_box(&screen(&app)).join("\n"), last);
    // Reopened, it starts at the top.
    app.act(Action::Cancel);
    app.act(Action::ToggleHelp);
    assert_eq!(help_box(&screen(&app)).join("\n"), first);
}
