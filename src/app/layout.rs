//! Where each pane goes for a terminal size, degrading gracefully: the full layout shows every
//! pane; smaller terminals drop the legend, then the inspector, then the secondary panes; the
//! smallest show one pane at a time with a tab line; below the minimum, a notice of the size
//! needed.
//!
//! A pure function of the app and the size: `update` uses it to keep the focus on a visible
//! pane and to ask the trainer for planes of the right size, and `ui` draws into the areas it
//! returns.

use ratatui::layout::{Constraint, Layout, Rect};

use super::state::{App, Pane};
use crate::trainer::View;

/// Below this the explorer shows only "terminal too small".
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;
/// At or above this every pane is shown.
const FULL_WIDTH: u16 = 140;
const FULL_HEIGHT: u16 = 40;
/// At or above this (and below full) the medium layout is used.
const MEDIUM_WIDTH: u16 = 90;
const MEDIUM_HEIGHT: u16 = 26;

/// The rectangles of one frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Areas {
    /// Visible panes with their outer rectangles (borders included).
    pub panes: Vec<(Pane, Rect)>,
    /// The neuron inspector's outer rectangle, when shown.
    pub inspector: Option<Rect>,
    /// Whether the network legend fits.
    pub legend: bool,
    /// A line of pane tabs (the one-pane layout).
    pub tabs: Option<Rect>,
    /// The Experiments view, when open: it covers every pane.
    pub experiments: Option<Rect>,
    /// The A/B comparison, when the screen is split: it covers every pane.
    pub ab: Option<AbAreas>,
    pub status: Rect,
}

/// The split screen: per run a header line, its Network and its Output; the shared chart below.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AbAreas {
    /// Per run (A, B): header, network, output.
    pub runs: [(Rect, Rect, Rect); 2],
    pub chart: Rect,
}

/// Two columns over a chart a third of the height; in each column the Output is square (two
/// pixels a cell) beside the Network.
fn ab_areas(body: Rect) -> AbAreas {
    let chart_h = (body.height / 3).max(5).min(body.height.saturating_sub(6));
    let [cols, chart] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(chart_h)]).areas(body);
    let [a, b] = Layout::horizontal([Constraint::Fill(1); 2]).areas(cols);
    let column = |c: Rect| {
        let [header, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(c);
        let out_w = (rest.width * 2 / 5).min(rest.height.saturating_sub(2) * 2 + 2);
        let [net, out] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(out_w)]).areas(rest);
        let out_h = (out.width / 2 + 2).min(out.height);
        (header, net, Rect::new(out.x, out.y, out.width, out_h))
    };
    AbAreas {
        runs: [column(a), column(b)],
        chart,
    }
}

impl Areas {
    pub fn get(&self, pane: Pane) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == pane).map(|(_, r)| *r)
    }
}

