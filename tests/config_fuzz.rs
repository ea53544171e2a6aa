//! No configuration text can make reluscope panic: random TOML-ish text goes through the
//! whole loader (parse, layer, validate, theme, keymap) and comes out as settings or errors.

use proptest::prelude::*;
use reluscope::settings::{Environment, LoadOptions, Settings, load_with};

/// Lines built from real section names, keys and values, so much of the input gets past the
/// TOML parser and into the checks.
fn line() -> impl Strategy<Value = String> {
    let section = prop::sample::select(vec![
        "[train]",
        "[display]",
        "[health]",
        "[keys]",
        "[theme.styles]",
        "[theme]",
        "[x]",
        "[[train]]",
    ])
    .prop_map(str::to_string);
    let key = prop::sample::select(vec![
        "lr",
        "layers",
        "activation",
        "seed",
        "fps",
        "x_range",
        "theme",
        "color",
        "quit",
        "toggle_pause",
        "dead",
        "alive",
        "bias_init",
        "batch_size",
        "noise",
        "features",
        "saturation_threshold",
        "momentum",
        "nesterov",
        "shuffle",
        "dataset",
        "init",
        "optimizer",
    ]);
    let value = prop::sample::select(vec![
        "0",
        "-1",
        "1e309",
        "nan",
        "inf",
        "0.5",
        "\"relu\"",
        "\"leaky-relu:slope=\"",
        "[8, 8]",
        "[99999999999999999999]",
        "[-5, 10]",
        "[10, -5]",
        "[]",
        "[\"q\"]",
        "[\"ctrl-\"]",
        "{ fg = \"red\" }",
        "{ fg = 3 }",
        "true",
        "\"scheme\"",
        "\"\"",
        "9223372036854775807",
        "-9223372036854775808",
        "\"x1,x2\"",
        "[\"x1\", \"x1\"]",
        "\"é\"",
        "{",
    ]);
    prop_oneof![
        section,
        (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        "[ -~]{0,30}",
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_config_text_never_panics(lines in prop::collection::vec(line(), 0..12)) {
        let text = lines.join("\n");
        let _ = Settings::from_toml("fuzz.toml", &text);
    }

    #[test]
    fn random_environment_never_panics(
        key in prop::sample::select(vec!["LR", "LAYERS", "X_RANGE", "SEED", "FPS", "THEME",
            "COLOR", "BIAS_INIT", "FEATURES", "NOPE", "CONFIG"]),
        value in "\\PC{0,16}",
    ) {
        let env = Environment {
            vars: vec![(format!("RELUSCOPE_{key}"), value)],
            default_config: None,
        };
        let _ = load_with(&LoadOptions::default(), &env);
    }
}
