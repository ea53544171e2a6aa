//! The message line says something the status indicator does not already show.

use reluscope::action::Action;
use reluscope::app::{App, update};
use reluscope::engine::TrainConfig;
use reluscope::settings::builtin_keymap;

#[test]
fn pausing_says_what_to_do_next_not_the_state_again() {
    let mut app = App::new(
        TrainConfig::default(),
        builtin_keymap(),
        false,
        false,
        (100, 30),
    );
    update(&mut app, Action::TogglePause);
    assert!(app.paused());
    assert_eq!(app.message().unwrap().0, "s: one step at a time");
    update(&mut app, Action::TogglePause);
    assert!(!app.paused());
    assert_eq!(app.message().unwrap().0, "training resumed");
}
