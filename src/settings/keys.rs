//! `[keys]` of a config file applied to the one [`Keymap`]: the embedded default file's
//! `[keys]` are the defaults, and a user's `[keys]` replaces the keys of the actions it names.

use crate::action::Action;
use crate::keymap::{KeyBinding, Keymap};

use super::diag::{Diagnostic, Origin, Problem, SourceText};
use super::file::{self, KeyEntry};
use super::{DEFAULT_CONFIG, DEFAULT_CONFIG_NAME};

/// The keymap of the embedded default file.
pub fn builtin_keymap() -> Keymap {
    let src = SourceText::new(DEFAULT_CONFIG_NAME, DEFAULT_CONFIG);
    let entries = file::parse_config(&src).map(|l| l.keys).unwrap_or_default();
    Keymap::new(entries.into_iter().filter_map(|e| {
        let action = e.action.parse::<Action>().ok()?;
        Some((action, e.keys.into_iter().map(|(k, _)| k).collect()))
    }))
}

/// Ctrl-C, which quits whatever the config says.
fn ctrl_c() -> KeyBinding {
    KeyBinding::new(
        crossterm::event::KeyCode::Char('c'),
        crossterm::event::KeyModifiers::CONTROL,
    )
}

/// The keymap with a file's `[keys]` applied: each action it names gets exactly the keys it
/// lists. Unknown actions and keys bound to two actions are errors.
pub fn apply_keys(base: &Keymap, entries: &[KeyEntry]) -> Result<Keymap, Vec<Diagnostic>> {
    let actions: Vec<&str> = Action::all().map(Action::name).collect();
    let mut diags = Vec::new();
    let mut keymap = base.clone();
    // Where each rebound key was written, to point conflicts at the user's line.
    let mut written: Vec<(KeyBinding, &str, &Origin)> = Vec::new();
    for entry in entries {
        let Ok(action) = entry.action.parse::<Action>() else {
            diags.push(file::unknown_action(
                &entry.action,
                entry.origin.clone(),
                &actions,
            ));
            continue;
        };
        // Without a key for quit or help there is no way out but `kill`, and no way to learn
        // the keys; ctrl-c is the way out that always works, so it cannot mean anything else.
        if entry.keys.is_empty() && matches!(action, Action::Quit | Action::ToggleHelp) {
            diags.push(
                Problem::new(
                    format!("`{action}` must keep at least one key"),
                    format!(
                        "give it a key, e.g. {action} = [\"{}\"]",
                        base.first_key(action)
                    ),
                )
                .at(entry.origin.clone()),
            );
            continue;
        }
        if let Some((_, at)) = entry
            .keys
            .iter()
            .find(|(k, _)| *k == ctrl_c() && action != Action::Quit)
        {
            diags.push(
                Problem::new(
                    format!("ctrl-c cannot be bound to `{action}`: it always quits"),
                    "choose another key",
                )
                .at(at.clone()),
            );
            continue;
        }
        keymap.set_keys(action, entry.keys.iter().map(|(k, _)| *k).collect());
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
            .bindings()
            .filter(|(a, keys)| a.name() != *action && keys.contains(key))
            .map(|(a, _)| a.name())
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
