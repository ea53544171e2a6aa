//! The x range and cursor shared by the Activation and Derivative panes.

use crate::activation::{Activation, Kind};
use crate::format::nice_step;

/// Sets of comparison curves, cycled with one key.
pub const COMPARE_SETS: &[&[Kind]] = &[
    &[],
    &[Kind::Sigmoid, Kind::Tanh],
    &[Kind::LeakyRelu, Kind::Elu],
    &[Kind::Gelu, Kind::Silu, Kind::Softplus],
];

/// What the plot panes show.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveView {
    pub x_min: f64,
    pub x_max: f64,
    /// The cursor's x, always inside the range.
    pub cursor: f64,
    /// Index into [`COMPARE_SETS`].
    pub compare: usize,
}

impl Default for CurveView {
    fn default() -> CurveView {
        CurveView {
            x_min: -5.0,
            x_max: 10.0,
            cursor: 1.0,
            compare: 0,
        }
    }
}

/// The cursor moves in this many steps across the range.
const CURSOR_STEPS: f64 = 60.0;
/// Each zoom step scales the range by this factor.
const ZOOM: f64 = 1.25;
const MIN_SPAN: f64 = 0.05;
const MAX_SPAN: f64 = 2000.0;
const PAN_LIMIT: f64 = 1000.0;

impl CurveView {
    /// A view of `[x_min, x_max]` (swapped if reversed, the default if empty or not finite),
    /// the cursor at 1 or the nearest point inside.
    pub fn with_range(x_min: f64, x_max: f64) -> CurveView {
        let (lo, hi) = if x_min <= x_max {
            (x_min, x_max)
        } else {
            (x_max, x_min)
        };
        if !(lo.is_finite() && hi.is_finite()) || hi - lo < MIN_SPAN {
            return CurveView::default();
        }
        CurveView {
            x_min: lo,
            x_max: hi,
            cursor: 1.0_f64.clamp(lo, hi),
            compare: 0,
        }
    }

    pub fn span(&self) -> f64 {
        self.x_max - self.x_min
    }

    /// Move the cursor by whole steps, snapped to the step grid so its readout is stable.
    pub fn move_cursor(&mut self, steps: i32) {
        let step = self.cursor_step();
        let snapped = (self.cursor / step).round() * step;
        self.cursor = (snapped + steps as f64 * step).clamp(self.x_min, self.x_max);
    }

    /// A round step size near span / CURSOR_STEPS (1, 2 or 5 times a power of ten).
    fn cursor_step(&self) -> f64 {
        nice_step(self.span() / CURSOR_STEPS)
    }

    /// Zoom around the cursor, which keeps its place on screen: `zoom_in` narrows the range.
    pub fn zoom(&mut self, zoom_in: bool) {
        let span = if zoom_in {
            self.span() / ZOOM
        } else {
            self.span() * ZOOM
        }
        .clamp(MIN_SPAN, MAX_SPAN);
        let at = ((self.cursor - self.x_min) / self.span()).clamp(0.0, 1.0);
        let at = if at.is_finite() { at } else { 0.5 };
        self.x_min = self.cursor - at * span;
        self.x_max = self.x_min + span;
        // Slide back inside ±PAN_LIMIT (MAX_SPAN fits exactly).
        let shift = (-PAN_LIMIT - self.x_min).max(0.0) + (PAN_LIMIT - self.x_max).min(0.0);
        self.x_min += shift;
        self.x_max += shift;
        self.cursor = self.cursor.clamp(self.x_min, self.x_max);
    }

    /// Pan by a fifth of the range, staying within ±PAN_LIMIT: far out every activation is
    /// flat or linear, and the axis labels of a narrow range there can no longer be told apart.
    pub fn pan(&mut self, right: bool) {
        let d = self.span() / 5.0 * if right { 1.0 } else { -1.0 };
        if self.x_min + d < -PAN_LIMIT || self.x_max + d > PAN_LIMIT {
            return;
        }
        self.x_min += d;
        self.x_max += d;
        self.cursor = self.cursor.clamp(self.x_min, self.x_max);
    }

    /// The comparison activations to draw next to `current` (without duplicates of it).
    pub fn comparisons(&self, current: &Activation) -> Vec<Activation> {
        COMPARE_SETS[self.compare % COMPARE_SETS.len()]
            .iter()
            .filter(|k| **k != current.kind())
            .map(|k| k.default_activation())
            .collect()
    }

    pub fn cycle_compare(&mut self) {
        self.compare = (self.compare + 1) % COMPARE_SETS.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_stays_in_range_and_on_the_grid() {
        let mut v = CurveView::default();
        for _ in 0..1000 {
            v.move_cursor(1);
        }
        assert_eq!(v.cursor, v.x_max);
        v.move_cursor(-3);
        assert!((v.cursor - (10.0 - 3.0 * v.cursor_step())).abs() < 1e-12);
    }

    #[test]
    fn configured_ranges_are_sanitized() {
        assert_eq!(CurveView::with_range(-3.0, 3.0).cursor, 1.0);
        assert_eq!(CurveView::with_range(3.0, -3.0).x_min, -3.0);
        assert_eq!(CurveView::with_range(2.0, 5.0).cursor, 2.0);
        assert_eq!(CurveView::with_range(1.0, 1.0), CurveView::default());
        assert_eq!(CurveView::with_range(f64::NAN, 1.0), CurveView::default());
    }

    #[test]
    fn zoom_and_pan_are_bounded() {
        let mut v = CurveView::default();
        for _ in 0..200 {
            v.zoom(true);
        }
        assert!(v.span() >= MIN_SPAN * 0.999);
        for _ in 0..200 {
            v.zoom(false);
        }
        assert!(v.span() <= MAX_SPAN * 1.001);
        for _ in 0..10_000 {
            v.pan(true);
        }
        assert!(v.x_min >= -PAN_LIMIT && v.x_max <= PAN_LIMIT, "{v:?}");
        assert!(v.cursor >= v.x_min && v.cursor <= v.x_max);
    }
}
