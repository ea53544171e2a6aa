//! Each hidden neuron's life story over a run: its state at every epoch end (bounded: when
//! full, every other epoch is dropped and the stride doubles, as the metrics history does),
//! and the deaths and revivals it went through, with the update that killed it when it could
//! be found.

use crate::engine::NeuronState;

/// Epoch ends kept per run at most.
const CAPACITY: usize = 256;
/// Events kept per neuron (the latest).
const MAX_EVENTS: usize = 6;

/// A death or a revival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    Died,
    Revived,
}

/// The optimizer step after which a neuron was dead, and what it did to the neuron.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Update {
    /// The step (1-based: the n-th update of the run).
    pub step: u64,
    /// The change of the neuron's bias made by that step.
    pub bias_change: f64,
    /// The Euclidean norm of the change of its incoming weights made by that step.
    pub weight_change: f64,
    /// Its largest pre-activation over the training set before and after the step.
    pub z_max_before: f64,
    pub z_max_after: f64,
}

/// What happened to a neuron at an epoch end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    pub turn: Turn,
    /// The epoch at whose end it was seen (the change happened during that epoch).
    pub epoch: u64,
    /// For a death: the update that did it, when replaying the epoch found it. Otherwise the
    /// change over the whole epoch, with `step` the epoch's last step.
    pub update: Option<Update>,
    /// Whether `update` is the single step that did it (false: the whole epoch's change).
    pub exact: bool,
}

/// One neuron's story.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Story {
    /// The latest events, oldest first.
    pub events: Vec<Event>,
    pub deaths: u32,
    pub revivals: u32,
}

/// Every hidden neuron's story, for one network shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lives {
    widths: Vec<usize>,
    /// The epoch of each kept sample.
    epochs: Vec<u64>,
    /// Per kept sample, every hidden neuron's state, layer by layer.
    states: Vec<Vec<NeuronState>>,
    stride: u64,
    seen: u64,
    /// The states at the last record, kept or not.
    last_all: Option<Vec<NeuronState>>,
    stories: Vec<Story>,
}

impl Lives {
    /// An empty story for hidden layers of these widths.
    pub fn new(widths: &[usize]) -> Lives {
        Lives {
            widths: widths.to_vec(),
            stride: 1,
            stories: vec![Story::default(); widths.iter().sum()],
            ..Lives::default()
        }
    }

    fn index(&self, layer: usize, neuron: usize) -> Option<usize> {
        let width = *self.widths.get(layer)?;
        (neuron < width).then(|| self.widths[..layer].iter().sum::<usize>() + neuron)
    }

    /// The states at the last recorded epoch end, layer by layer.
    pub fn last(&self) -> Option<&[NeuronState]> {
        self.last_all.as_deref()
    }

    /// Record the states at an epoch end (or the start: epoch 0). Returns the neurons whose
    /// dead-or-not changed since the previous record, as (layer, neuron, turn).
    pub fn record(&mut self, epoch: u64, states: &[Vec<NeuronState>]) -> Vec<(usize, usize, Turn)> {
        let flat: Vec<NeuronState> = states.iter().flatten().copied().collect();
        if flat.len() != self.stories.len() {
            return Vec::new();
        }
        let mut turns = Vec::new();
        if let Some(prev) = &self.last_all {
            for (k, (&was, &now)) in prev.iter().zip(&flat).enumerate() {
                let turn = match (was == NeuronState::Dead, now == NeuronState::Dead) {
                    (false, true) => Turn::Died,
                    (true, false) => Turn::Revived,
                    _ => continue,
                };
                let (l, n) = self.position(k);
                turns.push((l, n, turn));
            }
        }
        self.last_all = Some(flat.clone());
        let keep = self.seen % self.stride == 0;
        self.seen += 1;
        if keep {
            if self.states.len() == CAPACITY {
                let mut i = 0;
                self.states.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                let mut i = 0;
                self.epochs.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                self.stride *= 2;
            }
            if (self.seen - 1) % self.stride == 0 {
                self.states.push(flat);
                self.epochs.push(epoch);
            }
        }
        turns
    }

    fn position(&self, mut k: usize) -> (usize, usize) {
        for (l, &w) in self.widths.iter().enumerate() {
            if k < w {
                return (l, k);
            }
            k -= w;
        }
        (self.widths.len(), 0)
    }

