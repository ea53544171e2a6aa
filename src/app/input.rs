//! Key and mouse events into messages: the one place that knows what a key means in each mode.
//! While a value is being typed, keys edit the text; otherwise the keymap decides. Ctrl-C quits
//! in every mode, whatever the config binds.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::msg::Msg;
use super::state::App;
use crate::action::Action;

/// The message a key press stands for in the app's current mode, if any.
pub fn key(app: &App, key: &KeyEvent) -> Option<Msg> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
        return Some(Msg::Action(Action::Quit));
    }
    if app.editing().is_some() {
        return match key.code {
            KeyCode::Char(c) if !ctrl => Some(Msg::Input(c)),
            KeyCode::Backspace => Some(Msg::Backspace),
            KeyCode::Enter => Some(Msg::Action(Action::Enter)),
            KeyCode::Esc => Some(Msg::Action(Action::Cancel)),
            _ => None,
        };
    }
    app.keymap.action_for(key).map(Msg::Action)
}

/// The message a mouse event stands for (mouse support is opt-in): a left click focuses the
/// pane under it, the wheel moves as ↑ ↓ do.
pub fn mouse(event: &MouseEvent) -> Option<Msg> {
    match event.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click(event.column, event.row)),
        MouseEventKind::ScrollUp => Some(Msg::Action(Action::Up)),
        MouseEventKind::ScrollDown => Some(Msg::Action(Action::Down)),
        _ => None,
    }
}
