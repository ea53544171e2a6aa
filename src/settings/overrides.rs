//! The one shape every configuration layer produces: the settings it sets, each remembering
//! where it came from. Layers are merged setting by setting (a higher layer's value wins) and
//! the result is put into [`Targets`] once and validated into [`super::Settings`].
//!
//! Every value is read by its row of [`super::schema`], whichever layer supplies it: the
//! same key names, the same checks and the same messages for a file, an environment variable,
//! a flag and a value typed into the Parameters pane. The row also says where the value goes
//! (`|t, v| t.train.lr = v`), so a setting is declared in its row alone: there is no field
//! list here to extend.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::engine::TrainConfig;

use super::diag::Origin;

/// How much colour the explorer uses: `auto` (from NO_COLOR, COLORTERM and TERM) or a fixed
/// tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Never,
    Ansi16,
    Ansi256,
    Truecolor,
}

impl ColorChoice {
    /// `auto`, `never`, `16`, `256` or `truecolor` (any case).
    pub fn parse(text: &str) -> Option<ColorChoice> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(ColorChoice::Auto),
            "never" => Some(ColorChoice::Never),
            "16" => Some(ColorChoice::Ansi16),
            "256" => Some(ColorChoice::Ansi256),
            "truecolor" => Some(ColorChoice::Truecolor),
            _ => None,
        }
    }
}

/// Display settings, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct DisplaySettings {
    pub fps: u32,
    pub color: ColorChoice,
    pub ascii: bool,
    pub theme: String,
    pub x_range: (f64, f64),
    pub mouse: bool,
    pub paused: bool,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        DisplaySettings {
            fps: 15,
            color: ColorChoice::Auto,
            ascii: false,
            theme: "default".to_string(),
            x_range: (-5.0, 10.0),
            mouse: false,
            paused: false,
        }
    }
}

/// Where the settings' values end up: the run's and the viewer's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Targets {
    pub train: TrainConfig,
    pub display: DisplaySettings,
}

/// One set value: where it came from, how it reads (for equality and debugging), and what it
/// does to the targets.
#[derive(Clone)]
struct Entry {
    origin: Origin,
    shown: String,
    put: Arc<dyn Fn(&mut Targets) + Send + Sync>,
}

/// The settings one layer (or several merged) sets, by key.
#[derive(Clone, Default)]
pub struct Overrides {
    entries: BTreeMap<&'static str, Entry>,
}

impl Overrides {
    /// Sets `key` to `value` from `origin`; `write` puts it where it belongs.
    pub fn put<T>(
        &mut self,
        key: &'static str,
        origin: &Origin,
        value: T,
        write: fn(&mut Targets, T),
    ) where
        T: Clone + fmt::Debug + Send + Sync + 'static,
    {
        let shown = format!("{value:?}");
        let put = Arc::new(move |t: &mut Targets| write(t, value.clone()));
        self.entries.insert(
            key,
            Entry {
                origin: origin.clone(),
                shown,
                put,
            },
        );
    }

    /// Sets every setting `higher` sets: `higher` is the layer with precedence.
    pub fn merge(&mut self, higher: Overrides) {
        self.entries.extend(higher.entries);
    }

    /// Keeps the settings whose key `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.entries.retain(|k, _| keep(k));
    }

    /// These overrides with only the settings whose key `keep` accepts.
    pub fn only(&self, keep: impl FnMut(&str) -> bool) -> Overrides {
        let mut o = self.clone();
        o.retain(keep);
        o
    }

    /// Where `key`'s value came from, if it is set.
    pub fn origin(&self, key: &str) -> Option<&Origin> {
        self.entries.get(key).map(|e| &e.origin)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys set, in key order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.keys().copied()
    }

    /// Puts every set value into `targets`.
    pub fn apply_all(&self, targets: &mut Targets) {
        for e in self.entries.values() {
            (e.put)(targets);
        }
    }

    /// Puts every setting of the run these overrides set into `config` (display settings,
    /// which belong to the viewer, are not the run's).
    pub fn apply(&self, config: &mut TrainConfig) {
        let mut t = Targets {
            train: std::mem::take(config),
            display: DisplaySettings::default(),
        };
        self.apply_all(&mut t);
        *config = t.train;
    }
}

impl PartialEq for Overrides {
    fn eq(&self, other: &Overrides) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|((ka, a), (kb, b))| ka == kb && a.origin == b.origin && a.shown == b.shown)
    }
}

impl fmt::Debug for Overrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.entries
                    .iter()
                    .map(|(k, e)| (k, format!("{} ({:?})", e.shown, e.origin))),
            )
            .finish()
    }
}
