//! Taking a run away from the explorer: the state string and the saved config each reproduce
//! a run bit for bit, the model is saved through the trainer without replacing a file, and a
//! screenshot is well-formed SVG with one text cell per screen cell in the screen's colours.

use std::path::Path;

use reluscope::action::Action;
use reluscope::app::{FileEffect, Msg, SaveKind, update};
use reluscope::engine::{ModelFile, TrainConfig};
use reluscope::settings::{CliValue, Environment, LoadOptions, load_with, state};
use reluscope::trainer::Command;
use reluscope::ui::screenshot::{CELL, cell_colors, svg};
use reluscope::ui::theme::{ColorTier, Theme};

mod common;
use common::{Harness, fails_with, reluscope};

/// The settings an explorer command line with these flags runs with.
fn settings_of(flags: &[(&'static str, &str)]) -> TrainConfig {
    let opts = LoadOptions {
        flags: flags
            .iter()
            .map(|(key, value)| CliValue {
                key,
                flag: format!("--{}", key.replace('_', "-")),
                value: value.to_string(),
            })
            .collect(),
        ..LoadOptions::default()
    };
    load_with(&opts, &Environment::default()).unwrap().train
}

/// Trains headless with `args` for 4 epochs and returns the saved model's text.
fn trained(dir: &Path, name: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let path = dir.join(name);
    let mut cmd = reluscope();
    cmd.args(["train", "--epochs", "4", "--format", "jsonl", "--save"])
        .arg(&path)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.assert().success();
    std::fs::read_to_string(path).unwrap()
}

const FLAGS: &[(&str, &str)] = &[
    ("activation", "hard-tanh:min=-2,max=1.5"),
    ("layers", "6,3"),
    ("lr", "0.1"),
    ("bias_init", "-0.5"),
    ("seed", "3"),
    ("features", "x1,x2,x1*x2"),
    ("momentum", "0.5"),
    ("dataset", "xor"),
];

#[test]
fn the_state_string_of_a_run_trains_the_same_run_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let line = state::encode(&settings_of(FLAGS));
    assert_eq!(
        line,
        "ds=xor,feat=x1.x2.x1*x2,layers=6.3,act=hard-tanh:min=-2;max=1.5,bias=-0.5,lr=0.1,\
         mom=0.5,seed=3"
    );
    let flags: Vec<String> = FLAGS
        .iter()
        .flat_map(|(k, v)| [format!("--{}", k.replace('_', "-")), v.to_string()])
        .collect();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let original = trained(dir.path(), "a.json", &flags, &[]);
    // The state string fixes every setting of the run: a variable below it changes nothing.
    let again = trained(
        dir.path(),
        "b.json",
        &["--state", &line],
        &[("RELUSCOPE_LR", "0.5")],
    );
    assert_eq!(original, again);
    // A flag beside it still wins.
    let faster = trained(
        dir.path(),
        "c.json",
        &["--state", &line, "--lr", "0.5"],
        &[],
    );
    assert_ne!(original, faster);
}

#[test]
fn bad_state_items_are_named_with_the_fix() {
    fails_with(
        &["train", "--state", "act=relu,lrr=1"],
        "--state item `lrr=1`: unknown key `lrr`; did you mean `lr`?",
    );
    fails_with(
        &["--state", "layers=8,8"],
        "--state item `8`: is not key=value",
    );
    fails_with(
        &["train", "--state", "act=relux"],
        "--state item `act=relux`: `act`: unknown activation 'relux'",
    );
}

/// A paused app at 160x48 after the user changed the run: another activation, a higher
/// learning rate, new data.
fn changed_app() -> Harness {
    let mut h = Harness::at(160, 48);
    for a in [Action::NextActivation, Action::LrUp, Action::NewData] {
        h.act(a);
    }
    h
}

#[test]
fn the_saved_config_loads_back_to_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = changed_app();
    h.act(Action::SaveConfig);
    assert_eq!(h.saving(), Some(SaveKind::Config));
    assert_eq!(h.editing(), Some("reluscope-config.toml"));
    // The prefilled name is replaced by what the user types.
    let path = dir.path().join("run.toml");
    for c in path.display().to_string().chars() {
        h.act(Msg::Input(c));
    }
    let effects = h.act(Action::Enter);
    let [FileEffect::Text { path: p, text, .. }] = effects.files().as_slice() else {
        panic!("{:?}", effects.files());
    };
    assert_eq!(*p, path);
    std::fs::write(&path, text).unwrap();
    let line = state::encode(h.config());
    let from_config = trained(
        dir.path(),
        "a.json",
        &["--config", &path.display().to_string()],
        &[],
    );
    let from_state = trained(dir.path(), "b.json", &["--state", &line], &[]);
    assert_eq!(from_config, from_state);
    // The message names the full path the run loop wrote.
    update(
        &mut h.app,
        Msg::Wrote {
            what: "settings",
            result: Ok(vec![path.clone()]),
        },
    );
    assert!(h.screen().contains(&path.display().to_string()));
}

