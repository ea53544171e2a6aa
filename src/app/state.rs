//! The explorer's state: [`App`], what is on top of the panes ([`Overlay`]) and the panes' own
//! state ([`PaneView`]). It lives apart from `update` (in `mod.rs`) so that layout, help, the
//! A/B comparison and sharing can read it without importing the module that uses them.
//!
//! The fields are private to `app/`: the state changes only through `update`; the UI and the
//! tests read it through the getters.

use std::sync::Arc;

use super::curve_view::CurveView;
use super::experiments::Experiments;
use super::msg::{Effect, Effects, Level};
pub use super::pane::Pane;
use crate::action::Action;
use crate::engine::{PlaneView, TrainConfig};
use crate::keymap::Keymap;
use crate::settings::Settings;
use crate::trainer::{Command, Snapshot, View};

/// What a file prompt saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveKind {
    Model,
    Config,
}

impl SaveKind {
    /// How the prompt names it.
    pub fn label(self) -> &'static str {
        match self {
            SaveKind::Model => "save the model to",
            SaveKind::Config => "save the settings to",
        }
    }
}

/// Something over (or beside) the panes that takes some keys first. Several can be open at
/// once (help over the Experiments view, a value typed while the timeline is open), so they
/// are kept in a stack ordered by this enum's order, bottom first: the top is the one a key
/// reaches first and the one `Esc` closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The Experiments view, full-screen; some pane keys pass through.
    Experiments,
    /// The state string shown (the run as one line).
    State,
    /// The timeline: left/right scrub the run's kept history, training paused.
    Timeline,
    /// A value being typed for the selected knob. `fresh`: the text is still the prefilled
    /// current value, so the first typed character replaces it (as a selected field does).
    Edit { text: String, fresh: bool },
    /// The help overlay, scrolled (it may not fit a small terminal).
    Help { scroll: u16 },
    /// The scenario picker, with the highlighted entry.
    Picker { sel: usize },
    /// The file prompt: the path to save `kind` to.
    Prompt {
        kind: SaveKind,
        text: String,
        fresh: bool,
    },
}

impl Overlay {
    /// Its place in the stack, bottom first.
    fn rank(&self) -> u8 {
        match self {
            Overlay::Experiments => 0,
            Overlay::State => 1,
            Overlay::Timeline => 2,
            Overlay::Edit { .. } => 3,
            Overlay::Help { .. } => 4,
            Overlay::Picker { .. } => 5,
            Overlay::Prompt { .. } => 6,
        }
    }
}

/// The open overlays, bottom first, each kind at most once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overlays(Vec<Overlay>);

impl Overlays {
    /// Open `overlay` (replacing one of its kind) at its place in the stack.
    pub(super) fn open(&mut self, overlay: Overlay) {
        self.close(&overlay);
        let at = self.0.partition_point(|o| o.rank() < overlay.rank());
        self.0.insert(at, overlay);
    }

    /// Close the overlay of `like`'s kind; whether one was open.
    pub(super) fn close(&mut self, like: &Overlay) -> bool {
        let before = self.0.len();
        self.0.retain(|o| o.rank() != like.rank());
        self.0.len() != before
    }

    /// The overlay on top, if any.
    pub fn top(&self) -> Option<&Overlay> {
        self.0.last()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Overlay> {
        self.0.iter()
    }

    pub(super) fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Overlay> {
        self.0.iter_mut()
    }

    pub(super) fn take_where<T>(&mut self, f: impl Fn(&Overlay) -> Option<T>) -> Option<T> {
        let i = self.0.iter().position(|o| f(o).is_some())?;
        f(&self.0.remove(i))
    }
}

/// The panes' own state: focus, zoom, the Network pane's selection, inspector and view, the
/// Output pane's probe, the Parameters pane's knob, the activation plot.
#[derive(Debug, Clone)]
pub struct PaneView {
    pub focus: Pane,
    pub zoomed: bool,
    /// The selected hidden neuron: (hidden layer, neuron).
    pub selected: Option<(usize, usize)>,
    pub inspector: bool,
    /// The Network pane shows each neuron's pre-activation range instead of its tile.
    pub preact: bool,
    /// The selected knob of the Parameters pane (index into `Knob::ALL`).
    pub knob: usize,
    pub show_test: bool,
    /// A probe on the Output pane: a point of the input plane as fractions of its width and
    /// height (0,0 top left), moved with the arrow keys; the pane reads the prediction there.
    pub probe: Option<(f64, f64)>,
    pub plot: CurveView,
}

impl Default for PaneView {
    fn default() -> Self {
        PaneView {
            focus: Pane::Parameters,
            zoomed: false,
            selected: None,
            inspector: false,
            preact: false,
            knob: 0,
            show_test: false,
            probe: None,
            plot: CurveView::default(),
        }
    }
}

/// What the explorer shows of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioView {
    pub title: String,
    /// What to watch.
    pub caption: String,
    /// Keys to try, with what each does.
    pub hints: Vec<(String, String)>,
}

