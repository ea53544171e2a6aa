//! The training thread's state and loop: applies commands, paces steps to the chosen speed,
//! records the metrics history and captures snapshots.

use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::mailbox::Mailbox;
use super::{
    CHUNK_TIME, Command, DataPoint, Domain, Grid, Health, History, LayerView, NeuronView,
    PLANES_EVERY, PUBLISH_EVERY, Sample, Snapshot, Task, View,
};
use crate::engine::{
    EngineError, Loss, ModelFile, Network, NeuronState, Session, TrainConfig, rng_from_seed,
};

/// The state of the training thread. Public so tests and benchmarks can drive it without a
/// thread: build, apply commands, step, capture.
pub struct Worker {
    session: Session,
    running: bool,
    speed: Option<f64>,
    view: View,
    /// Shared with the snapshots; copied only when a new sample arrives while the UI still
    /// holds the previous one.
    history: Arc<History>,
    /// Reset count: each reset draws the initial weights from another random stream.
    resets: u64,
    generation: u64,
    notice: Option<String>,
    points: Arc<Vec<DataPoint>>,
    /// Steps and time at the start of the current pacing window.
    pace_start: (Instant, u64),
    rate: (Instant, u64, f64),
    /// The last sampled planes: when, for which view and generation, and the grids.
    planes: Option<(Instant, (View, u64), Planes)>,
}

/// The output grid and the inspected neuron's grid.
type Planes = (Grid, Option<(usize, usize, Grid)>);

impl Worker {
    pub fn new(
        config: TrainConfig,
        running: bool,
        speed: Option<f64>,
        view: View,
    ) -> Result<Worker, EngineError> {
        let session = Session::new(config)?;
        let now = Instant::now();
        let mut w = Worker {
            points: Arc::new(points_of(&session)),
            session,
            running,
            speed,
            view,
            history: Arc::default(),
            resets: 0,
            generation: 0,
            notice: None,
            pace_start: (now, 0),
            rate: (now, 0, 0.0),
            planes: None,
        };
        w.record();
        Ok(w)
    }

    /// Start from a saved model instead of fresh weights (the config's data stays).
    pub fn load_model(&mut self, model: ModelFile) -> Result<(), EngineError> {
        let cfg = self.session.config().clone();
        self.session = Session::from_model(cfg, model)?;
        self.points = Arc::new(points_of(&self.session));
        self.history = Arc::default();
        self.record();
        Ok(())
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Apply one command. Returns false on `Quit`.
    pub fn apply(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::Quit => return false,
            Command::Play => {
                self.running = true;
                self.restart_pacing();
            }
            Command::Pause => self.running = false,
            Command::Step => {
                self.step();
            }
            Command::Speed(s) => {
                self.speed = s;
                self.restart_pacing();
            }
            Command::View(v) => self.view = v,
            Command::ResetNetwork => {
                self.resets += 1;
                let cfg = self.session.config().clone();
                match self.fresh_network(&cfg) {
                    Ok(s) => self.replace(
                        s,
                        format!("network reset: new weights (draw {})", self.resets),
                    ),
                    Err(e) => self.notify(format!("reset failed: {e}")),
                }
            }
            Command::Restart(cfg) => {
                self.resets = 0;
                match Session::new((*cfg).clone()) {
                    Ok(s) => {
                        let shape = describe(&cfg);
                        self.replace(s, format!("new run: {shape}"));
                    }
                    Err(e) => self.notify(format!("cannot start: {e}")),
                }
            }
            Command::Configure(cfg) => {
                if self.session.config().needs_reset(&cfg) {
                    self.resets = 0;
                    match Session::new((*cfg).clone()) {
                        Ok(s) => {
                            let shape = describe(&cfg);
                            self.replace(s, format!("network rebuilt: {shape}"));
                        }
                        Err(e) => self.notify(format!("cannot rebuild: {e}")),
                    }
                } else {
                    self.session.set_live(&cfg);
                }
            }
        }
        true
    }

    /// A session with the same data and new initial weights (another random stream).
    fn fresh_network(&self, cfg: &TrainConfig) -> Result<Session, EngineError> {
        let (loss, output) = match self.session.dataset().task {
            crate::engine::Task::Classification => {
                (Loss::Bce, crate::activation::Activation::Sigmoid)
            }
            crate::engine::Task::Regression => (Loss::Mse, cfg.regression_output),
        };
        let mut rng = rng_from_seed(cfg.seed);
        // Streams 0-2 are the session's own (data, init, shuffle).
        rng.set_stream(1000 + self.resets);
        let network = Network::new(
            cfg.features.len(),
            &cfg.hidden,
            cfg.activation,
            output,
            loss,
            cfg.init,
            cfg.bias_init,
            &mut rng,
        )?;
        Session::from_model(
            cfg.clone(),
            ModelFile {
                features: cfg.features.clone(),
                network,
            },
        )
    }

