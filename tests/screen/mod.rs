//! Helpers for tests that look at the explorer's screen: an app started as `--scenario NAME`
//! (or with plain settings) whose trainer runs in the test thread, rendered into a buffer.

#![allow(dead_code)]

use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use reluscope::action::Action;
use reluscope::app::curve_view::CurveView;
use reluscope::app::{App, Msg, update};
use reluscope::engine::TrainConfig;
use reluscope::settings::{Settings, builtin_keymap, preset as scenario};
use reluscope::trainer::Worker;
use reluscope::ui::theme::{ColorTier, Theme};
use reluscope::ui::{self, buffer_text};

/// An explorer and its trainer, driven step by step.
pub struct Screen {
    pub app: App,
    pub worker: Worker,
    pub theme: Theme,
}

impl Screen {
    /// The explorer as `reluscope --scenario NAME` starts it in a terminal of `size`.
    pub fn scenario(name: &str, size: (u16, u16), theme: Theme) -> Screen {
        let s = scenario::find(name).unwrap_or_else(|p| panic!("{name}: {}", p.what));
        let settings = Settings::default().with_scenario(&s).unwrap();
        let mut app = App::new(
            settings.train.clone(),
            settings.keymap.clone(),
            theme.ascii,
            true,
            size,
        );
        let (lo, hi) = settings.display.x_range;
        app.plot = CurveView::with_range(lo, hi);
        app.show_scenario(&s);
        Screen::start(app, settings.train, theme)
    }

    /// The explorer with `config` and no scenario.
    pub fn plain(config: TrainConfig, size: (u16, u16), theme: Theme) -> Screen {
        let app = App::new(config.clone(), builtin_keymap(), theme.ascii, true, size);
        Screen::start(app, config, theme)
    }

    fn start(app: App, config: TrainConfig, theme: Theme) -> Screen {
        let view = reluscope::app::layout::wanted_view(&app);
        let worker = Worker::new(config, false, None, view).unwrap();
        let mut s = Screen { app, worker, theme };
        s.refresh();
        s
    }

    /// Train `n` steps (a diverged run stops by itself) and show the result.
    pub fn steps(&mut self, n: usize) -> &mut Screen {
        for _ in 0..n {
            self.worker.step();
        }
        self.refresh();
        self
    }

    /// Apply an action, hand the trainer what it asked for, and show the new state.
    pub fn act(&mut self, a: Action) -> &mut Screen {
        let effects = update(&mut self.app, a);
        for cmd in effects.trainer {
            self.worker.apply(cmd);
        }
        self.refresh();
        self
    }

    fn refresh(&mut self) {
        let snapshot = Arc::new(self.worker.capture());
        for cmd in update(&mut self.app, Msg::Snapshot(snapshot)).trainer {
            self.worker.apply(cmd);
        }
    }

    pub fn buffer(&self) -> Buffer {
        let area = Rect::new(0, 0, self.app.size.0, self.app.size.1);
        let mut buf = Buffer::empty(area);
        ui::render(area, &mut buf, &self.app, &self.theme);
        buf
    }

    pub fn text(&self) -> String {
        buffer_text(&self.buffer())
    }
}

/// The three sizes the claims are checked at.
pub const SIZES: [(u16, u16); 3] = [(160, 48), (100, 30), (80, 24)];

pub fn truecolor() -> Theme {
    Theme::new(ColorTier::TrueColor, false)
}

/// The theme a user gets by default (the shipped default theme file) in a tier.
pub fn shipped(tier: ColorTier) -> Theme {
    reluscope::ui::theme_fit::from_file(&Settings::default().theme, tier, false)
}

/// Cells of `area` whose symbol is `glyph`.
pub fn cells_with(buf: &Buffer, area: Rect, glyph: &str) -> Vec<(u16, u16)> {
    let mut v = Vec::new();
    for y in area.y..area.y + area.height {
        for x in area.x..area.x + area.width {
            if buf[(x, y)].symbol() == glyph {
                v.push((x, y));
            }
        }
    }
    v
}

/// The style of a cell.
pub fn style_at(buf: &Buffer, (x, y): (u16, u16)) -> Style {
    buf[(x, y)].style()
}
