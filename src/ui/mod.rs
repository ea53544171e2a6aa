//! Drawing: one file per pane, the theme, and the layout. Everything here reads the app's state
//! and writes cells; nothing changes state.

pub mod ab;
pub mod colour;
pub mod confusion;
pub mod curve_canvas;
pub mod curves;
pub mod experiments;
pub mod heatmap;
pub mod help;
pub mod inspector;
pub mod lines;
pub mod metrics;
pub mod network;
pub mod output;
pub mod params;
pub mod picker;
pub mod preact;
pub mod screenshot;
pub mod share;
pub mod status;
pub mod theme;
pub mod theme_fit;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::action::Action;
use crate::app::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use crate::app::{App, ExperimentKind, Pane};
use theme::Theme;

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, app: &App, t: &Theme) {
    let area = frame.area();
    render(area, frame.buffer_mut(), app, t);
}

/// Draw the whole screen into a buffer (the frame's, or a test's).
pub fn render(area: Rect, buf: &mut Buffer, app: &App, t: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let Some(areas) = layout::compute(area, app) else {
        too_small(area, buf, t);
        return;
    };
    if let Some(tabs) = areas.tabs {
        render_tabs(tabs, buf, app, t);
    }
    if let Some(r) = areas.experiments {
        render_experiments(r, buf, app, t);
    }
    if let Some(ab) = &areas.ab {
        ab::render(ab, buf, app, t);
    }
    for &(pane, r) in &areas.panes {
        render_pane(pane, r, buf, app, t, areas.legend);
    }
    if let Some(r) = areas.inspector {
        // The selected neuron; without one, the scenario's caption or how to select one.
        let title = match (app.panes().selected, app.scenario()) {
            (None, Some(_)) => " Scenario ",
            _ => " Inspector ",
        };
        let block = block(t, title, false);
        let i = block.inner(r);
        block.render(r, buf);
        match (app.panes().selected, app.snapshot(), app.scenario()) {
            (Some(sel), Some(snap), _) => network::render_inspector(i, buf, snap, sel, t),
            (None, _, Some(scenario)) => {
                let mut lines = vec![
                    Line::styled(scenario.title.clone(), t.title),
                    Line::styled(scenario.caption.clone(), t.message),
                ];
                for (keys, does) in &scenario.hints {
                    lines.push(Line::from(vec![
                        Span::styled(keys.clone(), t.key),
                        Span::raw(format!(" {does}")),
                    ]));
                }
                Paragraph::new(lines)
                    .wrap(ratatui::widgets::Wrap { trim: true })
                    .render(i, buf);
            }
            _ => {
                let keys = |a: Action| {
                    app.keymap()
                        .keys_for(a)
                        .first()
                        .map_or(String::new(), std::string::ToString::to_string)
                };
                let hint = format!(
                    "Select a neuron: focus the Network pane ({}), then move with the arrow \
                     keys. Guided scenarios: {}. Experiments: {}.",
                    keys(Action::FocusNext),
                    keys(Action::PickScenario),
                    keys(Action::ToggleExperiments)
                );
                let matrix = app
                    .snapshot()
                    .map(|s| &**s)
                    .and_then(|s| s.confusion.as_ref().map(|m| (s, m)));
                match matrix {
                    // With classes, the idle inspector shows how the network confuses them.
                    Some((snap, m)) if i.height >= m.len() as u16 + 4 => {
                        let used = confusion::render(i, buf, snap, m, t);
                        let rest = Rect::new(
                            i.x,
                            i.y + used + 1,
                            i.width,
                            i.height.saturating_sub(used + 1),
                        );
                        Paragraph::new(Span::styled(hint, t.dim))
                            .wrap(ratatui::widgets::Wrap { trim: true })
                            .render(rest, buf);
                    }
                    _ => Paragraph::new(Span::styled(hint, t.dim))
                        .wrap(ratatui::widgets::Wrap { trim: true })
                        .render(i, buf),
                }
            }
        }
    }
    status::render(areas.status, buf, app, t);
    if app.state_shown() {
        share::render(area, areas.status.y, buf, app, t);
    }
    if app.help_open() {
        help::render(area, buf, app, t);
    }
    if let Some(selected) = app.picker() {
        picker::render(area, buf, app, t, selected);
    }
}

fn block<'a>(t: &Theme, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
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

