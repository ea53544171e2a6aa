//! The pictures that carry the explorer's claims, as whole-screen snapshots at 160×48, 100×30
//! and 80×24 (the default run, sparsity, dying ReLU, vanishing gradients zoomed, exploding
//! gradients, a 64-wide layer, the pre-activation view), and cell-style checks of what a text
//! snapshot cannot see: dead tiles and their connections are dim, magnitude levels differ.

mod common;
mod screen;

use common::Harness;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use reluscope::action::Action;
use reluscope::app::{Msg, Pane};
use reluscope::engine::TrainConfig;
use reluscope::trainer::NeuronState;
use reluscope::ui::network::{self, Options};
use reluscope::ui::theme::{ColorTier, EDGE_LEVELS, Theme};
use screen::{SIZES, cells_with, shipped, style_at, truecolor};

fn snap_all(name: &str, make: impl Fn((u16, u16)) -> Harness) {
    for size in SIZES {
        let s = make(size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), s.text());
    }
}

#[test]
fn the_default_run() {
    snap_all("default", |size| {
        let mut s = Harness::plain(TrainConfig::default(), size, truecolor());
        s.steps(250);
        s
    });
}

#[test]
fn sparsity_16_16() {
    snap_all("sparsity", |size| {
        let mut s = Harness::scenario("sparsity", size, truecolor());
        s.steps(300);
        s
    });
}

#[test]
fn dying_high_lr() {
    snap_all("dying_high_lr", |size| {
        let mut s = Harness::scenario("dying-high-lr", size, truecolor());
        s.steps(540);
        s
    });
}

#[test]
fn vanishing_sigmoid_zoomed_metrics() {
    snap_all("vanishing_sigmoid_zoomed", |size| {
        let mut s = Harness::scenario("vanishing-sigmoid", size, truecolor());
        s.steps(100).act(Action::ToggleZoom);
        assert_eq!(s.app.panes().focus, Pane::Metrics);
        s
    });
}

#[test]
fn exploding() {
    snap_all("exploding", |size| {
        let mut s = Harness::scenario("exploding", size, truecolor());
        s.steps(20);
        s
    });
}

#[test]
fn a_64_wide_layer() {
    snap_all("wide_64", |size| {
        let config = TrainConfig {
            hidden: vec![64],
            ..TrainConfig::default()
        };
        let mut s = Harness::plain(config, size, truecolor());
        s.act(Msg::Focus(Pane::Network));
        s.steps(100);
        s
    });
}

#[test]
fn the_pre_activation_view() {
    snap_all("preactivations", |size| {
        let mut s = Harness::scenario("dying-high-lr", size, truecolor());
        s.steps(540).act(Action::TogglePreactivations);
        s
    });
}

/// The Network pane alone, for a hand-made state: drawn into a 64×24 area.
fn network_pane(s: &Harness, theme: &Theme) -> (Buffer, Rect) {
    let area = Rect::new(0, 0, 64, 24);
    let mut buf = Buffer::empty(area);
    let snap = s.app.snapshot().unwrap();
    let opt = Options {
        selected: None,
        legend: true,
        preact: false,
    };
    network::render(area, &mut buf, snap, opt, theme);
    (buf, area)
}

/// A cell drawn in `want`: its colours (where `want` sets them) and modifiers.
fn same(cell: Style, want: Style) -> bool {
    let fg = want.fg.unwrap_or(Color::Reset) == cell.fg.unwrap_or(Color::Reset);
    let bg = want.bg.is_none_or(|b| Some(b) == cell.bg);
    fg && bg && cell.add_modifier == want.add_modifier
}

fn tiers() -> [ColorTier; 4] {
    [
        ColorTier::TrueColor,
        ColorTier::Ansi256,
        ColorTier::Ansi16,
        ColorTier::None,
    ]
}

