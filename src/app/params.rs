//! The Parameters pane's knobs: how each one reads, steps left/right, and takes a typed value.
//! Every knob edits the requested [`TrainConfig`] (or the training speed); the app then decides
//! whether the change applies live or rebuilds the network.

use crate::activation::Activation;
use crate::app::plot_view::nice_step;
use crate::engine::TrainConfig;
use crate::engine::init::{BiasInit, Init};
use crate::engine::network::parse_hidden;
use crate::engine::optim::OptimizerKind;
use crate::engine::{DatasetKind, Feature};
use crate::ui::format;

/// Playground's learning-rate ladder.
pub const LR_LADDER: [f64; 11] = [1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0];
const MOMENTUM_LADDER: [f64; 5] = [0.0, 0.5, 0.9, 0.95, 0.99];
/// Batch sizes; 0 (the whole training set) counts as the largest.
const BATCH_LADDER: [usize; 8] = [1, 2, 5, 10, 20, 50, 100, 0];
/// Constant bias inits, in order; after the last comes the weight scheme's own.
pub const BIAS_LADDER: [f64; 9] = [-3.0, -1.0, -0.5, -0.1, 0.0, 0.01, 0.1, 0.5, 1.0];
const REG_LADDER: [f64; 7] = [0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1];
const CLIP_LADDER: [f64; 6] = [0.0, 0.1, 0.5, 1.0, 5.0, 10.0];
/// Training speeds in steps per second; `None` is as fast as the machine allows.
pub const SPEEDS: [Option<f64>; 9] = [
    Some(1.0),
    Some(3.0),
    Some(10.0),
    Some(30.0),
    Some(100.0),
    Some(300.0),
    Some(1000.0),
    Some(3000.0),
    None,
];
/// The default speed: 300 steps/s (12 epochs a second on the default dataset), fast enough to
/// watch neurons die, slow enough to follow.
pub const DEFAULT_SPEED: usize = 5;
const MAX_WIDTH: usize = 32;
const MAX_LAYERS: usize = 6;

const FEATURE_SETS: [&[Feature]; 5] = [
    &[Feature::X1, Feature::X2],
    &[
        Feature::X1,
        Feature::X2,
        Feature::X1Squared,
        Feature::X2Squared,
    ],
    &[Feature::X1, Feature::X2, Feature::X1TimesX2],
    &[Feature::X1, Feature::X2, Feature::SinX1, Feature::SinX2],
    &Feature::ALL,
];

/// One editable setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knob {
    Activation,
    ActivationParam,
    LearningRate,
    Optimizer,
    Momentum,
    Nesterov,
    BatchSize,
    Init,
    BiasInit,
    Layers,
    Neurons,
    Dataset,
    Noise,
    TrainFraction,
    Features,
    L1,
    L2,
    Clip,
    Seed,
    Speed,
}