/// The layout for `area`, or `None` when the terminal is too small.
pub fn compute(area: Rect, app: &App) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let compact = area.width < MEDIUM_WIDTH || area.height < MEDIUM_HEIGHT;
    let status_h = if compact { 1 } else { 2 };
    let [body, status] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(status_h)]).areas(area);
    let inspecting = app.panes.inspector && app.panes.selected.is_some();
    let mut a = Areas {
        status,
        ..Areas::default()
    };
    if app.experiments_open() {
        a.experiments = Some(body);
        return Some(a);
    }
    if app.ab.is_some() {
        a.ab = Some(ab_areas(body));
        return Some(a);
    }
    if app.panes.zoomed || compact {
        let body = if compact {
            let [tabs, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
            a.tabs = Some(tabs);
            rest
        } else {
            body
        };
        let mut pane_area = body;
        if app.panes.focus == Pane::Network && inspecting && body.height >= 20 {
            let [net, insp] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(12)]).areas(body);
            pane_area = net;
            a.inspector = Some(insp);
        }
        a.legend = pane_area.height >= 8;
        a.panes.push((app.panes.focus, pane_area));
        return Some(a);
    }
    if area.width >= FULL_WIDTH && area.height >= FULL_HEIGHT {
        let [left, middle, right] = Layout::horizontal([
            Constraint::Length(46),
            Constraint::Fill(1),
            Constraint::Length(48),
        ])
        .areas(body);
        let [act, der, par] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Length(22),
        ])
        .areas(left);
        let [net, met] =
            Layout::vertical([Constraint::Percentage(58), Constraint::Fill(1)]).areas(middle);
        // Square output: two pixels per cell vertically.
        let out_h = (right.width / 2 + 2).min(right.height);
        let [out, rest] =
            Layout::vertical([Constraint::Length(out_h), Constraint::Fill(1)]).areas(right);
        a.panes = vec![
            (Pane::Activation, act),
            (Pane::Derivative, der),
            (Pane::Network, net),
            (Pane::Output, out),
            (Pane::Metrics, met),
            (Pane::Parameters, par),
        ];
        a.legend = true;
        // The inspector always has its place here; without a selection it says how to get one.
        if rest.height >= 6 {
            a.inspector = Some(rest);
        } else {
            a.panes[3].1 = right;
        }
        return Some(a);
    }
    // Medium: the network and output on top, curve, metrics and parameters below; the
    // derivative pane is the secondary one that goes.
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(body);
    let out_w = (top.height.saturating_sub(3) * 2 + 2).min(top.width / 2);
    let [net, out] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(out_w)]).areas(top);
    let [act, met, par] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Length(34),
    ])
    .areas(bottom);
    a.legend = net.height >= 10;
    let mut net = net;
    if inspecting && net.width >= 60 && net.height >= 8 {
        let [n, i] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(30)]).areas(net);
        net = n;
        a.inspector = Some(i);
    }
    a.panes = vec![
        (Pane::Activation, act),
        (Pane::Network, net),
        (Pane::Output, out),
        (Pane::Metrics, met),
        (Pane::Parameters, par),
    ];
    Some(a)
}

/// Panes on screen for the app's terminal size, in focus order. The one-pane and zoomed
/// layouts (and the Experiments view, which hides them all for a while) cycle through every
/// pane.
pub fn visible_panes(app: &App) -> Vec<Pane> {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    match compute(area, app) {
        Some(a) if a.tabs.is_none() && a.experiments.is_none() && !app.panes.zoomed => Pane::ALL
            .into_iter()
            .filter(|p| a.get(*p).is_some())
            .collect(),
        _ => Pane::ALL.to_vec(),
    }
}

/// Whether the inspector's place follows the inspector toggle (Enter on the Network pane). The
/// full layout keeps it on screen regardless, so there the toggle changes nothing visible.
pub fn inspector_follows_toggle(app: &App) -> bool {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    !compute(area, app).is_some_and(|a| a.inspector.is_some() && a.panes.len() == Pane::ALL.len())
}

/// The inside of a bordered rectangle.
pub fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// What the trainer should sample for this layout: the output heatmap at two pixels per cell
/// (minus its key line), and the inspected neuron's plane.
pub fn wanted_view(app: &App) -> View {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let Some(a) = compute(area, app) else {
        return View {
            output: (0, 0),
            inspect: None,
            plane: app.plane,
        };
    };
    let output =
        a.ab.map(|ab| ab.runs[0].2)
            .or(a.get(Pane::Output))
            .map_or((0, 0), |r| {
                let m = map_area(inner(r));
                (m.width as usize, m.height as usize * 2)
            });
    let inspect = match (a.inspector, app.panes.selected) {
        (Some(r), Some((l, n))) => {
            let i = inner(r);
            // The plane sits below four lines of text.
            let rows = i.height.saturating_sub(4) as usize * 2;
            Some((l, n, i.width as usize, rows))
        }
        _ => None,
    };
    View {
        output,
        inspect,
        plane: app.plane,
    }
}

/// Where the heatmap goes inside the pane: above the key line, as large as fits with the
/// plane's aspect kept (a cell is about twice as tall as wide, so a square plane takes twice
/// as many columns as rows), centred.
pub fn map_area(inner: Rect) -> Rect {
    let rows = inner.height.saturating_sub(1);
    let width = inner.width.min(rows.saturating_mul(2));
    let height = rows.min(inner.width.div_ceil(2));
    Rect::new(inner.x + (inner.width - width) / 2, inner.y, width, height)
}
