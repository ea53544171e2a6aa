//! Every scenario, run headless for a fixed number of steps, shows the effect its caption
//! promises. Each test runs the preset exactly as the explorer would load it (built-in
//! defaults + the scenario), and where the claim is a contrast, the same preset with the one
//! change the caption suggests.

use reluscope::activation::Activation;
use reluscope::engine::{BiasInit, Init, NeuronState, Session, TrainConfig};
use reluscope::settings::{Settings, preset as scenario};

/// The training settings the explorer gets when the scenario is picked.
fn preset(name: &str) -> Settings {
    let s = scenario::find(name).unwrap_or_else(|p| panic!("{name}: {}", p.what));
    Settings::default().with_scenario(&s).unwrap()
}

/// Trains for `steps` (stopping early on divergence) and runs a final health pass.
fn train(config: TrainConfig, steps: u64) -> Session {
    let mut s = Session::new(config).unwrap();
    while s.step_count() < steps && !s.diverged() {
        s.step();
    }
    s.refresh();
    s
}

fn act(spec: &str) -> Activation {
    spec.parse().unwrap()
}

#[test]
fn relu_basics_shows_the_kink_and_the_zero_gradient_side() {
    let s = preset("relu-basics");
    let f = s.train.activation;
    assert_eq!(f, Activation::Relu);
    let (lo, hi) = s.display.x_range;
    assert!(
        lo < 0.0 && hi > 0.0,
        "the range shows both sides of the kink"
    );
    assert!(
        s.display.paused,
        "nothing moves while the curves are explored"
    );
    for x in [-2.5, -1.0, -1e-9] {
        assert_eq!(f.value(x), 0.0, "negatives become 0");
        assert_eq!(f.derivative(x), 0.0, "no gradient for x < 0");
    }
    for x in [1e-9, 1.0, 2.5] {
        assert_eq!(f.value(x), x, "positives pass unchanged");
        assert_eq!(f.derivative(x), 1.0);
    }
    assert_eq!(f.derivative(0.0), 0.0, "PyTorch's convention at the kink");
}

#[test]
fn nonlinearity_linear_cannot_fit_the_circle_relu_can() {
    let s = preset("nonlinearity");
    assert_eq!(s.train.activation, Activation::Linear);
    let linear = train(s.train.clone(), 500);
    let mut with_relu = s.train.clone();
    with_relu.activation = Activation::Relu;
    let relu = train(with_relu, 500);
    let (lin_acc, _) = linear.accuracy().unwrap();
    let (relu_acc, _) = relu.accuracy().unwrap();
    assert!(
        linear.train_loss() > 0.6,
        "linear loss {}",
        linear.train_loss()
    );
    assert!(relu.train_loss() < 0.3, "relu loss {}", relu.train_loss());
    assert!(
        lin_acc < 0.75 && relu_acc > 0.9,
        "accuracy linear {lin_acc}, relu {relu_acc}"
    );
}

#[test]
fn sparsity_relu_layers_hold_exact_zeros_tanh_none() {
    let s = preset("sparsity");
    let relu = train(s.train.clone(), 300);
    let hidden = s.train.hidden.len();
    for (l, layer) in relu.health().layers[..hidden].iter().enumerate() {
        assert!(
            layer.sparsity > 0.3,
            "layer {l} sparsity {}",
            layer.sparsity
        );
        assert!(
            layer.sparsity < 0.9,
            "layer {l} is mostly dead, not sparse: {}",
            layer.sparsity
        );
    }
    assert_eq!(relu.health().dead, 0, "sparse, not dead");
    let mut tanh = s.train.clone();
    tanh.activation = act("tanh");
    let tanh = train(tanh, 300);
    for layer in &tanh.health().layers[..hidden] {
        assert_eq!(layer.sparsity, 0.0);
    }
}

#[test]
fn vanishing_sigmoid_first_layer_gradient_is_100x_below_the_last() {
    let s = preset("vanishing-sigmoid");
    assert!(s.train.hidden.len() >= 6);
    assert_eq!(s.train.activation, Activation::Sigmoid);
    let ratio = |session: &Session| {
        let layers = &session.health().layers;
        let hidden = layers.len() - 1;
        layers[hidden - 1].grad_norm / layers[0].grad_norm
    };
    let sigmoid = train(s.train.clone(), 100);
    assert!(
        ratio(&sigmoid) >= 100.0,
        "last/first gradient norm {}",
        ratio(&sigmoid)
    );
    let mut relu = s.train.clone();
    relu.activation = Activation::Relu;
    let relu = train(relu, 100);
    assert!(
        ratio(&relu) < 10.0,
        "relu keeps the norms together: {}",
        ratio(&relu)
    );
}

