//! Experiments in the background, for the interactive explorer: a job runs on its own rayon
//! pool, and its thread publishes the partial results and progress through a `watch` channel
//! at most every [`PUBLISH_EVERY`], as the trainer publishes its snapshots. The UI reads only
//! the newest; nothing here waits on the UI. A job can be cancelled.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::watch;

use super::born_dead::{self, BornDeadConfig, BornDeadReport};
use super::progress::Progress;
use super::sweep::{self, SweepCell, SweepConfig, SweepReport};
use crate::engine::{BiasInit, Init, TrainConfig};

/// What a job runs.
#[derive(Debug, Clone, PartialEq)]
pub enum ExperimentParams {
    /// Born-dead runs, one after the other (e.g. a symmetric init, then RAI).
    BornDead(Vec<BornDeadConfig>),
    /// One learning-rate × bias-init sweep.
    Sweep(Box<SweepConfig>),
}

impl ExperimentParams {
    /// The explorer's born-dead comparison: he-normal with zero biases beside RAI with its own
    /// biases, widths 2, 4, 8, depths 1-20.
    pub fn born_dead_comparison(trials: u64, seed: u64) -> ExperimentParams {
        let symmetric = BornDeadConfig {
            widths: vec![2, 4, 8],
            depths: (1..=20).collect(),
            trials,
            seed,
            ..BornDeadConfig::default()
        };
        let rai = BornDeadConfig {
            init: Init::Rai,
            bias: BiasInit::Scheme,
            ..symmetric.clone()
        };
        ExperimentParams::BornDead(vec![symmetric, rai])
    }

    /// The explorer's sweep around a training config: learning rates 0.003-3 by decades ×
    /// bias inits 0.1, 0, -1, -3.
    pub fn sweep_around(base: &TrainConfig, epochs: u64, repeats: u64) -> ExperimentParams {
        ExperimentParams::Sweep(Box::new(SweepConfig {
            base: base.clone(),
            lrs: vec![0.003, 0.03, 0.3, 3.0],
            bias_inits: [0.1, 0.0, -1.0, -3.0].map(BiasInit::Constant).to_vec(),
            epochs,
            repeats,
        }))
    }
}

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum JobStatus {
    #[default]
    Running,
    Done,
    Cancelled,
    /// The parameters were refused; the message says why.
    Failed(String),
}

/// A job's results so far: partial while it runs, complete when it is done.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExperimentResults {
    /// One report per born-dead config started, in order (widths fill in as they finish).
    pub born_dead: Vec<BornDeadReport>,
    /// The sweep, its cells' runs filling in as they finish.
    pub sweep: Option<SweepReport>,
    pub status: JobStatus,
    /// Share of the whole job done, 0-1.
    pub progress: f64,
    /// Index of the stage running (a born-dead config), and how many there are.
    pub stage: usize,
    pub stages: usize,
}

impl ExperimentResults {
    /// Share of the whole job done, given the share of the current stage done.
    fn fraction_done(&self, stage_fraction: f64) -> f64 {
        if self.stages == 0 {
            return 0.0;
        }
        ((self.stage as f64 + stage_fraction) / self.stages as f64).clamp(0.0, 1.0)
    }
}

/// Worker threads for a background job: `RAYON_NUM_THREADS` if set (as the headless commands
/// honour it), else every core, less one when `leave_a_core` (training runs beside it, and the
/// trainer and the UI keep a core).
pub fn default_threads(leave_a_core: bool) -> usize {
    let from_env = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0);
    from_env.unwrap_or_else(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        cores.saturating_sub(usize::from(leave_a_core)).max(1)
    })
}

/// A running job's results are published at most this often.
pub const PUBLISH_EVERY: Duration = Duration::from_millis(50);

struct Shared {
    progress: Progress,
    results: Mutex<ExperimentResults>,
}

