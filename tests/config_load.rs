//! Loading and merging configuration: the default file round-trips, layers take precedence in
//! the documented order, and every error class reports `file:line:column`, what and how.

use std::path::{Path, PathBuf};

use reluscope::activation::Activation;
use reluscope::error::exit_code;
use reluscope::settings::ColorChoice;
use reluscope::settings::{
    DEFAULT_CONFIG, Environment, LoadOptions, Settings, load_with, schema::Section,
};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(path)
}

fn no_env() -> Environment {
    Environment::default()
}

fn env(vars: &[(&str, &str)]) -> Environment {
    Environment {
        vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        default_config: None,
    }
}

fn with_file(path: &Path) -> LoadOptions {
    LoadOptions {
        config: Some(path.to_path_buf()),
        ..LoadOptions::default()
    }
}

/// The settings flags of an explorer command line.
fn flags(args: &[&str]) -> Vec<reluscope::settings::CliValue> {
    let argv = std::iter::once("reluscope").chain(args.iter().copied());
    <reluscope::cli::Cli as clap::Parser>::try_parse_from(argv)
        .unwrap()
        .load_options()
        .flags
}

/// The value a command line gave the setting `key`.
fn given<'a>(o: &'a LoadOptions, key: &str) -> Option<&'a str> {
    o.flags
        .iter()
        .find(|g| g.key == key)
        .map(|g| g.value.as_str())
}

fn load_err(opts: &LoadOptions, environment: &Environment) -> String {
    let err = load_with(opts, environment).expect_err("should fail");
    assert_eq!(
        exit_code(&err),
        2,
        "config errors are input errors: {err:#}"
    );
    format!("{err:#}")
}

/// Settings without the record of the layers that produced them.
fn effective(s: &Settings) -> impl PartialEq + std::fmt::Debug + use<> {
    (
        s.train.clone(),
        s.display.clone(),
        s.keymap.clone(),
        s.theme.clone(),
    )
}

#[test]
fn default_file_loads_back_to_the_built_in_defaults() {
    let from_file = Settings::from_toml("config/default.toml", DEFAULT_CONFIG).unwrap();
    assert_eq!(effective(&from_file), effective(&Settings::default()));
}

#[test]
fn default_file_sets_every_setting() {
    let layer = reluscope::settings::file::parse_config(
        &reluscope::settings::diag::SourceText::new("config/default.toml", DEFAULT_CONFIG),
    )
    .unwrap();
    for section in Section::ALL {
        for key in section.keys() {
            assert!(
                DEFAULT_CONFIG.contains(&format!("\n{key} = ")),
                "default.toml lacks `{key}`"
            );
            assert!(
                layer.overrides.origin(key).is_some(),
                "`{key}` is not set by default.toml"
            );
        }
    }
}

#[test]
fn valid_fixtures_load() {
    for name in ["empty.toml", "partial.toml", "keys-and-styles.toml"] {
        let s = load_with(&with_file(&fixture(&format!("valid/{name}"))), &no_env())
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        if name == "empty.toml" {
            assert_eq!(effective(&s), effective(&Settings::default()));
        }
    }
}

#[test]
fn a_partial_file_changes_only_what_it_names() {
    let s = load_with(&with_file(&fixture("valid/partial.toml")), &no_env()).unwrap();
    let d = Settings::default();
    assert_eq!(s.train.lr, 0.1);
    assert_eq!(s.train.hidden, vec![4]);
    assert_eq!(
        s.train.activation,
        "leaky-relu:slope=0.2".parse::<Activation>().unwrap()
    );
    assert_eq!(s.display.theme, "high-contrast");
    assert_eq!(s.theme.name, "high-contrast");
    assert_eq!(s.display.x_range, (-2.0, 2.0));
    assert_eq!(s.train.batch_size, d.train.batch_size);
    assert_eq!(s.train.seed, d.train.seed);
    assert_eq!(s.display.fps, d.display.fps);
    assert_eq!(s.keymap, d.keymap);
}

