//! A run's moments without its data: what [`super::Session::checkpoint`] takes and
//! [`super::Session::restore`] puts back, and the [`Timeline`] that keeps a bounded set of them.
//!
//! A checkpoint always holds what the views show (the network and its health); a resumable one
//! also holds the training state (optimizer, shuffle stream, epoch order, counters), so that
//! training on from it gives the same bits as never having stopped. A `Session` clone would
//! copy the dataset as well: a checkpoint of the largest network (8 × 64, 64 inputs, Adam) is
//! under a megabyte.

use std::mem::size_of;

use rand_chacha::ChaCha8Rng;

use super::config::TrainConfig;
use super::health::{Health, ZQuartiles};
use super::network::{Gradients, Network};
use super::optim::Optimizer;

/// One moment of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub(crate) epoch: u64,
    pub(crate) steps: u64,
    pub(crate) network: Network,
    pub(crate) health: Health,
    pub(crate) quartiles: ZQuartiles,
    pub(crate) train_loss: f64,
    pub(crate) grad_norms: Vec<f64>,
    pub(crate) diverged: bool,
    pub(crate) resume: Option<Box<Resume>>,
}

/// The training state beyond what the views show.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resume {
    /// The settings in effect (live changes included).
    pub config: TrainConfig,
    pub optimizer: Optimizer,
    pub shuffle_rng: ChaCha8Rng,
    pub order: Vec<usize>,
    pub cursor: usize,
    /// The epoch's gradient so far, when taken mid-epoch (zero at an epoch end).
    pub epoch_grads: Option<Gradients>,
    /// The full-batch gradient the last health pass computed, and its loss, when the next step
    /// uses it.
    pub full: Option<(Gradients, f64)>,
    pub step_grad_norms: Vec<f64>,
    pub epoch_health: Health,
}

impl Checkpoint {
    /// Completed epochs at this moment.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Steps taken at this moment.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn health(&self) -> &Health {
        &self.health
    }

    /// The z quartiles of every hidden neuron at this moment.
    pub fn z_quartiles(&self) -> &ZQuartiles {
        &self.quartiles
    }

    pub fn train_loss(&self) -> f64 {
        self.train_loss
    }

    /// Whether training can resume from here exactly.
    pub fn resumable(&self) -> bool {
        self.resume.is_some()
    }

    /// The moment without its training state (what the views need).
    pub fn view_only(mut self) -> Checkpoint {
        self.resume = None;
        self
    }

    /// Memory held, in bytes: the struct and every heap buffer at its length.
    pub fn bytes(&self) -> usize {
        size_of::<Checkpoint>()
            + network_bytes(&self.network)
            + health_bytes(&self.health)
            + self
                .quartiles
                .iter()
                .map(|r| size_of_val(r) + vec_bytes(r))
                .sum::<usize>()
            + vec_bytes(&self.grad_norms)
            + self.resume.as_ref().map_or(0, |r| r.bytes())
    }
}

/// Whether `g` is laid out like `net`'s parameters; what differs, in words.
fn check_grads(g: &Gradients, net: &Network, what: &str) -> Result<(), String> {
    if g.layers.len() != net.layers.len() {
        return Err(format!(
            "{what} has {} layers, the network {}",
            g.layers.len(),
            net.layers.len()
        ));
    }
    for (l, (g, layer)) in g.layers.iter().zip(&net.layers).enumerate() {
        if g.weights.len() != layer.weights.len() || g.bias.len() != layer.bias.len() {
            return Err(format!(
                "{what} of layer {} holds {} weights and {} biases, the layer {} and {}",
                l + 1,
                g.weights.len(),
                g.bias.len(),
                layer.weights.len(),
                layer.bias.len()
            ));
        }
    }
    Ok(())
}

