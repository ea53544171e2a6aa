//! The training thread's state and loop: applies commands, paces steps to the chosen speed,
//! records the metrics history and captures snapshots.

use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::capture::{self, Moment, Planes, points_of, tally_key};
use super::command::{CHUNK_TIME, Command, PLANES_EVERY, PUBLISH_EVERY, Seek, View};
use super::life::{Event, Lives, Turn, Update};
use super::mailbox::Mailbox;
use super::snapshot::{DataPoint, Divergence, Extent, History, Sample, Snapshot, TimelineMark};
use crate::engine::{
    EngineError, ModelFile, NeuronState, Projection, Session, Timeline, TrainConfig, rng_from_seed,
};

/// Every step is recorded (not only epoch ends) until this many epochs or steps are in, so a
/// run that diverges within a few steps still draws its climb.
const EARLY_EPOCHS: u64 = 3;
const EARLY_STEPS: u64 = 100;
/// Replaying an epoch to find the update that killed a neuron costs about this many
/// multiply-adds at most (steps × training samples × parameters × 3); beyond it, the death is
/// told as the whole epoch's change.
const REPLAY_BUDGET: f64 = 3e8;

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
    /// The slice of the inputs the plane views show, and the plane's extent under it.
    projection: Projection,
    domain: Extent,
    /// Steps and time at the start of the current pacing window.
    pace_start: (Instant, u64),
    rate: (Instant, u64, f64),
    /// The last sampled planes: when, for which view and generation, and the grids.
    planes: Option<(Instant, (View, u64), Planes)>,
    lives: Arc<Lives>,
    /// The session as it was at the last epoch end (or live change): replayed from there to
    /// find the update that killed a neuron.
    checkpoint: Option<Session>,
    /// The step count at the last epoch end.
    epoch_start_step: u64,
    divergence: Option<Divergence>,
    /// Per network shape and data, per init: (born dead, draws).
    tally: Vec<(String, String, u32, u32)>,
    /// The last model save: its number and the file written or why not.
    saved: Option<(u64, Result<std::path::PathBuf, String>)>,
    /// The kept moments of this run, for the timeline.
    timeline: Timeline,
    /// A past moment shown instead of the run as it is.
    past: Option<Past>,
}

/// A past moment on show: a session showing it (the live one's data, the moment's network and
/// health) and the metrics and stories as they were then.
struct Past {
    epoch: u64,
    session: Session,
    history: Arc<History>,
    lives: Arc<Lives>,
}

impl Worker {
    pub fn new(
        config: TrainConfig,
        running: bool,
        speed: Option<f64>,
        view: View,
    ) -> Result<Worker, EngineError> {
        let session = Session::new(config)?;
        let now = Instant::now();
        let projection = session.projection(view.plane);
        let (points, domain) = points_of(&session, &projection);
        let mut w = Worker {
            points: Arc::new(points),
            projection,
            domain,
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
            lives: Arc::default(),
            checkpoint: None,
            epoch_start_step: 0,
            divergence: None,
            tally: Vec::new(),
            saved: None,
            timeline: Timeline::default(),
            past: None,
        };
        w.begin_run();
        Ok(w)
    }

    /// Start the records of a fresh session: history, life stories, checkpoint, tally.
    fn begin_run(&mut self) {
        self.history = Arc::default();
        self.lives = Arc::new(Lives::new(&self.session.network().hidden_widths()));
        self.epoch_start_step = self.session.step_count();
        self.divergence = None;
        self.checkpoint = Some(self.session.clone());
        self.past = None;
        self.timeline = Timeline::default();
        self.timeline.push(self.session.checkpoint());
        let h = self.session.health();
        let (shape, init) = tally_key(self.session.config());
        match self
            .tally
            .iter_mut()
            .find(|(s, i, ..)| *s == shape && *i == init)
        {
            Some(entry) => {
                entry.2 += u32::from(h.born_dead);
                entry.3 += 1;
            }
            None => self.tally.push((shape, init, u32::from(h.born_dead), 1)),
        }
        self.record();
        self.record_lives(false);
    }

