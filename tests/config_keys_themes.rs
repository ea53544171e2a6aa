//! Keymap rebinding, the shipped themes and style overrides.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};
use reluscope::action::Action;
use reluscope::keymap::KeyBinding;
use reluscope::settings::diag::SourceText;
use reluscope::settings::theme_file::{BUILTIN_THEMES, STYLE_NAMES, parse_theme};
use reluscope::settings::{Settings, ThemeFile, builtin_keymap};

fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

#[test]
fn default_keymap_has_the_documented_keys_and_no_conflicts() {
    let km = builtin_keymap();
    let a = |code, mods| km.action_for(&press(code, mods));
    assert_eq!(
        a(KeyCode::Char(' '), KeyModifiers::NONE),
        Some(Action::TogglePause)
    );
    assert_eq!(
        a(KeyCode::Char('R'), KeyModifiers::SHIFT),
        Some(Action::NewData)
    );
    assert_eq!(
        a(KeyCode::Char('c'), KeyModifiers::CONTROL),
        Some(Action::Quit)
    );
    assert_eq!(
        a(KeyCode::BackTab, KeyModifiers::SHIFT),
        Some(Action::FocusPrev)
    );
    assert_eq!(
        a(KeyCode::Char('p'), KeyModifiers::NONE),
        Some(Action::PickScenario)
    );
    assert_eq!(
        a(KeyCode::Char('N'), KeyModifiers::NONE),
        Some(Action::PrevScenario)
    );
    let mut seen: Vec<KeyBinding> = Vec::new();
    for (_, keys) in km.bindings() {
        for k in keys {
            assert!(!seen.contains(k), "{k} bound twice by default");
            seen.push(*k);
        }
    }
}