/// A default network whose h1 neuron `dead` is dead (the rest alive) and whose first layer of
/// weights is `rows` (one per h1 neuron, 2 inputs each).
fn crafted(theme: &Theme, dead: Option<usize>, rows: &[[f64; 2]]) -> Harness {
    let mut s = Harness::plain(TrainConfig::default(), (160, 48), theme.clone());
    let mut snap = (**s.app.snapshot().unwrap()).clone();
    for layer in snap.layers.iter_mut().take(2) {
        for n in &mut layer.neurons {
            n.health = NeuronState::Alive;
        }
    }
    if let Some(d) = dead {
        snap.layers[0].neurons[d].health = NeuronState::Dead;
    }
    for (i, r) in rows.iter().enumerate() {
        snap.layers[0].weights[i] = r.to_vec();
    }
    s.send(Msg::Snapshot(std::sync::Arc::new(snap)));
    s
}

/// Where the first hidden layer's neurons sit (their glyphs), top to bottom.
fn h1_glyphs(buf: &Buffer, area: Rect, theme: &Theme) -> Vec<(u16, u16)> {
    let g = theme.glyphs;
    let mut all: Vec<(u16, u16)> = [g.alive, g.dead, g.saturated]
        .iter()
        .flat_map(|glyph| cells_with(buf, area, glyph))
        .collect();
    // Node rows only: the per-layer counts and the legend below repeat the glyphs.
    all.retain(|c| c.1 >= 1 && c.1 + 4 < area.height);
    let first_x = all.iter().map(|c| c.0).min().unwrap();
    // Staggered tiles sit in two sub-columns: h1 is everything left of the middle.
    all.retain(|c| c.0 < area.width / 2 && c.0 <= first_x + 8);
    all.sort_by_key(|c| c.1);
    all
}

#[test]
fn dead_tiles_are_flat_and_dark_and_their_connections_faint() {
    for tier in tiers() {
        let theme = shipped(tier);
        let s = crafted(&theme, Some(0), &[]);
        let (buf, area) = network_pane(&s, &theme);
        let h1 = h1_glyphs(&buf, area, &theme);
        assert_eq!(h1.len(), 8, "{tier:?}");
        let (x, y) = h1[0];
        assert_eq!(buf[(x, y)].symbol(), theme.glyphs.dead, "{tier:?}");
        // The tile: glyph, border, heat cells: the heat cells all off.
        let off = theme.tile_off();
        let heat: Vec<(u16, u16)> = (x + 2..x + 6).map(|c| (c, y)).collect();
        for &c in &heat {
            assert!(
                same(style_at(&buf, c), off),
                "{tier:?} dead tile cell {c:?}"
            );
        }
        // A live neuron's tile is not.
        let (ax, ay) = h1[3];
        assert!(!same(style_at(&buf, (ax + 2, ay)), off), "{tier:?}");
        // The connections into it, just left of its glyph, are faint; a live one's are not.
        let faint = theme.edge_faint();
        let into = style_at(&buf, (x - 1, y));
        assert!(same(into, faint), "{tier:?} into the dead neuron: {into:?}");
        let into_live = style_at(&buf, (ax - 1, ay));
        assert!(!same(into_live, faint), "{tier:?} into a live neuron");
        if tier != ColorTier::None {
            assert_ne!(into.fg, into_live.fg, "{tier:?}");
        }
        // And out of it: the first cell right of its tile and gauge.
        let right = (x + 7..area.width)
            .find(|&c| {
                buf[(c, y)]
                    .symbol()
                    .chars()
                    .all(|ch| ('\u{2801}'..='\u{28ff}').contains(&ch))
                    && buf[(c, y)].symbol() != " "
            })
            .unwrap();
        assert!(
            same(style_at(&buf, (right, y)), faint),
            "{tier:?} out of the dead neuron"
        );
    }
}

