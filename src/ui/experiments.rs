//! The Experiments view: a background experiment's progress, the born-dead probability against
//! depth (one series per width; each born-dead run, e.g. the symmetric init and RAI, in its own
//! plot side by side) and the learning-rate × bias-init heatmap of final dead neurons.
//!
//! A plain widget over borrowed results ([`ExperimentResults`], from
//! [`crate::experiment::ExperimentJob::snapshot`]). Series differ by glyph and cells by shade,
//! so everything reads without colour; `ascii` swaps every glyph and border for ASCII.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::{Block, Widget};

use crate::engine::BiasInit;
use crate::experiment::sweep_report::level;
use crate::experiment::{BornDeadReport, ExperimentResults, JobStatus, SweepReport};

/// Below this size the view asks for more room.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

const SERIES_UNICODE: [&str; 6] = ["●", "▲", "■", "◆", "✚", "○"];
const SERIES_ASCII: [&str; 6] = ["o", "x", "*", "#", "@", "%"];
const SERIES_COLORS: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Magenta,
    Color::Green,
    Color::Red,
    Color::Blue,
];
const SHADES_UNICODE: [&str; 5] = ["··", "░░", "▒▒", "▓▓", "██"];
const SHADES_ASCII: [&str; 5] = [". ", "::", "==", "##", "@@"];
const HEAT_COLORS: [Color; 5] = [
    Color::Green,
    Color::LightGreen,
    Color::Yellow,
    Color::LightRed,
    Color::Red,
];
const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// Writes `text` at (x, y), clipped at `right`; returns the column after it.
fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, style: Style, right: u16) -> u16 {
    if x >= right {
        return x;
    }
    buf.set_stringn(x, y, text, (right - x) as usize, style).0
}

/// The view over one snapshot of results.
#[derive(Debug, Clone, Copy)]
pub struct ExperimentsView<'a> {
    pub results: &'a ExperimentResults,
    /// ASCII glyphs and borders (non-UTF-8 locale or `--ascii`).
    pub ascii: bool,
    /// Colour on (glyphs and shades are drawn either way).
    pub color: bool,
    /// A line of key hints for the bottom border, e.g. "x run · c cancel" ("" for none).
    pub hint: &'a str,
}

impl ExperimentsView<'_> {
    fn style(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    fn block<'b>(&self, title: String) -> Block<'b> {
        let b = Block::bordered().title(self.text(&title));
        if self.ascii {
            b.border_set(ASCII_BORDER)
        } else {
            b
        }
    }

    /// `text` with its few non-ASCII signs (×, ·, …) swapped for ASCII in ASCII mode.
    fn text(&self, text: &str) -> String {
        if self.ascii {
            text.replace('×', "x").replace('·', "-").replace('…', "...")
        } else {
            text.to_string()
        }
    }

    fn series_glyph(&self, i: usize) -> &'static str {
        let set = if self.ascii {
            &SERIES_ASCII
        } else {
            &SERIES_UNICODE
        };
        set[i % set.len()]
    }

    fn shade(&self, lvl: usize) -> &'static str {
        if self.ascii {
            SHADES_ASCII[lvl]
        } else {
            SHADES_UNICODE[lvl]
        }
    }
}

/// The status row of a view drawn in `area`, if the view is big enough to show one.
pub fn status_row(area: Rect) -> Option<Rect> {
    (area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT)
        .then(|| Rect::new(area.x + 1, area.y + 1, area.width - 2, 1))
}

impl Widget for &ExperimentsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let mut block = self.block(" Experiments ".to_string());
        if !self.hint.is_empty() {
            block = block.title_bottom(self.text(&format!(" {} ", self.hint)));
        }
        let inner = block.inner(area);
        block.render(area, buf);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            if !inner.is_empty() {
                let msg = self.text(&format!("needs {MIN_WIDTH}×{MIN_HEIGHT}"));
                put(buf, inner.x, inner.y, &msg, Style::new(), inner.right());
            }
            return;
        }
        let [status, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        render_status(self, status, buf);
        let r = self.results;
        let has_curves = !r.born_dead.is_empty();
        match (has_curves, &r.sweep) {
            (false, None) => {
                let msg = self.text(
                    "No experiment yet: run the born-dead comparison or the lr × bias sweep.",
                );
                put(buf, body.x, body.y + 1, &msg, Style::new(), body.right());
            }
            (true, None) => render_curves_row(self, body, buf),
            (false, Some(s)) => render_sweep(self, s, body, buf),
            (true, Some(s)) => {
                let [top, bottom] =
                    Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)])
                        .areas(body);
                render_curves_row(self, top, buf);
                render_sweep(self, s, bottom, buf);
            }
        }
    }
}

