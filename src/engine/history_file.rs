//! The history file (`train --history FILE`, `reluscope --open FILE`): a run's kept moments in a
//! compact binary form, every number exactly as it was (f64 as its bits).
//!
//! Layout, little-endian throughout:
//!
//! ```text
//! "RELUHIST"            8 bytes, the magic
//! version               u32, 1
//! header                u32 length + UTF-8 JSON: {"state": "...", "data": {...}} (the run's
//!                       state string and its data files, to rebuild the data on opening)
//! moments               u32 count, then per moment: u64 length + its bytes
//! ```
//!
//! A moment: epoch, steps (u64), training loss (f64), diverged (u8), the last epoch's gradient
//! norms; the network (per layer: fan-in, fan-out, activation spec, weights, biases; then the
//! loss); the health; then u8 1 and the training state (optimizer settings, moments, Adam's t;
//! the shuffle stream's seed, stream and word position; the epoch order, cursor, partial epoch
//! gradient, full-batch gradient, step gradient norms, the counters' base health) or u8 0 for a
//! moment kept to view. Vectors are a u64 length and their items.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

use super::checkpoint::{Checkpoint, Resume};
use super::config::OptimizerKind;
use super::config::TrainConfig;
use super::health::{Health, LayerHealth, NeuronHealth, NeuronState, ZQuartiles};
use super::network::{Gradients, Layer, LayerGrad, Network};
use super::optim::{Optimizer, Slots};

const MAGIC: &[u8; 8] = b"RELUHIST";
pub const VERSION: u32 = 1;

/// What a history file says about its run besides the moments: the state string (every
/// setting of the run) and its data files, as JSON.
pub type Header = serde_json::Value;

/// The file's bytes: the header and the kept moments, oldest first.
pub fn encode(header: &Header, moments: &[Checkpoint]) -> Vec<u8> {
    let mut w = Writer::default();
    w.buf.extend_from_slice(MAGIC);
    w.u32(VERSION);
    let text = header.to_string();
    w.u32(text.len() as u32);
    w.buf.extend_from_slice(text.as_bytes());
    w.u32(moments.len() as u32);
    for m in moments {
        let mut one = Writer::default();
        one.moment(m);
        w.u64(one.buf.len() as u64);
        w.buf.extend_from_slice(&one.buf);
    }
    w.buf
}

/// The header and the moments of a history file; `config` is the run's settings (rebuilt from
/// the header by the caller), given to every resumable moment. Errors say what is wrong.
pub fn decode_header(bytes: &[u8]) -> Result<(Header, usize), String> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(8).ok() != Some(&MAGIC[..]) {
        return Err("not a reluscope history file (it does not start with RELUHIST)".into());
    }
    let version = r.u32()?;
    if version != VERSION {
        return Err(format!(
            "history file version {version}; this reluscope reads version {VERSION} (write it \
             again with this version's `train --history`)"
        ));
    }
    let n = r.u32()? as usize;
    let text = std::str::from_utf8(r.take(n)?).map_err(|_| "the header is not UTF-8")?;
    let header = serde_json::from_str(text).map_err(|e| format!("the header: {e}"))?;
    Ok((header, r.at))
}

/// The moments after the header (at `offset`, from [`decode_header`]).
pub fn decode_moments(
    bytes: &[u8],
    offset: usize,
    config: &TrainConfig,
) -> Result<Vec<Checkpoint>, String> {
    let mut r = Reader { bytes, at: offset };
    let count = r.u32()? as usize;
    let mut out = Vec::with_capacity(count.min(1 << 16));
    for k in 0..count {
        let len = r.len()?;
        let mut one = Reader {
            bytes: r.take(len)?,
            at: 0,
        };
        let m = one
            .moment(config)
            .map_err(|e| format!("moment {}: {e}", k + 1))?;
        if one.at != len {
            return Err(format!(
                "moment {}: {} bytes left over",
                k + 1,
                len - one.at
            ));
        }
        if out.last().is_some_and(|p: &Checkpoint| p.epoch >= m.epoch) {
            return Err(format!("moment {}: epochs out of order", k + 1));
        }
        out.push(m);
    }
    if r.at != bytes.len() {
        return Err(format!(
            "{} bytes after the last moment",
            bytes.len() - r.at
        ));
    }
    Ok(out)
}