impl Shared {
    fn update(&self, f: impl FnOnce(&mut ExperimentResults)) {
        f(&mut self.results.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

/// A running (or finished) experiment. Dropping it cancels the work and waits for the trial in
/// flight (milliseconds).
pub struct ExperimentJob {
    shared: Arc<Shared>,
    published: watch::Receiver<Arc<ExperimentResults>>,
    handle: Option<JoinHandle<()>>,
}

impl ExperimentJob {
    /// Starts `params` on a new thread, with [`default_threads`] workers leaving a core.
    pub fn spawn(params: ExperimentParams) -> ExperimentJob {
        ExperimentJob::spawn_with_threads(params, default_threads(true))
    }

    /// Starts `params` on a new thread with a rayon pool of `threads` workers.
    pub fn spawn_with_threads(params: ExperimentParams, threads: usize) -> ExperimentJob {
        let shared = Arc::new(Shared {
            progress: Progress::new(),
            results: Mutex::new(ExperimentResults::default()),
        });
        let (publish, published) = watch::channel(Arc::new(ExperimentResults::default()));
        let worker = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name("experiment".into())
            .spawn(move || {
                let status = match rayon::ThreadPoolBuilder::new()
                    .num_threads(threads.max(1))
                    .build()
                {
                    Ok(pool) => {
                        let (done, finished) = mpsc::channel();
                        let working = Arc::clone(&worker);
                        pool.spawn(move || {
                            let _ = done.send(run(&params, &working));
                        });
                        // Publish while the pool works; the channel closing without a status
                        // means the work panicked.
                        loop {
                            match finished.recv_timeout(PUBLISH_EVERY) {
                                Ok(status) => break status,
                                Err(mpsc::RecvTimeoutError::Timeout) => {
                                    publish_if_changed(&publish, current(&worker));
                                }
                                Err(mpsc::RecvTimeoutError::Disconnected) => {
                                    break JobStatus::Failed("the experiment stopped".into());
                                }
                            }
                        }
                    }
                    Err(e) => JobStatus::Failed(format!("cannot start worker threads: {e}")),
                };
                let reached = worker.progress.fraction();
                worker.update(|r| {
                    // A finished job is complete; a stopped one keeps how far it got.
                    r.progress = if status == JobStatus::Done {
                        1.0
                    } else {
                        r.fraction_done(reached)
                    };
                    r.status = status;
                });
                publish_if_changed(&publish, current(&worker));
            })
            .ok();
        if handle.is_none() {
            shared.update(|r| r.status = JobStatus::Failed("cannot start a thread".into()));
        }
        ExperimentJob {
            shared,
            published,
            handle,
        }
    }

    /// The channel the job publishes its results through; it closes when the job has ended
    /// and published its final results.
    pub fn subscribe(&self) -> watch::Receiver<Arc<ExperimentResults>> {
        self.published.clone()
    }

    /// A copy of the results so far, with the current progress.
    pub fn snapshot(&self) -> ExperimentResults {
        current(&self.shared)
    }

    /// Asks the job to stop after the trials (or epochs) in flight.
    pub fn cancel(&self) {
        self.shared.progress.cancel();
    }

    /// Whether the thread has ended (done, cancelled or failed).
    pub fn is_finished(&self) -> bool {
        self.handle
            .as_ref()
            .is_none_or(std::thread::JoinHandle::is_finished)
    }

    /// Waits for the job to end and returns its results.
    pub fn wait(mut self) -> ExperimentResults {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.snapshot()
    }
}

impl Drop for ExperimentJob {
    fn drop(&mut self) {
        self.cancel();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The results so far, with the current progress.
fn current(shared: &Shared) -> ExperimentResults {
    let mut r = shared
        .results
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if r.status == JobStatus::Running {
        r.progress = r.fraction_done(shared.progress.fraction());
    }
    r
}

fn publish_if_changed(publish: &watch::Sender<Arc<ExperimentResults>>, new: ExperimentResults) {
    publish.send_if_modified(|old| {
        let changed = **old != new;
        if changed {
            *old = Arc::new(new);
        }
        changed
    });
}

fn run(params: &ExperimentParams, shared: &Shared) -> JobStatus {
    let progress = &shared.progress;
    let outcome = match params {
        ExperimentParams::BornDead(configs) => {
            shared.update(|r| r.stages = configs.len());
            let mut cancelled = false;
            for (i, config) in configs.iter().enumerate() {
                if progress.is_cancelled() {
                    cancelled = true;
                    break;
                }
                shared.update(|r| r.stage = i);
                let report = born_dead::run_streaming(config, progress, |partial| {
                    shared.update(|r| set_stage(&mut r.born_dead, i, partial.clone()));
                });
                match report {
                    Ok(report) => {
                        cancelled |= report.cancelled;
                        shared.update(|r| set_stage(&mut r.born_dead, i, report));
                    }
                    Err(e) => return JobStatus::Failed(format!("{e:#}")),
                }
            }
            Ok(cancelled)
        }
        ExperimentParams::Sweep(config) => {
            let skeleton = SweepReport {
                config: (**config).clone(),
                data: config.data_name(),
                cells: config
                    .combinations()
                    .into_iter()
                    .map(|(lr, bias)| SweepCell {
                        lr,
                        bias,
                        runs: Vec::new(),
                    })
                    .collect(),
                cancelled: false,
            };
            shared.update(|r| {
                r.stages = 1;
                r.sweep = Some(skeleton);
            });
            sweep::run_streaming(config, progress, |cell, run| {
                shared.update(|r| {
                    if let Some(c) = r.sweep.as_mut().and_then(|s| s.cells.get_mut(cell)) {
                        c.runs.push(*run);
                    }
                });
            })
            .map(|report| {
                let cancelled = report.cancelled;
                shared.update(|r| r.sweep = Some(report));
                cancelled
            })
        }
    };
    match outcome {
        Ok(false) => JobStatus::Done,
        Ok(true) => JobStatus::Cancelled,
        Err(e) => JobStatus::Failed(format!("{e:#}")),
    }
}

fn set_stage(reports: &mut Vec<BornDeadReport>, i: usize, report: BornDeadReport) {
    if i < reports.len() {
        reports[i] = report;
    } else {
        reports.push(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_born_dead() -> ExperimentParams {
        let ExperimentParams::BornDead(mut configs) = ExperimentParams::born_dead_comparison(40, 1)
        else {
            unreachable!()
        };
        for c in &mut configs {
            c.depths = vec![1, 3, 6];
            c.points = Some(16);
        }
        ExperimentParams::BornDead(configs)
    }

    #[test]
    fn born_dead_job_matches_a_direct_run() {
        let params = small_born_dead();
        let results = ExperimentJob::spawn_with_threads(params.clone(), 2).wait();
        assert_eq!(results.status, JobStatus::Done);
        assert_eq!(results.progress, 1.0);
        let ExperimentParams::BornDead(configs) = params else {
            unreachable!()
        };
        assert_eq!(results.born_dead.len(), 2);
        for (report, config) in results.born_dead.iter().zip(&configs) {
            let direct = born_dead::run(config, &Progress::new()).unwrap();
            assert_eq!(*report, direct);
        }
    }

    #[test]
    fn sweep_job_fills_every_cell() {
        let base = TrainConfig {
            hidden: vec![3],
            ..TrainConfig::default()
        };
        let results =
            ExperimentJob::spawn_with_threads(ExperimentParams::sweep_around(&base, 1, 1), 1)
                .wait();
        assert_eq!(results.status, JobStatus::Done);
        let sweep = results.sweep.unwrap();
        assert_eq!(sweep.cells.len(), 16);
        assert!(sweep.cells.iter().all(|c| c.runs.len() == 1));
    }

    #[test]
    fn cancel_stops_a_long_job() {
        let ExperimentParams::BornDead(mut configs) =
            ExperimentParams::born_dead_comparison(100_000_000, 0)
        else {
            unreachable!()
        };
        configs.truncate(1);
        let job = ExperimentJob::spawn_with_threads(ExperimentParams::BornDead(configs), 1);
        while job.snapshot().progress == 0.0 && !job.is_finished() {
            std::thread::yield_now();
        }
        job.cancel();
        let results = job.wait();
        assert_eq!(results.status, JobStatus::Cancelled);
        assert!(
            results.progress > 0.0 && results.progress < 1.0,
            "a cancelled job keeps how far it got: {}",
            results.progress
        );
    }

    #[test]
    fn the_channel_carries_the_final_results_then_closes() {
        let job = ExperimentJob::spawn_with_threads(small_born_dead(), 1);
        let mut rx = job.subscribe();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let last = rt.block_on(async {
            let mut last = rx.borrow().clone();
            while rx.changed().await.is_ok() {
                last = rx.borrow_and_update().clone();
            }
            last
        });
        assert_eq!(last.status, JobStatus::Done);
        assert_eq!(*last, job.wait());
    }

    #[test]
    fn bad_parameters_fail_with_the_message() {
        let bad = BornDeadConfig {
            widths: vec![0],
            ..BornDeadConfig::default()
        };
        let results = ExperimentJob::spawn(ExperimentParams::BornDead(vec![bad])).wait();
        match results.status {
            JobStatus::Failed(msg) => assert!(msg.contains("--width 0"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }
}
