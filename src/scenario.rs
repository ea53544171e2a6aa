//! The shipped guided scenarios, one claim about ReLU each, and the tour through them (`n` /
//! `N` in the explorer). Each is a TOML preset under `config/scenarios/`, embedded in the
//! binary; `settings` reads them like any config file.

/// The shipped scenarios, in tour order (`n` goes forward through this list).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "relu-basics",
        include_str!("../config/scenarios/relu-basics.toml"),
    ),
    (
        "nonlinearity",
        include_str!("../config/scenarios/nonlinearity.toml"),
    ),
    (
        "sparsity",
        include_str!("../config/scenarios/sparsity.toml"),
    ),
    (
        "vanishing-sigmoid",
        include_str!("../config/scenarios/vanishing-sigmoid.toml"),
    ),
    (
        "dying-high-lr",
        include_str!("../config/scenarios/dying-high-lr.toml"),
    ),
    (
        "leaky-rescue",
        include_str!("../config/scenarios/leaky-rescue.toml"),
    ),
    (
        "dying-negative-bias",
        include_str!("../config/scenarios/dying-negative-bias.toml"),
    ),
    (
        "born-dead-depth",
        include_str!("../config/scenarios/born-dead-depth.toml"),
    ),
    (
        "exploding",
        include_str!("../config/scenarios/exploding.toml"),
    ),
];

/// The names of the shipped scenarios, in tour order.
pub fn names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

/// The index of the scenario after (`back`: before) `current` in tour order, wrapping; the
/// first (last) one when there is no current scenario.
pub fn tour_step(current: Option<usize>, back: bool) -> usize {
    let n = BUILTIN.len();
    match (current, back) {
        (None, false) => 0,
        (None, true) => n - 1,
        (Some(i), false) => (i + 1) % n,
        (Some(i), true) => (i + n - 1) % n,
    }
}
