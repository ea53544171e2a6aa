//! reluscope against what PyTorch itself returns (tests/data/pytorch_reference.csv, written by
//! gen_pytorch_reference.py; its first line names the PyTorch version): every built-in
//! activation's value and autograd derivative in float64, kinks included, and binary
//! cross-entropy's value and gradient. Agreement is required to 1e-12 relative everywhere
//! except where [`MORE_EXACT`] says reluscope keeps the exact value and PyTorch does not; there
//! reluscope must match the 80-digit reference (activation_reference.csv) instead.

use std::collections::{HashMap, HashSet};

use reluscope::activation::Activation;
use reluscope::engine::Loss;

const PYTORCH: &str = include_str!("data/pytorch_reference.csv");
const EXACT: &str = include_str!("data/activation_reference.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    Value,
    Derivative,
}

/// Where reluscope deliberately differs from PyTorch 2.15, and why.
const MORE_EXACT: [(&str, Part, &str); 11] = [
    (
        "gelu",
        Part::Value,
        "x·½(1 + erf(x/√2)) cancels below x ≈ −4 (0 below −8.5); reluscope uses erfc",
    ),
    ("gelu", Part::Derivative, "the same cancellation in Φ(x)"),
    (
        "gelu:approx=tanh",
        Part::Value,
        "½(1 + tanh u) cancels below x ≈ −4 (0 below −7.2); reluscope uses σ(2u)",
    ),
    (
        "gelu:approx=tanh",
        Part::Derivative,
        "the same cancellation, and NaN at |x| ≥ 1e300",
    ),
    (
        "sigmoid",
        Part::Derivative,
        "σ(1 − σ) loses digits above x ≈ 9 (0 at 40); reluscope uses σ(x)σ(−x)",
    ),
    (
        "tanh",
        Part::Derivative,
        "1 − tanh² loses digits beyond |x| ≈ 5 (0 at ±40); reluscope uses 1/cosh²",
    ),
    (
        "hard-sigmoid",
        Part::Derivative,
        "PyTorch's 1/6 is a float32 constant (0.1666666716) even in float64",
    ),
    (
        "selu",
        Part::Value,
        "inf at f64::MAX; reluscope saturates at f64::MAX",
    ),
    (
        "prelu:a=5",
        Part::Value,
        "−inf at −f64::MAX; reluscope saturates",
    ),
    (
        "hard-swish",
        Part::Value,
        "x·6/6 overflows above f64::MAX / 6; the exact value there is x",
    ),
    (
        "hard-swish",
        Part::Derivative,
        "never: listed so that a change of PyTorch's kink rule shows up here",
    ),
];

/// `spec` (unquoted) and the numbers after it.
fn split_row(line: &str) -> (&str, Vec<f64>) {
    let (spec, rest) = if let Some(stripped) = line.strip_prefix('"') {
        let end = stripped.find('"').expect("closing quote");
        (&stripped[..end], &stripped[end + 2..])
    } else {
        line.split_once(',').expect("columns")
    };
    (spec, rest.split(',').map(|n| n.parse().unwrap()).collect())
}

fn rows(text: &'static str) -> impl Iterator<Item = (&'static str, Vec<f64>)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("spec,"))
        .map(split_row)
}

/// Equal, or within 1e-12 relative (1e-300 absolute). An infinite `want` (a value beyond
/// f64's range) is met by ±f64::MAX, where reluscope saturates.
fn close(got: f64, want: f64) -> bool {
    if want.is_infinite() {
        return got == f64::MAX.copysign(want);
    }
    got == want || (got - want).abs() <= 1e-300 || (got - want).abs() <= 1e-12 * want.abs()
}

#[test]
fn the_reference_names_the_pytorch_version_it_was_made_with() {
    let first = PYTORCH.lines().next().unwrap();
    assert!(first.starts_with("# torch 2.15."), "{first}");
}

