//! Everything a key can ask of the explorer. The enum is the one list: names (for `[keys]` in
//! the config file) are derived from the variants, and help text is an exhaustive match, so a
//! new variant cannot be left without a name, a help line or a place in the help overlay.
//!
//! Variants are declared in the order the help overlay lists them.

use std::fmt;
use std::str::FromStr;

use strum::IntoEnumIterator;

/// A bindable action.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter, strum::IntoStaticStr, strum::EnumCount,
)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    TogglePause,
    Step,
    ResetNetwork,
    NewData,
    NextActivation,
    PrevActivation,
    LrUp,
    LrDown,
    NextBiasInit,
    PrevBiasInit,
    NextDataset,
    SpeedUp,
    SpeedDown,
    FocusNext,
    FocusPrev,
    ToggleZoom,
    Up,
    Down,
    Left,
    Right,
    Enter,
    Cancel,
    PanLeft,
    PanRight,
    CycleCompare,
    ToggleTestPoints,
    PlaneX,
    PlaneY,
    TogglePreactivations,
    ToggleTimeline,
    TimelineStart,
    TimelineNow,
    PrevDeath,
    NextDeath,
    ToggleAb,
    PickScenario,
    NextScenario,
    PrevScenario,
    ToggleExperiments,
    RunBornDead,
    RunSweep,
    ShowState,
    SaveModel,
    SaveConfig,
    Screenshot,
    SaveMetrics,
    ToggleHelp,
    Redraw,
    Suspend,
    Quit,
}

impl Action {
    /// Every action, in help order.
    pub fn all() -> impl Iterator<Item = Action> {
        Action::iter()
    }

    /// The snake_case name `[keys]` uses, e.g. `toggle_pause`.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// What the action does, as the help overlay says it.
    pub fn help(self) -> &'static str {
        match self {
            Action::TogglePause => "play / pause training",
            Action::Step => "one training step",
            Action::ResetNetwork => "reset the network (new weights)",
            Action::NewData => "new data (next seed)",
            Action::NextActivation => "next activation",
            Action::PrevActivation => "previous activation",
            Action::LrUp => "raise the learning rate",
            Action::LrDown => "lower the learning rate",
            Action::NextBiasInit => "next bias init",
            Action::PrevBiasInit => "previous bias init",
            Action::NextDataset => "next dataset",
            Action::SpeedUp => "train faster",
            Action::SpeedDown => "train slower",
            Action::FocusNext => "focus the next pane",
            Action::FocusPrev => "focus the previous pane",
            Action::ToggleZoom => "zoom the focused pane",
            Action::Up => "up: select / zoom out / probe",
            Action::Down => "down: select / zoom in / probe",
            Action::Left => "left: change / cursor / probe",
            Action::Right => "right: change / cursor / probe",
            Action::Enter => "type a value / inspect",
            Action::Cancel => "close / cancel",
            Action::PanLeft => "pan the x range left",
            Action::PanRight => "pan the x range right",
            Action::CycleCompare => "comparison curves",
            Action::ToggleTestPoints => "show test points",
            Action::PlaneX => "output slice: next input across (then PCA)",
            Action::PlaneY => "output slice: next input up (then PCA)",
            Action::TogglePreactivations => "network: pre-activations z vs 0",
            Action::ToggleTimeline => "timeline: scrub the run's history (left/right)",
            Action::TimelineStart => "timeline: the start",
            Action::TimelineNow => "timeline: now",
            Action::PrevDeath => "timeline: the previous death",
            Action::NextDeath => "timeline: the next death",
            Action::ToggleAb => "A/B: two runs side by side (changes go to B)",
            Action::PickScenario => "pick a guided scenario",
            Action::NextScenario => "next scenario of the tour",
            Action::PrevScenario => "previous scenario",
            Action::ToggleExperiments => "experiments view",
            Action::RunBornDead => "run born dead: he vs RAI",
            Action::RunSweep => "run the lr x bias-init sweep",
            Action::ShowState => "the run as one line (--state)",
            Action::SaveModel => "save the model",
            Action::SaveConfig => "save the settings (--config)",
            Action::Screenshot => "screenshot (.svg and .txt)",
            Action::SaveMetrics => "save the metrics as CSV",
            Action::ToggleHelp => "this help",
            Action::Redraw => "redraw the screen",
            Action::Suspend => "suspend to the shell",
            Action::Quit => "quit",
        }
    }

    /// Every action name, comma separated, for messages.
    pub fn names() -> String {
        Action::all()
            .map(Action::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An action name that does not exist.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("unknown action {name:?}; valid actions: {valid}")]
pub struct UnknownAction {
    pub name: String,
    pub valid: String,
}

impl FromStr for Action {
    type Err = UnknownAction;

    /// Names are matched ignoring case, with `-` read as `_` (`Toggle-Pause`).
    fn from_str(s: &str) -> Result<Action, UnknownAction> {
        let key = s.trim().to_ascii_lowercase().replace('-', "_");
        Action::all()
            .find(|a| a.name() == key)
            .ok_or_else(|| UnknownAction {
                name: s.to_string(),
                valid: Action::names(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::EnumCount;

    #[test]
    fn every_action_has_a_distinct_name_and_help() {
        let mut names: Vec<&str> = Action::all().map(Action::name).collect();
        assert_eq!(names.len(), Action::COUNT);
        for a in Action::all() {
            assert!(!a.help().is_empty(), "{a:?} has no help");
            assert!(
                a.name()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{a:?}"
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::COUNT, "two actions share a name");
    }

    #[test]
    fn names_round_trip() {
        for a in Action::all() {
            assert_eq!(a.name().parse::<Action>().unwrap(), a);
            assert_eq!(a.to_string(), a.name());
        }
        assert_eq!(
            "Toggle-Pause".parse::<Action>().unwrap(),
            Action::TogglePause
        );
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let err = "jump".parse::<Action>().unwrap_err();
        assert!(err.to_string().contains("toggle_pause"));
        assert!(err.to_string().contains("quit"));
    }
}
