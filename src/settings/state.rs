//! The settings of a run written out: as a one-line state string (`act=relu,lr=1,layers=8.8`,
//! every setting that differs from the built-in default, for a slide or a chat) and as a TOML
//! config for `--config`. Both are spelled from the `state` of each row of [`super::schema`],
//! and a state string is read back through the same rows as a flag, so it is checked, and
//! refused, with the same messages.
//!
//! In a state string items are `key=value` joined by `,`, so a value spells its own commas
//! differently: lists (`layers`, `feat`) join their items with `.` (`layers=8.8`), and an
//! activation's parameters are joined with `;` (`act=hard-tanh:min=-2;max=2`), since their
//! numbers have decimal points.

use crate::engine::TrainConfig;

use super::diag::{Diagnostic, Origin, Problem, flag_or_var_example, unknown_name_fix};
use super::overrides::Overrides;
use super::raw::Raw;
use super::schema::{self, Section, Setting, State, Value};

/// The rows a state string covers (the run's settings), in table order.
fn rows() -> impl Iterator<Item = (&'static Setting, State)> {
    schema::ALL
        .iter()
        .copied()
        .filter_map(|row| row.state.map(|st| (row, st)))
}

/// The value as a state string writes it.
fn spell(value: &Value) -> String {
    match value {
        Value::Number(v) => v.to_string(),
        Value::Whole(v) => v.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Text(t) => t.replace(',', ";"),
        Value::Words(w) => w.join("."),
        Value::Wholes(w) if w.is_empty() => "none".to_string(),
        Value::Wholes(w) => w.iter().map(u64::to_string).collect::<Vec<_>>().join("."),
    }
}

/// A state string's value as a flag would take it, for a setting whose values look like
/// `kind`.
fn unspell(kind: &Value, text: &str) -> String {
    match kind {
        Value::Text(_) => text.replace(';', ","),
        Value::Words(_) | Value::Wholes(_) => text.replace('.', ","),
        _ => text.to_string(),
    }
}