impl Checkpoint {
    /// Whether this moment (read from a file, say) is one of a run shaped like `net` on
    /// `rows` training examples: every buffer the views, a restore and the next step index has
    /// the length they expect. What does not fit, in words ("the Adam state has 3 slots, the
    /// network 5 tensors"), so a damaged or crafted file is refused before it is used.
    pub fn check(&self, net: &Network, rows: usize) -> Result<(), String> {
        let own = &self.network;
        if own.layers.len() != net.layers.len() || own.loss != net.loss {
            return Err(format!(
                "its network has {} layers ({:?} loss), this run's {} ({:?})",
                own.layers.len(),
                own.loss,
                net.layers.len(),
                net.loss
            ));
        }
        for (l, (a, b)) in own.layers.iter().zip(&net.layers).enumerate() {
            if (a.fan_in, a.fan_out) != (b.fan_in, b.fan_out)
                || a.weights.len() != b.fan_in * b.fan_out
                || a.bias.len() != b.fan_out
            {
                return Err(format!(
                    "layer {} holds {} weights and {} biases; this run's is {}x{} \
                     ({} weights, {} biases)",
                    l + 1,
                    a.weights.len(),
                    a.bias.len(),
                    b.fan_out,
                    b.fan_in,
                    b.fan_in * b.fan_out,
                    b.fan_out
                ));
            }
        }
        let widths: Vec<usize> = net.layers[..net.layers.len() - 1]
            .iter()
            .map(|l| l.fan_out)
            .collect();
        check_health(&self.health, &widths, net.layers.len(), "its health")?;
        let quartiles: Vec<usize> = self.quartiles.iter().map(Vec::len).collect();
        if !self.quartiles.is_empty() && quartiles != widths {
            return Err(format!(
                "its z quartiles are for layers of {quartiles:?} neurons, the network's {widths:?}"
            ));
        }
        if !self.grad_norms.is_empty() && self.grad_norms.len() != net.layers.len() {
            return Err(format!(
                "it has {} gradient norms, the network {} layers",
                self.grad_norms.len(),
                net.layers.len()
            ));
        }
        let Some(r) = self.resume.as_deref() else {
            return Ok(());
        };
        let tensors = |g: &Gradients| g.layers.len();
        let o = &r.optimizer;
        if tensors(&o.slots.first) != net.layers.len()
            || tensors(&o.slots.second) != net.layers.len()
        {
            return Err(format!(
                "the {} state has {} and {} slots, the network {} layers",
                o.kind.name(),
                tensors(&o.slots.first),
                tensors(&o.slots.second),
                net.layers.len()
            ));
        }
        check_grads(&o.slots.first, net, "the optimizer's first moments")?;
        check_grads(&o.slots.second, net, "the optimizer's second moments")?;
        if let Some(g) = &r.epoch_grads {
            check_grads(g, net, "the epoch's gradient")?;
        }
        if let Some((g, _)) = &r.full {
            check_grads(g, net, "the full-batch gradient")?;
        }
        if r.order.len() != rows {
            return Err(format!(
                "its epoch order has {} examples, the training set {rows}",
                r.order.len()
            ));
        }
        let mut seen = vec![false; rows];
        for &i in &r.order {
            match seen.get_mut(i) {
                Some(s) if !*s => *s = true,
                _ => {
                    return Err(format!(
                        "its epoch order names example {i}, which is out of range or twice \
                         (the training set has {rows})"
                    ));
                }
            }
        }
        if r.cursor > rows {
            return Err(format!(
                "it is at example {} of an epoch of {rows}",
                r.cursor
            ));
        }
        if r.step_grad_norms.len() != net.layers.len() {
            return Err(format!(
                "it has {} step gradient norms, the network {} layers",
                r.step_grad_norms.len(),
                net.layers.len()
            ));
        }
        check_health(
            &r.epoch_health,
            &widths,
            net.layers.len(),
            "its epoch health",
        )?;
        Ok(())
    }
}

/// Whether `h` has one entry per neuron of hidden layers of `widths` (or none yet).
fn check_health(h: &Health, widths: &[usize], layers: usize, what: &str) -> Result<(), String> {
    let per_layer: Vec<usize> = h.neurons.iter().map(Vec::len).collect();
    if !h.neurons.is_empty() && per_layer != widths {
        return Err(format!(
            "{what} is for layers of {per_layer:?} neurons, the network's {widths:?}"
        ));
    }
    if !h.layers.is_empty() && h.layers.len() != layers {
        return Err(format!(
            "{what} covers {} layers, the network {layers}",
            h.layers.len()
        ));
    }
    Ok(())
}

impl Resume {
    fn bytes(&self) -> usize {
        size_of::<Resume>()
            + self.optimizer.state_bytes()
            + vec_bytes(&self.order)
            + self.epoch_grads.as_ref().map_or(0, Gradients::bytes)
            + self.full.as_ref().map_or(0, |(g, _)| g.bytes())
            + vec_bytes(&self.step_grad_norms)
            + health_bytes(&self.epoch_health)
            + config_bytes(&self.config)
    }
}

fn vec_bytes<T>(v: &[T]) -> usize {
    std::mem::size_of_val(v)
}

fn network_bytes(n: &Network) -> usize {
    n.layers
        .iter()
        .map(|l| size_of::<super::network::Layer>() + vec_bytes(&l.weights) + vec_bytes(&l.bias))
        .sum()
}

fn health_bytes(h: &Health) -> usize {
    h.neurons
        .iter()
        .map(|r| size_of_val(r) + vec_bytes(r))
        .sum::<usize>()
        + vec_bytes(&h.layers)
}

/// The config's heap parts (hidden widths, features, a data file's table).
fn config_bytes(c: &TrainConfig) -> usize {
    vec_bytes(&c.hidden) + vec_bytes(&c.features) + c.csv.as_ref().map_or(0, |_| 64)
}

