//! The status bar: training state and the message line, then key hints from the keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::action::Action;
use crate::app::{App, Level, params};

/// The actions the hint line advertises, with short labels.
const HINTS: &[(Action, &str)] = &[
    (Action::TogglePause, "play/pause"),
    (Action::Step, "step"),
    (Action::ResetNetwork, "reset"),
    (Action::NextActivation, "activation"),
    (Action::LrUp, "lr"),
    (Action::NextDataset, "data"),
    (Action::FocusNext, "focus"),
    (Action::ToggleZoom, "zoom"),
    (Action::ToggleHelp, "help"),
    (Action::Quit, "quit"),
];

pub fn render(area: Rect, buf: &mut Buffer, app: &App, t: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    buf.set_style(area, t.status);
    if let (Some(kind), Some(text)) = (app.saving(), app.editing()) {
        // The file prompt has the line to itself, so a long path stays in view.
        let sep = t.glyphs.sep;
        let label = format!(" {}: ", kind.label());
        let trailer = format!("  enter saves{sep}esc cancels");
        // A path longer than the room shows its end, where typing goes on.
        let room = usize::from(area.width)
            .saturating_sub(label.chars().count() + trailer.chars().count() + 1)
            .max(8);
        let count = text.chars().count();
        let shown = if count > room {
            let ellipsis = if t.ascii { "..." } else { "…" };
            let tail: String = text
                .chars()
                .skip(count + ellipsis.chars().count() - room)
                .collect();
            format!("{ellipsis}{tail}")
        } else {
            text.to_string()
        };
        let path = if app.edit_fresh() {
            Span::styled(shown, t.editing.add_modifier(Modifier::REVERSED))
        } else {
            Span::styled(format!("{shown}_"), t.editing)
        };
        let line = Line::from(vec![
            Span::styled(label, t.bold),
            path,
            Span::styled(trailer, t.dim),
        ]);
        line.render(Rect::new(area.x, area.y, area.width, 1), buf);
        if area.height >= 2 {
            // A complaint about what was typed or pasted shows in place of the key hints.
            let below = match app.message() {
                Some((m, Level::Error)) => Line::styled(format!(" {m}"), t.error),
                _ => hints(app, t),
            };
            below.render(Rect::new(area.x, area.y + 1, area.width, 1), buf);
        }
        return;
    }
    let state = match app.snapshot() {
        Some(s) if s.diverged => Span::styled(" diverged ", t.error),
        _ if app.paused() => Span::styled(
            if t.ascii {
                " || paused "
            } else {
                " ⏸ paused "
            },
            t.bold,
        ),
        _ => Span::styled(
            if t.ascii {
                " > training "
            } else {
                " ▶ training "
            },
            t.bold,
        ),
    };
    let mark = app.snapshot().map(|s| s.timeline);
    let viewing = mark.and_then(|m| m.viewing.map(|e| (e, m)));
    let mut spans = vec![state];
    match (viewing, app.timeline_open()) {
        // A past moment: nothing on screen is the run as it is now, so say it loudly.
        (Some((epoch, m)), _) => spans.push(Span::styled(
            format!(
                " viewing epoch {epoch} of {} ({}/{} kept) ",
                m.now,
                m.position + 1,
                m.kept
            ),
            t.accent.add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )),
        (None, true) => spans.push(Span::styled(
            format!(
                " timeline: now, epoch {} ({} kept) ",
                mark.map_or(0, |m| m.now),
                mark.map_or(0, |m| m.kept)
            ),
            t.accent.add_modifier(Modifier::BOLD),
        )),
        (None, false) => {
            if let Some(s) = app.snapshot() {
                spans.push(Span::raw(format!("epoch {} ", s.epoch)));
            }
        }
    }
    if viewing.is_some() {
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        format!(
            "lr {}{}{} ",
            crate::format::rate(app.config().lr),
            t.glyphs.sep,
            params::speed_name(app.speed())
        ),
        t.dim,
    ));
    if app.snapshot().is_some_and(|s| s.diverged) {
        // Say how to get out of it, with the keys actually bound. After the learning rate, so
        // that the rate stays in view on a narrow screen while the user lowers it.
        let key = |a: Action| {
            app.keymap()
                .keys_for(a)
                .first()
                .map_or(String::new(), std::string::ToString::to_string)
        };
        spans.push(Span::styled(
            format!(
                "a loss or weight is no longer finite: {} lowers the learning rate, {} resets ",
                key(Action::LrDown),
                key(Action::ResetNetwork)
            ),
            t.error,
        ));
    }
    if let Some(job) = app.experiments().status_text(t.ascii) {
        spans.push(Span::styled(
            format!("{}{job} ", t.glyphs.sep.trim_start()),
            t.accent,
        ));
    }
    if let Some((msg, level)) = app.message() {
        spans.push(Span::styled(
            format!(" {msg}"),
            if *level == Level::Error {
                t.error
            } else {
                t.message
            },
        ));
    }
    let first = Line::from(spans);
    if area.height >= 2 {
        first.render(Rect::new(area.x, area.y, area.width, 1), buf);
        hints(app, t).render(Rect::new(area.x, area.y + 1, area.width, 1), buf);
    } else {
        first.render(area, buf);
        // One line only: keep the way to the help visible at the right.
        if let Some(k) = app.keymap().keys_for(Action::ToggleHelp).first() {
            let text = format!(" {k} help ");
            let w = text.len() as u16;
            if area.width > w + 30 {
                buf.set_string(area.x + area.width - w, area.y, text, t.key);
            }
        }
    }
}

/// The timeline's own keys, while it is open.
const TIMELINE_HINTS: &[(Action, &str)] = &[
    (Action::Left, "back"),
    (Action::Right, "on"),
    (Action::TimelineStart, "start"),
    (Action::TimelineNow, "now"),
    (Action::PrevDeath, "prev death"),
    (Action::NextDeath, "next death"),
    (Action::TogglePause, "train on from here"),
    (Action::Cancel, "close"),
];

/// The keys of the A/B split: what acts on both runs, what goes to B.
const AB_HINTS: &[(Action, &str)] = &[
    (Action::TogglePause, "play/pause both"),
    (Action::Step, "step both"),
    (Action::NextActivation, "B activation"),
    (Action::LrUp, "B lr"),
    (Action::NextBiasInit, "B bias"),
    (Action::ToggleAb, "close A/B"),
    (Action::ToggleHelp, "help"),
    (Action::Quit, "quit"),
];

/// `space play/pause · s step · …` from the active keymap.
pub fn hints(app: &App, t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let list = if app.timeline_open() {
        TIMELINE_HINTS
    } else if app.ab().is_some() {
        AB_HINTS
    } else {
        HINTS
    };
    for (i, (action, label)) in list.iter().enumerate() {
        let Some(key) = app.keymap().keys_for(*action).iter().next() else {
            continue;
        };
        if i > 0 {
            spans.push(Span::styled(t.glyphs.sep, t.dim));
        }
        let key = match action {
            Action::LrUp => {
                let down = app.keymap().keys_for(Action::LrDown).iter().next();
                match down {
                    Some(d) => format!("{key}/{d}"),
                    None => key.to_string(),
                }
            }
            _ => key.to_string(),
        };
        spans.push(Span::styled(key, t.key));
        spans.push(Span::raw(format!(" {label}")));
    }
    Line::from(spans)
}
