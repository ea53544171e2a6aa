//! The explorer's state, the actions that change it, and the keymap.

pub mod action;
pub mod keymap;
pub mod plot_view;