    fn replace(&mut self, session: Session, notice: String) {
        self.session = session;
        self.points = Arc::new(points_of(&self.session));
        self.history = Arc::default();
        self.notify(notice);
        self.record();
        self.restart_pacing();
    }

    fn notify(&mut self, notice: String) {
        self.generation += 1;
        self.notice = Some(notice);
    }

    fn restart_pacing(&mut self) {
        self.pace_start = (Instant::now(), self.session.step_count());
    }

    /// One optimizer step, recording the metrics at each epoch's end.
    pub fn step(&mut self) {
        let r = self.session.step();
        if r.epoch_ended {
            self.record();
        }
    }

    fn record(&mut self) {
        let h = self.session.health();
        Arc::make_mut(&mut self.history).push(Sample {
            epoch: self.session.epoch() as f64,
            train_loss: self.session.train_loss(),
            test_loss: self.session.test_loss(),
            dead_fraction: h.dead_fraction(),
            grad_norms: h.layers.iter().map(|l| l.grad_norm).collect(),
        });
    }

    /// The picture of this moment for the UI.
    pub fn capture(&self) -> Snapshot {
        self.capture_reusing(None)
    }

    /// Publish a snapshot. While training, the planes over the input plane (the costliest part
    /// to compute and to send to the terminal) are resampled at most every [`PLANES_EVERY`];
    /// in between the last ones are reused, so heatmap cells change a few times a second, not
    /// on every frame.
    fn publish(&mut self, out: &watch::Sender<Arc<Snapshot>>) {
        let now = Instant::now();
        let key = (self.view, self.generation);
        let reuse = match &self.planes {
            Some((at, k, planes)) if self.running && *k == key && now - *at < PLANES_EVERY => {
                Some(planes.clone())
            }
            _ => None,
        };
        let snap = self.capture_reusing(reuse.clone());
        if reuse.is_none() {
            self.planes = Some((now, key, (snap.output.clone(), snap.inspected.clone())));
        }
        let _ = out.send(Arc::new(snap));
    }

