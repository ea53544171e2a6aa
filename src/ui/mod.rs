//! Drawing: one file per pane, the theme, and the layout. Everything here reads the app's state
//! and writes cells; nothing changes state.

pub mod curves;
pub mod format;
pub mod heatmap;
pub mod help;
pub mod layout;
pub mod metrics;
pub mod network;
pub mod output;
pub mod params;
pub mod plot;
pub mod status;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::app::{App, Pane};
use layout::{MIN_HEIGHT, MIN_WIDTH};

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    render(area, frame.buffer_mut(), app);
}

/// Draw the whole screen into a buffer (the frame's, or a test's).
pub fn render(area: Rect, buf: &mut Buffer, app: &App) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let Some(areas) = layout::compute(area, app) else {
        too_small(area, buf, app);
        return;
    };
    if let Some(tabs) = areas.tabs {
        render_tabs(tabs, buf, app);
    }
    for &(pane, r) in &areas.panes {
        render_pane(pane, r, buf, app, areas.legend);
    }
    if let (Some(r), Some(sel), Some(snap)) = (areas.inspector, app.selected, &app.snapshot) {
        let block = block(app, " Inspector ", false);
        let i = block.inner(r);
        block.render(r, buf);
        network::render_inspector(i, buf, snap, sel, &app.theme);
    }
    status::render(areas.status, buf, app);
    if app.help {
        help::render(area, buf, app);
    }
}

fn block<'a>(app: &App, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    let t = &app.theme;
    Block::new()
        .borders(Borders::ALL)
        .border_set(t.border_set)
        .border_style(if focused { t.border_focused } else { t.border })
        .title(
            title
                .into()
                .style(if focused { t.border_focused } else { t.title }),
        )
}

fn render_pane(pane: Pane, r: Rect, buf: &mut Buffer, app: &App, legend: bool) {
    let t = &app.theme;
    let focused = app.focus == pane;
    let act = &app.config.activation;
    let title = match pane {
        Pane::Activation => format!(" Activation: {} ", act.info().display),
        Pane::Derivative => format!(" Derivative: {}' ", act.info().display),
        Pane::Network => match &app.snapshot {
            Some(s) => format!(" Network: {} ", s.activation.info().name),
            None => " Network ".to_string(),
        },
        Pane::Output => format!(
            " Output: {} ",
            if app.config.csv.is_some() {
                "csv"
            } else {
                app.config.dataset.name()
            }
        ),
        p => format!(" {} ", p.title()),
    };
    let b = block(app, title, focused);
    let i = b.inner(r);
    b.render(r, buf);
    if i.is_empty() {
        return;
    }
    match pane {
        Pane::Activation => curves::render_activation(i, buf, act, &app.plot, t),
        Pane::Derivative => curves::render_derivative(i, buf, act, &app.plot, t),
        Pane::Parameters => params::render(i, buf, app),
        Pane::Network | Pane::Output | Pane::Metrics => match &app.snapshot {
            None => Paragraph::new(Span::styled("starting…", t.dim)).render(i, buf),
            Some(snap) => match pane {
                Pane::Network => network::render(i, buf, snap, app.selected, legend, t),
                Pane::Output => output::render(i, buf, snap, app.show_test, t),
                _ => metrics::render(i, buf, snap, t),
            },
        },
    }
}

fn render_tabs(r: Rect, buf: &mut Buffer, app: &App) {
    let t = &app.theme;
    let mut spans = Vec::new();
    for (k, p) in Pane::ALL.iter().enumerate() {
        if k > 0 {
            spans.push(Span::styled(" ", t.dim));
        }
        let style = if *p == app.focus { t.selected } else { t.dim };
        spans.push(Span::styled(format!(" {} ", p.title()), style));
    }
    Line::from(spans).render(r, buf);
}

fn too_small(area: Rect, buf: &mut Buffer, app: &App) {
    let x = app.theme.glyphs.times;
    let lines = vec![
        Line::styled("terminal too small", app.theme.bold),
        Line::raw(format!("need {MIN_WIDTH}{x}{MIN_HEIGHT}")),
        Line::styled(
            format!("now {}{x}{}", area.width, area.height),
            app.theme.dim,
        ),
    ];
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .render(Rect::new(area.x, y, area.width, h), buf);
}