/// The history's memory budget: 64 MB holds every epoch of the first [`DENSE_EPOCHS`] of the
/// largest network (8 × 64 with 64 inputs and Adam) and a thinned set after.
pub const BUDGET: usize = 64 << 20;
/// Every epoch up to here is kept (when the budget allows).
pub const DENSE_EPOCHS: u64 = 100;
/// A resumable moment every this many epochs in the dense part (the others show the network;
/// training on from one of them replays from the resumable moment before it).
pub const RESUME_EVERY: u64 = 10;

/// A bounded history of a run: every epoch early on, then a decimated set whose stride doubles
/// whenever the budget is reached, always with the newest moment. Moments on the stride (and
/// every [`RESUME_EVERY`]th of the dense part, and the newest) are resumable; the others are
/// views.
#[derive(Debug, Clone)]
pub struct Timeline {
    entries: Vec<Checkpoint>,
    budget: usize,
    /// Every epoch up to this one is kept.
    dense: u64,
    /// Later epochs are kept on multiples of this.
    stride: u64,
}

impl Default for Timeline {
    fn default() -> Timeline {
        Timeline::new(BUDGET)
    }
}

impl Timeline {
    /// An empty history holding at most `budget` bytes (see [`Timeline::bytes`]).
    pub fn new(budget: usize) -> Timeline {
        Timeline {
            entries: Vec::new(),
            budget,
            dense: DENSE_EPOCHS,
            stride: 1,
        }
    }

    /// Whether a moment at `epoch` is kept under the current thinning (the newest always is).
    fn on_grid(&self, epoch: u64) -> bool {
        epoch <= self.dense || epoch % self.stride == 0
    }

    /// Whether the moment at `epoch` keeps its training state once it is no longer the newest.
    fn keeps_resume(&self, epoch: u64) -> bool {
        if epoch <= self.dense {
            epoch % RESUME_EVERY == 0
        } else {
            true
        }
    }

    /// Add the newest moment (a resumable checkpoint, its epoch after the last one's). The
    /// previous newest is dropped if off the grid, or kept as a view if its training state is
    /// not needed; then the older moments are thinned until the budget holds.
    pub fn push(&mut self, cp: Checkpoint) {
        // A moment at the same epoch (a run that diverged mid-epoch) replaces the last one.
        if self.entries.last().is_some_and(|l| l.epoch >= cp.epoch) {
            self.entries.pop();
        }
        if let Some(last) = self.entries.pop() {
            if self.on_grid(last.epoch) {
                let keep = self.keeps_resume(last.epoch);
                self.entries
                    .push(if keep { last } else { last.view_only() });
            }
        }
        self.entries.push(cp);
        self.thin();
    }

    /// Drop moments until the history fits its budget: double the stride of the later epochs,
    /// and once only the dense part is left, halve that.
    fn thin(&mut self) {
        while self.bytes() > self.budget && self.entries.len() > 2 {
            let tail = self.entries.iter().filter(|e| e.epoch > self.dense).count();
            if tail > 2 {
                self.stride *= 2;
            } else {
                self.dense /= 2;
                self.stride = self.stride.max(RESUME_EVERY);
            }
            let newest = self.entries.len() - 1;
            let (dense, stride) = (self.dense, self.stride);
            let mut i = 0;
            self.entries.retain(|e| {
                i += 1;
                i == 1 || i - 1 == newest || e.epoch <= dense || e.epoch % stride == 0
            });
            // Moments that left the dense part need their training state; those without it
            // (views) go too, except the first.
            let mut i = 0;
            self.entries.retain(|e| {
                i += 1;
                i == 1 || e.epoch <= dense || e.resume.is_some()
            });
        }
    }

    /// Memory held by the kept moments, in bytes.
    pub fn bytes(&self) -> usize {
        size_of::<Timeline>() + self.entries.iter().map(Checkpoint::bytes).sum::<usize>()
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    /// The kept moments, oldest first.
    pub fn entries(&self) -> &[Checkpoint] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The kept moment at `epoch`, if any.
    pub fn at(&self, epoch: u64) -> Option<&Checkpoint> {
        self.entries.iter().find(|e| e.epoch == epoch)
    }

    /// The resumable moment at or before `epoch`, nearest first.
    pub fn resumable_before(&self, epoch: u64) -> Option<&Checkpoint> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.epoch <= epoch && e.resume.is_some())
    }

    /// Forget every moment after `epoch` (a branch from there).
    pub fn truncate_after(&mut self, epoch: u64) {
        self.entries.retain(|e| e.epoch <= epoch);
    }

    /// The history as read back from a file: these moments (oldest first, epochs rising),
    /// under the default budget.
    pub fn from_entries(entries: Vec<Checkpoint>) -> Timeline {
        Timeline {
            entries,
            ..Timeline::default()
        }
    }
}