/// Every setting of `config` that differs from the built-in default, as `key=value` items
/// joined by `,` (empty for the defaults). A CSV file (`--data`) is not part of it.
pub fn encode(config: &TrainConfig) -> String {
    let base = TrainConfig::default();
    rows()
        .filter_map(|(_, st)| {
            let (now, default) = ((st.value)(config), (st.value)(&base));
            (now != default).then(|| format!("{}={}", st.key, spell(&now)))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The settings of the run where `a` and `b` differ, as (key, `a`'s value, `b`'s value) in
/// state-string spelling (`act`, `relu`, `leaky-relu:slope=0.01`).
pub fn differences(a: &TrainConfig, b: &TrainConfig) -> Vec<(&'static str, String, String)> {
    rows()
        .filter_map(|(_, st)| {
            let (va, vb) = ((st.value)(a), (st.value)(b));
            (va != vb).then(|| (st.key, spell(&va), spell(&vb)))
        })
        .collect()
}

/// Reads a state string into the overrides it stands for. It fixes every setting of the run:
/// those it does not name take their built-in defaults, so the same string gives the same run
/// whatever a config file or the environment says. Keys are the short ones (`act`) or the
/// config's own (`activation`).
pub fn parse(text: &str) -> Result<Overrides, Vec<Diagnostic>> {
    let mut o = Overrides::default();
    let base = TrainConfig::default();
    for (row, st) in rows() {
        let default = unspell(&(st.value)(&base), &spell(&(st.value)(&base)));
        // The defaults read through their own rows; a test checks that they all do.
        let _ = row.read(&mut o, Raw::Text(&default), &Origin::Default);
    }
    let mut diags = Vec::new();
    let mut named: Vec<&str> = Vec::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let origin = Origin::State(item.to_string());
        let Some((key, value)) = item.split_once('=') else {
            diags.push(
                Problem::new(
                    "is not key=value",
                    "write items as key=value joined by commas, e.g. act=relu,lr=0.1; a list \
                     inside a value joins its items with `.`, e.g. layers=8.8",
                )
                .at(origin),
            );
            continue;
        };
        let key = key.trim();
        let Some(row) = schema::find_short(key).or_else(|| schema::find(key)) else {
            let keys: Vec<&str> = rows().map(|(_, st)| st.key).collect();
            diags.push(
                Problem::new(
                    format!("unknown key `{key}`"),
                    unknown_name_fix(key, keys.iter().copied(), "keys"),
                )
                .at(origin),
            );
            continue;
        };
        let Some(st) = row.state else {
            diags.push(
                Problem::new(
                    format!("`{key}` is a display setting, not part of a run"),
                    format!("give it as --{} instead", row.key.replace('_', "-")),
                )
                .at(origin),
            );
            continue;
        };
        if named.contains(&st.key) {
            diags.push(
                Problem::new(format!("`{}` is given twice", st.key), "keep one of them").at(origin),
            );
            continue;
        }
        named.push(st.key);
        let value = unspell(&(st.value)(&base), value.trim());
        if let Err(p) = row.read(&mut o, Raw::Text(&value), &origin) {
            diags.push(respell(p, row, st).at(origin));
        }
    }
    if diags.is_empty() { Ok(o) } else { Err(diags) }
}

/// A row's problem in a state string's own spelling: its short key, and its example written
/// as an item (`for example layers=8.8`).
fn respell(p: Problem, row: &Setting, st: State) -> Problem {
    let what = p
        .what
        .replacen(&format!("`{}`", row.key), &format!("`{}`", st.key), 1);
    let lead = format!("{}=", st.key);
    let mut fix = flag_or_var_example(&p.fix, row.key, &lead);
    if let Some(at) = fix.find(&lead) {
        let start = at + lead.len();
        let end = fix[start..].find(' ').map_or(fix.len(), |i| start + i);
        let kind = (st.value)(&TrainConfig::default());
        let value = match kind {
            Value::Text(_) => fix[start..end].replace(',', ";"),
            Value::Words(_) | Value::Wholes(_) => fix[start..end].replace(',', "."),
            _ => fix[start..end].to_string(),
        };
        fix.replace_range(start..end, &value);
    }
    Problem::new(what, fix)
}

/// The TOML value a config file writes for `value`.
fn toml_value(value: &Value) -> Result<toml::Value, String> {
    let whole = |v: u64| {
        i64::try_from(v)
            .map(toml::Value::Integer)
            .map_err(|_| format!("{v} is beyond what a TOML integer holds"))
    };
    Ok(match value {
        Value::Number(v) => toml::Value::Float(*v),
        Value::Whole(v) => whole(*v)?,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Text(t) => toml::Value::String(t.clone()),
        Value::Words(w) => toml::Value::Array(w.iter().cloned().map(toml::Value::String).collect()),
        Value::Wholes(w) => {
            toml::Value::Array(w.iter().map(|&v| whole(v)).collect::<Result<_, _>>()?)
        }
    })
}

/// The run's settings as a config file that `--config` loads back to the same run: every
/// setting of `[train]` and `[health]`, under a comment saying how to use it.
pub fn config_toml(config: &TrainConfig) -> Result<String, String> {
    let mut out = String::from(
        "# A reluscope run, saved from the explorer. Train it again with\n\
         #   reluscope --config FILE        (or: reluscope train --config FILE)\n",
    );
    let state = encode(config);
    out.push_str(&format!("# or, as one line: reluscope --state '{state}'\n"));
    if let Some(csv) = &config.csv {
        out.push_str(&format!(
            "# It trained on a CSV file, which a config cannot name: add --data {}\n",
            csv.name
        ));
    }
    for section in [Section::Train, Section::Health] {
        out.push_str(&format!("\n[{}]\n", section.name()));
        for row in section.settings() {
            let Some(st) = row.state else { continue };
            let value = toml_value(&(st.value)(config)).map_err(|e| format!("{}: {e}", row.key))?;
            out.push_str(&format!("{} = {value}\n", row.key));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::engine::{BiasInit, DatasetKind, Feature, Init, OptimizerKind};
    use crate::settings::Settings;

    fn unusual() -> TrainConfig {
        TrainConfig {
            dataset: DatasetKind::Spiral,
            noise: 15.0,
            train_fraction: 0.7,
            features: vec![Feature::X1, Feature::X2, Feature::X1Squared],
            hidden: vec![6, 4, 3],
            activation: Activation::HardTanh {
                min: -2.0,
                max: 1.5,
            },
            init: Init::Rai,
            bias_init: BiasInit::Scheme,
            optimizer: OptimizerKind::Sgd,
            lr: 0.1 + 0.2,
            momentum: 0.9,
            nesterov: true,
            l2: 1e-7,
            clip: 2.5,
            batch_size: 0,
            shuffle: false,
            seed: 42,
            saturation_threshold: 0.1,
            ..TrainConfig::default()
        }
    }

    fn from_state(text: &str) -> Result<TrainConfig, Vec<Diagnostic>> {
        Settings::from_overrides(&parse(text)?).map(|s| s.train)
    }

    #[test]
    fn the_defaults_are_the_empty_string() {
        assert_eq!(encode(&TrainConfig::default()), "");
        assert_eq!(from_state("").unwrap(), TrainConfig::default());
    }

    #[test]
    fn a_state_string_names_what_differs_and_reads_back_to_the_same_settings() {
        let c = TrainConfig {
            activation: Activation::Relu,
            lr: 1.0,
            bias_init: BiasInit::Constant(-1.0),
            seed: 3,
            hidden: vec![8, 8],
            ..TrainConfig::default()
        };
        assert_eq!(encode(&c), "bias=-1,lr=1,seed=3");
        let c = unusual();
        let text = encode(&c);
        assert!(text.contains("act=hard-tanh:min=-2;max=1.5"), "{text}");
        assert!(text.contains("layers=6.4.3"), "{text}");
        assert!(text.contains("feat=x1.x2.x1^2"), "{text}");
        assert_eq!(from_state(&text).unwrap(), c);
        let none = TrainConfig {
            hidden: vec![],
            ..TrainConfig::default()
        };
        assert_eq!(encode(&none), "layers=none");
        assert_eq!(from_state(&encode(&none)).unwrap(), none);
    }

    #[test]
    fn long_keys_work_too_and_unnamed_settings_take_their_defaults() {
        let c = from_state("activation=leaky-relu:slope=0.2, lr=0.5").unwrap();
        assert_eq!(c.activation, Activation::LeakyRelu { slope: 0.2 });
        assert_eq!(c.lr, 0.5);
        assert_eq!(c.seed, 0);
    }

    fn message(text: &str) -> String {
        let diags = parse(text).unwrap_err();
        diags
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn bad_items_are_named_with_their_fix() {
        assert_eq!(
            message("act=relu,lrr=1"),
            "--state item `lrr=1`: unknown key `lrr`; did you mean `lr`? (valid keys: ds, \
             classes, noise, train, std, feat, layers, act, out, init, bias, opt, lr, mom, \
             nesterov, l1, l2, clip, batch, shuffle, seed, sat)"
        );
        assert_eq!(
            message("lr=fast"),
            "--state item `lr=fast`: `lr` must be a number, found 'fast'; write it as lr=0.03"
        );
        assert_eq!(
            message("layers=8,8"),
            "--state item `8`: is not key=value; write items as key=value joined by commas, \
             e.g. act=relu,lr=0.1; a list inside a value joins its items with `.`, e.g. \
             layers=8.8"
        );
        assert!(message("layers=8.100").contains("for example layers=8.8"));
        assert!(message("act=elu:alpha=-1").contains("act=leaky-relu:slope=0.1"));
        assert!(message("lr=1,lr=2").contains("`lr` is given twice"));
        assert!(message("fps=30").contains("give it as --fps instead"));
    }

    #[test]
    fn the_saved_config_loads_back_to_the_same_settings() {
        for c in [TrainConfig::default(), unusual()] {
            let text = config_toml(&c).unwrap();
            let back = Settings::from_toml("saved.toml", &text).unwrap();
            assert_eq!(back.train, c, "{text}");
        }
    }
}
