//! Helpers for tests that look at the explorer's screen: an app started as `--scenario NAME`
//! (or with plain settings) whose trainer runs in the test thread, rendered into a buffer.

#![allow(dead_code)]

use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use reluscope::app::plot_view::PlotView;
use reluscope::app::{Action, App, Keymap, update};
use reluscope::config::{Settings, scenario};
use reluscope::engine::TrainConfig;
use reluscope::trainer::Worker;
use reluscope::ui::theme::{ColorTier, Theme};
use reluscope::ui::{self, buffer_text};

/// An explorer and its trainer, driven step by step.
pub struct Screen {
    pub app: App,
    pub worker: Worker,
}

impl Screen {
    /// The explorer as `reluscope --scenario NAME` starts it in a terminal of `size`.
    pub fn scenario(name: &str, size: (u16, u16), theme: Theme) -> Screen {
        let s = scenario::find(name).unwrap_or_else(|p| panic!("{name}: {}", p.what));
        let settings = Settings::default().with_scenario(&s).unwrap();
        let mut app = App::new(settings.train.clone(), theme, Keymap::default(), true, size);
        let (lo, hi) = settings.display.x_range;
        app.plot = PlotView::with_range(lo, hi);
        app.show_scenario(&s, &settings.keymap);
        Screen::start(app, settings.train)
    }

    /// The explorer with `config` and no scenario.
    pub fn plain(config: TrainConfig, size: (u16, u16), theme: Theme) -> Screen {
        let app = App::new(config.clone(), theme, Keymap::default(), true, size);
        Screen::start(app, config)
    }

    fn start(mut app: App, config: TrainConfig) -> Screen {
        let view = ui::layout::wanted_view(&app);
        app.commands.clear();
        let worker = Worker::new(config, false, None, view).unwrap();
        let mut s = Screen { app, worker };
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
        update(&mut self.app, a);
        self.refresh();
        self
    }

    fn refresh(&mut self) {
        for cmd in self.app.commands.drain(..) {
            self.worker.apply(cmd);
        }
        update(
            &mut self.app,
            Action::Snapshot(Arc::new(self.worker.capture())),
        );
        self.app.commands.clear();
    }

    pub fn buffer(&self) -> Buffer {
        let area = Rect::new(0, 0, self.app.size.0, self.app.size.1);
        let mut buf = Buffer::empty(area);
        ui::render(area, &mut buf, &self.app);
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
    Settings::default().theme.to_ui_theme(tier, false)
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