#[test]
fn the_model_is_saved_by_the_trainer_and_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = changed_app();
    h.act(Action::SaveModel);
    let name = h.editing().map(str::to_string).unwrap();
    assert!(
        name.starts_with("reluscope-model-") && name.ends_with(".json"),
        "{name}"
    );
    let path = dir.path().join("m.json");
    for c in path.display().to_string().chars() {
        h.act(Msg::Input(c));
    }
    let effects = h.act(Action::Enter);
    assert_eq!(effects.trainer(), [Command::SaveModel(path.clone())]);

    assert_eq!(
        h.host.models,
        std::slice::from_ref(&path),
        "the trainer is asked, nothing written yet"
    );

    // What the trainer thread does with it.
    h.worker_mut().step();
    for n in 1..=2 {
        h.worker_mut().apply(Command::SaveModel(path.clone()));
        let want = if n == 1 {
            path.clone()
        } else {
            dir.path().join("m-2.json")
        };
        assert_eq!(h.worker().capture().saved, Some((n, Ok(want.clone()))));
        h.refresh();
        assert!(h.screen().contains("model saved:"), "{}", h.screen());
        let back = ModelFile::load(&want).unwrap();
        assert_eq!(
            back.to_json().unwrap(),
            h.worker().session().model().to_json().unwrap()
        );
    }
    // A save that fails says why.
    h.worker_mut()
        .apply(Command::SaveModel(dir.path().join("no/such/dir/m.json")));
    h.refresh();
    assert!(h.screen().contains("model not saved:"), "{}", h.screen());
}

#[test]
fn esc_closes_the_prompt_without_saving() {
    let mut h = changed_app();
    h.act(Action::SaveModel);
    let effects = h.act(Action::Cancel);
    assert!(effects.trainer().is_empty() && effects.files().is_empty());
    assert_eq!(h.saving(), None);
    assert_eq!(h.editing(), None);
}

#[test]
fn the_state_overlay_at_160x48() {
    let mut h = changed_app();
    h.act(Action::ShowState);
    let screen = h.screen();
    assert!(screen.contains(&format!(
        "reluscope --state '{}'",
        state::encode(h.config())
    )));
    insta::assert_snapshot!(screen);
    h.act(Action::Cancel);
    assert!(!h.state_shown());
}