#[test]
fn precedence_is_defaults_file_env_cli() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[train]\nlr = 0.2\nseed = 7\nbatch_size = 20\n[display]\nfps = 30\ntheme = \"high-contrast\"\n",
    )
    .unwrap();

    // File over defaults.
    let s = load_with(&with_file(&path), &no_env()).unwrap();
    assert_eq!((s.train.lr, s.train.seed, s.train.batch_size), (0.2, 7, 20));
    assert_eq!(s.display.fps, 30);

    // Environment over file.
    let e = env(&[
        ("RELUSCOPE_LR", "0.3"),
        ("RELUSCOPE_SEED", "8"),
        ("RELUSCOPE_THEME", "colorblind-safe"),
        ("RELUSCOPE_ACTIVATION", "leaky-relu"),
        ("UNRELATED", "x"),
    ]);
    let s = load_with(&with_file(&path), &e).unwrap();
    assert_eq!((s.train.lr, s.train.seed, s.train.batch_size), (0.3, 8, 20));
    assert_eq!(s.theme.name, "colorblind-safe");
    assert_eq!(
        s.train.activation,
        "leaky-relu".parse::<Activation>().unwrap()
    );

    // Flags over environment.
    let mut opts = with_file(&path);
    opts.flags = flags(&[
        "--lr", "0.4", "--theme", "default", "--fps", "5", "--color", "never",
    ]);
    let s = load_with(&opts, &e).unwrap();
    assert_eq!((s.train.lr, s.train.seed, s.train.batch_size), (0.4, 8, 20));
    assert_eq!(s.theme.name, "default");
    assert_eq!(s.display.fps, 5);
    assert_eq!(s.display.color, ColorChoice::Never);
}

#[test]
fn the_default_location_is_read_and_may_be_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let environment = Environment {
        vars: Vec::new(),
        default_config: Some(path.clone()),
    };
    let s = load_with(&LoadOptions::default(), &environment).unwrap();
    assert_eq!(effective(&s), effective(&Settings::default()));
    std::fs::write(&path, "[train]\nlr = 0.5\n").unwrap();
    let s = load_with(&LoadOptions::default(), &environment).unwrap();
    assert_eq!(s.train.lr, 0.5);
}

#[test]
fn a_named_file_must_exist() {
    let missing = fixture("no-such-file.toml");
    let msg = load_err(&with_file(&missing), &no_env());
    assert!(
        msg.starts_with("--config: cannot read config file"),
        "{msg}"
    );
    assert!(msg.contains("no-such-file.toml"), "{msg}");
    let e = env(&[("RELUSCOPE_CONFIG", missing.to_str().unwrap())]);
    let msg = load_err(&LoadOptions::default(), &e);
    assert!(
        msg.starts_with("environment variable RELUSCOPE_CONFIG: cannot read"),
        "{msg}"
    );
}

#[test]
fn environment_variables_are_checked_like_the_file() {
    let msg = load_err(&LoadOptions::default(), &env(&[("RELUSCOPE_LR", "fast")]));
    assert_eq!(
        msg,
        "environment variable RELUSCOPE_LR: `lr` must be a number, found 'fast'; write it as RELUSCOPE_LR=0.03"
    );
    let msg = load_err(&LoadOptions::default(), &env(&[("RELUSCOPE_LRR", "0.1")]));
    assert!(
        msg.contains("unknown setting RELUSCOPE_LRR; did you mean `RELUSCOPE_LR`?"),
        "{msg}"
    );
    let msg = load_err(
        &LoadOptions::default(),
        &env(&[("RELUSCOPE_THEME", "dark")]),
    );
    assert!(
        msg.contains("unknown theme 'dark'; valid themes: default"),
        "{msg}"
    );
    // Lists and ranges are spelled as on the command line.
    let s = load_with(
        &LoadOptions::default(),
        &env(&[
            ("RELUSCOPE_LAYERS", "4,4,2"),
            ("RELUSCOPE_X_RANGE", "-1:1"),
            ("RELUSCOPE_SHUFFLE", "no"),
            ("RELUSCOPE_SEED", ""),
        ]),
    )
    .unwrap();
    assert_eq!(s.train.hidden, vec![4, 4, 2]);
    assert_eq!(s.display.x_range, (-1.0, 1.0));
    assert!(!s.train.shuffle);
    // The spelling the error message suggests for a range is accepted too.
    let msg = load_err(&LoadOptions::default(), &env(&[("RELUSCOPE_X_RANGE", "1")]));
    assert!(
        msg.ends_with("write it as RELUSCOPE_X_RANGE=-5,10"),
        "{msg}"
    );
    let s = load_with(
        &LoadOptions::default(),
        &env(&[("RELUSCOPE_X_RANGE", "-5,10")]),
    )
    .unwrap();
    assert_eq!(s.display.x_range, (-5.0, 10.0));
}