impl Knob {
    /// In the order the pane lists them.
    pub const ALL: [Knob; 20] = [
        Knob::Activation,
        Knob::ActivationParam,
        Knob::LearningRate,
        Knob::Optimizer,
        Knob::Momentum,
        Knob::Nesterov,
        Knob::BatchSize,
        Knob::Init,
        Knob::BiasInit,
        Knob::Layers,
        Knob::Neurons,
        Knob::Dataset,
        Knob::Noise,
        Knob::TrainFraction,
        Knob::Features,
        Knob::L1,
        Knob::L2,
        Knob::Clip,
        Knob::Seed,
        Knob::Speed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Knob::Activation => "activation",
            Knob::ActivationParam => "  parameter",
            Knob::LearningRate => "learning rate",
            Knob::Optimizer => "optimizer",
            Knob::Momentum => "momentum",
            Knob::Nesterov => "  nesterov",
            Knob::BatchSize => "batch size",
            Knob::Init => "weight init",
            Knob::BiasInit => "bias init",
            Knob::Layers => "hidden layers",
            Knob::Neurons => "neurons",
            Knob::Dataset => "dataset",
            Knob::Noise => "noise %",
            Knob::TrainFraction => "train share",
            Knob::Features => "features",
            Knob::L1 => "L1",
            Knob::L2 => "L2",
            Knob::Clip => "clip norm",
            Knob::Seed => "seed",
            Knob::Speed => "speed",
        }
    }

    /// Whether a change needs new data or a new network (as `TrainConfig::needs_reset`
    /// decides); the others apply live.
    pub fn rebuilds(self) -> bool {
        matches!(
            self,
            Knob::Init
                | Knob::BiasInit
                | Knob::Layers
                | Knob::Neurons
                | Knob::Dataset
                | Knob::Noise
                | Knob::TrainFraction
                | Knob::Features
                | Knob::Seed
        )
    }

    /// The value as the pane shows it.
    pub fn value(self, cfg: &TrainConfig, speed: usize) -> String {
        match self {
            Knob::Activation => cfg.activation.info().name.to_string(),
            Knob::ActivationParam => match cfg.activation.info().params.first() {
                Some(p) => format!(
                    "{}={}",
                    p.key,
                    format::num(cfg.activation.param(p.key).unwrap_or(p.default))
                ),
                None => "-".to_string(),
            },
            Knob::LearningRate => format::rate(cfg.lr),
            Knob::Optimizer => cfg.optimizer.name().to_string(),
            Knob::Momentum => format::num(cfg.momentum),
            Knob::Nesterov => if cfg.nesterov { "on" } else { "off" }.to_string(),
            Knob::BatchSize => match cfg.batch_size {
                0 => "full".to_string(),
                n => n.to_string(),
            },
            Knob::Init => cfg.init.name().to_string(),
            Knob::BiasInit => cfg.bias_init.to_string(),
            Knob::Layers => cfg.hidden.len().to_string(),
            Knob::Neurons => {
                if cfg.hidden.is_empty() {
                    "-".to_string()
                } else {
                    cfg.hidden
                        .iter()
                        .map(|w| w.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                }
            }
            Knob::Dataset => {
                if cfg.csv.is_some() {
                    "csv file".to_string()
                } else {
                    cfg.dataset.name().to_string()
                }
            }
            Knob::Noise => format::num(cfg.noise),
            Knob::TrainFraction => format::num(cfg.train_fraction),
            Knob::Features => cfg
                .features
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(","),
            Knob::L1 => format::rate(cfg.l1),
            Knob::L2 => format::rate(cfg.l2),
            Knob::Clip => {
                if cfg.clip == 0.0 {
                    "off".to_string()
                } else {
                    format::num(cfg.clip)
                }
            }
            Knob::Seed => cfg.seed.to_string(),
            Knob::Speed => speed_name(speed),
        }
    }

    /// Step the value one notch (`up` = right).
    pub fn step(self, cfg: &mut TrainConfig, speed: &mut usize, up: bool) {
        match self {
            Knob::Activation => {
                cfg.activation = cfg.activation.kind().cycle(!up).default_activation();
            }
            Knob::ActivationParam => {
                if let Some(p) = cfg.activation.info().params.first() {
                    let v = cfg.activation.param(p.key).unwrap_or(p.default);
                    let step = nice_step((p.max - p.min) / 100.0);
                    let next = ((v / step).round() + if up { 1.0 } else { -1.0 }) * step;
                    let lo = if p.min_exclusive { p.min + step } else { p.min };
                    if let Ok(a) = cfg.activation.with_param(p.key, next.clamp(lo, p.max)) {
                        cfg.activation = a;
                    }
                }
            }
            Knob::LearningRate => cfg.lr = ladder_step(&LR_LADDER, cfg.lr, up),
            Knob::Optimizer => cfg.optimizer = cfg.optimizer.cycle(!up),
            Knob::Momentum => {
                cfg.momentum = ladder_step(&MOMENTUM_LADDER, cfg.momentum, up);
                if cfg.momentum == 0.0 {
                    cfg.nesterov = false;
                }
            }
            // Nesterov needs momentum: turning it on without any picks the usual 0.9.
            Knob::Nesterov => {
                cfg.nesterov = !cfg.nesterov;
                if cfg.nesterov && cfg.momentum == 0.0 {
                    cfg.momentum = 0.9;
                }
            }
            Knob::BatchSize => {
                let key = |b: usize| if b == 0 { usize::MAX } else { b };
                let cur = key(cfg.batch_size);
                let next = if up {
                    BATCH_LADDER.iter().copied().find(|&b| key(b) > cur)
                } else {
                    BATCH_LADDER.iter().rev().copied().find(|&b| key(b) < cur)
                };
                if let Some(b) = next {
                    cfg.batch_size = b;
                }
            }
            Knob::Init => cfg.init = cfg.init.cycle(!up),
            Knob::BiasInit => cfg.bias_init = bias_step(cfg.bias_init, up),
            Knob::Layers => {
                if up && cfg.hidden.len() < MAX_LAYERS {
                    let w = cfg.hidden.last().copied().unwrap_or(4);
                    cfg.hidden.push(w);
                } else if !up {
                    cfg.hidden.pop();
                }
            }
            Knob::Neurons => {
                for w in &mut cfg.hidden {
                    *w = if up {
                        (*w + 1).min(MAX_WIDTH)
                    } else {
                        w.saturating_sub(1).max(1)
                    };
                }
            }
            Knob::Dataset => {
                cfg.csv = None;
                cfg.dataset = cfg.dataset.cycle(!up);
            }
            Knob::Noise => cfg.noise = (cfg.noise + if up { 5.0 } else { -5.0 }).clamp(0.0, 50.0),
            Knob::TrainFraction => {
                let v = ((cfg.train_fraction * 10.0).round() + if up { 1.0 } else { -1.0 }) / 10.0;
                cfg.train_fraction = v.clamp(0.1, 0.9);
            }
            Knob::Features => {
                let i = FEATURE_SETS
                    .iter()
                    .position(|s| *s == cfg.features.as_slice());
                let n = FEATURE_SETS.len();
                let next = match (i, up) {
                    (Some(i), true) => (i + 1) % n,
                    (Some(i), false) => (i + n - 1) % n,
                    (None, _) => 0,
                };
                cfg.features = FEATURE_SETS[next].to_vec();
            }
            Knob::L1 => cfg.l1 = ladder_step(&REG_LADDER, cfg.l1, up),
            Knob::L2 => cfg.l2 = ladder_step(&REG_LADDER, cfg.l2, up),
            Knob::Clip => cfg.clip = ladder_step(&CLIP_LADDER, cfg.clip, up),
            Knob::Seed => {
                cfg.seed = if up {
                    cfg.seed.wrapping_add(1)
                } else {
                    cfg.seed.wrapping_sub(1)
                }
            }
            Knob::Speed => {
                *speed = if up {
                    (*speed + 1).min(SPEEDS.len() - 1)
                } else {
                    speed.saturating_sub(1)
                }
            }
        }
    }

    /// The text a typed edit starts from.
    pub fn edit_text(self, cfg: &TrainConfig, speed: usize) -> String {
        match self {
            Knob::Activation => cfg.activation.to_string(),
            Knob::ActivationParam => cfg
                .activation
                .info()
                .params
                .first()
                .and_then(|p| cfg.activation.param(p.key))
                .map_or(String::new(), |v| v.to_string()),
            Knob::LearningRate => cfg.lr.to_string(),
            Knob::Momentum => cfg.momentum.to_string(),
            Knob::BatchSize => cfg.batch_size.to_string(),
            Knob::Noise => cfg.noise.to_string(),
            Knob::TrainFraction => cfg.train_fraction.to_string(),
            Knob::L1 => cfg.l1.to_string(),
            Knob::L2 => cfg.l2.to_string(),
            Knob::Clip => cfg.clip.to_string(),
            Knob::Speed => match SPEEDS[speed.min(SPEEDS.len() - 1)] {
                Some(s) => s.to_string(),
                None => "max".to_string(),
            },
            _ => self.value(cfg, speed),
        }
    }

    /// Set the value from typed text; the error says what is accepted.
    pub fn set_text(
        self,
        cfg: &mut TrainConfig,
        speed: &mut usize,
        text: &str,
    ) -> Result<(), String> {
        let t = text.trim();
        let number = |what: &str| -> Result<f64, String> {
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                // `1e999` parses, as infinity: say so rather than call it no number.
                Ok(_) => Err(format!("{what}: '{t}' is too large, use a finite number")),
                Err(_) => Err(format!("{what}: '{t}' is not a number")),
            }
        };
        match self {
            Knob::Activation => {
                cfg.activation = t.parse::<Activation>().map_err(|e| e.to_string())?;
            }
            Knob::ActivationParam => {
                let Some(p) = cfg.activation.info().params.first() else {
                    return Err(format!("{} has no parameter", cfg.activation.info().name));
                };
                let v = number(p.key)?;
                cfg.activation = cfg
                    .activation
                    .with_param(p.key, v)
                    .map_err(|e| e.to_string())?;
            }
            Knob::LearningRate => cfg.lr = number("learning rate")?,
            Knob::Optimizer => {
                cfg.optimizer = OptimizerKind::ALL
                    .into_iter()
                    .find(|o| o.name().eq_ignore_ascii_case(t))
                    .ok_or_else(|| format!("optimizer '{t}': use sgd, adam or rmsprop"))?;
            }
            Knob::Momentum => cfg.momentum = number("momentum")?,
            Knob::Nesterov => {
                cfg.nesterov = match t.to_ascii_lowercase().as_str() {
                    "on" | "true" | "yes" | "1" => true,
                    "off" | "false" | "no" | "0" => false,
                    _ => return Err(format!("nesterov '{t}': use on or off")),
                };
                if cfg.nesterov && cfg.momentum == 0.0 {
                    cfg.momentum = 0.9;
                }
            }
            Knob::BatchSize => {
                cfg.batch_size = if t.eq_ignore_ascii_case("full") {
                    0
                } else {
                    t.parse()
                        .map_err(|_| format!("batch size '{t}': use a whole number or full"))?
                }
            }
            Knob::Init => cfg.init = t.parse::<Init>().map_err(|e| e.to_string())?,
            Knob::BiasInit => cfg.bias_init = t.parse::<BiasInit>().map_err(|e| e.to_string())?,
            Knob::Layers | Knob::Neurons => {
                cfg.hidden = parse_hidden(t).map_err(|e| e.to_string())?;
            }
            Knob::Dataset => {
                cfg.dataset = DatasetKind::ALL
                    .into_iter()
                    .find(|d| d.name().eq_ignore_ascii_case(t))
                    .ok_or_else(|| {
                        let names: Vec<&str> = DatasetKind::ALL.iter().map(|d| d.name()).collect();
                        format!("dataset '{t}': use one of {}", names.join(", "))
                    })?;
                cfg.csv = None;
            }
            Knob::Noise => cfg.noise = number("noise")?,
            Knob::TrainFraction => cfg.train_fraction = number("train share")?,
            Knob::Features => cfg.features = Feature::parse_list(t).map_err(|e| e.to_string())?,
            Knob::L1 => cfg.l1 = number("L1")?,
            Knob::L2 => cfg.l2 = number("L2")?,
            Knob::Clip => cfg.clip = number("clip norm")?,
            Knob::Seed => {
                cfg.seed = t
                    .parse()
                    .map_err(|_| format!("seed '{t}': use a whole number ≥ 0"))?
            }
            Knob::Speed => {
                *speed = if t.eq_ignore_ascii_case("max") {
                    SPEEDS.len() - 1
                } else {
                    let v = number("speed")?;
                    if v <= 0.0 {
                        return Err("speed: use steps per second > 0, or max".into());
                    }
                    // The nearest rung of the ladder.
                    (0..SPEEDS.len() - 1)
                        .min_by(|&a, &b| {
                            let d = |i: usize| (SPEEDS[i].unwrap_or(0.0).ln() - v.ln()).abs();
                            d(a).total_cmp(&d(b))
                        })
                        .unwrap_or(DEFAULT_SPEED)
                };
            }
        }
        Ok(())
    }
}

