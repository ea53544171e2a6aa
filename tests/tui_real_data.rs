//! The explorer on data with more than two inputs: snapshots at 160×48 of iris (a slice of
//! two inputs, the others at their mean) and digits (the principal components, the 64 inputs
//! collapsed into a strip, a first-layer neuron's weights as an 8×8 picture), and cell checks
//! for the class palette and the marking of misclassified points.

use ratatui::style::Modifier;
use reluscope::action::Action;
use reluscope::engine::{DatasetKind, PlaneView, TrainConfig};
use reluscope::ui::theme::{ColorTier, Theme};

mod common;
use common::Harness;

fn on(dataset: DatasetKind, hidden: Vec<usize>, steps: usize) -> Harness {
    Harness::new(
        TrainConfig {
            dataset,
            hidden,
            ..TrainConfig::default()
        },
        Theme::new(ColorTier::TrueColor, false),
        (160, 48),
        steps,
    )
}

#[test]
fn iris_shows_a_slice_of_two_inputs_with_class_regions() {
    let h = on(DatasetKind::Iris, vec![8], 300);
    let text = h.screen();
    assert!(
        text.contains("Output: iris · sepal_length×sepal_width "),
        "{text}"
    );
    assert!(text.contains("● setosa ▲ versicolor ■ virginica"), "{text}");
    assert!(text.contains("sepal_le"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn the_slice_keys_step_through_the_inputs_then_pca() {
    let mut h = on(DatasetKind::Iris, vec![8], 100);
    h.act(Action::PlaneX);
    assert_eq!(h.app.plane(), PlaneView::Inputs(2, 1));
    h.refresh();
    assert!(h.screen().contains("petal_length×sepal_width"));
    h.act(Action::PlaneY);
    assert_eq!(h.app.plane(), PlaneView::Inputs(2, 3));
    h.act(Action::PlaneX);
    assert_eq!(h.app.plane(), PlaneView::Pca);
    h.refresh();
    let text = h.screen();
    assert!(
        text.contains("Output: iris · PC1 (75%)×PC2 (21%)"),
        "{text}"
    );
}

#[test]
fn digits_shows_principal_components_and_a_collapsed_input_strip() {
    let mut h = on(DatasetKind::Digits, vec![16], 200);
    // Select the first hidden neuron: the inspector shows its 64 weights as an 8×8 picture.
    for a in [
        Action::FocusNext,
        Action::FocusNext,
        Action::FocusNext,
        Action::Right,
    ] {
        h.act(a);
    }
    assert_eq!(h.app.panes().selected, Some((0, 0)));
    h.refresh();
    let text = h.screen();
    assert!(
        text.contains("Output: digits · PC1 (15%)×PC2 (14%)"),
        "{text}"
    );
    assert!(text.contains("in 64"), "{text}");
    assert!(
        text.contains("pixel_0_0") && text.contains("pixel_7_7"),
        "{text}"
    );
    assert!(text.contains("64 weights as the image they see"), "{text}");
    assert!(text.contains("0 1 2 3 4 5 6 7 8 9"), "{text}");
    insta::assert_snapshot!(text);
}

/// Each class region has its own colour; misclassified points are reversed (so a mistake
/// shows without colour), and a correct one is not.
#[test]
fn classes_have_colours_and_mistakes_are_reversed() {
    let h = on(DatasetKind::Iris, vec![8], 40);
    let buf = h.render();
    let snap = h.app.snapshot().cloned().unwrap();
    assert_eq!(snap.predicted.len(), snap.points.len());
    let wrong = snap
        .points
        .iter()
        .zip(snap.predicted.iter())
        .filter(|(p, c)| !p.test && **c as usize != p.label as usize)
        .count();
    let mut reversed = 0;
    let mut colours = std::collections::HashSet::new();
    for y in 0..48 {
        for x in 110..160 {
            let c = &buf[(x, y)];
            if c.symbol() == "▀" {
                colours.insert(format!("{:?}", c.fg));
            }
            if ["●", "▲", "■"].contains(&c.symbol()) && c.modifier.contains(Modifier::REVERSED)
            {
                reversed += 1;
            }
        }
    }
    assert!(colours.len() >= 6, "{colours:?}");
    assert!(
        reversed > 0 && reversed <= wrong,
        "{reversed} reversed, {wrong} wrong"
    );
}
