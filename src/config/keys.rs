//! The keymap as configuration data: action name -> keys, from `[keys]` of the default file
//! with a user's `[keys]` replacing the keys of the actions it names. Key specs (`"space"`,
//! `"ctrl-c"`, `"shift-tab"`, `"+"`, `"R"`) are parsed by the explorer's own
//! [`KeyBinding`], so the config and the explorer can never disagree on what a key means.

use crossterm::event::KeyEvent;

use crate::app::keymap::KeyBinding;
use crate::app::{Action, Keymap as AppKeymap};

/// Keys bound to one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The action's snake_case name, as in `[keys]`.
    pub action: String,
    pub keys: Vec<KeyBinding>,
}

/// Action name -> keys, every key bound to at most one action, in the default file's order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Keymap {
    /// The action name a key event triggers, if any.
    pub fn action_for(&self, event: &KeyEvent) -> Option<&str> {
        let key = KeyBinding::from_event(event);
        self.bindings
            .iter()
            .find(|b| b.keys.contains(&key))
            .map(|b| b.action.as_str())
    }

    /// The keys bound to an action (empty if it is unbound or unknown).
    pub fn keys_for(&self, action: &str) -> &[KeyBinding] {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .map_or(&[], |b| b.keys.as_slice())
    }

    /// The action names, in order.
    pub fn actions(&self) -> impl Iterator<Item = &str> {
        self.bindings.iter().map(|b| b.action.as_str())
    }

    /// The explorer's keymap. Actions the explorer does not know (yet) are left out, so a
    /// config written for a newer reluscope still starts.
    pub fn to_app(&self) -> AppKeymap {
        let mut keymap =
            AppKeymap::from_specs(std::iter::empty()).unwrap_or_else(|_| AppKeymap::default());
        for binding in &self.bindings {
            if let Ok(action) = binding.action.parse::<Action>() {
                for key in &binding.keys {
                    keymap.bind(*key, action.clone());
                }
            }
        }
        keymap
    }
}

/// What a key spec may look like, for messages.
pub const KEY_HELP: &str = "use a character (\"a\", \"+\", \"R\"), a name (space, enter, esc, tab, \
                            backtab, backspace, up, down, left, right, home, end, pageup, \
                            pagedown, delete, insert, f1-f12), optionally after ctrl-, alt-, shift-";

/// Key names, for suggestions.
pub const KEY_NAMES: &[&str] = &[
    "space",
    "enter",
    "esc",
    "tab",
    "backtab",
    "backspace",
    "delete",
    "insert",
    "home",
    "end",
    "pageup",
    "pagedown",
    "up",
    "down",
    "left",
    "right",
    "ctrl",
    "alt",
    "shift",
];
