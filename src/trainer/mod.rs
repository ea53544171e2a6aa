//! The training thread: commands in over a channel, snapshots out through a `watch` channel.
//!
//! Training is CPU-bound, so it runs on a plain `std::thread`, never on the async runtime. It
//! never waits for the UI: it publishes an `Arc<Snapshot>` at most every [`PUBLISH_EVERY`] and
//! the UI reads only the newest. Paused, it blocks on the command channel and costs nothing.

mod capture;
mod command;
mod life;
mod mailbox;
mod snapshot;
mod worker;

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::engine::{ModelFile, TrainConfig};

pub use command::{Command, PLANES_EVERY, PUBLISH_EVERY, Seek, View};
pub use life::{Event, Story, Turn, Update};
pub use mailbox::Mailbox;
pub use snapshot::{
    BornDeadTally, DataPoint, Divergence, Extent, Grid, History, LayerView, Lives, NeuronState,
    NeuronView, PlaneInfo, Sample, Snapshot, TILE_PIXELS, Task, TimelineMark, ZRange,
};
pub use worker::Worker;

/// How long dropping the handle waits for the thread to end. Quitting is checked between
/// steps, but one step or health pass over a very large dataset may take longer: the process
/// must exit promptly anyway, and a thread still running then ends with it.
const JOIN_WAIT: Duration = Duration::from_millis(100);

/// The handle the UI holds. Dropping it stops the thread.
pub struct Trainer {
    mailbox: Arc<Mailbox>,
    handle: Option<JoinHandle<()>>,
}

impl Trainer {
    /// Build the session (so bad settings fail before the terminal is touched) and start the
    /// thread. Returns the handle, the snapshot receiver and the settings in effect (a saved
    /// model's shape wins over the requested one).
    pub fn spawn(
        config: TrainConfig,
        model: Option<ModelFile>,
        running: bool,
        speed: Option<f64>,
        view: View,
    ) -> anyhow::Result<(Trainer, watch::Receiver<Arc<Snapshot>>, TrainConfig)> {
        let mut worker = Worker::new(config, running, speed, view)?;
        if let Some(model) = model {
            worker.load_model(model)?;
        }
        Trainer::start(worker)
    }

    /// [`Trainer::spawn`] for a run read back from a history file: paused at its newest
    /// moment, every kept one to scrub through.
    pub fn spawn_opened(
        config: TrainConfig,
        timeline: crate::engine::Timeline,
        speed: Option<f64>,
        view: View,
    ) -> anyhow::Result<(Trainer, watch::Receiver<Arc<Snapshot>>, TrainConfig)> {
        let mut worker = Worker::new(config, false, speed, view)?;
        worker.load_timeline(timeline)?;
        Trainer::start(worker)
    }

    fn start(
        mut worker: Worker,
    ) -> anyhow::Result<(Trainer, watch::Receiver<Arc<Snapshot>>, TrainConfig)> {
        let effective = worker.session().config().clone();
        let (snap_tx, snap_rx) = watch::channel(Arc::new(worker.capture()));
        let mailbox = Arc::new(Mailbox::default());
        let rx = Arc::clone(&mailbox);
        // A drill for the crash path (tests only): the thread panics once the explorer is up.
        let drill = std::env::var_os(PANIC_DRILL).is_some();
        let handle = std::thread::Builder::new()
            .name("trainer".into())
            .spawn(move || {
                if drill {
                    std::thread::sleep(Duration::from_millis(500));
                    panic!("{PANIC_DRILL} is set: the trainer panics on purpose");
                }
                worker.run(&rx, &snap_tx);
            })
            .map_err(|e| anyhow::anyhow!("cannot start the training thread: {e}"))?;
        Ok((
            Trainer {
                mailbox,
                handle: Some(handle),
            },
            snap_rx,
            effective,
        ))
    }

    /// Send a command, coalesced with the queued ones it supersedes; a stopped trainer
    /// ignores it.
    pub fn send(&self, cmd: Command) {
        self.mailbox.post(cmd);
    }
}

/// Set in the environment, the training thread panics half a second after it starts, so a
/// test can check that a panic on any thread ends the explorer with the terminal restored.
pub const PANIC_DRILL: &str = "PANIC_DRILL_RELUSCOPE_TRAINER";

impl Drop for Trainer {
    fn drop(&mut self) {
        self.mailbox.post(Command::Quit);
        self.mailbox.close();
        if let Some(h) = self.handle.take() {
            let deadline = Instant::now() + JOIN_WAIT;
            while !h.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
            if h.is_finished() {
                let _ = h.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> View {
        View {
            plane: crate::engine::PlaneView::default(),
            output: (10, 10),
            inspect: Some((0, 0, 4, 4)),
        }
    }

    #[test]
    fn the_thread_publishes_and_stops() {
        let (trainer, mut rx, _) =
            Trainer::spawn(TrainConfig::default(), None, false, None, view()).unwrap();
        trainer.send(Command::Step);
        // Wait for the snapshot of the single step (not a timing assertion: it blocks until
        // the value arrives).
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            while rx.borrow_and_update().step == 0 {
                rx.changed().await.unwrap();
            }
        });
        assert_eq!(rx.borrow().step, 1);
        drop(trainer);
    }
}