#[test]
fn dying_high_lr_kills_neurons_for_good() {
    let s = preset("dying-high-lr");
    let mut session = Session::new(s.train.clone()).unwrap();
    let dead_in_first = |session: &Session| -> Vec<bool> {
        let states = &session.health().neurons[0];
        states
            .iter()
            .map(|n| n.state == NeuronState::Dead)
            .collect()
    };
    let mut first_layer_deaths = vec![false; s.train.hidden[0]];
    let mut revivals_at = Vec::new();
    for _ in 0..30 {
        for _ in 0..10 {
            session.step();
        }
        session.refresh();
        // A first-layer neuron gets its input straight from the data: once dead, its gradient
        // is 0 on every sample and nothing can bring it back.
        for (was, now) in first_layer_deaths.iter_mut().zip(dead_in_first(&session)) {
            assert!(!*was || now, "a dead first-layer neuron came back");
            *was = now;
        }
        revivals_at.push(session.health().revivals);
    }
    let h = session.health();
    assert!(!session.diverged());
    assert!(
        h.dead_fraction() > 0.3,
        "dead fraction {}",
        h.dead_fraction()
    );
    assert!(
        first_layer_deaths.iter().any(|&d| d),
        "first-layer neurons die too"
    );
    // Deeper neurons may be revived early on by changes below them; after that, none.
    assert_eq!(
        revivals_at[15], revivals_at[29],
        "revivals stop: {revivals_at:?}"
    );
}

#[test]
fn leaky_rescue_same_setup_no_neuron_dies() {
    let dying = preset("dying-high-lr").train;
    let leaky = preset("leaky-rescue").train;
    // The same setup but for the activation.
    let mut same = dying.clone();
    same.activation = leaky.activation;
    assert_eq!(same, leaky);
    assert!(matches!(leaky.activation, Activation::LeakyRelu { .. }));
    let session = train(leaky, 300);
    assert!(!session.diverged());
    assert_eq!(session.health().dead, 0);
    assert_eq!(session.health().deaths, 0);
}

#[test]
fn dying_negative_bias_is_born_dead_and_a_small_bias_is_not() {
    let s = preset("dying-negative-bias");
    assert!(matches!(s.train.bias_init, BiasInit::Constant(b) if b < 0.0));
    let born = train(s.train.clone(), 0);
    let h = born.health();
    assert!(
        h.born_dead_neurons as f64 > 0.7 * h.total() as f64,
        "born dead {} of {}",
        h.born_dead_neurons,
        h.total()
    );
    let mut fixed = s.train.clone();
    fixed.bias_init = BiasInit::Constant(0.1);
    assert_eq!(train(fixed, 0).health().born_dead_neurons, 0);
}

#[test]
fn born_dead_depth_with_he_and_alive_with_rai() {
    let s = preset("born-dead-depth");
    assert_eq!(s.train.hidden, vec![2; 8]);
    assert_eq!(s.train.init, Init::HeNormal);
    let he = train(s.train.clone(), 0);
    assert!(
        he.health().born_dead,
        "he-normal: the output is constant at birth"
    );
    // Training cannot revive it: the output stays constant.
    let he = train(s.train.clone(), 200);
    assert!(he.health().output_constant);
    assert_eq!(s.train.bias_init, BiasInit::Scheme);
    let mut rai = s.train.clone();
    rai.init = Init::Rai;
    let rai = train(rai, 0);
    assert!(!rai.health().born_dead, "rai: the same seed is born alive");
}

#[test]
fn exploding_diverges_without_clipping_and_not_with_it() {
    let s = preset("exploding");
    assert_eq!(s.train.clip, 0.0);
    let wild = train(s.train.clone(), 200);
    assert!(wild.diverged(), "no clipping: the loss diverges");
    let mut clipped = s.train.clone();
    clipped.clip = 1.0;
    let tame = Session::new(clipped.clone()).unwrap();
    let start = tame.train_loss();
    let tame = train(clipped, 200);
    assert!(!tame.diverged());
    assert!(
        tame.train_loss().is_finite() && tame.train_loss() < start,
        "clipped run learns: {start} -> {}",
        tame.train_loss()
    );
}

/// `r` draws new weights: the headline contrast must not hang on one lucky seed.
#[test]
fn dying_and_leaky_hold_for_other_seeds_too() {
    for seed in 1..4 {
        let mut relu = preset("dying-high-lr").train;
        relu.seed = seed;
        let mut leaky = preset("leaky-rescue").train;
        leaky.seed = seed;
        let relu = train(relu, 300);
        let leaky = train(leaky, 300);
        assert!(
            relu.health().dead_fraction() > 0.3,
            "seed {seed}: relu {}",
            relu.health().dead_fraction()
        );
        assert!(
            !leaky.diverged() && leaky.health().dead == 0,
            "seed {seed}: leaky"
        );
    }
}

