//! The configuration as the explorer consumes it: the default file's keys are the explorer's
//! default bindings, rebound keys reach the help overlay, and theme files become the
//! explorer's styles in every colour tier.

use ratatui::style::{Color, Modifier};
use reluscope::action::Action;
use reluscope::app::App;
use reluscope::app::help;
use reluscope::settings::{
    Environment, LoadOptions, Settings, ThemeFile, builtin_keymap, load_with,
};
use reluscope::ui::theme::{ColorTier, Theme};
use reluscope::ui::theme_fit::from_file;

/// The binary's keymap is the one tests and benches use: both come from `[keys]` of the
/// embedded default file, and every action is bound there, with a name and a help line.
#[test]
fn the_binarys_keymap_is_the_tests_keymap_and_binds_every_action() {
    // What `reluscope` loads with no config file, no variables and no flags.
    let loaded = load_with(&LoadOptions::default(), &Environment::default()).unwrap();
    assert_eq!(loaded.keymap, builtin_keymap());
    assert_eq!(Settings::default().keymap, builtin_keymap());
    for action in Action::all() {
        assert!(
            !builtin_keymap().keys_for(action).is_empty(),
            "config/default.toml binds no key to `{action}`"
        );
        assert!(!action.help().is_empty(), "`{action}` has no help");
        assert_eq!(action.name().parse::<Action>().unwrap(), action);
    }
    // Every `[keys]` line of the default file names an action.
    let text = reluscope::settings::DEFAULT_CONFIG;
    let keys = &text[text.find("[keys]").unwrap()..];
    for line in keys.lines().skip(1).take_while(|l| !l.trim().is_empty()) {
        let name = line.split('=').next().unwrap().trim();
        assert!(name.parse::<Action>().is_ok(), "unknown action `{name}`");
    }
}

fn app_with(settings: &Settings) -> App {
    App::new(
        settings.train.clone(),
        settings.keymap.clone(),
        false,
        true,
        (120, 40),
    )
}

fn help_text(app: &App) -> Vec<String> {
    let area = ratatui::layout::Rect::new(0, 0, app.size().0, app.size().1);
    help::layout(area, app)
        .rows
        .iter()
        .map(|row| row.iter().map(|p| p.text.as_str()).collect())
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
    // The keys lead their action's line (of a column: wide screens show two side by side).
    assert!(pause.contains("P f2  play / pause training"), "{pause}");
    assert!(!pause.contains("space"), "{pause}");
    let quit = line("quit").unwrap();
    assert!(quit.contains("ctrl-q  quit"), "{quit}");
    assert!(
        line("one training step").is_none(),
        "an unbound action is not listed"
    );
    // And the keys act.
    let press = |code, mods| {
        app.keymap()
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
    let t = from_file(&cb, ColorTier::Ansi16, false);
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
        from_file(&s.theme, ColorTier::TrueColor, false).dead.fg,
        Some(Color::Rgb(255, 135, 0))
    );
    assert_eq!(
        from_file(&s.theme, ColorTier::Ansi256, false).dead.fg,
        Some(Color::Indexed(208))
    );
    let sixteen = from_file(&s.theme, ColorTier::Ansi16, false).dead.fg;
    assert!(
        matches!(sixteen, Some(Color::Yellow | Color::LightRed | Color::Red)),
        "{sixteen:?}"
    );

    // Without colour the explorer's monochrome styles stay, glyphs and all.
    let mono = from_file(&cb, ColorTier::None, true);
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
            let t = from_file(&theme, tier, false);
            assert_ne!(t.alive, t.dead, "{name} {tier:?}");
            assert_ne!(t.alive, t.saturated, "{name} {tier:?}");
            assert_ne!(t.dead, t.saturated, "{name} {tier:?}");
        }
    }
}
