//! The two plain types every data source shares: one example ([`Point`]) and the kind of task
//! its targets make ([`Task`]). They live apart so that the generators (`dataset`) and the file
//! reader (`csv`) can both use them without importing each other.

/// One example: raw plane coordinates and its target (0/1 for classification).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x1: f64,
    pub x2: f64,
    pub label: f64,
}

/// Classification (sigmoid output, binary cross-entropy, labels 0/1) or regression (MSE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Task {
    Classification,
    Regression,
}
