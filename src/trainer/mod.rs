//! The training thread: commands in, snapshots out.

mod snapshot;

pub use snapshot::{
    DataPoint, Domain, Grid, Health, History, LayerView, NeuronView, Sample, Snapshot, Task,
};