    /// Start from a saved model instead of fresh weights (the config's data stays).
    pub fn load_model(&mut self, model: ModelFile) -> Result<(), EngineError> {
        let cfg = self.session.config().clone();
        self.session = Session::from_model(cfg, model)?;
        self.refresh_plane();
        self.begin_run();
        Ok(())
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session the views show: a past moment's, or the live one.
    pub fn shown(&self) -> &Session {
        self.past.as_ref().map_or(&self.session, |p| &p.session)
    }

    /// The run's kept moments.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Start from a kept history (a file written by `train --history`): the run as it was at
    /// its newest moment, every kept one to scrub through.
    pub fn load_timeline(&mut self, timeline: Timeline) -> Result<(), EngineError> {
        let Some(last) = timeline.entries().last() else {
            return Err(EngineError::invalid(
                "the history holds no moment".to_string(),
            ));
        };
        self.session.restore(last)?;
        self.refresh_plane();
        self.begin_run();
        // The metrics and stories from the kept moments, as the run recorded them at its ends.
        self.history = Arc::default();
        self.lives = Arc::new(Lives::new(&self.session.network().hidden_widths()));
        let mut view = self.session.clone();
        for cp in timeline.entries() {
            view.show(cp);
            Arc::make_mut(&mut self.history).push(sample_of(&view, cp.epoch() as f64, None));
            let states = states_of(&view);
            let turns = Arc::make_mut(&mut self.lives).record(cp.epoch(), &states);
            for (l, n, turn) in turns {
                let event = Event {
                    turn,
                    epoch: cp.epoch(),
                    update: None,
                    exact: false,
                };
                Arc::make_mut(&mut self.lives).note(l, n, event);
            }
        }
        self.timeline = timeline;
        self.epoch_start_step = self.session.step_count();
        self.checkpoint = Some(self.session.clone());
        Ok(())
    }

    /// Recomputes the slice the plane views show, the examples' places on it and its extent
    /// (a new session, or a new slice asked for).
    fn refresh_plane(&mut self) {
        self.projection = self.session.projection(self.view.plane);
        let (points, domain) = points_of(&self.session, &self.projection);
        self.points = Arc::new(points);
        self.domain = domain;
    }

    /// Apply one command. Returns false on `Quit`.
    pub fn apply(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::Quit => return false,
            Command::Play => {
                self.branch();
                self.running = true;
                self.restart_pacing();
            }
            Command::Pause => self.running = false,
            Command::Step => {
                self.branch();
                self.step();
            }
            Command::Seek(to) => {
                self.running = false;
                self.seek(to);
            }
            Command::Speed(s) => {
                self.speed = s;
                self.restart_pacing();
            }
            Command::View(v) => {
                let replot = v.plane != self.view.plane;
                self.view = v;
                if replot {
                    self.refresh_plane();
                    self.planes = None;
                }
            }
            Command::SaveModel(path) => self.save_model(&path),
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
                    if let Some(p) = &mut self.past {
                        p.session.set_live(&cfg);
                    }
                    // Replays of this epoch start from here, under the new settings.
                    self.checkpoint = Some(self.session.clone());
                }
            }
        }
        true
    }

    /// Writes the model as it is now to a new file (on this thread, so a large model never
    /// holds up the UI), keeping what happened for the next snapshot.
    fn save_model(&mut self, path: &std::path::Path) {
        let result = self
            .shown()
            .model()
            .to_json()
            .map_err(|e| e.to_string())
            .and_then(|text| {
                crate::files::write_new(path, text.as_bytes())
                    .map_err(|e| format!("{}: {e}", path.display()))
            });
        let n = self.saved.as_ref().map_or(0, |(n, _)| *n) + 1;
        self.saved = Some((n, result));
    }

    /// A session with the same data and new initial weights (another random stream).
    fn fresh_network(&self, cfg: &TrainConfig) -> Result<Session, EngineError> {
        let mut rng = rng_from_seed(cfg.seed);
        // Streams 0-2 are the session's own (data, init, shuffle).
        rng.set_stream(1000 + self.resets);
        self.session.with_new_weights(cfg.clone(), &mut rng)
    }

    fn replace(&mut self, session: Session, notice: String) {
        self.session = session;
        self.refresh_plane();
        self.notify(notice);
        self.begin_run();
        self.restart_pacing();
    }

    fn notify(&mut self, notice: String) {
        self.generation += 1;
        self.notice = Some(notice);
    }

    fn restart_pacing(&mut self) {
        self.pace_start = (Instant::now(), self.session.step_count());
    }

    /// One optimizer step, recording the metrics at each epoch's end (and at every step early
    /// in the run, and at the step that diverged).
    pub fn step(&mut self) {
        if self.session.diverged() {
            return;
        }
        let r = self.session.step();
        if r.diverged {
            self.divergence = Some(Divergence {
                step: r.step,
                epoch: self.epoch_now(),
            });
            self.record();
            self.timeline.push(self.session.checkpoint());
        } else if r.epoch_ended {
            self.epoch_start_step = r.step;
            self.record();
            self.record_lives(true);
            self.checkpoint = Some(self.session.clone());
            self.timeline.push(self.session.checkpoint());
        } else if early(&r) {
            // A fresh health pass for this step; it never changes training or its counters.
            self.session.refresh();
            self.record();
        }
    }

    /// Show another kept moment; the run's newest is the live session itself.
    fn seek(&mut self, to: Seek) {
        let kept: Vec<u64> = self
            .timeline
            .entries()
            .iter()
            .map(super::super::engine::checkpoint::Checkpoint::epoch)
            .collect();
        let now = self.session.epoch();
        let at = self.past.as_ref().map_or(now, |p| p.epoch);
        let deaths = self.lives.death_epochs();
        let target = match to {
            Seek::Back => kept.iter().rev().find(|&&e| e < at).copied(),
            Seek::Forward => kept.iter().find(|&&e| e > at).copied(),
            Seek::Start => kept.first().copied(),
            Seek::Now => Some(now),
            // The first kept moment at or after the death (where it is seen dead).
            Seek::PrevDeath => deaths
                .iter()
                .rev()
                .filter_map(|&d| kept.iter().find(|&&e| e >= d).copied())
                .find(|&e| e < at),
            Seek::NextDeath => deaths
                .iter()
                .filter_map(|&d| kept.iter().find(|&&e| e >= d).copied())
                .find(|&e| e > at),
        };
        let Some(epoch) = target else {
            self.notify(match to {
                Seek::PrevDeath | Seek::NextDeath => "timeline: no death that way".to_string(),
                _ => "timeline: no kept moment that way".to_string(),
            });
            return;
        };
        if epoch >= now {
            self.past = None;
            return;
        }
        let Some(cp) = self.timeline.at(epoch) else {
            return;
        };
        let mut session = match self.past.take() {
            Some(p) => p.session,
            None => self.session.clone(),
        };
        session.show(cp);
        let mut history = (*self.history).clone();
        history.truncate_after(epoch as f64);
        let mut lives = (*self.lives).clone();
        lives.truncate_after(epoch, &states_of(&session));
        self.past = Some(Past {
            epoch,
            session,
            history: Arc::new(history),
            lives: Arc::new(lives),
        });
    }

    /// Training goes on from the past moment shown, if any: the session there is restored
    /// exactly (replaying from the resumable moment before it when it was kept as a view), the
    /// later history is dropped, and the settings are those in effect now.
    fn branch(&mut self) {
        let Some(past) = self.past.take() else {
            return;
        };
        let epoch = past.epoch;
        let Some(from) = self.timeline.resumable_before(epoch).cloned() else {
            return;
        };
        let live = self.session.config().clone();
        let now = self.session.epoch();
        let mut s = past.session;
        if let Err(e) = s.restore(&from) {
            self.notify(format!("cannot resume: {e}"));
            return;
        }
        while s.epoch() < epoch && !s.diverged() {
            let r = s.step();
            if early(&r) {
                s.refresh();
            }
        }
        s.set_live(&live);
        self.session = s;
        self.timeline.truncate_after(epoch);
        self.history = past.history;
        self.lives = past.lives;
        if self
            .divergence
            .is_some_and(|d| d.step > self.session.step_count())
        {
            self.divergence = None;
        }
        self.epoch_start_step = self.session.step_count();
        self.checkpoint = Some(self.session.clone());
        self.planes = None;
        self.notify(format!(
            "resumed from epoch {epoch}: epochs {}-{now} dropped",
            epoch + 1
        ));
    }

    /// Where training is now in epochs, fractional within the current epoch.
    fn epoch_now(&self) -> f64 {
        let s = &self.session;
        let per = s.steps_per_epoch().max(1) as f64;
        let into = s.step_count().saturating_sub(self.epoch_start_step) as f64;
        s.epoch() as f64 + (into / per).min(1.0)
    }

    fn record(&mut self) {
        // Within an epoch (the per-step points early in a run) the last step's gradient is the
        // one that moved; at an epoch's end, the whole epoch's.
        let mid_epoch = self.session.step_count() > self.epoch_start_step;
        let step_norms = mid_epoch.then(|| self.session.step_grad_norms());
        let sample = sample_of(&self.session, self.epoch_now(), step_norms);
        Arc::make_mut(&mut self.history).push(sample);
    }

    /// Record every neuron's state at an epoch end (or the start) and tell the deaths and
    /// revivals since the last one; `replay` looks for the update behind each death.
    fn record_lives(&mut self, replay: bool) {
        let states = states_of(&self.session);
        let epoch = self.session.epoch();
        let lives = Arc::make_mut(&mut self.lives);
        let turns = lives.record(epoch, &states);
        if turns.is_empty() {
            return;
        }
        let deaths: Vec<(usize, usize)> = turns
            .iter()
            .filter(|t| t.2 == Turn::Died)
            .map(|t| (t.0, t.1))
            .collect();
        let found = match (&self.checkpoint, replay && !deaths.is_empty()) {
            (Some(cp), true) => killing_updates(cp, &self.session, &deaths),
            _ => vec![None; deaths.len()],
        };
        let lives = Arc::make_mut(&mut self.lives);
        for (l, n, turn) in turns {
            let (update, exact) = match turn {
                Turn::Revived => (None, false),
                Turn::Died => {
                    let k = deaths.iter().position(|d| *d == (l, n));
                    match k.and_then(|k| found[k]) {
                        Some(u) => (Some(u), true),
                        None => (
                            self.checkpoint
                                .as_ref()
                                .and_then(|cp| epoch_change(cp, &self.session, l, n)),
                            false,
                        ),
                    }
                }
            };
            lives.note(
                l,
                n,
                Event {
                    turn,
                    epoch,
                    update,
                    exact,
                },
            );
        }
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
            let planes = (
                snap.output.clone(),
                snap.output_class.clone(),
                snap.inspected.clone(),
                snap.tiles.clone(),
                snap.predicted.clone(),
            );
            self.planes = Some((now, key, planes));
        }
        let _ = out.send(Arc::new(snap));
    }

    /// A snapshot; `planes` are the output and inspector grids to use instead of sampling.
    fn capture_reusing(&self, planes: Option<Planes>) -> Snapshot {
        let past = self.past.as_ref();
        let moment = Moment {
            session: self.shown(),
            output: self.view.output,
            inspect: self.view.inspect,
            projection: &self.projection,
            domain: self.domain,
            points: &self.points,
            tally: &self.tally,
            running: self.running,
            steps_per_sec: self.rate.2,
            divergence: self.divergence,
            history: past.map_or_else(|| self.history.clone(), |p| p.history.clone()),
            lives: past.map_or_else(|| self.lives.clone(), |p| p.lives.clone()),
            timeline: self.mark(),
            notice: self.notice.clone(),
            generation: self.generation,
            saved: self.saved.clone(),
        };
        capture::snapshot(moment, planes)
    }

    /// Where the shown moment is in the kept history.
    fn mark(&self) -> TimelineMark {
        let entries = self.timeline.entries();
        let viewing = self.past.as_ref().map(|p| p.epoch);
        let at = viewing.unwrap_or(self.session.epoch());
        TimelineMark {
            viewing,
            now: self.session.epoch(),
            kept: entries.len(),
            position: entries
                .iter()
                .position(|c| c.epoch() >= at)
                .unwrap_or(entries.len().saturating_sub(1)),
            deaths: self
                .past
                .as_ref()
                .map_or(&self.lives, |p| &p.lives)
                .death_epochs()
                .len(),
            bytes: self.timeline.bytes(),
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

/// Whether this step is one of the early ones recorded each (with a fresh health pass).
fn early(r: &crate::engine::StepReport) -> bool {
    r.epoch < EARLY_EPOCHS && r.step < EARLY_STEPS
}

/// The metrics of `s` now, at `epoch`; the gradient norms are the last step's when given,
/// else the last epoch's.
fn sample_of(s: &Session, epoch: f64, step_norms: Option<&[f64]>) -> Sample {
    let h = s.health();
    Sample {
        epoch,
        train_loss: s.train_loss(),
        test_loss: s.test_loss(),
        dead_fraction: h.dead_fraction(),
        grad_norms: match step_norms {
            Some(n) => n.to_vec(),
            None => h.layers.iter().map(|l| l.grad_norm).collect(),
        },
    }
}

/// Every hidden neuron's state, layer by layer.
fn states_of(s: &Session) -> Vec<Vec<NeuronState>> {
    s.health()
        .neurons
        .iter()
        .map(|row| row.iter().map(|n| n.state).collect())
        .collect()
}

/// For each of `targets` (layer, neuron), dead now but not at `checkpoint`: the last step
/// between them after which it was dead and before which it was not, found by replaying the
/// steps from `checkpoint` (training is deterministic) with a health pass after each. `None`
/// when the replay would cost too much or finds no such step.
fn killing_updates(
    checkpoint: &Session,
    now: &Session,
    targets: &[(usize, usize)],
) -> Vec<Option<Update>> {
    let steps = now.step_count().saturating_sub(checkpoint.step_count());
    let net = checkpoint.network();
    let params: usize = net
        .layers
        .iter()
        .map(|l| l.weights.len() + l.bias.len())
        .sum();
    let samples = checkpoint.dataset().train.len();
    let cost = steps as f64 * samples as f64 * params as f64 * 3.0;
    let mut found = vec![None; targets.len()];
    if steps == 0 || cost > REPLAY_BUDGET {
        return found;
    }
    let mut s = checkpoint.clone();
    s.refresh();
    let state = |s: &Session, (l, n): (usize, usize)| {
        let h = s.health().neurons.get(l).and_then(|r| r.get(n)).copied();
        h.map_or((false, f64::NAN), |h| {
            (h.state == NeuronState::Dead, h.z_max)
        })
    };
    let mut before: Vec<(bool, f64)> = targets.iter().map(|&t| state(&s, t)).collect();
    while s.step_count() < now.step_count() && !s.diverged() {
        let params_before: Vec<(f64, Vec<f64>)> = targets
            .iter()
            .map(|&(l, n)| {
                let layer = &s.network().layers[l];
                (layer.bias[n], layer.row(n).to_vec())
            })
            .collect();
        s.step();
        s.refresh();
        for (k, &(l, n)) in targets.iter().enumerate() {
            let after = state(&s, (l, n));
            if after.0 && !before[k].0 {
                let layer = &s.network().layers[l];
                let (b0, w0) = &params_before[k];
                found[k] = Some(Update {
                    step: s.step_count(),
                    bias_change: layer.bias[n] - b0,
                    weight_change: distance(layer.row(n), w0),
                    z_max_before: before[k].1,
                    z_max_after: after.1,
                });
            }
            before[k] = after;
        }
    }
    found
}

/// The change of neuron (l, n) between `from` and `to` as one update (the epoch's last step).
fn epoch_change(from: &Session, to: &Session, l: usize, n: usize) -> Option<Update> {
    let a = from.network().layers.get(l)?;
    let b = to.network().layers.get(l)?;
    let z = |s: &Session| {
        s.health()
            .neurons
            .get(l)
            .and_then(|r| r.get(n))
            .map_or(f64::NAN, |h| h.z_max)
    };
    Some(Update {
        step: to.step_count(),
        bias_change: b.bias.get(n)? - a.bias.get(n)?,
        weight_change: distance(b.row(n), a.row(n)),
        z_max_before: z(from),
        z_max_after: z(to),
    })
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
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
    let widths: Vec<String> = cfg
        .hidden
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
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
    use crate::trainer::{Grid, TILE_PIXELS};

    fn view() -> View {
        View {
            plane: crate::engine::PlaneView::default(),
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
        // Every step of the first epochs (the start included), then epoch ends only.
        assert_eq!(s.history.samples().len(), 51);
        let last = s.history.samples().last().unwrap();
        assert_eq!(last.epoch, 2.0);
        assert_eq!(s.history.samples()[1].epoch, 1.0 / 25.0);
        let tiles: Vec<usize> = s.tiles.iter().map(Vec::len).collect();
        assert_eq!(tiles, vec![8, 8]);
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

    /// The dying-high-lr preset: ReLU 8,8, a learning rate of 2.5.
    fn dying() -> TrainConfig {
        TrainConfig {
            lr: 2.5,
            batch_size: 30,
            clip: 10.0,
            ..TrainConfig::default()
        }
    }

    #[test]
    fn tiles_hold_each_neurons_own_output() {
        let mut w = Worker::new(TrainConfig::default(), false, None, view()).unwrap();
        for _ in 0..30 {
            w.step();
        }
        let s = w.capture();
        let d = s.domain;
        let (tw, th) = TILE_PIXELS;
        for (l, layer) in s.tiles.iter().enumerate() {
            for (n, grid) in layer.iter().enumerate() {
                assert_eq!((grid.width, grid.height), (tw, th));
                let expected =
                    Grid::sample(tw, th, d, |x1, x2| w.session().neuron_output(l, n, x1, x2));
                for (a, b) in grid.values.iter().zip(&expected.values) {
                    assert!((a - b).abs() < 1e-12, "h{l}.{n}: {a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn a_death_is_told_with_the_update_that_did_it() {
        let mut w = Worker::new(dying(), false, None, view()).unwrap();
        for _ in 0..9 * 40 {
            w.step();
        }
        let s = w.capture();
        let mut deaths = 0;
        for (l, layer) in s.hidden().iter().enumerate() {
            for n in 0..layer.bias.len() {
                let story = s.lives.story(l, n).unwrap();
                for e in story.events.iter().filter(|e| e.turn == Turn::Died) {
                    deaths += 1;
                    let u = e.update.expect("a death has its update");
                    assert!(e.exact, "h{}.{}: the single step was found", l + 1, n + 1);
                    // Alive before the step, dead after it: for ReLU, z_max crossed 0.
                    assert!(u.z_max_before > 0.0 && u.z_max_after <= 0.0, "{u:?}");
                    // It happened during the epoch the death was seen at.
                    let per = w.session().steps_per_epoch() as u64;
                    assert!(
                        u.step > (e.epoch - 1) * per && u.step <= e.epoch * per,
                        "{e:?}"
                    );
                    assert!(u.weight_change >= 0.0 && u.bias_change.is_finite(), "{u:?}");
                }
            }
        }
        assert!(deaths > 0);
        assert_eq!(deaths as u64, s.deaths.min(deaths as u64));
        let total: u32 = (0..2)
            .flat_map(|l| (0..8).map(move |n| (l, n)))
            .map(|(l, n)| s.lives.story(l, n).unwrap().deaths)
            .sum();
        assert_eq!(u64::from(total), s.deaths, "every death is in some story");
        // The states per epoch end: the start and 40 epochs.
        assert_eq!(s.lives.strip(0, 0).len(), 41);
    }

    #[test]
    fn a_run_that_diverges_early_keeps_each_step_and_marks_the_point() {
        let cfg = TrainConfig {
            dataset: crate::engine::DatasetKind::Plane,
            activation: "leaky-relu".parse().unwrap(),
            hidden: vec![8; 6],
            bias_init: crate::engine::BiasInit::Constant(1.0),
            lr: 0.3,
            ..TrainConfig::default()
        };
        let mut w = Worker::new(cfg, false, None, view()).unwrap();
        for _ in 0..20 {
            w.step();
        }
        let s = w.capture();
        let d = s.divergence.expect("it diverged");
        assert!(d.step > 1 && d.step < 10, "{d:?}");
        let samples = s.history.samples();
        // The start, each step, and the one that diverged.
        assert_eq!(samples.len() as u64, d.step + 1);
        // The start's gradient is the whole training set's, each step's its mini-batch's: the
        // climb shows from the first point to the last finite one.
        let first = samples[0].grad_norms[0];
        let last = samples[samples.len() - 2].grad_norms[0];
        assert!(
            last > 100.0 * first,
            "the gradient climbs: {first} to {last}"
        );
        assert!(!samples.last().unwrap().train_loss.is_finite());
        assert!((d.epoch - samples.last().unwrap().epoch).abs() < 1e-12);
    }

    #[test]
    fn resets_are_tallied_per_init() {
        let cfg = TrainConfig {
            hidden: vec![2; 8],
            bias_init: crate::engine::BiasInit::Constant(0.0),
            ..TrainConfig::default()
        };
        let mut w = Worker::new(cfg.clone(), false, None, view()).unwrap();
        for _ in 0..4 {
            w.apply(Command::ResetNetwork);
        }
        let s = w.capture();
        assert_eq!(s.born_dead_tally.len(), 1);
        let t = &s.born_dead_tally[0];
        assert_eq!((t.init.as_str(), t.draws), ("he-normal, bias 0", 5));
        assert!(
            t.born_dead >= 1,
            "deep and narrow: some draws are born dead"
        );
        // Another init is counted on its own; another shape starts its own tally.
        let rai = TrainConfig {
            init: crate::engine::Init::Rai,
            ..cfg
        };
        w.apply(Command::Configure(Box::new(rai)));
        let s = w.capture();
        assert_eq!(s.born_dead_tally.len(), 2);
        w.apply(Command::Configure(Box::default()));
        assert_eq!(w.capture().born_dead_tally.len(), 1);
    }
}