/// A speed as text: `300/s` or `max`.
pub fn speed_name(speed: usize) -> String {
    match SPEEDS.get(speed).copied().flatten() {
        Some(s) => format!("{}/s", format::num(s)),
        None => "max".to_string(),
    }
}

/// The next value on a ladder above (or below) `v`; stays put at the ends.
pub fn ladder_step(ladder: &[f64], v: f64, up: bool) -> f64 {
    let eps = 1e-12 * v.abs().max(1e-12);
    let next = if up {
        ladder.iter().copied().find(|&x| x > v + eps)
    } else {
        ladder.iter().rev().copied().find(|&x| x < v - eps)
    };
    next.unwrap_or(v)
}

/// The next bias init: constants up the ladder, then the scheme's own; wrapping.
pub fn bias_step(b: BiasInit, up: bool) -> BiasInit {
    match (b, up) {
        (BiasInit::Scheme, true) => BiasInit::Constant(BIAS_LADDER[0]),
        (BiasInit::Scheme, false) => BiasInit::Constant(BIAS_LADDER[BIAS_LADDER.len() - 1]),
        (BiasInit::Constant(v), true) => match BIAS_LADDER.iter().find(|&&x| x > v + 1e-12) {
            Some(&x) => BiasInit::Constant(x),
            None => BiasInit::Scheme,
        },
        (BiasInit::Constant(v), false) => {
            match BIAS_LADDER.iter().rev().find(|&&x| x < v - 1e-12) {
                Some(&x) => BiasInit::Constant(x),
                None => BiasInit::Scheme,
            }
        }
    }
}

