//! Key specs as written in the config (`"space"`, `"ctrl-c"`, `"shift-tab"`, `"+"`, `"R"`) and
//! the keymap they build: action name -> keys.
//!
//! A spec is `[MODIFIER-]...KEY`, modifiers `ctrl`, `alt`, `shift` (any case), KEY a single
//! character or a name: space, enter, esc, tab, backtab, backspace, delete, insert, home, end,
//! pageup, pagedown, up, down, left, right, f1-f12. A lone `-` or `+` is the key itself, and
//! `ctrl--` is Ctrl with minus. Letters are case-sensitive: `R` is Shift-r, which is also what
//! `shift-r` means; a character key never carries the Shift modifier, because terminals report
//! Shift only through the character's case.

use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key with its modifiers, in the normal form described in the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Why a key spec could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{spec}' is not a key: {reason}")]
pub struct KeySpecError {
    pub spec: String,
    pub reason: String,
}

const NAMED: &[(&str, KeyCode)] = &[
    ("space", KeyCode::Char(' ')),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
];

/// The key names, for suggestions.
pub const KEY_NAME_LIST: &[&str] = &[
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

/// The key names a spec may use (besides single characters and f1-f12), for messages.
pub const KEY_NAMES: &str = "space, enter, esc, tab, backtab, backspace, delete, insert, home, end, \
                             pageup, pagedown, up, down, left, right, f1-f12";

impl KeySpec {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        normalize(code, modifiers)
    }

    /// Whether a key event from the terminal is this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        *self == KeySpec::new(event.code, event.modifiers)
    }
}

/// The normal form: characters carry their case instead of Shift, Shift-Tab is BackTab, and
/// only Ctrl, Alt and Shift count as modifiers.
fn normalize(code: KeyCode, modifiers: KeyModifiers) -> KeySpec {
    let mut modifiers =
        modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    let mut code = code;
    match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => {
            modifiers.remove(KeyModifiers::SHIFT);
            let mut upper = c.to_uppercase();
            if let (Some(u), None) = (upper.next(), upper.next()) {
                code = KeyCode::Char(u);
            }
        }
        KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
            modifiers.remove(KeyModifiers::SHIFT);
            code = KeyCode::BackTab;
        }
        KeyCode::BackTab => modifiers.remove(KeyModifiers::SHIFT),
        _ => {}
    }
    // Terminals send Ctrl-letters without case; treat ctrl-C as ctrl-c.
    if modifiers.contains(KeyModifiers::CONTROL)
        && let KeyCode::Char(c) = code
        && c.is_ascii_uppercase()
    {
        code = KeyCode::Char(c.to_ascii_lowercase());
    }
    KeySpec { code, modifiers }
}

impl FromStr for KeySpec {
    type Err = KeySpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| KeySpecError {
            spec: spec.to_string(),
            reason: reason.to_string(),
        };
        if spec.is_empty() {
            return Err(err("it is empty"));
        }
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = spec;
        // Peel `mod-` prefixes while something follows the dash (so "-" and "ctrl--" work).
        while let Some((head, tail)) = rest.split_once('-') {
            if tail.is_empty() {
                break;
            }
            let m = match head.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => KeyModifiers::CONTROL,
                "alt" | "meta" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                _ if head.is_empty() => break,
                other => {
                    return Err(err(&format!(
                        "unknown modifier '{other}'; modifiers are ctrl, alt and shift"
                    )));
                }
            };
            if modifiers.contains(m) {
                return Err(err(&format!("modifier '{head}' appears twice")));
            }
            modifiers |= m;
            rest = tail;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => KeyCode::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
                    *code
                } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
                    && (1..=12).contains(&n)
                {
                    KeyCode::F(n)
                } else if rest.contains('+') {
                    return Err(err("modifiers are joined with '-', not '+'"));
                } else {
                    return Err(err(&format!("unknown key name '{rest}'")));
                }
            }
        };
        Ok(normalize(code, modifiers))
    }
}

impl fmt::Display for KeySpec {
    /// The canonical spelling, which parses back to the same key (used by the help overlay).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            code => {
                let name = NAMED
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map_or("?", |(n, _)| n);
                f.write_str(name)
            }
        }
    }
}

/// Keys bound to one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The action's snake_case name, as in `[keys]`.
    pub action: String,
    pub keys: Vec<KeySpec>,
}

/// Action name -> keys, with every key bound to at most one action.
///
/// Built from the `[keys]` of the default file, with a user's `[keys]` replacing the keys of
/// the actions it names. The order is the default file's, so listings are stable.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Keymap {
    /// The action a key event triggers, if any.
    pub fn action_for(&self, event: &KeyEvent) -> Option<&str> {
        let key = KeySpec::new(event.code, event.modifiers);
        self.bindings
            .iter()
            .find(|b| b.keys.contains(&key))
            .map(|b| b.action.as_str())
    }

    /// The keys bound to an action (empty if it is unbound or unknown).
    pub fn keys_for(&self, action: &str) -> &[KeySpec] {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .map_or(&[], |b| b.keys.as_slice())
    }

    /// The action names, in order.
    pub fn actions(&self) -> impl Iterator<Item = &str> {
        self.bindings.iter().map(|b| b.action.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> KeySpec {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(
            k("space"),
            KeySpec::new(KeyCode::Char(' '), KeyModifiers::NONE)
        );
        assert_eq!(
            k("ctrl-c"),
            KeySpec::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(k("Ctrl-C"), k("ctrl-c"));
        assert_eq!(
            k("shift-tab"),
            KeySpec::new(KeyCode::BackTab, KeyModifiers::NONE)
        );
        assert_eq!(k("backtab"), k("shift-tab"));
        assert_eq!(k("+"), KeySpec::new(KeyCode::Char('+'), KeyModifiers::NONE));
        assert_eq!(k("-"), KeySpec::new(KeyCode::Char('-'), KeyModifiers::NONE));
        assert_eq!(
            k("ctrl--"),
            KeySpec::new(KeyCode::Char('-'), KeyModifiers::CONTROL)
        );
        assert_eq!(k("R"), k("shift-r"));
        assert_ne!(k("R"), k("r"));
        assert_eq!(k("f5"), KeySpec::new(KeyCode::F(5), KeyModifiers::NONE));
        assert_eq!(
            k("PageDown"),
            KeySpec::new(KeyCode::PageDown, KeyModifiers::NONE)
        );
    }

    #[test]
    fn rejects_bad_specs_with_reasons() {
        for bad in ["", "spce", "hyper-x", "ctrl-ctrl-x", "f13", "ab", "ctrl-"] {
            assert!(bad.parse::<KeySpec>().is_err(), "{bad} should not parse");
        }
        let e = "spce".parse::<KeySpec>().unwrap_err();
        assert!(e.to_string().contains("unknown key name 'spce'"), "{e}");
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "space",
            "ctrl-c",
            "shift-tab",
            "+",
            "-",
            "R",
            "alt-x",
            "f12",
            "enter",
            "ctrl--",
        ] {
            let key = k(s);
            assert_eq!(key.to_string().parse::<KeySpec>().unwrap(), key, "{s}");
        }
    }

    #[test]
    fn matches_terminal_events() {
        let shifted = KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT);
        assert!(k("R").matches(&shifted));
        let back = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert!(k("shift-tab").matches(&back));
        let ctrl = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(k("ctrl-c").matches(&ctrl));
        assert!(!k("c").matches(&ctrl));
    }
}