    /// A snapshot; `planes` are the output and inspector grids to use instead of sampling.
    fn capture_reusing(&self, planes: Option<Planes>) -> Snapshot {
        let s = &self.session;
        let net = s.network();
        let health = s.health();
        let ds = s.dataset();
        let domain = Domain {
            x_min: ds.x1_range.0,
            x_max: ds.x1_range.1,
            y_min: ds.x2_range.0,
            y_max: ds.x2_range.1,
        };
        let task = match ds.task {
            crate::engine::Task::Classification => Task::Classification,
            crate::engine::Task::Regression => Task::Regression,
        };
        // Classification outputs are probabilities; the UI works in [-1, 1].
        let to_ui = |p: f64| match task {
            Task::Classification => 2.0 * p - 1.0,
            Task::Regression => p,
        };
        let layers = net
            .layers
            .iter()
            .enumerate()
            .map(|(l, layer)| LayerView {
                weights: (0..layer.fan_out).map(|i| layer.row(i).to_vec()).collect(),
                bias: layer.bias.clone(),
                neurons: health
                    .neurons
                    .get(l)
                    .map(|ns| {
                        ns.iter()
                            .map(|n| NeuronView {
                                health: match n.state {
                                    NeuronState::Alive => Health::Alive,
                                    NeuronState::Dead => Health::Dead,
                                    NeuronState::Saturated => Health::Saturated,
                                },
                                activation_rate: n.activation_rate,
                                mean_abs_grad: n.mean_abs_grad,
                                epochs_dead: n.epochs_dead,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                sparsity: health.layers.get(l).map_or(0.0, |h| h.sparsity),
                weight_norm: health.layers.get(l).map_or(0.0, |h| h.weight_norm),
                grad_norm: health.layers.get(l).map_or(0.0, |h| h.grad_norm),
            })
            .collect();
        let (output, inspected) = planes.unwrap_or_else(|| {
            let (w, h) = self.view.output;
            let output = Grid::sample(w, h, domain, |x1, x2| to_ui(s.predict(x1, x2)));
            let inspected = self.view.inspect.and_then(|(l, n, w, h)| {
                let exists = net.hidden().get(l).is_some_and(|layer| n < layer.fan_out);
                exists.then(|| {
                    (
                        l,
                        n,
                        Grid::sample(w, h, domain, |x1, x2| s.neuron_output(l, n, x1, x2)),
                    )
                })
            });
            (output, inspected)
        });
        Snapshot {
            step: s.step_count(),
            epoch: s.epoch(),
            train_loss: s.train_loss(),
            test_loss: s.test_loss(),
            diverged: s.diverged(),
            running: self.running,
            steps_per_sec: if self.running { self.rate.2 } else { 0.0 },
            activation: s.config().activation,
            task,
            inputs: s.features().iter().map(|f| f.name().to_string()).collect(),
            layers,
            alive: health.alive,
            dead: health.dead,
            saturated: health.saturated,
            points: self.points.clone(),
            domain,
            output,
            inspected,
            history: self.history.clone(),
            notice: self.notice.clone(),
            generation: self.generation,
        }
    }

    /// Steps due now under the speed limit.
    fn steps_due(&self, now: Instant) -> u64 {
        match self.speed {
            None => u64::MAX,
            Some(rate) => {
                let (t0, s0) = self.pace_start;
                let target = s0 + (now.duration_since(t0).as_secs_f64() * rate) as u64;
                target.saturating_sub(self.session.step_count())
            }
        }
    }

    /// When the next step is due (for sleeping until then).
    fn next_due(&self, now: Instant) -> Duration {
        match self.speed {
            None => Duration::ZERO,
            Some(rate) => {
                let (t0, s0) = self.pace_start;
                let next = (self.session.step_count() + 1 - s0) as f64 / rate;
                (t0 + Duration::from_secs_f64(next)).saturating_duration_since(now)
            }
        }
    }

    fn measure_rate(&mut self, now: Instant) {
        let (t0, s0, _) = self.rate;
        let dt = now.duration_since(t0).as_secs_f64();
        let steps = self.session.step_count().saturating_sub(s0);
        // A window needs a few steps to mean anything: at 1 step/s, half-second windows held
        // zero or one step and the pane read "0 steps/s" while training went on.
        if dt >= 0.5 && (steps >= 5 || dt >= 3.0) {
            self.rate = (now, self.session.step_count(), steps as f64 / dt);
        }
    }

    /// The thread's loop.
    pub(super) fn run(&mut self, rx: &Mailbox, out: &watch::Sender<Arc<Snapshot>>) {
        let mut last_publish = Instant::now();
        let mut dirty = false;
        loop {
            let active = self.running && !self.session.diverged();
            // Paused: sleep on the channel until a command arrives.
            if !active {
                if dirty {
                    self.publish(out);
                    last_publish = Instant::now();
                }
                match rx.recv() {
                    Ok(cmd) => {
                        if rx.quitting() || !self.apply(cmd) {
                            return;
                        }
                        dirty = true;
                    }
                    Err(_) => return,
                }
            }
            loop {
                match rx.try_recv() {
                    Ok(cmd) => {
                        if rx.quitting() || !self.apply(cmd) {
                            return;
                        }
                        dirty = true;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return,
                }
            }
            if self.running && !self.session.diverged() {
                let start = Instant::now();
                let mut due = self.steps_due(start);
                while due > 0
                    && start.elapsed() < CHUNK_TIME
                    && !self.session.diverged()
                    && !rx.quitting()
                {
                    self.step();
                    due -= 1;
                    dirty = true;
                }
                let now = Instant::now();
                self.measure_rate(now);
                if dirty && now.duration_since(last_publish) >= PUBLISH_EVERY {
                    self.publish(out);
                    last_publish = now;
                    dirty = false;
                }
                // Wait for the next step or publish, waking early for a command.
                let wait = self.next_due(now).min(PUBLISH_EVERY);
                if !wait.is_zero() {
                    match rx.recv_timeout(wait) {
                        Ok(cmd) => {
                            if rx.quitting() || !self.apply(cmd) {
                                return;
                            }
                            dirty = true;
                        }
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            } else if dirty {
                self.publish(out);
                last_publish = Instant::now();
                dirty = false;
            }
        }
    }
}

fn points_of(s: &Session) -> Vec<DataPoint> {
    let ds = s.dataset();
    let classify = ds.task == crate::engine::Task::Classification;
    let label = |l: f64| {
        if classify {
            if l > 0.5 { 1.0 } else { -1.0 }
        } else {
            l
        }
    };
    ds.train
        .iter()
        .map(|p| (p, false))
        .chain(ds.test.iter().map(|p| (p, true)))
        .map(|(p, test)| DataPoint {
            x1: p.x1,
            x2: p.x2,
            label: label(p.label),
            test,
        })
        .collect()
}

/// `2 layers 8,8 relu on circle`.
fn describe(cfg: &TrainConfig) -> String {
    let data = if cfg.csv.is_some() {
        "csv"
    } else {
        cfg.dataset.name()
    };
    // Without a hidden layer no activation is applied: naming one would mislead.
    if cfg.hidden.is_empty() {
        return format!("no hidden layer (a linear model) on {data}");
    }
    let widths: Vec<String> = cfg.hidden.iter().map(|w| w.to_string()).collect();
    format!(
        "{} hidden {} of {} on {data}",
        widths.join(","),
        if cfg.hidden.len() == 1 {
            "layer"
        } else {
            "layers"
        },
        cfg.activation.info().name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> View {
        View {
            output: (10, 10),
            inspect: Some((0, 0, 4, 4)),
        }
    }

    #[test]
    fn the_rebuild_notice_names_no_activation_without_hidden_layers() {
        let cfg = TrainConfig::default();
        assert_eq!(describe(&cfg), "8,8 hidden layers of relu on circle");
        let linear = TrainConfig {
            hidden: Vec::new(),
            ..TrainConfig::default()
        };
        assert_eq!(
            describe(&linear),
            "no hidden layer (a linear model) on circle"
        );
    }

    #[test]
    fn a_slow_run_reads_its_rate_not_zero() {
        let mut w = Worker::new(TrainConfig::default(), true, None, view()).unwrap();
        let t0 = Instant::now();
        w.rate = (t0, 0, 0.0);
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        // One step a second, the loop looking at the rate every 250 ms in between.
        for second in 1..=10u64 {
            w.step();
            for quarter in 0..4 {
                w.measure_rate(at(second * 1000 + quarter * 250));
                if second > 3 {
                    let r = w.rate.2;
                    assert!((0.5..=2.0).contains(&r), "at {second}s: {r} steps/s");
                }
            }
        }
    }

    #[test]
    fn capture_reflects_the_session() {
        let mut w = Worker::new(TrainConfig::default(), false, None, view()).unwrap();
        for _ in 0..50 {
            w.step();
        }
        let s = w.capture();
        assert_eq!(s.step, 50);
        assert_eq!(s.epoch, 2);
        assert_eq!(s.layers.len(), 3);
        assert_eq!(s.hidden().len(), 2);
        assert_eq!(s.hidden()[0].neurons.len(), 8);
        assert_eq!(s.alive + s.dead + s.saturated, 16);
        assert_eq!(s.output.values.len(), 100);
        assert!(s.output.values.iter().all(|v| (-1.0..=1.0).contains(v)));
        assert_eq!(
            s.inspected.as_ref().map(|(l, n, g)| (*l, *n, g.width)),
            Some((0, 0, 4))
        );
        assert_eq!(s.history.samples().len(), 3, "epoch 0, 1 and 2");
        assert!(s.points.iter().all(|p| p.label == 1.0 || p.label == -1.0));
    }

    #[test]
    fn reset_draws_new_weights_on_the_same_data() {
        let mut w = Worker::new(TrainConfig::default(), false, None, view()).unwrap();
        let before = w.capture();
        w.apply(Command::ResetNetwork);
        let after = w.capture();
        assert_eq!(before.points, after.points);
        assert_ne!(before.layers[0].weights, after.layers[0].weights);
        assert_eq!(after.step, 0);
        assert!(after.notice.unwrap().contains("reset"));
    }

    #[test]
    fn live_changes_keep_the_network_and_structural_ones_rebuild_it() {
        let mut w = Worker::new(TrainConfig::default(), false, None, view()).unwrap();
        for _ in 0..30 {
            w.step();
        }
        let mut cfg = TrainConfig {
            lr: 0.1,
            ..TrainConfig::default()
        };
        w.apply(Command::Configure(Box::new(cfg.clone())));
        assert_eq!(w.session().step_count(), 30);
        assert_eq!(w.session().config().lr, 0.1);
        cfg.hidden = vec![3];
        w.apply(Command::Configure(Box::new(cfg)));
        assert_eq!(w.session().step_count(), 0);
        assert_eq!(w.capture().hidden()[0].bias.len(), 3);
    }

    #[test]
    fn a_saved_model_sets_the_shape() {
        let other = Session::new(TrainConfig {
            hidden: vec![3, 2],
            ..TrainConfig::default()
        })
        .unwrap();
        let mut w = Worker::new(TrainConfig::default(), false, None, view()).unwrap();
        w.load_model(other.model()).unwrap();
        let s = w.capture();
        let widths: Vec<usize> = s.hidden().iter().map(|l| l.bias.len()).collect();
        assert_eq!(widths, vec![3, 2]);
        let first = &other.network().layers[0];
        assert_eq!(s.layers[0].weights[1], first.row(1).to_vec());
    }
}
