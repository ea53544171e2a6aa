//! Key bindings as data: which keys trigger which [`Action`]. Key specs such as `"space"`,
//! `"ctrl-c"`, `"shift-tab"`, `"+"` or `"R"` are parsed here, for the config file and the
//! explorer alike. There is one keymap; its defaults are the `[keys]` table of the embedded
//! default configuration (read by `settings`), so the binary, the tests and the benchmarks all
//! run the same bindings.

use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::action::Action;

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

/// A key with its modifiers, normalized so that `A` and `shift-a` are the same binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyBinding {
    /// A binding, normalized: SHIFT is folded into characters and Tab.
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyBinding {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_uppercase())
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyBinding { code, mods }
    }

    /// The binding a key event stands for.
    fn from_event(key: &KeyEvent) -> KeyBinding {
        KeyBinding::new(key.code, key.modifiers)
    }
}

/// A key spec that cannot be parsed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid key {0:?}; {KEY_HELP}")]
pub struct KeyParseError(pub String);

impl FromStr for KeyBinding {
    type Err = KeyParseError;

    fn from_str(spec: &str) -> Result<KeyBinding, KeyParseError> {
        let err = || KeyParseError(spec.to_string());
        let mut rest = spec.trim();
        let mut mods = KeyModifiers::NONE;
        // Strip modifier prefixes; a lone "-" or a trailing "-" after a prefix is the minus key.
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") && rest.len() > 5 {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            mods |= m;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            (None, _) => return Err(err()),
            _ => match rest.to_ascii_lowercase().as_str() {
                "space" => KeyCode::Char(' '),
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(err()),
                },
                _ => return Err(err()),
            },
        };
        Ok(KeyBinding::new(code, mods))
    }
}

impl fmt::Display for KeyBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::PageDown => f.write_str("pagedown"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Action -> keys, every key bound to at most one action, in the order the bindings were
/// given (the default file's order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keymap {
    bindings: Vec<(Action, Vec<KeyBinding>)>,
}

impl Keymap {
    /// A keymap from (action, keys) pairs; a later pair for the same action replaces its keys.
    pub fn new(bindings: impl IntoIterator<Item = (Action, Vec<KeyBinding>)>) -> Keymap {
        let mut km = Keymap::default();
        for (action, keys) in bindings {
            km.set_keys(action, keys);
        }
        km
    }

    /// Give `action` exactly these keys (none unbinds it).
    pub fn set_keys(&mut self, action: Action, keys: Vec<KeyBinding>) {
        match self.bindings.iter_mut().find(|(a, _)| *a == action) {
            Some((_, k)) => *k = keys,
            None => self.bindings.push((action, keys)),
        }
    }

    /// The action a key press stands for, if any.
    pub fn action_for(&self, event: &KeyEvent) -> Option<Action> {
        let key = KeyBinding::from_event(event);
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(a, _)| *a)
    }

    /// The keys bound to an action (empty if it is unbound).
    pub fn keys_for(&self, action: Action) -> &[KeyBinding] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map_or(&[], |(_, k)| k.as_slice())
    }

    /// The first key bound to `action`, as text ("" if none), for messages.
    pub fn first_key(&self, action: Action) -> String {
        self.keys_for(action)
            .first()
            .map_or(String::new(), ToString::to_string)
    }

    /// Every (action, keys) pair in order.
    pub fn bindings(&self) -> impl Iterator<Item = (Action, &[KeyBinding])> {
        self.bindings.iter().map(|(a, k)| (*a, k.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn specs_parse() {
        let p = |s: &str| s.parse::<KeyBinding>().unwrap();
        assert_eq!(p("space").code, KeyCode::Char(' '));
        assert_eq!(
            p("ctrl-c"),
            KeyBinding::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(p("shift-tab").code, KeyCode::BackTab);
        assert_eq!(p("+").code, KeyCode::Char('+'));
        assert_eq!(p("-").code, KeyCode::Char('-'));
        assert_eq!(
            p("ctrl--"),
            KeyBinding::new(KeyCode::Char('-'), KeyModifiers::CONTROL)
        );
        assert_eq!(p("shift-a"), p("A"));
        assert_eq!(p("F5").code, KeyCode::F(5));
        for bad in ["", "ctrl-", "f13", "spacebar", "hyper-x"] {
            assert!(bad.parse::<KeyBinding>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn display_round_trips() {
        for spec in [
            "space",
            "ctrl-c",
            "shift-tab",
            "+",
            "-",
            "R",
            "f5",
            "ctrl-l",
            "?",
        ] {
            let b: KeyBinding = spec.parse().unwrap();
            assert_eq!(b.to_string().parse::<KeyBinding>().unwrap(), b, "{spec}");
        }
    }

    #[test]
    fn capitals_match_with_or_without_shift() {
        let km = Keymap::new([(Action::NewData, vec!["R".parse().unwrap()])]);
        let a = |code, mods| km.action_for(&key(code, mods));
        assert_eq!(
            a(KeyCode::Char('R'), KeyModifiers::SHIFT),
            Some(Action::NewData)
        );
        assert_eq!(
            a(KeyCode::Char('R'), KeyModifiers::NONE),
            Some(Action::NewData)
        );
        assert_eq!(a(KeyCode::Char('r'), KeyModifiers::NONE), None);
    }

    #[test]
    fn setting_keys_replaces_them() {
        let mut km = Keymap::new([(Action::Quit, vec!["q".parse().unwrap()])]);
        km.set_keys(Action::Quit, vec!["x".parse().unwrap()]);
        assert_eq!(
            km.action_for(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action_for(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(km.first_key(Action::Quit), "x");
        assert_eq!(km.first_key(Action::Step), "");
    }
}