// What the screen shows: each scenario as the explorer starts it, trained in the test thread
// and rendered at 160×48, must put on screen the figures its caption talks about.

mod common;
mod screen;

use common::Harness as Screen;
use reluscope::action::Action;
use reluscope::app::Pane;
use screen::truecolor;

fn start(name: &str) -> Screen {
    Screen::scenario(name, (160, 48), truecolor())
}

#[test]
fn every_scenario_focuses_the_pane_it_talks_about() {
    for (name, pane) in [
        ("relu-basics", Pane::Activation),
        ("nonlinearity", Pane::Output),
        ("sparsity", Pane::Network),
        ("vanishing-sigmoid", Pane::Metrics),
        ("dying-high-lr", Pane::Network),
        ("leaky-rescue", Pane::Network),
        ("dying-negative-bias", Pane::Network),
        ("born-dead-depth", Pane::Parameters),
        ("exploding", Pane::Metrics),
    ] {
        let s = start(name);
        assert_eq!(s.app.panes().focus, pane, "{name}");
        // Its caption is on screen (the inspector's place shows it).
        let first: String = scenario::find(name)
            .unwrap()
            .caption
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(s.text().contains(&first), "{name}: {first}");
    }
    // A scenario's `select` puts the Parameters cursor on the row its hints change.
    let s = start("exploding");
    assert!(s.text().contains(">clip norm"), "{}", s.text());
    let s = start("born-dead-depth");
    assert!(s.text().contains(">weight init"), "{}", s.text());
}

#[test]
fn relu_basics_left_moves_the_cursor_and_changes_no_setting() {
    let mut s = start("relu-basics");
    let config = s.app.config().clone();
    let x0 = s.app.panes().plot.cursor;
    for _ in 0..40 {
        s.act(Action::Left);
    }
    assert!(
        s.app.panes().plot.cursor < x0.min(0.0),
        "{} -> {}",
        x0,
        s.app.panes().plot.cursor
    );
    assert_eq!(*s.app.config(), config, "no training setting changed");
    // Left of 0 the screen reads f(x) = 0 and f'(x) = 0.
    let text = s.text();
    assert!(text.contains("  f 0  f' 0"), "{text}");
}

#[test]
fn sparsity_shows_each_layers_share_of_zeros() {
    let mut s = start("sparsity");
    s.steps(300);
    let snap = s.app.snapshot().cloned().unwrap();
    let text = s.text();
    for layer in snap.hidden() {
        let shown = format!("0s {:.0}%", layer.sparsity * 100.0);
        assert!(text.contains(&shown), "{shown}\n{text}");
        assert!((0.3..0.9).contains(&layer.sparsity), "{}", layer.sparsity);
    }
    assert!(text.contains("○ dead 0"), "{text}");
}

#[test]
fn vanishing_sigmoid_prints_every_layers_norm_and_the_ratio() {
    let mut s = start("vanishing-sigmoid");
    s.steps(100).act(Action::ToggleZoom);
    let text = s.text();
    let snap = s.app.snapshot().cloned().unwrap();
    let last = snap.history.samples().last().unwrap();
    let layers = last.grad_norms.len();
    for l in 0..layers {
        let name = if l + 1 == layers {
            "out".to_string()
        } else {
            format!("h{}", l + 1)
        };
        let shown = format!("{name} {}", reluscope::format::num(last.grad_norms[l]));
        assert!(text.contains(&shown), "{shown}\n{text}");
    }
    let ratio = last.grad_norms[0] / last.grad_norms[layers - 1];
    assert!(ratio < 0.01, "{ratio}");
    let shown = format!("h1/out {}", reluscope::format::num(ratio));
    assert!(text.contains(&shown), "{shown}\n{text}");
}