#[derive(Default)]
struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }
    fn f64s(&mut self, v: &[f64]) {
        self.u64(v.len() as u64);
        v.iter().for_each(|&x| self.f64(x));
    }

    fn moment(&mut self, m: &Checkpoint) {
        self.u64(m.epoch);
        self.u64(m.steps);
        self.f64(m.train_loss);
        self.bool(m.diverged);
        self.f64s(&m.grad_norms);
        self.u64(m.network.layers.len() as u64);
        for l in &m.network.layers {
            self.u64(l.fan_in as u64);
            self.u64(l.fan_out as u64);
            self.str(&l.activation.to_string());
            self.f64s(&l.weights);
            self.f64s(&l.bias);
        }
        self.str(&m.network.loss.to_string());
        self.health(&m.health, &m.quartiles);
        match &m.resume {
            None => self.u8(0),
            Some(r) => {
                self.u8(1);
                self.resume(r);
            }
        }
    }

    /// The health, with each neuron's quartiles beside its z range (NaN where `quartiles`
    /// has none).
    fn health(&mut self, h: &Health, quartiles: &[Vec<(f64, f64)>]) {
        self.u64(h.neurons.len() as u64);
        for (l, row) in h.neurons.iter().enumerate() {
            self.u64(row.len() as u64);
            for (i, n) in row.iter().enumerate() {
                let q = quartiles.get(l).and_then(|r| r.get(i));
                let (z_q1, z_q3) = q.copied().unwrap_or((f64::NAN, f64::NAN));
                self.u8(match n.state {
                    NeuronState::Alive => 0,
                    NeuronState::Dead => 1,
                    NeuronState::Saturated => 2,
                });
                for v in [n.activation_rate, n.mean_abs_grad] {
                    self.f64(v);
                }
                self.u64(n.epochs_dead);
                for v in [n.z_min, n.z_max, z_q1, z_q3] {
                    self.f64(v);
                }
            }
        }
        self.u64(h.layers.len() as u64);
        for l in &h.layers {
            for v in [l.sparsity, l.weight_norm, l.grad_norm] {
                self.f64(v);
            }
        }
        for v in [h.alive, h.dead, h.saturated] {
            self.u64(v as u64);
        }
        self.u64(h.deaths);
        self.u64(h.revivals);
        self.u64(h.born_dead_neurons as u64);
        self.bool(h.born_dead);
        self.bool(h.output_constant);
        self.u64(h.passes);
    }

    fn grads(&mut self, g: &Gradients) {
        self.u64(g.layers.len() as u64);
        for l in &g.layers {
            self.f64s(&l.weights);
            self.f64s(&l.bias);
            self.f64(l.slope);
        }
    }

    fn resume(&mut self, r: &Resume) {
        let o = &r.optimizer;
        // The optimizer settings are the resume state's config's (the layout is unchanged).
        let s = &r.config;
        self.str(s.optimizer.name());
        for v in [s.lr, s.momentum, s.l1, s.l2, s.clip] {
            self.f64(v);
        }
        self.bool(s.nesterov);
        self.grads(&o.slots.first);
        self.grads(&o.slots.second);
        self.u64(o.t);
        self.bool(o.started);
        self.buf.extend_from_slice(&r.shuffle_rng.get_seed());
        self.u64(r.shuffle_rng.get_stream());
        self.buf
            .extend_from_slice(&r.shuffle_rng.get_word_pos().to_le_bytes());
        self.u64(r.order.len() as u64);
        r.order.iter().for_each(|&i| self.u64(i as u64));
        self.u64(r.cursor as u64);
        match &r.epoch_grads {
            None => self.u8(0),
            Some(g) => {
                self.u8(1);
                self.grads(g);
            }
        }
        match &r.full {
            None => self.u8(0),
            Some((g, loss)) => {
                self.u8(1);
                self.grads(g);
                self.f64(*loss);
            }
        }
        self.f64s(&r.step_grad_norms);
        // The counters are what the epoch's health carries on; no quartiles.
        self.health(&r.epoch_health, &[]);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// Lengths above this are a damaged file, not a network (8 × 64 has 34 000 parameters).
const MAX_LEN: usize = 1 << 28;

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or("the file ends early (cut short?)")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn len(&mut self) -> Result<usize, String> {
        let n = self.u64()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= MAX_LEN)
            .ok_or_else(|| format!("a length of {n} (damaged file?)"))
    }
    fn f64(&mut self) -> Result<f64, String> {
        Ok(f64::from_bits(self.u64()?))
    }
    fn bool(&mut self) -> Result<bool, String> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(format!("a flag of {b} (damaged file?)")),
        }
    }
    fn str(&mut self) -> Result<String, String> {
        let n = self.len()?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| "text that is not UTF-8".into())
    }
    fn f64s(&mut self) -> Result<Vec<f64>, String> {
        let n = self.len()?;
        (0..n).map(|_| self.f64()).collect()
    }

    fn moment(&mut self, config: &TrainConfig) -> Result<Checkpoint, String> {
        let epoch = self.u64()?;
        let steps = self.u64()?;
        let train_loss = self.f64()?;
        let diverged = self.bool()?;
        let grad_norms = self.f64s()?;
        let layers = (0..self.len()?)
            .map(|_| {
                let fan_in = self.len()?;
                let fan_out = self.len()?;
                let spec = self.str()?;
                let activation = spec
                    .parse()
                    .map_err(|e| format!("activation `{spec}`: {e}"))?;
                let weights = self.f64s()?;
                let bias = self.f64s()?;
                if weights.len() != fan_in * fan_out || bias.len() != fan_out {
                    return Err("a layer's weights do not match its shape".to_string());
                }
                Ok(Layer {
                    fan_in,
                    fan_out,
                    weights,
                    bias,
                    activation,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let loss_name = self.str()?;
        let loss = loss_name
            .parse()
            .map_err(|_| format!("unknown loss `{loss_name}`"))?;
        let (health, quartiles) = self.health()?;
        let resume = match self.u8()? {
            0 => None,
            1 => Some(Box::new(self.resume(config)?)),
            b => return Err(format!("a training-state flag of {b}")),
        };
        Ok(Checkpoint {
            epoch,
            steps,
            network: Network { layers, loss },
            health,
            quartiles,
            train_loss,
            grad_norms,
            diverged,
            resume,
        })
    }

    fn health(&mut self) -> Result<(Health, ZQuartiles), String> {
        let mut neurons = Vec::new();
        let mut quartiles = Vec::new();
        for _ in 0..self.len()? {
            let mut row = Vec::new();
            let mut qs = Vec::new();
            for _ in 0..self.len()? {
                let state = match self.u8()? {
                    0 => NeuronState::Alive,
                    1 => NeuronState::Dead,
                    2 => NeuronState::Saturated,
                    b => return Err(format!("a neuron state of {b}")),
                };
                row.push(NeuronHealth {
                    state,
                    activation_rate: self.f64()?,
                    mean_abs_grad: self.f64()?,
                    epochs_dead: self.u64()?,
                    z_min: self.f64()?,
                    z_max: self.f64()?,
                });
                qs.push((self.f64()?, self.f64()?));
            }
            neurons.push(row);
            quartiles.push(qs);
        }
        let layers = (0..self.len()?)
            .map(|_| {
                Ok(LayerHealth {
                    sparsity: self.f64()?,
                    weight_norm: self.f64()?,
                    grad_norm: self.f64()?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let health = Health {
            neurons,
            layers,
            alive: self.len()?,
            dead: self.len()?,
            saturated: self.len()?,
            deaths: self.u64()?,
            revivals: self.u64()?,
            born_dead_neurons: self.len()?,
            born_dead: self.bool()?,
            output_constant: self.bool()?,
            passes: self.u64()?,
        };
        Ok((health, quartiles))
    }

    fn grads(&mut self) -> Result<Gradients, String> {
        let layers = (0..self.len()?)
            .map(|_| {
                Ok(LayerGrad {
                    weights: self.f64s()?,
                    bias: self.f64s()?,
                    slope: self.f64()?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Gradients { layers })
    }

    fn resume(&mut self, config: &TrainConfig) -> Result<Resume, String> {
        let kind_name = self.str()?;
        let kind = OptimizerKind::ALL
            .into_iter()
            .find(|k| k.name() == kind_name)
            .ok_or_else(|| format!("unknown optimizer `{kind_name}`"))?;
        let (lr, momentum, l1, l2, clip) = (
            self.f64()?,
            self.f64()?,
            self.f64()?,
            self.f64()?,
            self.f64()?,
        );
        let nesterov = self.bool()?;
        let optimizer = Optimizer {
            kind,
            slots: Slots {
                first: self.grads()?,
                second: self.grads()?,
            },
            t: self.u64()?,
            started: self.bool()?,
        };
        let mut shuffle_rng = ChaCha8Rng::from_seed(self.array()?);
        shuffle_rng.set_stream(self.u64()?);
        shuffle_rng.set_word_pos(u128::from_le_bytes(self.array()?));
        let order = (0..self.len()?)
            .map(|_| self.len())
            .collect::<Result<Vec<_>, String>>()?;
        let cursor = self.len()?;
        let epoch_grads = match self.bool()? {
            false => None,
            true => Some(self.grads()?),
        };
        let full = match self.bool()? {
            false => None,
            true => Some((self.grads()?, self.f64()?)),
        };
        // The settings a headless run trained with, its live ones included (they never change
        // there).
        let mut config = config.clone();
        config.optimizer = kind;
        config.lr = lr;
        config.momentum = momentum;
        config.nesterov = nesterov;
        config.l1 = l1;
        config.l2 = l2;
        config.clip = clip;
        Ok(Resume {
            config,
            optimizer,
            shuffle_rng,
            order,
            cursor,
            epoch_grads,
            full,
            step_grad_norms: self.f64s()?,
            epoch_health: self.health()?.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Session;

    fn run() -> (TrainConfig, Vec<Checkpoint>) {
        let cfg = TrainConfig {
            optimizer: OptimizerKind::Adam,
            lr: 0.01,
            batch_size: 7,
            activation: "leaky-relu:slope=0.2".parse().unwrap(),
            ..TrainConfig::default()
        };
        let mut s = Session::new(cfg.clone()).unwrap();
        let mut out = vec![s.checkpoint()];
        for _ in 0..40 {
            s.step();
        }
        out.push(s.checkpoint().view_only());
        while s.epoch() < 2 {
            s.step();
        }
        for _ in 0..3 {
            s.step();
        }
        // Mid-epoch: the partial epoch gradient travels too.
        out.push(s.checkpoint());
        (cfg, out)
    }

    /// One way a moment can parse cleanly yet not fit its run (each once crashed the trainer).
    fn break_moment(cp: &mut Checkpoint, kind: u8, size: usize) {
        let r = cp.resume.as_deref_mut().expect("a resumable moment");
        match kind {
            0 => r.optimizer.slots.first.layers.truncate(size % 2),
            1 => r.optimizer.slots.second.layers[0]
                .weights
                .truncate(size % 3),
            2 => r.cursor = r.order.len() + 1 + size,
            3 => r.order[size % 7] = r.order.len() + size,
            4 => r.order.truncate(size % 5),
            5 => r.step_grad_norms = vec![0.5; 4 + size],
            6 => r
                .epoch_grads
                .get_or_insert_with(|| Gradients::zeros(&cp.network))
                .layers[0]
                .bias
                .push(1.0),
            7 => {
                let g = Gradients::zeros(&cp.network);
                let mut g2 = g.clone();
                g2.layers[1].weights.truncate(size % 4);
                r.full = Some((g2, 0.3));
            }
            8 => cp.network.layers[0].bias.truncate(size % 4),
            9 => cp.grad_norms = vec![1.0; 10 + size],
            10 => r.order[0] = r.order[1],
            _ => cp.health.neurons[0].truncate(size % 8),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Structurally valid but inconsistent moments, written and read back as a history file,
        /// are refused by the check `--open` makes; the moments that pass it restore and train.
        #[test]
        fn inconsistent_moments_are_refused_before_use(kind in 0u8..12, size in 0usize..1000) {
            let (cfg, moments) = run();
            let mut bad = moments[2].clone();
            break_moment(&mut bad, kind, size);
            let bytes = encode(&serde_json::json!({}), &[moments[0].clone(), bad]);
            let (_, at) = decode_header(&bytes).unwrap();
            // Refused either while reading (a layer that does not match its own shape) or by the
            // check against the run.
            if let Ok(back) = decode_moments(&bytes, at, &cfg) {
                let session = Session::new(cfg.clone()).unwrap();
                proptest::prop_assert!(session.check(&back[0]).is_ok());
                let why = session.check(&back[1]);
                proptest::prop_assert!(why.is_err(), "kind {} passed the check", kind);
            }
        }
    }

    #[test]
    fn moments_that_pass_the_check_restore_and_train_on() {
        let (cfg, moments) = run();
        let mut s = Session::new(cfg).unwrap();
        for m in moments.iter().filter(|m| m.resumable()) {
            s.check(m).unwrap();
            s.restore(m).unwrap();
            s.step();
        }
    }

    #[test]
    fn moments_round_trip_bit_for_bit() {
        let (cfg, moments) = run();
        let header = serde_json::json!({"state": "x"});
        let bytes = encode(&header, &moments);
        let (h, at) = decode_header(&bytes).unwrap();
        assert_eq!(h, header);
        let back = decode_moments(&bytes, at, &cfg).unwrap();
        assert_eq!(back, moments);
    }

    #[test]
    fn damaged_files_are_refused_with_a_reason() {
        let (cfg, moments) = run();
        let bytes = encode(&serde_json::json!({}), &moments);
        assert!(
            decode_header(b"PK\x03\x04")
                .unwrap_err()
                .contains("not a reluscope")
        );
        let mut v2 = bytes.clone();
        v2[8] = 2;
        assert!(decode_header(&v2).unwrap_err().contains("version 2"));
        let at = decode_header(&bytes).unwrap().1;
        let cut = &bytes[..bytes.len() - 5];
        assert!(
            decode_moments(cut, at, &cfg)
                .unwrap_err()
                .contains("ends early")
        );
        let mut more = bytes.clone();
        more.push(0);
        assert!(
            decode_moments(&more, at, &cfg)
                .unwrap_err()
                .contains("after the last")
        );
    }
}
