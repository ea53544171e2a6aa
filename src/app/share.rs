//! Taking a run away from the explorer: its state string (shown on request), the model and the
//! settings saved to files, a screenshot and the metrics as CSV. The app only decides what to
//! write and where; the run loop writes (the model on the trainer's thread) and reports back.

use std::path::PathBuf;

use super::msg::{Effect, FileEffect, Level};
use super::state::{App, Overlay, SaveKind};
use crate::action::Action;
use crate::settings::state;
use crate::trainer::{Command, History, Snapshot};

/// The command line that reproduces the run: `reluscope --state '…'`.
pub fn state_command(app: &App) -> String {
    format!("reluscope --state '{}'", state::encode(&app.config))
}

/// The metrics history as CSV: one row per sample, the gradient norm of each weight layer in
/// its own column; a missing value (no test set) is left empty.
fn metrics_csv(history: &History) -> String {
    let layers = history
        .samples()
        .iter()
        .map(|s| s.grad_norms.len())
        .max()
        .unwrap_or(0);
    let mut out = String::from("epoch,train_loss,test_loss,dead_fraction");
    for l in 1..=layers {
        out.push_str(&format!(",grad_norm_{l}"));
    }
    out.push('\n');
    let cell = |v: f64| {
        if v.is_nan() {
            String::new()
        } else {
            v.to_string()
        }
    };
    for s in history.samples() {
        out.push_str(&format!(
            "{},{},{},{}",
            s.epoch,
            cell(s.train_loss),
            cell(s.test_loss),
            s.dead_fraction
        ));
        for l in 0..layers {
            out.push(',');
            out.push_str(&s.grad_norms.get(l).map_or(String::new(), |&v| cell(v)));
        }
        out.push('\n');
    }
    out
}

impl App {
    /// Open the file prompt for `kind`, prefilled with a default name in the current
    /// directory: Enter saves there, typing replaces it.
    pub(super) fn open_prompt(&mut self, kind: SaveKind) {
        let name = match kind {
            SaveKind::Model => format!("reluscope-model-{}.json", self.epoch_now()),
            SaveKind::Config => "reluscope-config.toml".to_string(),
        };
        self.overlays.open(Overlay::Prompt {
            kind,
            text: name,
            fresh: true,
        });
        self.say(format!(
            "{}: type a path or keep the name{}enter saves{}esc cancels",
            kind.label(),
            self.sep(),
            self.sep()
        ));
    }

    /// Enter (save) or Esc (cancel) in the file prompt.
    pub(super) fn finish_prompt(&mut self, save: bool) {
        let Some((kind, text)) = self.overlays.take_where(|o| match o {
            Overlay::Prompt { kind, text, .. } => Some((*kind, text.clone())),
            _ => None,
        }) else {
            return;
        };
        let path = PathBuf::from(text.trim());
        if !save {
            self.say("not saved");
            return;
        }
        if text.trim().is_empty() {
            self.complain("not saved: the path was empty");
            return;
        }
        match kind {
            SaveKind::Model => {
                self.command(Command::SaveModel(path));
                let dots = if self.ascii { "..." } else { "…" };
                self.say(format!("saving the model{dots}"));
            }
            SaveKind::Config => match state::config_toml(&self.config) {
                Ok(text) => self.effects.push(Effect::File(FileEffect::Text {
                    what: "settings",
                    path,
                    text,
                })),
                Err(e) => self.complain(format!("cannot save the settings: {e}")),
            },
        }
    }

    /// Show or hide the state string.
    pub(super) fn toggle_state(&mut self) {
        if !self.overlays.close(&Overlay::State) {
            self.overlays.open(Overlay::State);
        }
    }

    /// A screenshot of the next frame, in the current directory.
    pub(super) fn screenshot(&mut self) {
        let stem = PathBuf::from(format!("reluscope-screen-{}", self.epoch_now()));
        self.effects
            .push(Effect::File(FileEffect::Screenshot { stem }));
    }

    /// The metrics history as CSV, in the current directory.
    pub(super) fn save_metrics(&mut self) {
        let Some(snap) = &self.snapshot else {
            self.complain("no metrics yet");
            return;
        };
        let text = metrics_csv(&snap.history);
        let path = PathBuf::from(format!("reluscope-metrics-{}.csv", snap.epoch));
        self.effects.push(Effect::File(FileEffect::Text {
            what: "metrics",
            path,
            text,
        }));
    }

    /// Tell what the run loop wrote.
    pub(super) fn wrote(&mut self, what: &str, result: Result<Vec<PathBuf>, String>) {
        match result {
            Ok(paths) => {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                let mut message = format!("{what} saved: {}", names.join(", "));
                if what == "settings" {
                    let key = self.key_of(Action::ShowState);
                    message.push_str(&format!(
                        "{}reluscope --config FILE trains the same run ({key}: as one line)",
                        self.sep()
                    ));
                }
                self.say(message);
            }
            Err(e) => self.complain(format!("{what} not saved: {e}")),
        }
    }

    /// Report a model save the trainer finished since the last snapshot.
    pub(super) fn take_save_report(&mut self, snap: &Snapshot) {
        let Some((n, result)) = &snap.saved else {
            return;
        };
        if *n == self.saves_seen {
            return;
        }
        self.saves_seen = *n;
        match result {
            Ok(path) => {
                let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                self.say(format!(
                    "model saved: {} (reluscope --model FILE starts from it)",
                    path.display()
                ));
            }
            Err(e) => self.message = Some((format!("model not saved: {e}"), Level::Error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trainer::Sample;

    #[test]
    fn metrics_are_one_row_per_sample_with_a_column_per_layer() {
        let mut h = History::new(8);
        h.push(Sample {
            epoch: 0.5,
            train_loss: 0.7,
            test_loss: f64::NAN,
            dead_fraction: 0.25,
            grad_norms: vec![1.5, 2.0],
        });
        assert_eq!(
            metrics_csv(&h),
            "epoch,train_loss,test_loss,dead_fraction,grad_norm_1,grad_norm_2\n\
             0.5,0.7,,0.25,1.5,2\n"
        );
    }
}