#[test]
fn the_state_overlay_in_ascii() {
    let theme = Theme::new(ColorTier::None, true);
    let mut h = Harness::new(TrainConfig::default(), theme, (100, 30), 50);
    h.act(Action::LrUp);
    h.act(Action::ShowState);
    let screen = h.screen();
    assert!(screen.is_ascii(), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn keys_ask_for_a_screenshot_and_the_metrics() {
    let mut h = changed_app();
    let effects = h.act(Action::Screenshot);
    assert!(matches!(
        effects.files().as_slice(),
        [FileEffect::Screenshot { stem }] if stem.display().to_string().starts_with("reluscope-screen-")
    ));
    let effects = h.act(Action::SaveMetrics);
    let [FileEffect::Text { path, text, .. }] = effects.files().as_slice() else {
        panic!("{:?}", effects.files());
    };
    assert!(path.display().to_string().ends_with(".csv"));
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("epoch,train_loss,test_loss,dead_fraction,grad_norm_1")
    );
    assert_eq!(lines.count(), h.snapshot().unwrap().history.samples().len());
}

/// Checks an SVG against the screen it shows: well-formed, one `<text>` per cell at the cell's
/// place with its symbol and foreground, and every cell's background under it.
fn check_svg(text: &str, buf: &ratatui::buffer::Buffer) {
    let doc = roxmltree::Document::parse(text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let (w, h) = (buf.area.width, buf.area.height);
    let (cw, ch) = (CELL.0 as f64, CELL.1 as f64);
    let num = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    let texts: Vec<_> = root.children().filter(|n| n.has_tag_name("text")).collect();
    assert_eq!(texts.len(), w as usize * h as usize, "one text per cell");
    let rects: Vec<_> = root.children().filter(|n| n.has_tag_name("rect")).collect();
    let background = rects[0].attribute("fill").unwrap();
    for t in &texts {
        let (col, row) = ((num(*t, "x") / cw) as u16, (num(*t, "y") / ch) as u16);
        let cell = &buf[(col, row)];
        let (fg, bg) = cell_colors(cell);
        assert_eq!(t.text().unwrap_or(""), cell.symbol(), "cell {col},{row}");
        assert_eq!(t.attribute("fill"), Some(fg.as_str()), "cell {col},{row}");
        let (cx, cy) = (f64::from(col) * cw + 1.0, f64::from(row) * ch + 1.0);
        let under = rects[1..]
            .iter()
            .rev()
            .find(|r| {
                let (x, y) = (num(**r, "x"), num(**r, "y"));
                (x..x + num(**r, "width")).contains(&cx)
                    && (y..y + num(**r, "height")).contains(&cy)
            })
            .map_or(background, |r| r.attribute("fill").unwrap());
        assert_eq!(under, bg, "background of {col},{row}");
    }
}

#[test]
fn a_screenshot_is_the_screen_cell_by_cell() {
    let mut h = changed_app();
    h.act(Action::ShowState);
    let buf = h.render();
    check_svg(&svg(&buf), &buf);
    // Colours on screen are in the picture: the heatmap's truecolor cells among them.
    let picture = svg(&buf);
    let rgb = buf
        .content()
        .iter()
        .find_map(|c| match c.bg {
            ratatui::style::Color::Rgb(r, g, b) => Some(format!("#{r:02x}{g:02x}{b:02x}")),
            _ => None,
        })
        .expect("a truecolor cell");
    assert!(picture.contains(&rgb));
}

#[test]
fn a_headless_screenshot_trains_and_writes_svg_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("shot.svg");
    reluscope()
        .args(["--screenshot"])
        .arg(&svg_path)
        .args([
            "--epochs",
            "3",
            "--size",
            "100x30",
            "--scenario",
            "dying-high-lr",
        ])
        .assert()
        .success();
    let picture = std::fs::read_to_string(&svg_path).unwrap();
    let text = std::fs::read_to_string(dir.path().join("shot.txt")).unwrap();
    let doc = roxmltree::Document::parse(&picture).expect("well-formed XML");
    let cells = doc.descendants().filter(|n| n.has_tag_name("text")).count();
    assert_eq!(cells, 100 * 30);
    assert_eq!(text.lines().count(), 30);
    // The text file holds the picture's characters, row by row.
    let mut rows = vec![String::new(); 30];
    for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let y: f64 = t.attribute("y").unwrap().parse().unwrap();
        rows[(y / CELL.1 as f64) as usize].push_str(t.text().unwrap_or(""));
    }
    assert_eq!(rows.join("\n") + "\n", text);
    assert!(text.contains("epoch 3"), "{text}");
    fails_with(
        &["--screenshot", "x.svg", "--size", "100"],
        "--size '100' is not COLSxROWS",
    );
}

/// A long typed or pasted path is kept whole (it was cut at 64 characters); a paste with a line
/// break in it is refused, never run as keys; a paste outside a prompt does nothing.
#[test]
fn paths_are_typed_and_pasted_whole_and_a_paste_is_never_keys() {
    let mut h = changed_app();
    h.act(Action::SaveModel);
    let long = format!("{}/m.json", "d".repeat(2990));
    h.act(Msg::Paste(long.clone()));
    assert_eq!(h.editing(), Some(long.as_str()));
    // The prompt shows the end of a path too long for the line, where typing goes on.
    let shown = h.screen();
    assert!(
        shown.contains(": …ddd") && shown.contains("d/m.json_"),
        "{shown}"
    );
    let effects = h.act(Action::Enter);
    assert_eq!(
        effects.trainer(),
        [Command::SaveModel(std::path::PathBuf::from(&long))]
    );
    // Typed one key at a time, a path of 100 characters stays whole too.
    h.act(Action::SaveModel);
    let typed = "t".repeat(100);
    for c in typed.chars() {
        h.act(Msg::Input(c));
    }
    assert_eq!(h.editing(), Some(typed.as_str()));
    h.act(Action::Cancel);
    // A line break in a paste: refused whole, the prompt as it was.
    h.act(Action::SaveModel);
    let before = h.editing().map(str::to_string);
    h.act(Msg::Paste("a.json\nq".to_string()));
    assert_eq!(h.editing().map(str::to_string), before);
    assert!(h.screen().contains("paste ignored"), "{}", h.screen());
    h.act(Action::Cancel);
    // Outside a prompt a paste changes nothing and quits nothing.
    let effects = h.act(Msg::Paste("q".to_string()));
    assert!(!effects.quit(), "a pasted q is text, not the quit key");
    assert!(h.screen().contains("paste ignored"), "{}", h.screen());
}