/// The status row's label for a born-dead job.
pub const BORN_DEAD_LABEL: &str = "born dead";
/// The status row's label for a sweep job.
pub const SWEEP_LABEL: &str = "lr × bias sweep";

/// "born dead · running 45% [#####-----] stage 1/2", naming the experiment by what the results
/// hold (the sweep when they hold both).
fn render_status(view: &ExperimentsView<'_>, area: Rect, buf: &mut Buffer) {
    let r = view.results;
    let what = match (r.born_dead.is_empty(), r.sweep.is_some()) {
        (_, true) => SWEEP_LABEL,
        (false, false) => BORN_DEAD_LABEL,
        (true, false) => "",
    };
    render_status_of(view, what, area, buf);
}

/// The status row for the job named `what` ("" before any job): for results that hold one
/// experiment's outcome beside another's progress. `area` is the row inside the view's border
/// (see [`status_row`]).
pub fn render_status_of(view: &ExperimentsView<'_>, what: &str, area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let r = view.results;
    let state = match &r.status {
        JobStatus::Running if what.is_empty() => "idle".to_string(),
        JobStatus::Running => "running".to_string(),
        JobStatus::Done => "done".to_string(),
        JobStatus::Cancelled => "cancelled".to_string(),
        JobStatus::Failed(msg) => format!("failed: {msg}"),
    };
    let head = view.text(&if what.is_empty() {
        state.clone()
    } else {
        format!("{what} · {state}")
    });
    let pct = format!(" {:>3.0}%", 100.0 * r.progress.clamp(0.0, 1.0));
    let stage = if r.stages > 1 {
        format!(" stage {}/{}", (r.stage + 1).min(r.stages), r.stages)
    } else {
        String::new()
    };
    let end = area.right();
    let x = put(
        buf,
        area.x,
        area.y,
        &head,
        Style::new().add_modifier(Modifier::BOLD),
        end,
    );
    let room = (area.right().saturating_sub(x + 2)) as usize;
    let tail = pct.len() + stage.len();
    if room <= tail + 4 || matches!(r.status, JobStatus::Failed(_)) || what.is_empty() {
        return;
    }
    let bar_len = (room - tail).min(40);
    let filled = ((r.progress.clamp(0.0, 1.0) * bar_len as f64).round() as usize).min(bar_len);
    let (on, off) = if view.ascii {
        ("#", "-")
    } else {
        ("█", "░")
    };
    let mut x = x + 2;
    x = put(
        buf,
        x,
        area.y,
        &on.repeat(filled),
        view.style(Color::Cyan),
        end,
    );
    x = put(
        buf,
        x,
        area.y,
        &off.repeat(bar_len - filled),
        Style::new(),
        end,
    );
    put(buf, x, area.y, &format!("{pct}{stage}"), Style::new(), end);
}

fn render_curves_row(view: &ExperimentsView<'_>, area: Rect, buf: &mut Buffer) {
    let reports = &view.results.born_dead;
    let cols = Layout::horizontal(vec![Constraint::Fill(1); reports.len()]).split(area);
    for (report, &col) in reports.iter().zip(cols.iter()) {
        render_curves(view, report, col, buf);
    }
}

fn bias_label(b: BiasInit) -> String {
    match b {
        BiasInit::Constant(v) => format!("b={v}"),
        BiasInit::Scheme => "b=scheme".to_string(),
    }
}

