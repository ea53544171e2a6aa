//! The keymap as configuration data: action name -> keys, from `[keys]` of the default file
//! with a user's `[keys]` replacing the keys of the actions it names. Key specs (`"space"`,
//! `"ctrl-c"`, `"shift-tab"`, `"+"`, `"R"`) are parsed by the explorer's own
//! [`KeyBinding`], so the config and the explorer can never disagree on what a key means.

use crossterm::event::KeyEvent;

use crate::app::keymap::KeyBinding;
use crate::app::{Action, Keymap as AppKeymap};

use super::diag::{Diagnostic, Origin, Problem, SourceText};
use super::file::{self, KeyEntry};
use super::{DEFAULT_CONFIG, DEFAULT_CONFIG_NAME};

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
pub const KEY_HELP: &str = "use a character (\"a\", \"+\", \"R\"), a name (space, enter, esc, \
                            tab, backtab, backspace, up, down, left, right, home, end, pageup, \
                            pagedown, delete, insert, f1-f12), optionally after ctrl-, alt-, \
                            shift-";

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

/// The keymap of the embedded default file.
pub fn builtin_keymap() -> Keymap {
    let src = SourceText::new(DEFAULT_CONFIG_NAME, DEFAULT_CONFIG);
    let entries = file::parse_config(&src).map(|l| l.keys).unwrap_or_default();
    Keymap {
        bindings: entries
            .into_iter()
            .map(|e| Binding {
                action: e.action,
                keys: e.keys.into_iter().map(|(k, _)| k).collect(),
            })
            .collect(),
    }
}

/// The keymap with a file's `[keys]` applied: each action it names gets exactly the keys it
/// lists. Unknown actions and keys bound to two actions are errors.
pub fn apply_keys(base: &Keymap, entries: &[KeyEntry]) -> Result<Keymap, Vec<Diagnostic>> {
    let actions: Vec<&str> = base.actions().collect();
    let mut diags = Vec::new();
    let mut keymap = base.clone();
    // Where each rebound key was written, to point conflicts at the user's line.
    let mut written: Vec<(KeyBinding, &str, &Origin)> = Vec::new();
    for entry in entries {
        let Some(binding) = keymap
            .bindings
            .iter_mut()
            .find(|b| b.action == entry.action)
        else {
            diags.push(file::unknown_action(
                &entry.action,
                entry.origin.clone(),
                &actions,
            ));
            continue;
        };
        binding.keys = entry.keys.iter().map(|(k, _)| *k).collect();
        written.extend(
            entry
                .keys
                .iter()
                .map(|(k, o)| (*k, entry.action.as_str(), o)),
        );
    }
    // Report each key used by two actions once, at a line the user wrote.
    for (i, (key, action, origin)) in written.iter().enumerate() {
        let others: Vec<&str> = keymap
            .bindings
            .iter()
            .filter(|b| b.action != *action && b.keys.contains(key))
            .map(|b| b.action.as_str())
            .collect();
        for other in others {
            let earlier = written[..i]
                .iter()
                .find(|(k, a, _)| k == key && *a == other);
            if written[i + 1..]
                .iter()
                .any(|(k, a, _)| k == key && *a == other)
            {
                continue; // reported at the later line
            }
            let fix = match earlier {
                Some((_, _, o)) => {
                    format!("it is also bound to `{other}` at {o}; keep it in one of the two lists")
                }
                None => format!(
                    "`{other}` has it by default; choose another key, or give `{other}` other \
                     keys, e.g. {other} = [\"F2\"] (or {other} = [] to unbind it)"
                ),
            };
            diags.push(
                Problem::new(
                    format!("key '{key}' is bound to both `{action}` and `{other}`"),
                    fix,
                )
                .at((*origin).clone()),
            );
        }
    }
    if diags.is_empty() {
        Ok(keymap)
    } else {
        Err(diags)
    }
}
