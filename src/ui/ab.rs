//! The A/B comparison's split screen: per run its settings where they differ, its Network and
//! its Output; below, both runs' loss and dead fraction on shared axes.

use ratatui::buffer::Buffer;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::Theme;
use super::{block, metrics, network, output};
use crate::app::App;
use crate::app::layout::AbAreas;

pub fn render(areas: &AbAreas, buf: &mut Buffer, app: &App, t: &Theme) {
    let Some(ab) = app.ab() else {
        return;
    };
    let (diff_a, diff_b) = app.ab_differences().unwrap_or_default();
    let key = app
        .keymap()
        .first_key(crate::action::Action::NextActivation);
    let runs = [
        ("A", app.snapshot().map(|s| &**s), diff_a),
        ("B", ab.snapshot.as_deref(), diff_b),
    ];
    for (((name, snap, diff), (header, net, out)), first) in
        runs.into_iter().zip(areas.runs).zip([true, false])
    {
        let what = if diff.is_empty() {
            if first {
                "same settings as B".to_string()
            } else {
                format!("same settings as A: change one here ({key}, +/-, b, …)")
            }
        } else {
            diff.join(" ")
        };
        Line::from(vec![
            Span::styled(
                format!(" {name} "),
                t.title.add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            Span::raw(" "),
            Span::styled(what, if first { t.bold } else { t.accent }),
        ])
        .render(header, buf);
        let Some(snap) = snap else {
            Paragraph::new(Span::styled("starting…", t.dim)).render(net, buf);
            continue;
        };
        let title = format!(" Network {name}: {} ", snap.activation.info().name);
        let b = block(t, title, false);
        let i = b.inner(net);
        b.render(net, buf);
        let opt = network::Options {
            selected: None,
            legend: i.height >= 8,
            preact: app.panes().preact,
        };
        network::render(i, buf, snap, opt, t);
        let b = block(t, format!(" Output {name} "), false);
        let i = b.inner(out);
        b.render(out, buf);
        output::render(i, buf, snap, app.panes().show_test, None, t);
    }
    if let (Some(a), Some(b)) = (app.snapshot().map(|s| &**s), ab.snapshot.as_deref()) {
        let title = format!(" A vs B{}epoch {} / {} ", t.glyphs.sep, a.epoch, b.epoch);
        let bl = block(t, title, false);
        let i = bl.inner(areas.chart);
        bl.render(areas.chart, buf);
        metrics::render_ab(i, buf, a, b, t);
    }
}