/// The next activation for the `a`/`A` keys: every kind with default parameters.
pub fn next_activation(a: Activation, back: bool) -> Activation {
    a.kind().cycle(back).default_activation()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learning_rate_ladder_steps_and_stops() {
        assert_eq!(ladder_step(&LR_LADDER, 0.03, true), 0.1);
        assert_eq!(ladder_step(&LR_LADDER, 0.03, false), 0.01);
        assert_eq!(ladder_step(&LR_LADDER, 0.05, false), 0.03);
        assert_eq!(ladder_step(&LR_LADDER, 10.0, true), 10.0);
        assert_eq!(ladder_step(&LR_LADDER, 1e-5, false), 1e-5);
    }

    #[test]
    fn bias_cycles_through_the_scheme() {
        let mut b = BiasInit::Constant(1.0);
        b = bias_step(b, true);
        assert_eq!(b, BiasInit::Scheme);
        assert_eq!(bias_step(b, true), BiasInit::Constant(-3.0));
        assert_eq!(
            bias_step(BiasInit::Constant(0.1), false),
            BiasInit::Constant(0.01)
        );
    }

    #[test]
    fn typed_values_are_checked() {
        let mut cfg = TrainConfig::default();
        let mut speed = DEFAULT_SPEED;
        assert!(
            Knob::LearningRate
                .set_text(&mut cfg, &mut speed, "0.5")
                .is_ok()
        );
        assert_eq!(cfg.lr, 0.5);
        assert!(
            Knob::LearningRate
                .set_text(&mut cfg, &mut speed, "fast")
                .is_err()
        );
        let huge = Knob::LearningRate
            .set_text(&mut cfg, &mut speed, "1e999")
            .unwrap_err();
        assert!(huge.contains("too large"), "{huge}");
        assert_eq!(cfg.lr, 0.5);
        assert!(
            Knob::Activation
                .set_text(&mut cfg, &mut speed, "leaky-relu:slope=0.2")
                .is_ok()
        );
        assert_eq!(cfg.activation.param("slope"), Some(0.2));
        assert!(Knob::Neurons.set_text(&mut cfg, &mut speed, "4,3").is_ok());
        assert_eq!(cfg.hidden, vec![4, 3]);
        assert!(Knob::Speed.set_text(&mut cfg, &mut speed, "max").is_ok());
        assert_eq!(SPEEDS[speed], None);
        assert!(Knob::Speed.set_text(&mut cfg, &mut speed, "90").is_ok());
        assert_eq!(SPEEDS[speed], Some(100.0));
    }

    #[test]
    fn rebuilds_matches_the_engine() {
        let base = TrainConfig::default();
        for knob in Knob::ALL {
            let mut cfg = base.clone();
            let mut speed = DEFAULT_SPEED;
            knob.step(&mut cfg, &mut speed, true);
            if cfg == base {
                knob.step(&mut cfg, &mut speed, false);
                knob.step(&mut cfg, &mut speed, false);
            }
            if knob != Knob::Speed && knob != Knob::ActivationParam {
                assert_ne!(cfg, base, "{knob:?} changed nothing");
            }
            assert_eq!(base.needs_reset(&cfg), knob.rebuilds(), "{knob:?}");
        }
    }

    #[test]
    fn every_knob_steps_without_panicking() {
        let mut cfg = TrainConfig::default();
        let mut speed = DEFAULT_SPEED;
        for knob in Knob::ALL {
            for up in [true, true, false, false, false] {
                knob.step(&mut cfg, &mut speed, up);
                let _ = knob.value(&cfg, speed);
            }
        }
        assert!(speed < SPEEDS.len());
    }
}
