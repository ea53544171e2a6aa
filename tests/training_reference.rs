//! Whole training runs against PyTorch (tests/data/training/, written by
//! gen_training_reference.py): multi-class cross-entropy with SGD (momentum) and Adam, full
//! batch and mini-batches, 4- and 13-input CSV files, binary and regression targets, with and
//! without `--standardize`, all with `--no-shuffle` so the batches are the file's rows in
//! order. From the same initial model, every step's loss and the final parameters agree to
//! 1e-10 relative.

use std::path::PathBuf;
use std::sync::Arc;

use reluscope::activation::Activation;
use reluscope::engine::{CsvData, ModelFile, OptimizerKind, Session, TrainConfig};
use serde_json::Value;

const CASES: [&str; 5] = [
    "ce-sgd-4in",
    "ce-adam-13in",
    "ce-full-batch",
    "bce-13in",
    "mse-4in",
];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/training")
}

/// |a − b| relative to |b|, with a floor for values that are zero or nearly so.
fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-3)
}

struct Case {
    config: TrainConfig,
    init: ModelFile,
    reference: Value,
}

fn case(name: &str) -> Case {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join(format!("{name}.json"))).unwrap())
            .unwrap();
    let flags = &reference["flags"];
    let csv = CsvData::load(&dir().join(format!("{name}.csv"))).unwrap();
    let config = TrainConfig {
        csv: Some(Arc::new(csv)),
        train_fraction: flags["fraction"].as_f64().unwrap(),
        shuffle: false,
        batch_size: flags["batch"].as_u64().unwrap() as usize,
        optimizer: match flags["opt"].as_str().unwrap() {
            "sgd" => OptimizerKind::Sgd,
            _ => OptimizerKind::Adam,
        },
        lr: flags["lr"].as_f64().unwrap(),
        momentum: flags["momentum"].as_f64().unwrap(),
        standardize: Some(flags["standardize"].as_bool().unwrap()),
        hidden: flags["hidden"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect(),
        activation: Activation::Relu,
        ..TrainConfig::default()
    };
    let init = ModelFile::load(&dir().join(format!("{name}.init.json"))).unwrap();
    Case {
        config,
        init,
        reference,
    }
}

#[test]
fn every_step_and_the_final_model_match_pytorch() {
    for name in CASES {
        let Case {
            config,
            init,
            reference,
        } = case(name);
        let mut s = Session::from_model(config, init).unwrap();
        let losses: Vec<f64> = reference["losses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(losses.len() as u64, reference["steps"].as_u64().unwrap());
        let mut worst = 0.0f64;
        for (k, &want) in losses.iter().enumerate() {
            let r = s.step();
            assert!(!r.diverged, "{name} step {k}");
            let e = rel(r.batch_loss, want);
            worst = worst.max(e);
            assert!(
                e < 1e-10,
                "{name} step {k}: loss {} vs PyTorch {want}",
                r.batch_loss
            );
        }
        let final_text = serde_json::to_string(&reference["final"]).unwrap();
        let want = ModelFile::parse(name, &final_text).unwrap();
        for (l, (got, exp)) in s
            .network()
            .layers
            .iter()
            .zip(&want.network.layers)
            .enumerate()
        {
            for (a, b) in got
                .weights
                .iter()
                .chain(&got.bias)
                .zip(exp.weights.iter().chain(&exp.bias))
            {
                let e = rel(*a, *b);
                worst = worst.max(e);
                assert!(e < 1e-10, "{name} layer {l}: {a} vs PyTorch {b}");
            }
        }
        eprintln!("{name}: worst relative difference {worst:e}");
    }
}

/// `--standardize` computes the same mean and (population) sd as PyTorch over the training
/// rows, and the model file keeps them.
#[test]
fn standardize_fits_what_pytorch_computes() {
    for name in ["ce-adam-13in", "bce-13in"] {
        let Case { config, init, .. } = case(name);
        let s = Session::new(config).unwrap();
        let fit = s.standardize().unwrap();
        let want = init.standardize.unwrap();
        for (a, b) in fit
            .mean
            .iter()
            .zip(&want.mean)
            .chain(fit.sd.iter().zip(&want.sd))
        {
            assert!(rel(*a, *b) < 1e-12, "{name}: {a} vs {b}");
        }
        assert_eq!(s.model().standardize.as_ref(), Some(fit));
    }
}

/// The saved model round-trips: written and read back, it is the same network with the same
/// predictions.
#[test]
fn a_trained_multi_class_model_round_trips_through_its_file() {
    let Case { config, init, .. } = case("ce-adam-13in");
    let mut s = Session::from_model(config.clone(), init).unwrap();
    for _ in 0..7 {
        s.step();
    }
    let text = s.model().to_json().unwrap();
    assert!(text.contains("\"loss\": \"cross-entropy\""), "{text}");
    assert!(text.contains("\"classes\""), "{text}");
    let back = ModelFile::parse("m.json", &text).unwrap();
    assert_eq!(back, s.model());
    let t = Session::from_model(config, back).unwrap();
    assert_eq!(t.network(), s.network());
    assert_eq!(t.predicted_classes(true), s.predicted_classes(true));
    assert_eq!(t.accuracy(), s.accuracy());
}