#[test]
fn activations_match_pytorch_except_where_reluscope_is_more_exact() {
    let exact: HashMap<(String, u64), (f64, f64)> = rows(EXACT)
        .map(|(s, n)| ((s.to_string(), n[0].to_bits()), (n[1], n[2])))
        .collect();
    let allowed: HashSet<(&str, Part)> = MORE_EXACT.iter().map(|(s, p, _)| (*s, *p)).collect();
    let mut used = HashSet::new();
    let mut failures = Vec::new();
    let mut count = 0;
    for (spec, n) in rows(PYTORCH).filter(|(s, _)| *s != "bce") {
        count += 1;
        let act: Activation = spec.parse().unwrap();
        let x = n[0];
        for (part, ours, torch) in [
            (Part::Value, act.value(x), n[1]),
            (Part::Derivative, act.derivative(x), n[2]),
        ] {
            // PyTorch's infinities are differences too (close() would take ±f64::MAX for them).
            if torch.is_finite() && close(ours, torch) {
                continue;
            }
            let truth = exact
                .get(&(spec.to_string(), x.to_bits()))
                .map(|&(v, d)| if part == Part::Value { v } else { d });
            match truth {
                Some(t) if allowed.contains(&(spec, part)) && close(ours, t) => {
                    used.insert((spec, part));
                }
                _ => failures.push(format!(
                    "{spec} {part:?} at {x:?}: reluscope {ours:?}, PyTorch {torch:?}, exact {truth:?}"
                )),
            }
        }
    }
    assert!(count > 2000, "{count} rows");
    assert!(
        failures.is_empty(),
        "{} differences from PyTorch:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every listed difference still exists (the kink rule's entry is the exception: it is
    // there to fail loudly if PyTorch's rule and reluscope's ever part again).
    for (spec, part, why) in MORE_EXACT {
        if why.starts_with("never") {
            assert!(!used.contains(&(spec, part)), "{spec} {part:?} differs");
        } else {
            assert!(
                used.contains(&(spec, part)),
                "{spec} {part:?} no longer differs: {why}"
            );
        }
    }
}

#[test]
fn kinks_are_pytorch_autograd_bit_for_bit() {
    let at = |spec: &str, x: f64| {
        rows(PYTORCH)
            .find(|(s, n)| *s == spec && n[0] == x)
            .map_or_else(|| panic!("no row for {spec} at {x}"), |(_, n)| n[2])
    };
    for (spec, x) in [
        ("relu", 0.0),
        ("relu6", 0.0),
        ("relu6", 6.0),
        ("leaky-relu", 0.0),
        ("prelu", 0.0),
        ("elu:alpha=0.5", 0.0),
        ("celu:alpha=2", 0.0),
        ("hard-tanh", -1.0),
        ("hard-tanh", 1.0),
        ("hard-sigmoid", -3.0),
        ("hard-sigmoid", 3.0),
        ("hard-swish", -3.0),
        ("hard-swish", 3.0),
    ] {
        let ours = spec.parse::<Activation>().unwrap().derivative(x);
        assert_eq!(ours.to_bits(), at(spec, x).to_bits(), "{spec}'({x})");
    }
    assert_eq!(at("hard-swish", -3.0), 0.0);
    assert_eq!(at("hard-swish", 3.0), 1.0);
    // At softplus's threshold both take the sigmoid side, not the linear one (σ(20) < 1; the
    // two σ(20) differ in the last bit, which the 1e-12 comparison above allows).
    let ours = "softplus".parse::<Activation>().unwrap().derivative(20.0);
    assert!(ours < 1.0 && at("softplus", 20.0) < 1.0);
}

/// The reported BCE is `BCEWithLogitsLoss` with each sample's loss capped at 100 (as `BCELoss`
/// caps its logs), and its gradient is `BCEWithLogitsLoss`'s everywhere, the capped samples
/// included. `BCELoss(sigmoid(z))` is another function once σ(z) rounds to 0 or 1.
#[test]
fn bce_is_bce_with_logits_capped_at_100_and_its_gradient() {
    let mut count = 0;
    for (_, n) in rows(PYTORCH).filter(|(s, _)| *s == "bce") {
        count += 1;
        let (z, y, logits, logits_grad, bce, bce_grad) = (n[0], n[1], n[2], n[3], n[4], n[5]);
        let (loss, grad) = Loss::Bce.loss_and_grad(z, &Activation::Sigmoid, y);
        assert_eq!(loss, Loss::Bce.sample_loss(z, &Activation::Sigmoid, y));
        assert_eq!(grad, Loss::Bce.dloss_dz(z, &Activation::Sigmoid, y));
        if logits < 100.0 {
            // PyTorch's log(1 + tiny) rounds in the last place of 1: 1e-15 absolute.
            assert!(
                (loss - logits).abs() <= 1e-15 + 1e-12 * logits,
                "z={z} y={y}: {loss:?} vs BCEWithLogitsLoss {logits:?}"
            );
        } else {
            assert_eq!(loss, 100.0, "z={z} y={y}");
            assert_eq!(bce, 100.0, "z={z} y={y}: BCELoss caps too");
        }
        assert!(
            close(grad, logits_grad),
            "z={z} y={y}: {grad:?} vs {logits_grad:?}"
        );
        // Where σ(z) is 1 in f64 and the label is 0, BCELoss's backward is 0 and the true
        // gradient (ours, BCEWithLogitsLoss's) is 1.
        if z >= 38.0 && y == 0.0 {
            assert_eq!((bce_grad, grad), (0.0, 1.0), "z={z}");
        }
    }
    assert_eq!(count, 40);
}
