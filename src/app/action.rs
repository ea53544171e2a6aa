//! Everything that can change the explorer's state. Keys map to actions through the keymap;
//! the trainer's snapshots and terminal events arrive as actions too, so one `update` function
//! sees every change.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::trainer::Snapshot;

/// A state change. The bindable ones have a snake_case name (see [`Action::from_str`]) so a
/// config file can bind keys to them.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    Suspend,
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
    FocusNext,
    FocusPrev,
    ToggleZoom,
    Up,
    Down,
    Left,
    Right,
    Enter,
    Cancel,
    ToggleHelp,
    ToggleTestPoints,
    TogglePreactivations,
    CycleCompare,
    PanLeft,
    PanRight,
    SpeedUp,
    SpeedDown,
    PickScenario,
    NextScenario,
    PrevScenario,
    ToggleExperiments,
    RunBornDead,
    RunSweep,
    Redraw,
    // Not bindable: text entry while a value is being typed, and events from outside.
    /// A character typed into the value being edited.
    Input(char),
    /// Delete the last typed character.
    Backspace,
    /// The terminal's new size.
    Resize(u16, u16),
    /// A mouse click at a cell (only with `--mouse`): focuses the pane under it.
    Click(u16, u16),
    /// A new state of training.
    Snapshot(Arc<Snapshot>),
    /// Time to look at the background experiment's progress (sent only while one runs).
    PollExperiment,
}

/// Bindable actions with their names and the line the help overlay shows.
pub const BINDABLE: &[(Action, &str, &str)] = &[
    (Action::TogglePause, "toggle_pause", "play / pause training"),
    (Action::Step, "step", "one training step"),
    (
        Action::ResetNetwork,
        "reset_network",
        "reset the network (new weights)",
    ),
    (Action::NewData, "new_data", "new data (next seed)"),
    (Action::NextActivation, "next_activation", "next activation"),
    (
        Action::PrevActivation,
        "prev_activation",
        "previous activation",
    ),
    (Action::LrUp, "lr_up", "raise the learning rate"),
    (Action::LrDown, "lr_down", "lower the learning rate"),
    (Action::NextBiasInit, "next_bias_init", "next bias init"),
    (Action::PrevBiasInit, "prev_bias_init", "previous bias init"),
    (Action::NextDataset, "next_dataset", "next dataset"),
    (Action::SpeedUp, "speed_up", "train faster"),
    (Action::SpeedDown, "speed_down", "train slower"),
    (Action::FocusNext, "focus_next", "focus the next pane"),
    (Action::FocusPrev, "focus_prev", "focus the previous pane"),
    (Action::ToggleZoom, "toggle_zoom", "zoom the focused pane"),
    (Action::Up, "up", "up: select / zoom out / probe"),
    (Action::Down, "down", "down: select / zoom in / probe"),
    (Action::Left, "left", "left: change / cursor / probe"),
    (Action::Right, "right", "right: change / cursor / probe"),
    (Action::Enter, "enter", "type a value / inspect"),
    (Action::Cancel, "cancel", "close / cancel"),
    (Action::PanLeft, "pan_left", "pan the x range left"),
    (Action::PanRight, "pan_right", "pan the x range right"),
    (Action::CycleCompare, "cycle_compare", "comparison curves"),
    (
        Action::ToggleTestPoints,
        "toggle_test_points",
        "show test points",
    ),
    (
        Action::TogglePreactivations,
        "toggle_preactivations",
        "network: pre-activations z vs 0",
    ),
    (
        Action::PickScenario,
        "pick_scenario",
        "pick a guided scenario",
    ),
    (
        Action::NextScenario,
        "next_scenario",
        "next scenario of the tour",
    ),
    (Action::PrevScenario, "prev_scenario", "previous scenario"),
    (
        Action::ToggleExperiments,
        "toggle_experiments",
        "experiments view",
    ),
    (
        Action::RunBornDead,
        "run_born_dead",
        "run born dead: he vs RAI",
    ),
    (
        Action::RunSweep,
        "run_sweep",
        "run the lr x bias-init sweep",
    ),
    (Action::ToggleHelp, "toggle_help", "this help"),
    (Action::Redraw, "redraw", "redraw the screen"),
    (Action::Suspend, "suspend", "suspend to the shell"),
    (Action::Quit, "quit", "quit"),
];

impl Action {
    /// The snake_case name of a bindable action.
    pub fn name(&self) -> Option<&'static str> {
        BINDABLE
            .iter()
            .find(|(a, ..)| a == self)
            .map(|(_, n, _)| *n)
    }

    /// What a bindable action does, for the help overlay.
    pub fn description(&self) -> Option<&'static str> {
        BINDABLE.iter().find(|(a, ..)| a == self).map(|(.., d)| *d)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{self:?}"),
        }
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

    fn from_str(s: &str) -> Result<Action, UnknownAction> {
        let key = s.trim().to_ascii_lowercase().replace('-', "_");
        BINDABLE
            .iter()
            .find(|(_, n, _)| *n == key)
            .map(|(a, ..)| a.clone())
            .ok_or_else(|| UnknownAction {
                name: s.to_string(),
                valid: BINDABLE
                    .iter()
                    .map(|(_, n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (a, n, _) in BINDABLE {
            assert_eq!(n.parse::<Action>().unwrap(), *a);
            assert_eq!(a.to_string(), *n);
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
        assert!(Action::Input('x').name().is_none());
    }
}
