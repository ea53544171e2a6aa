//! Experiments that measure the statistics of dying ReLU instead of illustrating them.
//!
//! - [`born_dead`]: how often a freshly initialized ReLU network is constant (Lu et al. 2019).
//! - [`sweep`]: how many neurons training kills, over a grid of learning rates and bias inits.
//!
//! - [`shard`]: either experiment in parts (`--shard K/N`) on many machines, and the merge.
//!
//! Everything runs on rayon and derives one generator per trial from the seed, so a seed gives
//! the same numbers on any number of threads. [`Progress`] reports how far a run is and lets
//! another thread cancel it.

pub mod born_dead;
pub mod born_dead_report;
pub mod born_dead_shard;
pub mod domain;
pub mod job;
pub mod progress;
pub mod shard;
pub mod stats;
pub mod sweep;
pub mod sweep_report;
pub mod sweep_shard;
mod trial;

pub use born_dead::{BornDeadCell, BornDeadConfig, BornDeadReport};
pub use domain::{Domain, DomainKind};
pub use job::{ExperimentJob, ExperimentParams, ExperimentResults, JobStatus, default_threads};
pub use progress::Progress;
pub use shard::{Shard, ShardFile};
pub use stats::{Proportion, single_point_dead_probability, wilson_interval};
pub use sweep::{RunResult, Summary, SweepCell, SweepConfig, SweepReport};
pub use sweep_report::TextStyle;
pub use trial::is_homogeneous;

/// The values of a list without repeats, in the order given: a value listed twice in --width
/// or --lr is one row or column, not two identical ones.
pub fn distinct<T: PartialEq + Copy>(xs: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for &x in xs {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}