#[test]
fn flags_are_checked_and_named() {
    let opts = LoadOptions {
        flags: flags(&["--layers", "8,0", "--activation", "relux"]),
        ..LoadOptions::default()
    };
    let msg = load_err(&opts, &no_env());
    assert!(
        msg.contains(
            "--layers has a layer of 0 neurons; each layer needs 1 to 64; for example --layers 8,8"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("--activation: unknown activation 'relux'"),
        "{msg}"
    );
    let opts = LoadOptions {
        flags: flags(&["--fps", "0"]),
        ..LoadOptions::default()
    };
    assert_eq!(
        load_err(&opts, &no_env()),
        "--fps 0 is out of range; use 1 to 60 frames per second, e.g. --fps 15"
    );
    let opts = LoadOptions {
        flags: flags(&["--theme", "hi-contrast"]),
        ..LoadOptions::default()
    };
    let msg = load_err(&opts, &no_env());
    assert!(
        msg.contains("--theme: unknown theme 'hi-contrast'; did you mean `high-contrast`?"),
        "{msg}"
    );
}

/// Every error class: the fixture, and the exact start of the message (location included).
pub const INVALID: &[(&str, &str)] = &[
    (
        "syntax.toml",
        "syntax.toml:3:14: TOML syntax error: string values must be quoted",
    ),
    (
        "duplicate-key.toml",
        "duplicate-key.toml:3:1: TOML syntax error: duplicate key",
    ),
    (
        "not-utf8.toml",
        "not-utf8.toml:3:12: the file is not valid UTF-8 text; save it as UTF-8",
    ),
    (
        "unknown-key.toml",
        "unknown-key.toml:2:1: unknown key `learning_rate` in [train]; reluscope calls it `lr`",
    ),
    (
        "typo-key.toml",
        "typo-key.toml:2:1: unknown key `fsp` in [display]; did you mean `fps`?",
    ),
    (
        "unknown-section.toml",
        "unknown-section.toml:1:2: unknown section or key `training`; did you mean `train`?",
    ),
    (
        "wrong-type.toml",
        "wrong-type.toml:2:6: `lr` must be a number, found a string; write it as lr = 0.03",
    ),
    (
        "out-of-range.toml",
        "out-of-range.toml:2:9: `noise` is a noise level in percent from 0 to 50",
    ),
    (
        "bad-activation.toml",
        "bad-activation.toml:2:14: `activation`: activation 'leaky-relu' has no parameter 'slop'",
    ),
    (
        "nesterov.toml",
        "nesterov.toml:2:12: Nesterov momentum needs a momentum above 0; set momentum too",
    ),
    (
        "unknown-action.toml",
        "unknown-action.toml:3:1: unknown action `toggle_paws` in [keys]; did you mean `toggle_pause`?",
    ),
    (
        "bad-key.toml",
        "bad-key.toml:2:14: key for `quit`: 'ctrl+q' is not a key; join modifiers with '-': \"ctrl-q\"",
    ),
    (
        "key-conflict.toml",
        "key-conflict.toml:3:9: key 'y' is bound to both `step` and `toggle_pause`; it is also bound to `toggle_pause` at ",
    ),
    (
        "key-conflict-default.toml",
        "key-conflict-default.toml:2:17: key 'q' is bound to both `toggle_pause` and `quit`; `quit` has it by default",
    ),
    (
        "quit-unbound.toml",
        "quit-unbound.toml:2:1: `quit` must keep at least one key; give it a key, e.g. quit = [\"q\"]",
    ),
    (
        "ctrl-c-rebound.toml",
        "ctrl-c-rebound.toml:2:9: ctrl-c cannot be bound to `step`: it always quits; choose another key",
    ),
    (
        "unknown-theme.toml",
        "unknown-theme.toml:2:9: unknown theme 'solarized'; valid themes: default, high-contrast, colorblind-safe",
    ),
    (
        "bad-color.toml",
        "bad-color.toml:2:15: 'purplish' is not a colour; use a name",
    ),
    (
        "unknown-style.toml",
        "unknown-style.toml:2:1: unknown style `daed`; did you mean `dead`?",
    ),
];

#[test]
fn every_invalid_fixture_names_its_place_and_fix() {
    for (name, expected) in INVALID {
        let path = fixture(&format!("invalid/{name}"));
        let msg = load_err(&with_file(&path), &no_env());
        let expected = format!("{}/{expected}", fixture("invalid").display());
        assert!(
            msg.starts_with(&expected),
            "{name}:\n  got      {msg}\n  expected {expected}"
        );
        assert_eq!(
            msg.lines().count(),
            1,
            "{name}: one problem, one line: {msg}"
        );
    }
}

#[test]
fn all_problems_of_a_file_are_reported_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.toml");
    std::fs::write(
        &path,
        "[train]\nlr = -1\nseeds = 3\n[display]\ntheme = \"nope\"\n[keys]\nquit = [\"space\"]\n",
    )
    .unwrap();
    let msg = load_err(&with_file(&path), &no_env());
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines.len(), 4, "{msg}");
    let p = path.display().to_string();
    assert!(
        lines[0].starts_with(&format!("{p}:2:6: `lr` must be at least 0")),
        "{msg}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "{p}:3:1: unknown key `seeds` in [train]; did you mean `seed`?"
        )),
        "{msg}"
    );
    assert!(
        lines[2].starts_with(&format!("{p}:5:9: unknown theme 'nope'")),
        "{msg}"
    );
    assert!(
        lines[3].starts_with(&format!(
            "{p}:7:9: key 'space' is bound to both `quit` and `toggle_pause`"
        )),
        "{msg}"
    );
}