fn render_pane(pane: Pane, r: Rect, buf: &mut Buffer, app: &App, t: &Theme, legend: bool) {
    let focused = app.panes().focus == pane;
    let act = &app.config().activation;
    let title = match pane {
        Pane::Activation => format!(" Activation: {} ", act.info().display),
        Pane::Derivative => format!(" Derivative: {}' ", act.info().display),
        Pane::Network => match (app.snapshot(), app.panes().preact) {
            (Some(s), false) => format!(" Network: {} ", s.activation.info().name),
            (Some(s), true) => format!(" Network: {} pre-activations ", s.activation.info().name),
            (None, _) => " Network ".to_string(),
        },
        Pane::Output => {
            let data = if app.config().csv.is_some() {
                "csv"
            } else {
                app.config().dataset.name()
            };
            match app.snapshot().map(|s| &**s).map(|s| &s.plane) {
                Some(p) if p.inputs > 2 => {
                    let slice = match p.explained {
                        Some((a, b)) => format!(
                            "PC1 ({:.0}%){}PC2 ({:.0}%)",
                            a * 100.0,
                            t.glyphs.times,
                            b * 100.0
                        ),
                        None => format!("{}{}{}", p.axes.0, t.glyphs.times, p.axes.1),
                    };
                    let sep = t.glyphs.sep;
                    let long = format!(" Output: {data}{sep}{slice}, others at mean ");
                    if p.explained.is_none() && long.chars().count() + 2 <= r.width as usize {
                        long
                    } else {
                        format!(" Output: {data}{sep}{slice} ")
                    }
                }
                _ => format!(" Output: {data} "),
            }
        }
        p => format!(" {} ", p.title()),
    };
    let b = block(t, title, focused);
    let i = b.inner(r);
    b.render(r, buf);
    if i.is_empty() {
        return;
    }
    match pane {
        Pane::Activation => curves::render_activation(i, buf, act, &app.panes().plot, t),
        Pane::Derivative => curves::render_derivative(i, buf, act, &app.panes().plot, t),
        Pane::Parameters => params::render(i, buf, app, t),
        Pane::Network | Pane::Output | Pane::Metrics => match app.snapshot() {
            None => Paragraph::new(Span::styled("starting…", t.dim)).render(i, buf),
            Some(snap) => match pane {
                Pane::Network => {
                    let opt = network::Options {
                        selected: app.panes().selected,
                        legend,
                        preact: app.panes().preact,
                    };
                    network::render(i, buf, snap, opt, t);
                }
                Pane::Output => {
                    output::render(i, buf, snap, app.panes().show_test, app.panes().probe, t);
                }
                _ => metrics::render(i, buf, snap, t),
            },
        },
    }
}

/// The Experiments view with its keys on the bottom border, from the active keymap.
fn render_experiments(r: Rect, buf: &mut Buffer, app: &App, t: &Theme) {
    let x = app.experiments();
    let cancel_or_close = if x.running() { "cancel" } else { "close" };
    let hints: Vec<String> = [
        (Action::RunBornDead, "born dead"),
        (Action::RunSweep, "lr × bias sweep"),
        (Action::Cancel, cancel_or_close),
        (Action::ToggleExperiments, "back"),
    ]
    .iter()
    .filter_map(|(a, label)| {
        let key = app.keymap().keys_for(*a).first().copied()?;
        Some(format!("{key} {label}"))
    })
    .collect();
    let hint = hints.join(t.glyphs.sep);
    let view = experiments::ExperimentsView {
        results: &x.results,
        ascii: t.ascii,
        color: t.tier != theme::ColorTier::None,
        hint: &hint,
    };
    view.render(r, buf);
    // The results may hold the last born-dead comparison beside the last sweep: the status row
    // names the job the status and progress are of.
    if let (Some(kind), Some(row)) = (x.kind, experiments::status_row(r)) {
        let label = match kind {
            ExperimentKind::BornDead => experiments::BORN_DEAD_LABEL,
            ExperimentKind::Sweep => experiments::SWEEP_LABEL,
        };
        ratatui::widgets::Clear.render(row, buf);
        experiments::render_status_of(&view, label, row, buf);
    }
}

fn render_tabs(r: Rect, buf: &mut Buffer, app: &App, t: &Theme) {
    let full: usize = Pane::ALL.iter().map(|p| p.title().len() + 3).sum();
    let short = full > r.width as usize;
    let mut spans = Vec::new();
    for (k, p) in Pane::ALL.iter().enumerate() {
        if k > 0 {
            spans.push(Span::styled(" ", t.dim));
        }
        let style = if *p == app.panes().focus {
            t.selected
        } else {
            t.dim
        };
        // Narrow screens get three-letter names, the focused pane its full one.
        let name = if short && *p != app.panes().focus {
            &p.title()[..3]
        } else {
            p.title()
        };
        spans.push(Span::styled(format!(" {name} "), style));
    }
    Line::from(spans).render(r, buf);
}

fn too_small(area: Rect, buf: &mut Buffer, t: &Theme) {
    let x = t.glyphs.times;
    let lines = vec![
        Line::styled("terminal too small", t.bold),
        Line::raw(format!("need {MIN_WIDTH}{x}{MIN_HEIGHT}")),
        Line::styled(format!("now {}{x}{}", area.width, area.height), t.dim),
    ];
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .render(Rect::new(area.x, y, area.width, h), buf);
}

/// The screen as plain text, one line per row (trailing spaces kept), for tests and tools.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::with_capacity((area.width as usize + 1) * area.height as usize);
    for y in area.y..area.y + area.height {
        for x in area.x..area.x + area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
