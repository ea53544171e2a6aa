//! Every shipped scenario loads, says what to watch, names real actions, and applies as a
//! complete training preset.

use reluscope::scenario::{BUILTIN, names, tour_step};
use reluscope::settings::preset as scenario;
use reluscope::settings::{
    CliValue, Environment, LoadOptions, Settings, builtin_keymap, load_with,
};

/// `--lr VALUE` as the command line gives it to the settings loader.
fn lr_flag(value: &str) -> Vec<CliValue> {
    vec![CliValue {
        key: "lr",
        flag: "--lr".into(),
        value: value.into(),
    }]
}

const REQUIRED: [&str; 9] = [
    "relu-basics",
    "nonlinearity",
    "vanishing-sigmoid",
    "sparsity",
    "dying-high-lr",
    "dying-negative-bias",
    "leaky-rescue",
    "exploding",
    "born-dead-depth",
];

#[test]
fn every_shipped_scenario_loads_and_is_complete() {
    let all = scenario::all();
    assert_eq!(
        all.len(),
        BUILTIN.len(),
        "a shipped scenario failed to parse"
    );
    for name in REQUIRED {
        assert!(names().contains(&name), "{name} missing");
    }
    let keymap = builtin_keymap();
    for s in &all {
        let file_name = BUILTIN.iter().find(|(n, _)| *n == s.name).map(|(n, _)| *n);
        assert_eq!(
            file_name,
            Some(s.name.as_str()),
            "name inside the file matches the file"
        );
        assert!(
            !s.title.is_empty() && s.caption.len() > 80,
            "{}: say what to watch",
            s.name
        );
        assert!(!s.try_actions.is_empty(), "{}: keys to try", s.name);
        for (keys, does) in s.key_hints(&keymap) {
            assert!(!keys.starts_with("(unbound"), "{}: {keys}", s.name);
            assert!(!does.is_empty());
        }
        assert!(
            s.overrides.origin("activation").is_some(),
            "{}: names its activation",
            s.name
        );
        let settings = Settings::from_overrides(&{
            let mut o = Default::default();
            s.apply(&mut o);
            o
        });
        assert!(settings.is_ok(), "{}: {:?}", s.name, settings.err());
    }
}

#[test]
fn scenario_flag_overrides_the_file_train_section_and_yields_to_env_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[train]\noptimizer = \"adam\"\nlr = 0.001\n[display]\nfps = 30\n",
    )
    .unwrap();
    let mut opts = LoadOptions {
        config: Some(path),
        scenario: Some("dying-high-lr".into()),
        ..LoadOptions::default()
    };
    let preset = scenario::find("dying-high-lr").unwrap();
    let lr = {
        let mut c = reluscope::engine::TrainConfig::default();
        preset.overrides.apply(&mut c);
        c.lr
    };

    let s = load_with(&opts, &Environment::default()).unwrap();
    assert_eq!(s.train.lr, lr, "the scenario's lr wins over the file's");
    let defaults = Settings::default();
    assert_eq!(
        s.train.optimizer, defaults.train.optimizer,
        "the file's optimizer is set aside"
    );
    assert_eq!(s.display.fps, 30, "display settings of the file stay");
    assert_eq!(
        s.scenario.as_ref().map(|s| s.name.as_str()),
        Some("dying-high-lr")
    );

    let env = Environment {
        vars: vec![("RELUSCOPE_SEED".into(), "99".into())],
        default_config: None,
    };
    opts.flags = lr_flag("0.5");
    let s = load_with(&opts, &env).unwrap();
    assert_eq!(s.train.lr, 0.5);
    assert_eq!(s.train.seed, 99);
}

#[test]
fn picking_a_scenario_later_uses_its_preset_and_keeps_the_display() {
    let env = Environment {
        vars: vec![
            ("RELUSCOPE_SEED".into(), "5".into()),
            ("RELUSCOPE_FPS".into(), "24".into()),
        ],
        default_config: None,
    };
    let opts = LoadOptions {
        flags: lr_flag("0.001"),
        ..LoadOptions::default()
    };
    let base = load_with(&opts, &env).unwrap();
    assert_eq!((base.train.seed, base.train.lr), (5, 0.001));
    let dying = scenario::find("dying-high-lr").unwrap();
    let picked = base.with_scenario(&dying).unwrap();
    let preset = Settings::default().with_scenario(&dying).unwrap();
    assert_eq!(
        picked.train, preset.train,
        "the preset exactly, whatever the launch flags"
    );
    assert_eq!(picked.display.fps, 24, "display settings stay");
    assert_eq!(picked.scenario.as_ref().unwrap().name, "dying-high-lr");
    // Picking another one later starts from the same base.
    let leaky = scenario::find("leaky-rescue").unwrap();
    let again = picked.with_scenario(&leaky).unwrap();
    assert_eq!(again.train.activation, {
        let mut c = reluscope::engine::TrainConfig::default();
        leaky.overrides.apply(&mut c);
        c.activation
    });
}

#[test]
fn unknown_scenarios_suggest_the_closest() {
    let p = scenario::find("leaky-resuce").unwrap_err();
    assert_eq!(p.what, "unknown scenario 'leaky-resuce'");
    assert!(
        p.fix.starts_with("did you mean `leaky-rescue`?"),
        "{}",
        p.fix
    );
    assert!(scenario::find("Dying-High-LR").is_ok());
}

#[test]
fn the_tour_wraps_both_ways() {
    let n = BUILTIN.len();
    assert_eq!(tour_step(None, false), 0);
    assert_eq!(tour_step(None, true), n - 1);
    assert_eq!(tour_step(Some(n - 1), false), 0);
    assert_eq!(tour_step(Some(0), true), n - 1);
    assert_eq!(tour_step(Some(2), false), 3);
}
