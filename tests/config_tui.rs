//! The configuration as the explorer consumes it: the default file's keys are the explorer's
//! default bindings, rebound keys reach the help overlay, and theme files become the
//! explorer's styles in every colour tier.

use std::collections::BTreeSet;

use ratatui::style::{Color, Modifier};
use reluscope::app::action::BINDABLE;
use reluscope::keymap::{DEFAULT_BINDINGS, KeyBinding};
use reluscope::app::{Action, App, Keymap as AppKeymap};
use reluscope::settings::{Settings, ThemeFile, builtin_keymap};
use reluscope::ui::help;
use reluscope::ui::theme::{ColorTier, Theme};

/// Actions of the scenario tour that the config already binds (p, n, N).
const TOUR: [&str; 3] = ["pick_scenario", "next_scenario", "prev_scenario"];

fn pairs(km: &AppKeymap) -> BTreeSet<(String, String)> {
    km.bindings()
        .iter()
        .map(|(k, a)| (k.to_string(), a.to_string()))
        .collect()
}

#[test]
fn default_file_keys_are_the_explorers_default_bindings() {
    let config = builtin_keymap();
    for action in config.actions() {
        assert!(
            action.parse::<Action>().is_ok() || TOUR.contains(&action),
            "default.toml binds `{action}`, which the explorer does not know"
        );
    }
    for (_, name, _) in BINDABLE {
        assert!(
            config.actions().any(|a| a == *name),
            "default.toml lacks `{name}`"
        );
    }
    let from_config = pairs(&config.to_app());
    let built_in: BTreeSet<(String, String)> = DEFAULT_BINDINGS
        .iter()
        .map(|(k, a)| (k.parse::<KeyBinding>().unwrap().to_string(), a.to_string()))
        .filter(|(_, a)| !TOUR.contains(&a.as_str()))
        .collect();
    let from_config: BTreeSet<_> = from_config
        .into_iter()
        .filter(|(_, a)| !TOUR.contains(&a.as_str()))
        .collect();
    assert_eq!(from_config, built_in);
}

fn app_with(settings: &Settings) -> App {
    App::new(
        settings.train.clone(),
        settings.theme.to_ui_theme(ColorTier::Ansi16, false),
        settings.keymap.to_app(),
        true,
        (120, 40),
    )
}

fn help_text(app: &App) -> Vec<String> {
    help::lines(app)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

#[test]
fn the_help_overlay_shows_rebound_keys() {
    let settings = Settings::from_toml(
        "keys.toml",
        "[keys]\ntoggle_pause = [\"P\", \"f2\"]\nquit = [\"ctrl-q\"]\nstep = []\n",
    )
    .unwrap();
    let app = app_with(&settings);
    let text = help_text(&app);
    let line = |desc: &str| text.iter().find(|l| l.contains(desc)).cloned();
    let pause = line("play / pause training").expect("pause is listed");
    assert!(pause.trim_start().starts_with("P f2"), "{pause}");
    assert!(!pause.contains("space"), "{pause}");
    let quit = line("quit").unwrap();
    assert!(quit.trim_start().starts_with("ctrl-q "), "{quit}");
    assert!(
        line("one training step").is_none(),
        "an unbound action is not listed"
    );
    // And the keys act.
    let press = |code, mods| {
        app.keymap
            .action_for(&crossterm::event::KeyEvent::new(code, mods))
    };
    use crossterm::event::{KeyCode, KeyModifiers};
    assert_eq!(
        press(KeyCode::Char('P'), KeyModifiers::SHIFT),
        Some(Action::TogglePause)
    );
    assert_eq!(press(KeyCode::Char(' '), KeyModifiers::NONE), None);
    assert_eq!(
        press(KeyCode::Char('q'), KeyModifiers::CONTROL),
        Some(Action::Quit)
    );
}

#[test]
fn theme_files_become_the_explorers_styles() {
    let cb = ThemeFile::builtin("colorblind-safe").unwrap();
    let t = cb.to_ui_theme(ColorTier::Ansi16, false);
    assert_eq!(t.alive.fg, Some(Color::LightBlue));
    assert!(t.alive.add_modifier.contains(Modifier::BOLD));
    assert_eq!(t.dead.fg, Some(Color::Yellow));
    assert_eq!(t.class_pos.fg, Some(Color::Blue));
    assert_eq!(t.class_neg.fg, Some(Color::Yellow));
    assert_eq!(t.weight_neg_weak.fg, Some(Color::Yellow));
    assert!(t.weight_neg_weak.add_modifier.contains(Modifier::DIM));

    // A user's RGB override is brought down to what the terminal shows.
    let s = Settings::from_toml("s.toml", "[theme.styles]\ndead = { fg = \"#ff8700\" }\n").unwrap();
    assert_eq!(
        s.theme.to_ui_theme(ColorTier::TrueColor, false).dead.fg,
        Some(Color::Rgb(255, 135, 0))
    );
    assert_eq!(
        s.theme.to_ui_theme(ColorTier::Ansi256, false).dead.fg,
        Some(Color::Indexed(208))
    );
    let sixteen = s.theme.to_ui_theme(ColorTier::Ansi16, false).dead.fg;
    assert!(
        matches!(sixteen, Some(Color::Yellow | Color::LightRed | Color::Red)),
        "{sixteen:?}"
    );

    // Without colour the explorer's monochrome styles stay, glyphs and all.
    let mono = cb.to_ui_theme(ColorTier::None, true);
    let plain = Theme::new(ColorTier::None, true);
    assert_eq!(mono.alive, plain.alive);
    assert_eq!(mono.dead, plain.dead);
    assert_eq!(mono.glyphs.alive, plain.glyphs.alive);
}

#[test]
fn every_theme_keeps_alive_and_dead_apart_in_every_colour_tier() {
    for name in ["default", "high-contrast", "colorblind-safe"] {
        let theme = ThemeFile::builtin(name).unwrap();
        for tier in [
            ColorTier::Ansi16,
            ColorTier::Ansi256,
            ColorTier::TrueColor,
            ColorTier::None,
        ] {
            let t = theme.to_ui_theme(tier, false);
            assert_ne!(t.alive, t.dead, "{name} {tier:?}");
            assert_ne!(t.alive, t.saturated, "{name} {tier:?}");
            assert_ne!(t.dead, t.saturated, "{name} {tier:?}");
        }
    }
}