    /// Add an event to a neuron's story.
    pub fn note(&mut self, layer: usize, neuron: usize, event: Event) {
        let Some(i) = self.index(layer, neuron) else {
            return;
        };
        let story = &mut self.stories[i];
        match event.turn {
            Turn::Died => story.deaths += 1,
            Turn::Revived => story.revivals += 1,
        }
        if story.events.len() == MAX_EVENTS {
            story.events.remove(0);
        }
        story.events.push(event);
    }

    /// The stories as they were at `epoch` (the records after it dropped), with `now` the
    /// states there, layer by layer.
    pub fn truncate_after(&mut self, epoch: u64, now: &[Vec<NeuronState>]) {
        let keep = self.epochs.iter().filter(|&&e| e <= epoch).count();
        self.epochs.truncate(keep);
        self.states.truncate(keep);
        self.seen = (keep as u64).saturating_sub(1) * self.stride + 1;
        let flat: Vec<NeuronState> = now.iter().flatten().copied().collect();
        if flat.len() == self.stories.len() {
            self.last_all = Some(flat);
        }
        for story in &mut self.stories {
            for e in story.events.iter().filter(|e| e.epoch > epoch) {
                match e.turn {
                    Turn::Died => story.deaths = story.deaths.saturating_sub(1),
                    Turn::Revived => story.revivals = story.revivals.saturating_sub(1),
                }
            }
            story.events.retain(|e| e.epoch <= epoch);
        }
    }

    /// The epochs of every death still told, ascending, without repeats.
    pub fn death_epochs(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self
            .stories
            .iter()
            .flat_map(|s| s.events.iter())
            .filter(|e| e.turn == Turn::Died)
            .map(|e| e.epoch)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// A neuron's deaths and revivals.
    pub fn story(&self, layer: usize, neuron: usize) -> Option<&Story> {
        self.stories.get(self.index(layer, neuron)?)
    }

    /// A neuron's state at each kept epoch end, oldest first, with the epoch.
    pub fn strip(&self, layer: usize, neuron: usize) -> Vec<(u64, NeuronState)> {
        let Some(i) = self.index(layer, neuron) else {
            return Vec::new();
        };
        self.epochs
            .iter()
            .zip(&self.states)
            .map(|(&e, s)| (e, s[i]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NeuronState = NeuronState::Alive;
    const D: NeuronState = NeuronState::Dead;
    const S: NeuronState = NeuronState::Saturated;

    #[test]
    fn turns_are_found_between_records() {
        let mut lives = Lives::new(&[2, 1]);
        assert!(lives.record(0, &[vec![A, A], vec![D]]).is_empty());
        let turns = lives.record(1, &[vec![A, D], vec![S]]);
        assert_eq!(turns, vec![(0, 1, Turn::Died), (1, 0, Turn::Revived)]);
        // Saturated to alive is no turn: only dead or not counts.
        assert!(lives.record(2, &[vec![A, D], vec![A]]).is_empty());
        assert_eq!(lives.strip(0, 1), vec![(0, A), (1, D), (2, D)]);
        assert_eq!(lives.strip(1, 0), vec![(0, D), (1, S), (2, A)]);
        assert!(lives.strip(2, 0).is_empty());
        // A record of another shape is ignored.
        assert!(lives.record(3, &[vec![A]]).is_empty());
    }

    #[test]
    fn the_strip_is_bounded_and_spans_the_run() {
        let mut lives = Lives::new(&[1]);
        for e in 0..2000u64 {
            let s = if e % 2 == 0 { A } else { D };
            lives.record(e, &[vec![s]]);
        }
        let strip = lives.strip(0, 0);
        assert!(strip.len() <= CAPACITY);
        assert_eq!(strip[0].0, 0);
        assert!(strip.last().unwrap().0 > 1500);
        assert_eq!(lives.last(), Some(&[D][..]));
    }

    #[test]
    fn stories_count_and_keep_the_latest_events() {
        let mut lives = Lives::new(&[1]);
        let ev = |turn, epoch| Event {
            turn,
            epoch,
            update: None,
            exact: false,
        };
        for e in 0..10 {
            lives.note(0, 0, ev(Turn::Died, 2 * e));
            lives.note(0, 0, ev(Turn::Revived, 2 * e + 1));
        }
        let story = lives.story(0, 0).unwrap();
        assert_eq!((story.deaths, story.revivals), (10, 10));
        assert_eq!(story.events.len(), MAX_EVENTS);
        assert_eq!(story.events.last().unwrap().epoch, 19);
        assert!(lives.story(0, 1).is_none());
    }
}