#[test]
fn connection_magnitudes_show_three_levels_in_every_tier() {
    for tier in tiers() {
        let theme = shipped(tier);
        // The largest |w| is 1.9, so the layer's reference is 2: 1.9 → level 3, 0.3 → 2,
        // 0.06 → 1; zero weights are not drawn.
        let rows = [
            [1.9, 1.9],
            [0.0, 0.0],
            [0.0, 0.0],
            [0.3, 0.3],
            [0.0, 0.0],
            [0.0, 0.0],
            [0.06, 0.06],
            [0.0, 0.0],
        ];
        let s = crafted(&theme, None, &rows);
        let (buf, area) = network_pane(&s, &theme);
        let h1 = h1_glyphs(&buf, area, &theme);
        let at = |k: usize| style_at(&buf, (h1[k].0 - 1, h1[k].1));
        let styles: Vec<Style> = [0, 3, 6].iter().map(|&k| at(k)).collect();
        for (i, level) in [EDGE_LEVELS, 2, 1].into_iter().enumerate() {
            let want = theme.edge(true, level);
            assert!(
                same(styles[i], want),
                "{tier:?} level {level}: {:?}",
                styles[i]
            );
        }
        assert_ne!(styles[0], styles[1], "{tier:?}");
        assert_ne!(styles[1], styles[2], "{tier:?}");
        assert_ne!(styles[0], styles[2], "{tier:?}");
        // Zero weights draw nothing into their neuron.
        assert_eq!(buf[(h1[1].0 - 1, h1[1].1)].symbol(), " ", "{tier:?}");
        if tier == ColorTier::None {
            let m = |s: Style| s.add_modifier;
            assert!(m(styles[0]).contains(Modifier::BOLD));
            assert!(m(styles[2]).contains(Modifier::DIM));
        } else if tier != ColorTier::Ansi16 {
            // A shade ramp: each level brighter than the one below.
            let bright = |s: Style| match s.fg {
                Some(Color::Rgb(r, g, b)) => r as u32 + g as u32 + b as u32,
                Some(Color::Indexed(i)) => i as u32,
                _ => 0,
            };
            if tier == ColorTier::TrueColor {
                assert!(bright(styles[0]) > bright(styles[1]));
                assert!(bright(styles[1]) > bright(styles[2]));
            }
        }
    }
}

#[test]
fn the_dying_screen_tells_how_many_which_and_that_z_is_below_zero() {
    let mut s = Harness::scenario("dying-high-lr", (160, 48), truecolor());
    s.steps(540);
    let buf = s.buffer();
    let text = s.text();
    let snap = s.app.snapshot().cloned().unwrap();
    assert!(snap.dead >= 5, "{}", snap.dead);
    // How many: the legend and each layer's count.
    assert!(text.contains(&format!("○ dead {}", snap.dead)), "{text}");
    for layer in snap.hidden() {
        let d = layer
            .neurons
            .iter()
            .filter(|n| n.health == NeuronState::Dead)
            .count();
        assert!(text.contains(&format!("○{d} ◐")), "{text}");
    }
    // Which: one dead glyph per dead neuron in the Network pane, in the dead style.
    let theme = &s.theme;
    let area = reluscope::app::layout::compute(buf.area, &s.app).unwrap();
    let net = area.get(Pane::Network).unwrap();
    // The node rows: inside the border, below the header, above the counts and the legend.
    let nodes = Rect::new(net.x + 1, net.y + 2, net.width - 2, net.height - 7);
    let dead_cells = cells_with(&buf, nodes, theme.glyphs.dead);
    assert_eq!(dead_cells.len(), snap.dead, "{text}");
    for &c in &dead_cells {
        assert_eq!(style_at(&buf, c).fg, theme.dead.fg);
        // Its gauge: nothing right of the zero mark (7 cells, the mark in the middle).
        let gauge_x = c.0 + 8;
        assert_eq!(buf[(gauge_x + 3, c.1)].symbol(), "┊", "{text}");
        for k in 4..7 {
            assert_eq!(buf[(gauge_x + k, c.1)].symbol(), " ", "{text}");
        }
        assert!((0..3).any(|k| buf[(gauge_x + k, c.1)].symbol() != " "));
    }
    // And every dead neuron's largest z is at or below 0.
    for layer in snap.hidden() {
        for n in &layer.neurons {
            assert_eq!(n.health == NeuronState::Dead, n.z.max <= 0.0, "{n:?}");
        }
    }
}