/// The second run of an A/B comparison.
#[derive(Debug, Clone)]
pub struct Ab {
    /// B's settings (A's are `App::config`).
    pub config: TrainConfig,
    pub snapshot: Option<Arc<Snapshot>>,
    /// The generation of B's last snapshot whose notice was shown.
    pub(super) notice_generation: u64,
}

/// The whole state of the explorer.
#[derive(Debug, Clone)]
pub struct App {
    /// Messages use ASCII punctuation (a non-UTF-8 locale or `--ascii`).
    pub(super) ascii: bool,
    pub(super) keymap: Keymap,
    /// The settings the user asked for (the trainer applies them).
    pub(super) config: TrainConfig,
    /// The slice of the inputs the plane views show (data with more than two inputs).
    pub(super) plane: PlaneView,
    /// Index into `params::SPEEDS`.
    pub(super) speed: usize,
    pub(super) paused: bool,
    /// What is open over the panes.
    pub(super) overlays: Overlays,
    pub(super) panes: PaneView,
    /// The A/B comparison's second run, when the screen is split.
    pub(super) ab: Option<Ab>,
    /// The number of the last model save reported.
    pub(super) saves_seen: u64,
    pub(super) snapshot: Option<Arc<Snapshot>>,
    pub(super) message: Option<(String, Level)>,
    /// Terminal size in cells.
    pub(super) size: (u16, u16),
    /// What the update in progress will return.
    pub(super) effects: Effects,
    /// What the trainer was last asked to sample: output grid size and inspected neuron.
    pub(super) requested_view: Option<View>,
    /// The guided scenario in effect, if any: shown at the top of the help overlay.
    pub(super) scenario: Option<ScenarioView>,
    /// Its place in the tour (index into `scenario::BUILTIN`).
    pub(super) scenario_index: Option<usize>,
    /// The layered settings the app started from: a picked scenario is applied on them.
    pub(super) settings: Option<Box<Settings>>,
    /// The Experiments view's job and results.
    pub(super) experiments: Experiments,
    /// The generation of the last snapshot whose notice was shown.
    pub(super) notice_generation: u64,
    /// What the last rebuilding change was (`new data (seed 1)`), to lead the trainer's notice
    /// about the rebuild, which only describes the new network.
    pub(super) rebuild_cause: Option<String>,
}

