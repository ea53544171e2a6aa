//! The A/B comparison: a second run (B) beside the first (A), on the same data from the same
//! seed (so the same initial weights wherever the shapes agree), with its own trainer. Setting
//! changes go to B, so the two differ in what the user changed; play, pause, step, speed and
//! reset act on both.

use std::sync::Arc;

use super::msg::Effect;
use super::state::{Ab, App, Overlay};
use crate::engine::TrainConfig;
use crate::trainer::{Command, Snapshot};

impl App {
    /// Split the screen into A and B, both from the start on A's settings; or close B.
    pub(super) fn toggle_ab(&mut self) {
        if self.ab.take().is_some() {
            self.effects.set_b(Effect::StopB);
            self.say("A/B closed: one run");
            return;
        }
        if self.overlays.close(&Overlay::Timeline) {
            self.command(Command::Seek(crate::trainer::Seek::Now));
        }
        if !self.paused {
            self.paused = true;
            self.command(Command::Pause);
        }
        // A starts again too (if it has trained), so both begin at the same weights and step.
        if self.snapshot.as_ref().is_some_and(|s| s.step > 0) {
            self.command(Command::Restart(Box::new(self.config.clone())));
        }
        self.ab = Some(Ab {
            config: self.config.clone(),
            snapshot: None,
            notice_generation: 0,
        });
        self.effects
            .set_b(Effect::StartB(Box::new(self.config.clone())));
        let keys = [
            crate::action::Action::NextActivation,
            crate::action::Action::LrUp,
            crate::action::Action::NextBiasInit,
            crate::action::Action::TogglePause,
        ]
        .map(|a| self.key_of(a));
        self.say(format!(
            "A/B: two runs from the same weights; changes go to B ({} activation, {} lr, {} \
             bias), {} plays both",
            keys[0], keys[1], keys[2], keys[3]
        ));
    }

    /// Open the A/B comparison a scenario asks for: B is the scenario's run with its `compare`
    /// settings changed.
    pub(super) fn start_scenario_compare(&mut self, scenario: &crate::settings::Scenario) {
        let Some(changes) = &scenario.compare else {
            return;
        };
        let mut b = self.config.clone();
        changes.apply(&mut b);
        if let Err(e) = b.validate() {
            self.complain(format!("scenario {}: its comparison: {e}", scenario.name));
            return;
        }
        let title = self.message.take().map(|(m, _)| m).unwrap_or_default();
        if self.ab.is_some() {
            self.toggle_ab();
        }
        self.toggle_ab();
        if let Some(ab) = &mut self.ab {
            ab.config = b.clone();
        }
        self.effects.set_b(Effect::StartB(Box::new(b)));
        let (_, db) = self.ab_differences().unwrap_or_default();
        let key = self.key_of(crate::action::Action::ToggleAb);
        self.say(format!(
            "{title}{}side by side with B: {} ({key} closes B)",
            self.sep(),
            db.join(" ")
        ));
    }

    /// A change of settings while comparing: B takes it. Returns false when not comparing.
    pub(super) fn reconfigure_b(&mut self, new: &TrainConfig, what: &str) -> bool {
        let Some(ab) = &mut self.ab else {
            return false;
        };
        ab.config = new.clone();
        self.effects
            .push(Effect::TrainerB(Command::Configure(Box::new(new.clone()))));
        self.say(format!("B: {what}"));
        true
    }

    pub(super) fn take_snapshot_b(&mut self, snap: Arc<Snapshot>) {
        let Some(ab) = &mut self.ab else {
            return;
        };
        let notice = (snap.generation != ab.notice_generation)
            .then(|| snap.notice.clone())
            .flatten();
        ab.notice_generation = snap.generation;
        ab.snapshot = Some(snap);
        if let Some(n) = notice {
            self.say(format!("B: {n}"));
        }
    }

    /// What each run's column names: the settings where A and B differ, as state items
    /// (`act=relu` / `act=leaky-relu`), or nothing when they are the same.
    pub fn ab_differences(&self) -> Option<(Vec<String>, Vec<String>)> {
        let ab = self.ab.as_ref()?;
        Some(
            crate::settings::state::differences(&self.config, &ab.config)
                .into_iter()
                .map(|(k, a, b)| (format!("{k}={a}"), format!("{k}={b}")))
                .unzip(),
        )
    }
}
