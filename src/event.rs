//! One stream of events for the run loop: terminal input, the trainer's snapshots, signals and
//! the frame deadline, merged with `tokio::select!`.
//!
//! Nothing here ticks on its own: with training paused and no input, `next` sleeps until
//! something happens, so an idle explorer costs no CPU.

use std::io;
use std::sync::Arc;

use crossterm::event::{Event as TermEvent, EventStream, KeyEvent, KeyEventKind, MouseEvent};
use futures::StreamExt;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::experiment::ExperimentResults;
use crate::trainer::Snapshot;

/// Something the run loop reacts to.
#[derive(Debug, Clone)]
pub enum Event {
    /// A key press (releases and repeats of kitty-protocol terminals are filtered out).
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Text pasted into the terminal (bracketed paste): text, never keys.
    Paste(String),
    Resize(u16, u16),
    /// The trainer published a new state.
    Snapshot(Arc<Snapshot>),
    /// The A/B comparison's second trainer published a new state.
    SnapshotB(Arc<Snapshot>),
    /// The running experiment published new results.
    Experiment(Arc<ExperimentResults>),
    /// The frame deadline passed: time to draw what changed.
    Draw,
    /// Ctrl-Z from outside (SIGTSTP): suspend like the key does.
    Suspend,
    /// Resumed after a stop we did not cause (SIGCONT): redraw everything.
    Continue,
    /// End the app: the terminal's input stream failed or ended (an SSH disconnect), with
    /// the reason.
    Quit(&'static str),
    /// End the app because of this signal (SIGTERM, SIGHUP, SIGINT, SIGQUIT): the process then
    /// exits with 128 + its number, as a shell reports a killed program.
    Signal(i32),
}

/// The merged sources.
pub struct Events {
    input: EventStream,
    snapshots: watch::Receiver<Arc<Snapshot>>,
    snapshots_open: bool,
    /// The A/B comparison's second trainer's snapshots, while comparing.
    snapshots_b: Option<watch::Receiver<Arc<Snapshot>>>,
    /// The running experiment's channel; dropped once it closes (the job has ended).
    experiment: Option<watch::Receiver<Arc<ExperimentResults>>>,
    sigterm: Signal,
    sighup: Signal,
    sigint: Signal,
    sigquit: Signal,
    sigtstp: Signal,
    sigcont: Signal,
}

impl Events {
    /// Listen to the terminal, the signals and a snapshot channel. Must run inside a tokio
    /// runtime.
    pub fn new(snapshots: watch::Receiver<Arc<Snapshot>>) -> io::Result<Events> {
        Ok(Events {
            input: EventStream::new(),
            snapshots,
            snapshots_open: true,
            snapshots_b: None,
            experiment: None,
            sigterm: signal(SignalKind::terminate())?,
            sighup: signal(SignalKind::hangup())?,
            sigint: signal(SignalKind::interrupt())?,
            sigquit: signal(SignalKind::quit())?,
            sigtstp: signal(SignalKind::from_raw(signal_hook::consts::SIGTSTP))?,
            sigcont: signal(SignalKind::from_raw(signal_hook::consts::SIGCONT))?,
        })
    }

    /// Listen to the A/B comparison's second trainer (`None`: stop listening).
    pub fn watch_b(&mut self, snapshots: Option<watch::Receiver<Arc<Snapshot>>>) {
        self.snapshots_b = snapshots;
    }

    /// Listen to a new experiment's results (replacing any earlier one's).
    pub fn watch_experiment(&mut self, results: watch::Receiver<Arc<ExperimentResults>>) {
        self.experiment = Some(results);
    }

    /// The next event. `draw_at` is when the next frame is due, if anything is waiting to be
    /// drawn; without it no timer runs.
    pub async fn next(&mut self, draw_at: Option<Instant>) -> Event {
        loop {
            let draw_deadline = async {
                match draw_at {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                // Signals first: a quit must win over a flood of input.
                biased;
                _ = self.sigterm.recv() => return Event::Signal(SIGTERM),
                _ = self.sighup.recv() => return Event::Signal(SIGHUP),
                _ = self.sigint.recv() => return Event::Signal(SIGINT),
                _ = self.sigquit.recv() => return Event::Signal(SIGQUIT),
                _ = self.sigtstp.recv() => return Event::Suspend,
                _ = self.sigcont.recv() => return Event::Continue,
                input = self.input.next() => match input {
                    // Crossterm can spin on a dead tty; any error or the end of input quits.
                    None => return Event::Quit("end of terminal input"),
                    Some(Err(_)) => return Event::Quit("terminal input error"),
                    Some(Ok(ev)) => {
                        if let Some(ev) = translate(ev) {
                            return ev;
                        }
                    }
                },
                changed = self.snapshots.changed(), if self.snapshots_open => match changed {
                    Ok(()) => return Event::Snapshot(self.snapshots.borrow_and_update().clone()),
                    // The trainer is gone; keep the UI alive and stop listening.
                    Err(_) => self.snapshots_open = false,
                },
                changed = async {
                    match &mut self.snapshots_b {
                        Some(rx) => rx.changed().await,
                        None => std::future::pending().await,
                    }
                } => match changed {
                    Ok(()) => {
                        if let Some(rx) = &mut self.snapshots_b {
                            return Event::SnapshotB(rx.borrow_and_update().clone());
                        }
                    }
                    Err(_) => self.snapshots_b = None,
                },
                changed = async {
                    match &mut self.experiment {
                        Some(rx) => rx.changed().await,
                        None => std::future::pending().await,
                    }
                } => match changed {
                    Ok(()) => {
                        if let Some(rx) = &mut self.experiment {
                            return Event::Experiment(rx.borrow_and_update().clone());
                        }
                    }
                    // The job has ended and published its last results.
                    Err(_) => self.experiment = None,
                },
                () = draw_deadline => return Event::Draw,
            }
        }
    }
}

/// Terminal events the app cares about; key releases and repeats are dropped.
fn translate(ev: TermEvent) -> Option<Event> {
    match ev {
        TermEvent::Key(k) if k.kind == KeyEventKind::Press => Some(Event::Key(k)),
        TermEvent::Mouse(m) => Some(Event::Mouse(m)),
        TermEvent::Paste(text) => Some(Event::Paste(text)),
        TermEvent::Resize(w, h) => Some(Event::Resize(w, h)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEventState, KeyModifiers};

    #[test]
    fn only_presses_pass() {
        let mut k = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert!(matches!(translate(TermEvent::Key(k)), Some(Event::Key(_))));
        k.kind = KeyEventKind::Release;
        k.state = KeyEventState::NONE;
        assert!(translate(TermEvent::Key(k)).is_none());
        k.kind = KeyEventKind::Repeat;
        assert!(translate(TermEvent::Key(k)).is_none());
        assert!(matches!(
            translate(TermEvent::Resize(80, 24)),
            Some(Event::Resize(80, 24))
        ));
        assert!(translate(TermEvent::FocusGained).is_none());
    }
}
