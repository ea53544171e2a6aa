//! Model files: exact round trips, the documented layout, and validation.

use reluscope::activation::Activation;
use reluscope::engine::{DatasetKind, Feature, ModelFile, Session, TrainConfig};

fn trained(config: TrainConfig) -> Session {
    let mut s = Session::new(config).unwrap();
    for _ in 0..s.steps_per_epoch() * 3 {
        s.step();
    }
    s
}

#[test]
fn save_and_load_round_trip_exactly() {
    let config = TrainConfig {
        activation: "prelu".parse().unwrap(),
        features: vec![Feature::X1, Feature::X2, Feature::X1TimesX2],
        hidden: vec![5, 3],
        ..TrainConfig::default()
    };
    let s = trained(config.clone());
    // The learned slope moved away from its default and is stored in full precision.
    let a = s.network().layers[0].activation.param("a").unwrap();
    assert_ne!(a, 0.25);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    s.model().save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&format!("\"prelu:a={a}\"")), "{text}");
    assert!(text.contains("\"format\": \"reluscope.model.v1\""));
    assert!(
        text.contains("\"inputs\": [\n    \"x1\",\n    \"x2\",\n    \"x1*x2\"\n  ]"),
        "{text}"
    );
    let loaded = ModelFile::load(&path).unwrap();
    assert_eq!(loaded, s.model());
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // A session started from it predicts exactly the same.
    let s2 = Session::from_model(TrainConfig::default(), loaded).unwrap();
    for (x1, x2) in [(0.0, 0.0), (3.0, -1.5), (-5.0, 5.0)] {
        assert_eq!(s.predict(x1, x2), s2.predict(x1, x2));
    }
    assert_eq!(s2.config().hidden, vec![5, 3]);
    assert_eq!(s2.config().features, config.features);
}

#[test]
fn weights_are_out_by_in() {
    let s = Session::new(TrainConfig {
        hidden: vec![3],
        ..TrainConfig::default()
    })
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&s.model().to_json().unwrap()).unwrap();
    let layers = json["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    let w0 = layers[0]["weights"].as_array().unwrap();
    assert_eq!(w0.len(), 3, "3 neurons (rows)");
    assert_eq!(w0[0].as_array().unwrap().len(), 2, "2 inputs (columns)");
    let net = s.network();
    assert_eq!(w0[2][1].as_f64().unwrap(), net.layers[0].weights[2 * 2 + 1]);
    assert_eq!(layers[1]["activation"], "sigmoid");
    assert_eq!(json["loss"], "bce");
}

#[test]
fn regression_models_keep_their_output() {
    let config = TrainConfig {
        dataset: DatasetKind::MultiGauss,
        regression_output: Activation::Tanh,
        ..TrainConfig::default()
    };
    let s = trained(config);
    let m = ModelFile::parse("m.json", &s.model().to_json().unwrap()).unwrap();
    assert_eq!(m.network.loss.name(), "mse");
    assert_eq!(m.network.output_layer().activation, Activation::Tanh);
    // A regression model cannot start a classification run.
    let err = Session::from_model(TrainConfig::default(), m)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("loss 'mse' (regression)") && err.contains("circle"),
        "{err}"
    );
}

fn parse_err(text: &str) -> String {
    ModelFile::parse("m.json", text).unwrap_err().to_string()
}

const GOOD: &str = r#"{"format":"reluscope.model.v1","inputs":["x1","x2"],
"layers":[{"activation":"relu","weights":[[1,2],[3,4]],"bias":[0,0]},
{"activation":"sigmoid","weights":[[1,-1]],"bias":[0.5]}],"loss":"bce"}"#;

#[test]
fn validation_names_the_problem() {
    assert!(ModelFile::parse("m.json", GOOD).is_ok());
    let cases = [
        ("{", "m.json: not a valid model file (line 1, column 1)"),
        (
            &GOOD.replace("v1\"", "v9\""),
            "unknown format 'reluscope.model.v9'",
        ),
        (
            &GOOD.replace("\"x2\"", "\"x3\""),
            "inputs[1]: unknown feature 'x3'",
        ),
        (
            &GOOD.replace("\"x2\"", "\"x1\""),
            "inputs[1]: feature 'x1' is listed twice",
        ),
        (
            &GOOD.replace("\"relu\"", "\"relux\""),
            "layers[0]: unknown activation 'relux'",
        ),
        (
            &GOOD.replace("[3,4]", "[3]"),
            "layers[0]: weights[1] has 1 values but the layer has 2 inputs",
        ),
        (
            &GOOD.replace("\"bias\":[0,0]", "\"bias\":[0]"),
            "layers[0]: 'bias' has 1 values but 'weights' has 2 rows",
        ),
        (
            &GOOD.replace("[[1,-1]]", "[[1,-1],[2,2]]"),
            "layers[1]: the output layer must have 1 neuron",
        ),
        (
            &GOOD.replace("\"bce\"", "\"mse\""),
            "output activation 'sigmoid' does not fit loss 'mse'",
        ),
        (
            &GOOD.replace("\"bce\"", "\"hinge\""),
            "unknown loss 'hinge'",
        ),
        (
            &GOOD.replace("[1,2]", "[1,\"a\"]"),
            "not a valid model file (line 2",
        ),
        (
            &GOOD.replace("\"loss\"", "\"extra\":1,\"loss\""),
            "unknown field `extra`",
        ),
        (
            r#"{"format":"reluscope.model.v1","inputs":["x1"],"layers":[],"loss":"bce"}"#,
            "'layers' is empty",
        ),
        (
            r#"{"format":"reluscope.model.v1","inputs":[],"layers":[],"loss":"bce"}"#,
            "'inputs' is empty",
        ),
    ];
    for (text, want) in cases {
        let e = parse_err(text);
        assert!(e.contains(want), "want '{want}' in: {e}");
        assert!(e.starts_with("m.json: "), "{e}");
    }
}

#[test]
fn a_slope_outside_the_spec_range_is_not_saved() {
    let mut m = Session::new(TrainConfig {
        activation: "prelu".parse().unwrap(),
        ..TrainConfig::default()
    })
    .unwrap()
    .model();
    m.network.layers[0].activation = Activation::Prelu { a: 150.0 };
    let err = m.to_json().unwrap_err().to_string();
    assert!(err.contains("layer 0: activation 'prelu:a=150'"), "{err}");
}