#[test]
fn options_come_from_the_command_line_of_the_explorer_and_of_train() {
    use clap::Parser;
    use reluscope::cli::Cli;
    let cli = Cli::try_parse_from([
        "reluscope",
        "--config",
        "c.toml",
        "--theme",
        "high-contrast",
        "--lr",
        "0.2",
        "--fps",
        "20",
    ])
    .unwrap();
    let o = cli.load_options();
    assert_eq!(o.config.as_deref(), Some(Path::new("c.toml")));
    assert_eq!(given(&o, "theme"), Some("high-contrast"));
    assert_eq!(
        (given(&o, "lr"), given(&o, "fps")),
        (Some("0.2"), Some("20"))
    );

    // `--config` and `--scenario` are global: they work after `train` too, and the options
    // carry the subcommand's training flags.
    let cli = Cli::try_parse_from([
        "reluscope",
        "train",
        "--scenario",
        "dying-high-lr",
        "--config",
        "c.toml",
        "--lr",
        "0.7",
        "--steps",
        "5",
    ])
    .unwrap();
    let o = cli.load_options();
    assert_eq!(o.scenario.as_deref(), Some("dying-high-lr"));
    assert_eq!(o.config.as_deref(), Some(Path::new("c.toml")));
    assert_eq!(given(&o, "lr"), Some("0.7"));
}

/// The config accepts exactly the learning rates the engine does: 0 (no update, as PyTorch
/// allows) up to the engine's maximum; a rule stricter in one place than the other would make a
/// value work as a flag but fail in a file.
#[test]
fn learning_rate_bounds_match_the_engine() {
    use reluscope::engine::TrainConfig;
    use reluscope::engine::config::MAX_LR;
    for (lr, ok) in [
        (0.0, true),
        (MAX_LR, true),
        (-1e-9, false),
        (MAX_LR * 1.01, false),
    ] {
        let engine_ok = TrainConfig {
            lr,
            ..TrainConfig::default()
        }
        .validate()
        .is_ok();
        assert_eq!(engine_ok, ok, "engine, lr {lr}");
        let loaded = load_with(
            &LoadOptions::default(),
            &env(&[("RELUSCOPE_LR", &lr.to_string())]),
        );
        assert_eq!(loaded.is_ok(), ok, "config, lr {lr}");
        if let Ok(s) = loaded {
            assert_eq!(s.train.lr, lr);
        }
    }
}

#[test]
fn nesterov_without_momentum_from_the_environment_is_fixed_there() {
    let msg = load_err(
        &LoadOptions::default(),
        &env(&[("RELUSCOPE_NESTEROV", "true")]),
    );
    assert_eq!(
        msg,
        "environment variable RELUSCOPE_NESTEROV: Nesterov momentum needs a momentum above 0; \
         set RELUSCOPE_MOMENTUM=0.9 too, or RELUSCOPE_NESTEROV=false"
    );
}

/// `none` means no hidden layer, as `--layers` documents; in the environment it is the only
/// way to say so (an empty value counts as unset).
#[test]
fn layers_none_is_no_hidden_layer() {
    let s = load_with(
        &LoadOptions::default(),
        &env(&[("RELUSCOPE_LAYERS", "None")]),
    )
    .unwrap();
    assert!(s.train.hidden.is_empty());
    let mut opts = LoadOptions {
        flags: flags(&["--layers", "none"]),
        ..LoadOptions::default()
    };
    assert!(load_with(&opts, &no_env()).unwrap().train.hidden.is_empty());
    opts.flags = flags(&["--layers", "nine"]);
    assert!(load_err(&opts, &no_env()).contains("found 'nine'"));
}

/// A default config file that exists but cannot be read (another user's HOME, a directory in
/// its place) is a note, not a refusal to start, and is never called the built-in default.
#[test]
fn an_unreadable_default_config_is_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let environment = Environment {
        vars: Vec::new(),
        // A directory where the file should be: reading it fails, as for a file without
        // permission.
        default_config: Some(dir.path().to_path_buf()),
    };
    let s = load_with(&LoadOptions::default(), &environment).unwrap();
    assert_eq!(s.notes.len(), 1, "{:?}", s.notes);
    let note = &s.notes[0];
    assert!(note.contains(&dir.path().display().to_string()), "{note}");
    assert!(note.contains("using the built-in settings"), "{note}");
    assert!(!note.contains("built-in default:"), "{note}");
}