/// Probability of being born dead against depth, one glyph per width.
fn render_curves(
    view: &ExperimentsView<'_>,
    report: &BornDeadReport,
    area: Rect,
    buf: &mut Buffer,
) {
    let c = &report.config;
    let block = view.block(format!(" P(born dead): {} {} ", c.init, bias_label(c.bias)));
    let inner = block.inner(area);
    block.render(area, buf);
    // Rows: plot, axis, legend. Columns: 4 for the y labels.
    if inner.width < 12 || inner.height < 4 {
        return;
    }
    let plot = Rect::new(inner.x + 4, inner.y, inner.width - 4, inner.height - 2);
    let (vbar, hbar, corner) = if view.ascii {
        ("|", "-", "+")
    } else {
        ("│", "─", "└")
    };
    for (label, frac) in [("1.0", 0.0), ("0.5", 0.5), ("0.0", 1.0)] {
        let y = plot.y + (frac * (plot.height - 1) as f64).round() as u16;
        buf.set_string(inner.x, y, label, Style::new());
    }
    for y in plot.y..plot.bottom() {
        if buf[(plot.x - 1, y)].symbol() == " " {
            buf.set_string(plot.x - 1, y, vbar, Style::new());
        }
    }
    let axis_y = plot.bottom();
    buf.set_string(plot.x - 1, axis_y, corner, Style::new());
    buf.set_string(
        plot.x,
        axis_y,
        hbar.repeat(plot.width as usize),
        Style::new(),
    );
    let depths: Vec<usize> = report.cells.iter().map(|c| c.depth).collect();
    let (dmin, dmax) = match (depths.iter().min(), depths.iter().max()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => (
            c.depths.iter().copied().min().unwrap_or(1),
            c.depths.iter().copied().max().unwrap_or(1),
        ),
    };
    // Depth labels at both ends of the axis, "depth" in between.
    buf.set_string(plot.x, axis_y, dmin.to_string(), Style::new());
    let right = dmax.to_string();
    buf.set_string(
        plot.right().saturating_sub(right.len() as u16),
        axis_y,
        &right,
        Style::new(),
    );
    if plot.width > 16 {
        buf.set_string(plot.x + plot.width / 2 - 2, axis_y, " depth ", Style::new());
    }
    let widths: Vec<usize> = {
        let mut w: Vec<usize> = Vec::new();
        for cell in &report.cells {
            if !w.contains(&cell.width) {
                w.push(cell.width);
            }
        }
        if w.is_empty() { c.widths.clone() } else { w }
    };
    for cell in &report.cells {
        let Some(i) = widths.iter().position(|&w| w == cell.width) else {
            continue;
        };
        let fx = if dmax > dmin {
            (cell.depth - dmin) as f64 / (dmax - dmin) as f64
        } else {
            0.5
        };
        let p = cell.born_dead.estimate.clamp(0.0, 1.0);
        let x = plot.x + (fx * (plot.width - 1) as f64).round() as u16;
        let y = plot.y + ((1.0 - p) * (plot.height - 1) as f64).round() as u16;
        buf.set_string(
            x,
            y,
            view.series_glyph(i),
            view.style(SERIES_COLORS[i % SERIES_COLORS.len()]),
        );
    }
    // Legend: "● N=2  ▲ N=4  ■ N=8", then how many trials.
    let mut x = inner.x;
    let y = inner.bottom() - 1;
    for (i, w) in widths.iter().enumerate() {
        if x >= inner.right() {
            break;
        }
        let color = view.style(SERIES_COLORS[i % SERIES_COLORS.len()]);
        x = put(buf, x, y, view.series_glyph(i), color, inner.right());
        x = put(buf, x, y, &format!(" N={w}  "), Style::new(), inner.right());
    }
    let dim = Style::new().add_modifier(Modifier::DIM);
    put(
        buf,
        x,
        y,
        &format!("{} trials", c.trials),
        dim,
        inner.right(),
    );
}

/// Final dead share per (bias init, learning rate): shade + percentage.
fn render_sweep(view: &ExperimentsView<'_>, sweep: &SweepReport, area: Rect, buf: &mut Buffer) {
    let c = &sweep.config;
    let block = view.block(format!(
        " final dead neurons: lr × bias init ({} epochs, {} run{} each) ",
        c.epochs,
        c.repeats,
        if c.repeats == 1 { "" } else { "s" }
    ));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 2 || inner.width < 20 {
        return;
    }
    const LABEL: u16 = 9;
    const CELL: u16 = 10;
    let mut x = inner.x + LABEL;
    buf.set_string(
        inner.x,
        inner.y,
        "bias\\lr",
        Style::new().add_modifier(Modifier::DIM),
    );
    for lr in &c.lrs {
        if x + CELL > inner.right() {
            break;
        }
        buf.set_string(x, inner.y, format!("{:>9}", lr.to_string()), Style::new());
        x += CELL;
    }
    for (row, &bias) in c.bias_inits.iter().enumerate() {
        let y = inner.y + 1 + row as u16;
        if y >= inner.bottom() {
            break;
        }
        buf.set_string(inner.x, y, format!("{:>8}", bias.to_string()), Style::new());
        let mut x = inner.x + LABEL;
        for &lr in &c.lrs {
            if x + CELL > inner.right() {
                break;
            }
            let cell = sweep.cell(lr, bias);
            let dead = cell.map(super::super::experiment::sweep::SweepCell::dead);
            match (cell, dead) {
                (Some(_), Some(s)) if s.n > 0 => {
                    let lvl = level(s.mean);
                    buf.set_string(x + 1, y, view.shade(lvl), view.style(HEAT_COLORS[lvl]));
                    buf.set_string(x + 3, y, format!("{:>6.1}%", 100.0 * s.mean), Style::new());
                }
                (Some(cell), _) if cell.diverged() > 0 => {
                    buf.set_string(x, y, format!("{:>9}", "diverged"), Style::new());
                }
                _ => {
                    buf.set_string(
                        x,
                        y,
                        format!("{:>9}", if view.ascii { "..." } else { "…" }),
                        Style::new(),
                    );
                }
            }
            x += CELL;
        }
    }
}