/// Read-only views of the state, for the UI and the tests.
impl App {
    pub fn ascii(&self) -> bool {
        self.ascii
    }
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }
    /// The settings the user asked for (A's, when comparing).
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }
    pub fn plane(&self) -> PlaneView {
        self.plane
    }
    /// The training speed (index into `params::SPEEDS`).
    pub fn speed(&self) -> usize {
        self.speed
    }
    pub fn paused(&self) -> bool {
        self.paused
    }
    /// The open overlays, bottom first.
    pub fn overlays(&self) -> &Overlays {
        &self.overlays
    }
    /// The panes' own state.
    pub fn panes(&self) -> &PaneView {
        &self.panes
    }
    pub fn focus(&self) -> Pane {
        self.panes.focus
    }
    pub fn ab(&self) -> Option<&Ab> {
        self.ab.as_ref()
    }
    pub fn snapshot(&self) -> Option<&Arc<Snapshot>> {
        self.snapshot.as_ref()
    }
    /// The status line's message.
    pub fn message(&self) -> Option<&(String, Level)> {
        self.message.as_ref()
    }
    pub fn size(&self) -> (u16, u16) {
        self.size
    }
    /// What the trainer was last asked to sample.
    pub fn requested_view(&self) -> Option<View> {
        self.requested_view
    }
    pub fn scenario(&self) -> Option<&ScenarioView> {
        self.scenario.as_ref()
    }
    /// The scenario's place in the tour.
    pub fn scenario_index(&self) -> Option<usize> {
        self.scenario_index
    }
    pub fn settings(&self) -> Option<&Settings> {
        self.settings.as_deref()
    }
    pub fn experiments(&self) -> &Experiments {
        &self.experiments
    }

    /// The help overlay is open.
    pub fn help_open(&self) -> bool {
        self.overlays
            .iter()
            .any(|o| matches!(o, Overlay::Help { .. }))
    }
    /// How far the help overlay is scrolled.
    pub fn help_scroll(&self) -> u16 {
        self.overlays
            .iter()
            .find_map(|o| match o {
                Overlay::Help { scroll } => Some(*scroll),
                _ => None,
            })
            .unwrap_or(0)
    }
    /// The scenario picker's highlighted entry, when it is open.
    pub fn picker(&self) -> Option<usize> {
        self.overlays.iter().find_map(|o| match o {
            Overlay::Picker { sel } => Some(*sel),
            _ => None,
        })
    }
    pub fn experiments_open(&self) -> bool {
        self.overlays.iter().any(|o| *o == Overlay::Experiments)
    }
    pub fn state_shown(&self) -> bool {
        self.overlays.iter().any(|o| *o == Overlay::State)
    }
    pub fn timeline_open(&self) -> bool {
        self.overlays.iter().any(|o| *o == Overlay::Timeline)
    }
    /// What the open file prompt saves.
    pub fn saving(&self) -> Option<SaveKind> {
        self.overlays.iter().find_map(|o| match o {
            Overlay::Prompt { kind, .. } => Some(*kind),
            _ => None,
        })
    }
    /// The text being typed (the file prompt's path or a knob's value).
    pub fn editing(&self) -> Option<&str> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Prompt { text, .. } | Overlay::Edit { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
    /// The typed text is still the prefilled value (the first character replaces it).
    pub fn edit_fresh(&self) -> bool {
        self.overlays.iter().rev().any(|o| match o {
            Overlay::Prompt { fresh, .. } | Overlay::Edit { fresh, .. } => *fresh,
            _ => false,
        })
    }

    /// The text being typed, to edit it: its text and whether it is fresh.
    pub(super) fn typed(&mut self) -> Option<(&mut String, &mut bool)> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            Overlay::Prompt { text, fresh, .. } | Overlay::Edit { text, fresh } => {
                Some((text, fresh))
            }
            _ => None,
        })
    }

    /// " · " between the parts of a message, or " | " in ASCII.
    pub(super) fn sep(&self) -> &'static str {
        if self.ascii { " | " } else { " · " }
    }

    pub(super) fn command(&mut self, command: Command) {
        self.effects.push(Effect::Trainer(command));
    }

    /// Send `command` to B as well, when comparing.
    pub(super) fn command_both(&mut self, command: Command) {
        if self.ab.is_some() {
            self.effects.push(Effect::TrainerB(command.clone()));
        }
        self.command(command);
    }

    pub(super) fn say(&mut self, msg: impl Into<String>) {
        self.message = Some((msg.into(), Level::Info));
    }

    pub(super) fn complain(&mut self, msg: impl Into<String>) {
        self.message = Some((msg.into(), Level::Error));
    }

    /// The first key bound to `action`, for messages ("" if none).
    pub(super) fn key_of(&self, action: Action) -> String {
        self.keymap.first_key(action)
    }

    pub(super) fn epoch_now(&self) -> u64 {
        self.snapshot.as_ref().map_or(0, |s| s.epoch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlays_stack_by_kind_and_the_top_is_the_one_esc_closes() {
        let mut o = Overlays::default();
        o.open(Overlay::Timeline);
        o.open(Overlay::State);
        o.open(Overlay::Experiments);
        o.open(Overlay::Help { scroll: 0 });
        // Whatever the order they opened in, they stack by kind.
        let kinds: Vec<_> = o.iter().cloned().collect();
        assert_eq!(
            kinds,
            [
                Overlay::Experiments,
                Overlay::State,
                Overlay::Timeline,
                Overlay::Help { scroll: 0 }
            ]
        );
        // Reopening one replaces it in place: one of a kind at a time.
        o.open(Overlay::Help { scroll: 3 });
        assert_eq!(o.iter().count(), 4);
        assert_eq!(o.top(), Some(&Overlay::Help { scroll: 3 }));
        assert!(o.close(&Overlay::Help { scroll: 0 }));
        assert_eq!(o.top(), Some(&Overlay::Timeline));
        assert!(!o.close(&Overlay::Picker { sel: 0 }));
    }
}
