//! The Parameters pane's knobs: the settings that have a knob in the schema, in the order the
//! pane lists them, plus three that are not settings: the activation's own parameter, the
//! neurons per layer and the training speed. A setting's knob steps with its schema row's
//! ladder, and a typed value is read by the row's own parser, so the pane accepts exactly what
//! the config file and the command line accept, with the same messages.

use crate::engine::TrainConfig;
use crate::format::{self, nice_step};
use crate::message::quote;
use crate::settings::schema::{self, Setting};
use crate::settings::{Origin, ladder, set_text};

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

pub use crate::settings::schema::Knob;

impl Knob {
    fn spec(self) -> Option<&'static schema::KnobSpec> {
        match self {
            Knob::Setting(s) => s.knob.as_ref(),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Knob::Setting(s) => s.knob.as_ref().map_or(s.key, |k| k.label),
            Knob::ActivationParam => "  parameter",
            Knob::Neurons => "neurons",
            Knob::Speed => "speed",
        }
    }

    /// Whether a step of this knob from `cfg` needs new data or a new network; the others
    /// apply live. The engine's `needs_reset` decides, so the pane cannot disagree with it.
    pub fn rebuilds(self, cfg: &TrainConfig) -> bool {
        let mut speed = DEFAULT_SPEED;
        let mut next = cfg.clone();
        self.step(&mut next, &mut speed, true);
        if next == *cfg {
            self.step(&mut next, &mut speed, false);
        }
        cfg.needs_reset(&next)
    }

    /// The value as the pane shows it.
    pub fn value(self, cfg: &TrainConfig, speed: usize) -> String {
        match self {
            Knob::Setting(_) => self.spec().map_or(String::new(), |k| (k.show)(cfg)),
            Knob::ActivationParam => match cfg.activation.info().params.first() {
                Some(p) => format!(
                    "{}={}",
                    p.key,
                    format::num(cfg.activation.param(p.key).unwrap_or(p.default))
                ),
                None => "-".to_string(),
            },
            Knob::Neurons => {
                if cfg.hidden.is_empty() {
                    "-".to_string()
                } else {
                    schema::widths_text(&cfg.hidden)
                }
            }
            Knob::Speed => speed_name(speed),
        }
    }

    /// Step the value one notch (`up` = right).
    pub fn step(self, cfg: &mut TrainConfig, speed: &mut usize, up: bool) {
        match self {
            Knob::Setting(_) => {
                if let Some(k) = self.spec() {
                    (k.step)(cfg, up);
                    nesterov_needs_momentum(cfg);
                }
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
            Knob::Neurons => {
                for w in &mut cfg.hidden {
                    *w = if up {
                        (*w + 1).min(ladder::PANE_MAX_WIDTH)
                    } else {
                        w.saturating_sub(1).max(1)
                    };
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
            Knob::Setting(_) => self.spec().map_or(String::new(), |k| (k.edit)(cfg)),
            Knob::ActivationParam => cfg
                .activation
                .info()
                .params
                .first()
                .and_then(|p| cfg.activation.param(p.key))
                .map_or(String::new(), |v| v.to_string()),
            Knob::Neurons => schema::widths_text(&cfg.hidden),
            Knob::Speed => match SPEEDS[speed.min(SPEEDS.len() - 1)] {
                Some(s) => s.to_string(),
                None => "max".to_string(),
            },
        }
    }

    /// Set the value from typed text; the error says what is wrong and how to fix it.
    pub fn set_text(
        self,
        cfg: &mut TrainConfig,
        speed: &mut usize,
        text: &str,
    ) -> Result<(), String> {
        let t = text.trim();
        match self {
            Knob::Setting(row) => typed(row, t, cfg)?,
            Knob::Neurons => typed(&schema::LAYERS, t, cfg)?,
            Knob::ActivationParam => {
                let Some(p) = cfg.activation.info().params.first() else {
                    return Err(format!("{} has no parameter", cfg.activation.info().name));
                };
                let v = number(p.key, t)?;
                cfg.activation = cfg
                    .activation
                    .with_param(p.key, v)
                    .map_err(|e| e.to_string())?;
            }
            Knob::Speed => {
                *speed = if t.eq_ignore_ascii_case("max") {
                    SPEEDS.len() - 1
                } else {
                    let v = number("speed", t)?;
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

/// A typed value read by its setting's row, as a config file would have it.
fn typed(row: &'static Setting, text: &str, cfg: &mut TrainConfig) -> Result<(), String> {
    set_text(row, text, Origin::Pane, cfg).map_err(|d| d.to_string())?;
    if row == &schema::NESTEROV {
        nesterov_needs_momentum(cfg);
    }
    Ok(())
}

/// Nesterov needs momentum: turning it on without any picks the usual 0.9.
fn nesterov_needs_momentum(cfg: &mut TrainConfig) {
    if cfg.nesterov && cfg.momentum == 0.0 {
        cfg.momentum = 0.9;
    }
}

/// A number typed for a knob that is not a setting.
fn number(what: &str, t: &str) -> Result<f64, String> {
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) if v.is_nan() => Err(format!("{what}: '{t}' is not a number")),
        // `1e999` parses, as infinity: say so rather than call it no number.
        Ok(_) => Err(format!("{what}: '{t}' is too large, use a finite number")),
        Err(_) => Err(format!("{what}: {} is not a number", quote(t))),
    }
}

/// A speed as text: `300/s` or `max`.
pub fn speed_name(speed: usize) -> String {
    match SPEEDS.get(speed).copied().flatten() {
        Some(s) => format!("{}/s", format::num(s)),
        None => "max".to_string(),
    }
}

/// The next activation for the `a`/`A` keys: every kind with default parameters.
pub fn next_activation(
    a: crate::activation::Activation,
    back: bool,
) -> crate::activation::Activation {
    a.kind().cycle(back).default_activation()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_are_read_as_the_config_reads_them() {
        let mut cfg = TrainConfig::default();
        let mut speed = DEFAULT_SPEED;
        let lr = Knob::Setting(&schema::LR);
        assert!(lr.set_text(&mut cfg, &mut speed, "0.5").is_ok());
        assert_eq!(cfg.lr, 0.5);
        let fast = lr.set_text(&mut cfg, &mut speed, "fast").unwrap_err();
        assert!(fast.contains("must be a number, found 'fast'"), "{fast}");
        let huge = lr.set_text(&mut cfg, &mut speed, "1e999").unwrap_err();
        assert!(huge.contains("finite"), "{huge}");
        let nan = lr.set_text(&mut cfg, &mut speed, "NaN").unwrap_err();
        assert!(nan.contains("must be a number, found 'NaN'"), "{nan}");
        let range = lr.set_text(&mut cfg, &mut speed, "-1").unwrap_err();
        assert!(range.contains("at least 0"), "{range}");
        assert_eq!(cfg.lr, 0.5);
        let act = Knob::Setting(&schema::ACTIVATION);
        assert!(
            act.set_text(&mut cfg, &mut speed, "leaky-relu:slope=0.2")
                .is_ok()
        );
        assert_eq!(cfg.activation.param("slope"), Some(0.2));
        assert!(Knob::Neurons.set_text(&mut cfg, &mut speed, "4,3").is_ok());
        assert_eq!(cfg.hidden, vec![4, 3]);
        let batch = Knob::Setting(&schema::BATCH_SIZE);
        assert!(batch.set_text(&mut cfg, &mut speed, "full").is_ok());
        assert_eq!(cfg.batch_size, 0);
        assert!(Knob::Speed.set_text(&mut cfg, &mut speed, "max").is_ok());
        assert_eq!(SPEEDS[speed], None);
        assert!(Knob::Speed.set_text(&mut cfg, &mut speed, "90").is_ok());
        assert_eq!(SPEEDS[speed], Some(100.0));
    }

    #[test]
    fn a_typed_dataset_replaces_a_csv_file() {
        let mut cfg = TrainConfig::default();
        let mut speed = DEFAULT_SPEED;
        Knob::Setting(&schema::DATASET)
            .set_text(&mut cfg, &mut speed, "xor")
            .unwrap();
        assert_eq!(cfg.dataset, crate::engine::DatasetKind::Xor);
        assert!(cfg.csv.is_none());
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
            assert_eq!(base.needs_reset(&cfg), knob.rebuilds(&base), "{knob:?}");
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
