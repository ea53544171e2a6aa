//! Key bindings as data: a map from key to [`Action`], built from a table of key specs such as
//! `"space"`, `"ctrl-c"`, `"shift-tab"` or `"+"`, so a config file can rebind them.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

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
    pub fn from_event(key: &KeyEvent) -> KeyBinding {
        KeyBinding::new(key.code, key.modifiers)
    }
}

/// A key spec that cannot be parsed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "invalid key {0:?}; use a character (\"a\", \"+\"), a name (space, enter, esc, tab, backtab, \
     backspace, up, down, left, right, home, end, pageup, pagedown, delete, f1-f12) with optional \
     ctrl-, alt-, shift- prefixes"
)]
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

/// The default bindings: key spec → action name. Several keys may share an action.
pub const DEFAULT_BINDINGS: &[(&str, &str)] = &[
    ("space", "toggle_pause"),
    ("s", "step"),
    ("r", "reset_network"),
    ("R", "new_data"),
    ("a", "next_activation"),
    ("A", "prev_activation"),
    ("+", "lr_up"),
    ("=", "lr_up"),
    ("-", "lr_down"),
    ("b", "next_bias_init"),
    ("B", "prev_bias_init"),
    ("d", "next_dataset"),
    (".", "speed_up"),
    (",", "speed_down"),
    ("tab", "focus_next"),
    ("shift-tab", "focus_prev"),
    ("z", "toggle_zoom"),
    ("up", "up"),
    ("k", "up"),
    ("down", "down"),
    ("j", "down"),
    ("left", "left"),
    ("h", "left"),
    ("right", "right"),
    ("l", "right"),
    ("enter", "enter"),
    ("esc", "cancel"),
    ("[", "pan_left"),
    ("]", "pan_right"),
    ("c", "cycle_compare"),
    ("t", "toggle_test_points"),
    ("v", "toggle_preactivations"),
    ("p", "pick_scenario"),
    ("n", "next_scenario"),
    ("N", "prev_scenario"),
    ("x", "toggle_experiments"),
    ("1", "run_born_dead"),
    ("2", "run_sweep"),
    ("?", "toggle_help"),
    ("ctrl-l", "redraw"),
    ("ctrl-z", "suspend"),
    ("q", "quit"),
    ("ctrl-c", "quit"),
];

/// The active bindings, in the order they were defined (the help overlay lists them so).
#[derive(Debug, Clone)]
pub struct Keymap {
    map: HashMap<KeyBinding, Action>,
    order: Vec<(KeyBinding, Action)>,
}

impl Keymap {
    /// A keymap from (key spec, action name) pairs; later pairs win for the same key.
    pub fn from_specs<'a>(
        specs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> anyhow::Result<Keymap> {
        let mut km = Keymap {
            map: HashMap::new(),
            order: Vec::new(),
        };
        for (key, action) in specs {
            let binding: KeyBinding = key.parse()?;
            let action: Action = action.parse()?;
            km.bind(binding, action);
        }
        Ok(km)
    }

    /// Bind a key, replacing what it did before.
    pub fn bind(&mut self, key: KeyBinding, action: Action) {
        self.order.retain(|(k, _)| *k != key);
        self.order.push((key, action.clone()));
        self.map.insert(key, action);
    }

    /// The action a key press stands for, if any.
    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        self.map.get(&KeyBinding::from_event(key)).cloned()
    }

    /// The keys bound to an action, in definition order.
    pub fn keys_for(&self, action: &Action) -> Vec<KeyBinding> {
        self.order
            .iter()
            .filter(|(_, a)| a == action)
            .map(|(k, _)| *k)
            .collect()
    }

    /// Every binding in definition order.
    pub fn bindings(&self) -> &[(KeyBinding, Action)] {
        &self.order
    }
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap::from_specs(DEFAULT_BINDINGS.iter().copied())
            .expect("the default bindings are valid")
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
        for (spec, _) in DEFAULT_BINDINGS {
            let b: KeyBinding = spec.parse().unwrap();
            assert_eq!(b.to_string().parse::<KeyBinding>().unwrap(), b, "{spec}");
        }
    }

    #[test]
    fn events_find_their_actions() {
        let km = Keymap::default();
        let a = |code, mods| km.action_for(&key(code, mods));
        assert_eq!(
            a(KeyCode::Char(' '), KeyModifiers::NONE),
            Some(Action::TogglePause)
        );
        // Terminals report capitals with or without SHIFT; both mean the same key.
        assert_eq!(
            a(KeyCode::Char('R'), KeyModifiers::SHIFT),
            Some(Action::NewData)
        );
        assert_eq!(
            a(KeyCode::Char('R'), KeyModifiers::NONE),
            Some(Action::NewData)
        );
        assert_eq!(
            a(KeyCode::Char('r'), KeyModifiers::NONE),
            Some(Action::ResetNetwork)
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
            a(KeyCode::Tab, KeyModifiers::SHIFT),
            Some(Action::FocusPrev)
        );
        assert_eq!(
            a(KeyCode::Char('x'), KeyModifiers::NONE),
            Some(Action::ToggleExperiments)
        );
        assert_eq!(a(KeyCode::Char('y'), KeyModifiers::NONE), None);
    }

    #[test]
    fn rebinding_replaces() {
        let mut km = Keymap::default();
        km.bind("q".parse().unwrap(), Action::TogglePause);
        assert_eq!(
            km.action_for(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::TogglePause)
        );
        assert_eq!(km.keys_for(&Action::Quit).len(), 1);
        assert!(Keymap::from_specs([("q", "fly")]).is_err());
    }
}
