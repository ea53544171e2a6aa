//! The trainer's command queue. Commands that supersede each other are coalesced as they are
//! posted, so however fast keys arrive the queue holds at most one of each kind (100 presses
//! of `r` on a large dataset cost one reset, not 100), and `Quit` also raises a flag the
//! training loop checks between steps, so quitting never waits behind queued work.

use std::collections::VecDeque;
use std::mem::discriminant;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvError, RecvTimeoutError, TryRecvError};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::command::Command;

/// Shared between the UI's [`super::Trainer`] (posting) and the worker (receiving).
#[derive(Default)]
pub struct Mailbox {
    queue: Mutex<Queue>,
    ready: Condvar,
    quitting: AtomicBool,
}

#[derive(Default)]
struct Queue {
    commands: VecDeque<Command>,
    /// The posting side is gone.
    closed: bool,
}

/// Whether posting `new` makes a queued `old` pointless: the same kind of command again
/// (only the latest settings, speed, view or reset matters), or a restart, which builds a
/// fresh run from its own settings.
fn supersedes(new: &Command, old: &Command) -> bool {
    match new {
        Command::Configure(_)
        | Command::ResetNetwork
        | Command::Speed(_)
        | Command::View(_)
        | Command::Restart(_) => {
            discriminant(new) == discriminant(old)
                || (matches!(new, Command::Restart(_))
                    && matches!(old, Command::Configure(_) | Command::ResetNetwork))
        }
        // Steps, play/pause and saves are counted and ordered; none of them replaces another.
        Command::Play
        | Command::Pause
        | Command::Step
        | Command::SaveModel(_)
        | Command::Seek(_)
        | Command::Quit => false,
    }
}

impl Mailbox {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queue a command, dropping the queued ones it supersedes.
    pub fn post(&self, command: Command) {
        if command == Command::Quit {
            self.quitting.store(true, Ordering::Relaxed);
        }
        let mut q = self.lock();
        q.commands.retain(|old| !supersedes(&command, old));
        q.commands.push_back(command);
        drop(q);
        self.ready.notify_one();
    }

    /// The posting side is gone: the worker ends once the queue is empty.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_one();
    }

    /// Quit has been asked for: stop what is in progress.
    pub fn quitting(&self) -> bool {
        self.quitting.load(Ordering::Relaxed)
    }

    /// How many commands wait.
    pub fn len(&self) -> usize {
        self.lock().commands.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next command, waiting for one; an error once closed and empty.
    pub fn recv(&self) -> Result<Command, RecvError> {
        let mut q = self.lock();
        loop {
            if let Some(c) = q.commands.pop_front() {
                return Ok(c);
            }
            if q.closed {
                return Err(RecvError);
            }
            q = self.ready.wait(q).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The next command if one waits.
    pub fn try_recv(&self) -> Result<Command, TryRecvError> {
        let mut q = self.lock();
        match q.commands.pop_front() {
            Some(c) => Ok(c),
            None if q.closed => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    /// The next command, waiting at most `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Command, RecvTimeoutError> {
        let deadline = Instant::now() + timeout;
        let mut q = self.lock();
        loop {
            if let Some(c) = q.commands.pop_front() {
                return Ok(c);
            }
            if q.closed {
                return Err(RecvTimeoutError::Disconnected);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(RecvTimeoutError::Timeout);
            }
            q = self
                .ready
                .wait_timeout(q, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::TrainConfig;

    #[test]
    fn superseding_commands_are_coalesced() {
        let m = Mailbox::default();
        for _ in 0..100 {
            m.post(Command::ResetNetwork);
        }
        m.post(Command::Step);
        m.post(Command::Configure(Box::default()));
        m.post(Command::Configure(Box::new(TrainConfig {
            lr: 0.5,
            ..TrainConfig::default()
        })));
        m.post(Command::Step);
        assert_eq!(m.len(), 4, "one reset, two steps, the last settings");
        assert_eq!(m.try_recv(), Ok(Command::ResetNetwork));
        assert_eq!(m.try_recv(), Ok(Command::Step));
        assert!(matches!(m.try_recv(), Ok(Command::Configure(c)) if c.lr == 0.5));
        m.post(Command::ResetNetwork);
        m.post(Command::Restart(Box::default()));
        assert_eq!(m.len(), 2, "a restart drops the reset before it");
    }

    #[test]
    fn quit_raises_the_flag_and_close_ends_the_queue() {
        let m = Mailbox::default();
        assert!(!m.quitting());
        m.post(Command::Quit);
        assert!(m.quitting());
        assert_eq!(m.recv(), Ok(Command::Quit));
        m.close();
        assert_eq!(m.recv(), Err(RecvError));
        assert_eq!(
            m.recv_timeout(Duration::from_millis(1)),
            Err(RecvTimeoutError::Disconnected)
        );
    }
}