#[test]
fn a_file_rebinds_only_the_actions_it_names() {
    let text = "[keys]\ntoggle_pause = [\"p\", \"space\"]\npick_scenario = [\"P\"]\nstep = []\nquit = [\"ctrl-q\"]\n";
    let s = Settings::from_toml("keys.toml", text).unwrap();
    let km = &s.keymap;
    assert_eq!(
        km.action_for(&press(KeyCode::Char('p'), KeyModifiers::NONE)),
        Some(Action::TogglePause)
    );
    assert_eq!(
        km.action_for(&press(KeyCode::Char('P'), KeyModifiers::SHIFT)),
        Some(Action::PickScenario)
    );
    assert_eq!(
        km.action_for(&press(KeyCode::Char('s'), KeyModifiers::NONE)),
        None
    );
    assert!(km.keys_for(Action::Step).is_empty());
    // q no longer quits; ctrl-q does; untouched actions keep their keys.
    assert_eq!(
        km.action_for(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(
        km.action_for(&press(KeyCode::Char('q'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
    assert_eq!(
        km.keys_for(Action::ResetNetwork),
        builtin_keymap().keys_for(Action::ResetNetwork)
    );
    // What the help overlay prints for the rebound action.
    let shown: Vec<String> = km
        .keys_for(Action::TogglePause)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(shown, ["p", "space"]);
}

#[test]
fn key_specs_in_every_documented_form_load() {
    for (spec, shown) in [
        ("space", "space"),
        ("ctrl-c", "ctrl-c"),
        ("shift-tab", "shift-tab"),
        ("backtab", "shift-tab"),
        ("shift-r", "R"),
        ("+", "+"),
        ("ctrl--", "ctrl--"),
        ("alt-enter", "alt-enter"),
        ("F5", "f5"),
    ] {
        // Every other action unbound (help must keep its key), so no default binding
        // collides.
        let mut text = String::from("[keys]\n");
        for action in Action::all()
            .filter(|a| !matches!(a, Action::Quit | Action::ToggleHelp))
            .map(Action::name)
        {
            text.push_str(&format!("{action} = []\n"));
        }
        text.push_str(&format!("quit = [\"{spec}\"]\n"));
        let s = Settings::from_toml("k.toml", &text).unwrap_or_else(|e| panic!("{spec}: {e:#}"));
        let keys: Vec<String> = s
            .keymap
            .keys_for(Action::Quit)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(keys, [shown], "{spec}");
    }
}

#[test]
fn every_shipped_theme_parses_completely() {
    assert_eq!(BUILTIN_THEMES.len(), 3);
    for (name, text) in BUILTIN_THEMES {
        let path = format!("config/themes/{name}.toml");
        let theme = parse_theme(&SourceText::new(&path, text))
            .unwrap_or_else(|d| panic!("{name}: {}", d[0]));
        assert_eq!(theme.name, *name);
        assert!(!theme.description.is_empty());
        for (style, _) in STYLE_NAMES {
            assert!(theme.styles.contains_key(*style), "{name} lacks {style}");
        }
        // Named ANSI colours only, so the theme follows the terminal's palette in every tier.
        for (style, spec) in &theme.styles {
            for c in [spec.fg, spec.bg].into_iter().flatten() {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                    "{name}.{style} uses {c:?}"
                );
            }
        }
        // Alive, dead and saturated differ in colour, not only in glyph.
        let fg = |s: &str| theme.styles[s].fg;
        assert_ne!(fg("alive"), fg("dead"), "{name}");
        assert_ne!(fg("alive"), fg("saturated"), "{name}");
        assert_ne!(fg("dead"), fg("saturated"), "{name}");
    }
}

fn is_reddish(c: Option<Color>) -> bool {
    matches!(c, Some(Color::Red | Color::LightRed))
}
fn is_greenish(c: Option<Color>) -> bool {
    matches!(c, Some(Color::Green | Color::LightGreen))
}

#[test]
fn colorblind_safe_never_contrasts_red_with_green() {
    let t = ThemeFile::builtin("colorblind-safe").unwrap();
    for (a, b) in [
        ("alive", "dead"),
        ("positive_weight", "negative_weight"),
        ("heatmap_low", "heatmap_high"),
        ("train_loss", "test_loss"),
    ] {
        let (fa, fb) = (t.styles[a].fg, t.styles[b].fg);
        assert!(
            !(is_reddish(fa) && is_greenish(fb) || is_greenish(fa) && is_reddish(fb)),
            "{a} vs {b}: {fa:?} / {fb:?}"
        );
    }
    for (name, spec) in &t.styles {
        assert!(
            !is_reddish(spec.fg) && !is_greenish(spec.fg),
            "{name} uses red or green"
        );
    }
}

#[test]
fn a_single_style_can_be_overridden() {
    let text = "[display]\ntheme = \"colorblind-safe\"\n[theme.styles]\ndead = { fg = \"magenta\", underlined = true }\nalive = { fg = \"#00ff00\" }\n";
    let s = Settings::from_toml("styles.toml", text).unwrap();
    let base = ThemeFile::builtin("colorblind-safe").unwrap();
    assert_eq!(s.theme.style("dead").fg, Some(Color::Magenta));
    assert!(
        s.theme
            .style("dead")
            .add_modifier
            .contains(Modifier::UNDERLINED)
    );
    // The override changes fg only; bold stays from the theme.
    assert_eq!(s.theme.style("alive").fg, Some(Color::Rgb(0, 255, 0)));
    assert!(s.theme.style("alive").add_modifier.contains(Modifier::BOLD));
    for (name, _) in STYLE_NAMES {
        if !matches!(*name, "dead" | "alive") {
            assert_eq!(s.theme.styles[*name], base.styles[*name], "{name}");
        }
    }
}

#[test]
fn theme_files_report_their_problems() {
    let src = SourceText::new(
        "t.toml",
        "name = \"x\"\n[styles]\nalive = { fg = \"green\", blink = true }\n",
    );
    let errs = parse_theme(&src).unwrap_err();
    let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("t.toml:3:25: unknown style attribute `blink`")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("the theme lacks the styles text, muted")),
        "{text:?}"
    );
}