/// The keeping policy's budget over long runs of the largest network (moments relabelled by
/// epoch, which is all the policy reads).
#[cfg(test)]
mod budget_tests {
    use super::*;
    use crate::engine::{DatasetKind, OptimizerKind, Session};

    fn train_epochs(s: &mut Session, epochs: u64) {
        while s.epoch() < epochs && !s.diverged() {
            s.step();
        }
    }

    /// The largest network: 8 hidden layers of 64 on the 64 inputs of digits, with Adam.
    fn largest() -> Session {
        Session::new(TrainConfig {
            dataset: DatasetKind::Digits,
            hidden: vec![64; 8],
            optimizer: OptimizerKind::Adam,
            lr: 0.001,
            batch_size: 32,
            ..TrainConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn the_largest_network_keeps_every_early_epoch_within_the_budget() {
        let s = largest();
        let cp = s.checkpoint();
        let (full, view) = (cp.bytes(), cp.clone().view_only().bytes());
        // The parameters alone: 64·64 + 7·64·64 + 64·10 weights and 8·64 + 10 biases, f64.
        let params = (8 * 64 * 64 + 640 + 522) * 8;
        assert!(view >= params && view < params + 64 * 1024, "{view}");
        // Adam's two moments, the epoch order and the health on top.
        assert!(
            full >= 3 * params && full < 3 * params + 128 * 1024,
            "{full}"
        );
        eprintln!("8x64 + Adam on digits: {view} bytes to view, {full} to resume");
        // Every epoch of the first 100 (a resumable one every 10th) fits with room to spare.
        let dense = 90 * view + 11 * full;
        assert!(dense < BUDGET * 3 / 4, "{dense} of {BUDGET}");

        // A run of 3000 epochs under the real budget: the first 100 all kept, then thinned.
        let mut t = Timeline::default();
        for e in 0..3000u64 {
            let mut c = cp.clone();
            set_epoch(&mut c, e);
            t.push(c);
            assert!(t.bytes() <= BUDGET, "epoch {e}: {}", t.bytes());
        }
        for e in 0..=DENSE_EPOCHS {
            assert!(t.at(e).is_some(), "epoch {e} kept");
        }
        let tail = t
            .entries()
            .iter()
            .filter(|c| c.epoch() > DENSE_EPOCHS)
            .count();
        assert!(tail >= 10, "{tail}");
        eprintln!(
            "after 3000 epochs: {} moments ({tail} after epoch 100), {} bytes of {BUDGET}",
            t.len(),
            t.bytes()
        );
    }

    #[test]
    fn a_long_run_stays_within_its_budget_and_spans_the_run() {
        // The policy on the real checkpoints of a small run, under a budget that holds ~60 of
        // them, over 5000 epochs (the same moment pushed again with its epoch advanced).
        let mut s = Session::new(TrainConfig::default()).unwrap();
        train_epochs(&mut s, 1);
        let cp = s.checkpoint();
        let budget = 60 * cp.bytes();
        let mut t = Timeline::new(budget);
        let mut most = 0;
        for e in 0..5000u64 {
            let mut c = cp.clone();
            set_epoch(&mut c, e);
            t.push(c);
            assert!(t.bytes() <= budget, "epoch {e}: {} > {budget}", t.bytes());
            most = most.max(t.len());
            let kept: Vec<u64> = t.entries().iter().map(super::Checkpoint::epoch).collect();
            assert_eq!(kept.first(), Some(&0), "the start stays");
            assert_eq!(kept.last(), Some(&e), "the newest is kept");
            assert!(kept.windows(2).all(|w| w[0] < w[1]));
            assert!(t.entries().last().unwrap().resumable());
            // Every moment is shown or resumable from one before it.
            assert!(t.resumable_before(e / 2).is_some());
        }
        assert!(most >= 40, "the budget is used: {most}");
        let kept: Vec<u64> = t.entries().iter().map(super::Checkpoint::epoch).collect();
        assert!(kept.iter().filter(|&&e| e > 2500).count() >= 5, "{kept:?}");

        // With the real budget a small network keeps every one of the first 100 epochs.
        let mut t = Timeline::default();
        for e in 0..2000u64 {
            let mut c = cp.clone();
            set_epoch(&mut c, e);
            t.push(c);
        }
        assert!(t.bytes() <= BUDGET);
        for e in 0..=DENSE_EPOCHS {
            assert!(t.at(e).is_some(), "epoch {e} kept");
        }
    }

    /// The same moment as if taken at another epoch (the policy looks at epochs only).
    fn set_epoch(c: &mut Checkpoint, e: u64) {
        c.epoch = e;
    }
}
