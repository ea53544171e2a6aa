//! The two plain types every data source shares: one example ([`Point`]) and the kind of task
//! its targets make ([`Task`]). They live apart so that the generators (`dataset`) and the file
//! reader (`csv`) can both use them without importing each other.

/// One example as the plane views draw it: its first two inputs and its target (0/1 for binary
/// classification, the class index for multi-class, the value for regression). Data with more
/// inputs keeps all of them in [`crate::engine::Dataset`]'s rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x1: f64,
    pub x2: f64,
    pub label: f64,
}

/// What the targets ask of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Task {
    /// Two classes: one sigmoid output, binary cross-entropy, labels 0/1.
    #[default]
    Classification,
    /// 3 to [`MAX_CLASSES`] classes: one linear output per class, softmax cross-entropy,
    /// labels the class index.
    MultiClass,
    /// A number: one linear (or tanh) output, mean squared error.
    Regression,
}

/// Most classes a target may have.
pub const MAX_CLASSES: usize = 20;

impl Task {
    /// Binary or multi-class classification.
    pub fn is_classification(self) -> bool {
        matches!(self, Task::Classification | Task::MultiClass)
    }

    /// The name used in messages and on the command line (`--task`).
    pub fn name(self) -> &'static str {
        match self {
            Task::Classification => "binary classification",
            Task::MultiClass => "multi-class classification",
            Task::Regression => "regression",
        }
    }
}
