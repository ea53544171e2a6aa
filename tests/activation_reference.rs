//! Every activation's value and derivative against its published formula, evaluated at 80
//! significant digits by tests/data/gen_reference.py (mpmath) and rounded once to f64.
//! Agreement is required to 1e-12 relative (or 1e-300 absolute) over -10..10 step 0.25, at
//! ±1e-3, ±40, ±1000, ±1e300 and ±f64::MAX, and at and beside every kink, where PyTorch's
//! autograd conventions apply. A value whose exact result lies beyond f64's range (the
//! reference holds ±inf) must be ±f64::MAX: reluscope saturates rather than overflowing.

use reluscope::activation::{Activation, Kind};

const REFERENCE: &str = include_str!("data/activation_reference.csv");

struct Row {
    spec: String,
    x: f64,
    value: f64,
    derivative: f64,
}

fn rows() -> Vec<Row> {
    REFERENCE
        .lines()
        .skip(1)
        .map(|line| {
            let (spec, rest) = if let Some(stripped) = line.strip_prefix('"') {
                let end = stripped.find('"').expect("closing quote");
                (&stripped[..end], &stripped[end + 2..])
            } else {
                line.split_once(',').expect("four columns")
            };
            let nums: Vec<f64> = rest.split(',').map(|n| n.parse().unwrap()).collect();
            Row {
                spec: spec.to_string(),
                x: nums[0],
                value: nums[1],
                derivative: nums[2],
            }
        })
        .collect()
}

fn close(got: f64, want: f64) -> bool {
    if want.is_infinite() {
        return got == f64::MAX.copysign(want);
    }
    let diff = (got - want).abs();
    diff <= 1e-300 || diff <= 1e-12 * want.abs()
}

#[test]
fn every_activation_matches_the_high_precision_reference() {
    let rows = rows();
    let mut failures = Vec::new();
    for row in &rows {
        let act: Activation = row.spec.parse().unwrap();
        let (v, d) = (act.value(row.x), act.derivative(row.x));
        if !close(v, row.value) {
            failures.push(format!(
                "{}({:?}) = {v:?}, want {:?}",
                row.spec, row.x, row.value
            ));
        }
        if !close(d, row.derivative) {
            failures.push(format!(
                "{}'({:?}) = {d:?}, want {:?}",
                row.spec, row.x, row.derivative
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_reference_covers_every_kind() {
    let rows = rows();
    for kind in Kind::ALL {
        assert!(
            rows.iter()
                .any(|r| r.spec.parse::<Activation>().unwrap().kind() == kind),
            "{} has no reference rows",
            kind.name()
        );
    }
    // 81 grid points plus kinks, their neighbours and 10 extremes, for each of 29 specs.
    assert!(rows.len() > 29 * 91);
    // The extremes are there, and so are values beyond f64's range.
    assert!(
        rows.iter()
            .any(|r| r.x == -f64::MAX && r.spec == "prelu:a=5")
    );
    assert!(rows.iter().any(|r| r.value.is_infinite()));
}