#[test]
fn dying_high_lr_shows_the_deaths_their_cost_and_the_update_that_did_it() {
    let mut s = start("dying-high-lr");
    s.steps(9 * 60);
    let snap = s.app.snapshot().cloned().unwrap();
    let text = s.text();
    assert!(snap.dead_fraction() > 0.3, "{}", snap.dead_fraction());
    assert!(text.contains(&format!("○ dead {}", snap.dead)), "{text}");
    assert!(text.contains(&format!("deaths {}", snap.deaths)), "{text}");
    assert!(
        text.contains(&format!("revivals {}", snap.revivals)),
        "{text}"
    );
    // The cost: what is left of the network.
    let working = reluscope::ui::network::working_shape(&snap);
    assert!(text.contains(&format!("working net {working}")), "{text}");
    // Select the first dead neuron: its story names the step that killed it, and its z.
    let (l, n) = snap
        .hidden()
        .iter()
        .enumerate()
        .find_map(|(l, layer)| {
            layer
                .neurons
                .iter()
                .position(|v| v.health == NeuronState::Dead)
                .map(|n| (l, n))
        })
        .unwrap();
    s.act(Action::Down);
    for _ in 0..l {
        s.act(Action::Right);
    }
    for _ in 0..n {
        s.act(Action::Down);
    }
    assert_eq!(s.app.panes().selected, Some((l, n)));
    let text = s.text();
    let story = snap.lives.story(l, n).unwrap();
    let death = story.events.iter().rev().find(|e| e.exact).unwrap();
    let u = death.update.unwrap();
    assert!(text.contains(&format!("died at step {}", u.step)), "{text}");
    assert!(text.contains("max z "), "{text}");
    assert!(u.z_max_before > 0.0 && u.z_max_after <= 0.0, "{u:?}");
    // The pre-activation view: every layer with a dead neuron says its bars are below 0.
    s.act(Action::TogglePreactivations);
    let text = s.text();
    assert!(text.contains("below 0"), "{text}");
}

#[test]
fn leaky_rescue_counts_stuck_units_as_saturated_not_dead() {
    let mut s = start("leaky-rescue");
    s.steps(300);
    let snap = s.app.snapshot().cloned().unwrap();
    let text = s.text();
    assert_eq!(snap.dead, 0);
    assert!(text.contains("○ dead 0"), "{text}");
    assert!(
        text.contains(&format!("◐ saturated {}", snap.saturated)),
        "{text}"
    );
    assert!(text.contains("count as saturated"), "{text}");
}

#[test]
fn dying_negative_bias_shows_every_dead_bar_below_zero() {
    let mut s = start("dying-negative-bias");
    // The scenario's own hint says "below 0" already: what `v` adds is the view itself, a
    // z range per neuron against a z = 0 line, layer by layer.
    let before = s.text();
    assert!(
        !before.contains("z per neuron") && !before.contains(" z=0 "),
        "{before}"
    );
    s.act(Action::TogglePreactivations);
    let snap = s.app.snapshot().cloned().unwrap();
    assert!(snap.dead as f64 > 0.7 * 16.0);
    let text = s.text();
    assert!(text.contains("h1 z per neuron"), "{text}");
    assert!(text.contains("h2 z per neuron"), "{text}");
    assert!(text.contains(" z=0 "), "{text}");
    assert!(text.contains(&format!("○ dead {}", snap.dead)), "{text}");
}

#[test]
fn born_dead_depth_tallies_the_draws_per_init() {
    let mut s = start("born-dead-depth");
    for _ in 0..5 {
        s.act(Action::ResetNetwork);
    }
    let snap = s.app.snapshot().cloned().unwrap();
    let he = &snap.born_dead_tally[0];
    assert_eq!((he.init.as_str(), he.draws), ("he-normal, bias scheme", 6));
    assert!(he.born_dead >= 3, "{he:?}");
    let he = he.clone();
    // Switch the selected init to rai (the scenario put the cursor there) and draw again.
    s.act(Action::Left);
    assert_eq!(s.app.config().init, Init::Rai);
    for _ in 0..5 {
        s.act(Action::ResetNetwork);
    }
    let snap = s.app.snapshot().cloned().unwrap();
    let text = s.text();
    let tally = reluscope::ui::network::tally_line(&snap).unwrap();
    assert!(text.contains(&tally), "{tally}\n{text}");
    let rai = snap
        .born_dead_tally
        .iter()
        .find(|t| t.init.starts_with("rai"))
        .unwrap();
    assert!(rai.draws >= 5);
    assert!(
        (rai.born_dead as f64 / rai.draws as f64) < (he.born_dead as f64 / he.draws as f64),
        "{rai:?} vs {he:?}"
    );
}

#[test]
fn exploding_draws_the_climb_and_marks_the_divergence() {
    let mut s = start("exploding");
    s.steps(20);
    let snap = s.app.snapshot().cloned().unwrap();
    let d = snap.divergence.unwrap();
    let text = s.text();
    assert!(
        text.contains(&format!("diverged at step {}", d.step)),
        "{text}"
    );
    assert!(text.contains('✕'), "{text}");
    // Every step before it is a point; the gradient climbs by orders of magnitude towards it
    // (the start's is the whole training set's, each step's its mini-batch's).
    let g: Vec<f64> = snap
        .history
        .samples()
        .iter()
        .map(|s| s.grad_norms[0])
        .filter(|g| g.is_finite())
        .collect();
    assert!(g.len() >= 2, "{g:?}");
    assert!(g[g.len() - 1] > 100.0 * g[0], "{g:?}");
}
