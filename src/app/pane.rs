//! The panes, named apart from the state so messages can name one too.

/// The panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Activation,
    Derivative,
    Network,
    Output,
    Metrics,
    Parameters,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Activation,
        Pane::Derivative,
        Pane::Network,
        Pane::Output,
        Pane::Metrics,
        Pane::Parameters,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Activation => "Activation",
            Pane::Derivative => "Derivative",
            Pane::Network => "Network",
            Pane::Output => "Output",
            Pane::Metrics => "Metrics",
            Pane::Parameters => "Parameters",
        }
    }
}
