//! Pictures of the explorer: `reluscope [explorer flags] --screenshot FILE.svg` trains without
//! a terminal, draws one frame at `--size` and writes it as FILE.svg and FILE.txt; the
//! explorer's own screenshot key writes the frame on screen the same way, under a fresh name.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::{App, Msg, update};
use crate::cli::{DataArgs, ScreenshotArgs, TrainFlags};
use crate::commands::data::with_data;
use crate::error::input_error;
use crate::files;
use crate::message::quote;
use crate::runtime::{Local, carry_out, text_path};
use crate::settings::{ColorChoice, Settings};
use crate::ui::theme::ColorTier;
use crate::ui::{self, screenshot, theme_fit};

/// Epochs trained before the picture when `--epochs` is not given (as `train`).
pub const DEFAULT_EPOCHS: u64 = 100;
/// The screen's size when `--size` is not given: the explorer's full layout.
pub const DEFAULT_SIZE: (u16, u16) = (160, 48);
/// The largest screen drawn.
const MAX_SIZE: (u16, u16) = (1000, 500);

/// `--size COLSxROWS`, from 1x1 to 1000x500 (a screen below the explorer's minimum shows
/// its "too small" notice, as a terminal would).
fn parse_size(spec: &str) -> Result<(u16, u16)> {
    let bad = || {
        input_error(format!(
            "--size {} is not COLSxROWS from 1x1 to {}x{} (e.g. --size 160x48)",
            quote(spec),
            MAX_SIZE.0,
            MAX_SIZE.1
        ))
    };
    let (c, r) = spec.split_once(['x', 'X']).ok_or_else(bad)?;
    let (c, r): (u16, u16) = (
        c.trim().parse().map_err(|_| bad())?,
        r.trim().parse().map_err(|_| bad())?,
    );
    if c == 0 || r == 0 || c > MAX_SIZE.0 || r > MAX_SIZE.1 {
        return Err(bad());
    }
    Ok((c, r))
}

/// The screen's text, one line per row.
pub fn text(buf: &Buffer) -> String {
    ui::buffer_text(buf)
}

/// The full path of a written file, for messages.
fn full(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `reluscope ... --screenshot FILE.svg [--epochs N] [--size COLSxROWS]`.
pub fn run(
    args: &ScreenshotArgs,
    settings: Settings,
    data: &DataArgs,
    flags: &TrainFlags,
) -> Result<()> {
    let Some(svg_path) = &args.screenshot else {
        return Ok(());
    };
    let txt_path = text_path(svg_path);
    if txt_path == *svg_path {
        return Err(input_error(format!(
            "--screenshot {} names the text file; give the picture's name, e.g. shot.svg (the \
             text goes beside it as shot.txt)",
            svg_path.display()
        )));
    }
    let (cols, rows) = match &args.size {
        Some(spec) => parse_size(spec)?,
        None => DEFAULT_SIZE,
    };
    let epochs = args.epochs.unwrap_or(DEFAULT_EPOCHS);
    for path in [svg_path, &txt_path] {
        files::check_writable(path)
            .map_err(|e| input_error(format!("--screenshot {}: {e}", path.display())))?;
    }
    let (config, model) = with_data(data, flags, settings.train.clone())?;
    // A picture is not a terminal: `auto` means every colour; NO_COLOR and TERM do not apply.
    let tier = match settings.display.color {
        ColorChoice::Auto => ColorTier::TrueColor,
        choice => ColorTier::detect(Some(choice), |_| None),
    };
    let theme = theme_fit::from_file(&settings.theme, tier, settings.display.ascii);
    let mut app = App::from_settings(config.clone(), settings, theme.ascii, (cols, rows));
    // Training stops at the picture: it shows the run paused there, not a speed never measured.
    update(&mut app, Msg::Paused(true));
    let view = crate::app::layout::wanted_view(&app);
    let from_model = model.is_some();
    let mut host = Local::new(config, model, view)?;
    if from_model {
        // A saved model may have set the shape: the Parameters pane shows what is in effect.
        update(&mut app, Msg::Effective(Box::new(host.effective())));
    }
    let worker = host.a_mut();
    while worker.session().epoch() < epochs && !worker.session().diverged() {
        worker.step();
    }
    // The first snapshot may ask for another view (the layout knows the network now).
    for _ in 0..2 {
        let effects = update(&mut app, Msg::Snapshot(Arc::new(host.a().capture())));
        let again = !effects.trainer().is_empty();
        carry_out(&mut app, &mut host, effects)?;
        if !again {
            break;
        }
    }
    let area = Rect::new(0, 0, cols, rows);
    let mut buf = Buffer::empty(area);
    ui::render(area, &mut buf, &app, &theme);
    let write = |path: &Path, text: String| {
        files::write_atomic(path, text.as_bytes())
            .map_err(|e| input_error(format!("--screenshot {}: {e}", path.display())))
    };
    let svg = write(svg_path, screenshot::svg(&buf))?;
    let txt = write(&txt_path, text(&buf))?;
    crate::commands::write_stdout(|out| {
        writeln!(out, "{}\n{}", full(&svg).display(), full(&txt).display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_cols_by_rows_within_bounds() {
        assert_eq!(parse_size("160x48").unwrap(), (160, 48));
        assert_eq!(parse_size("80X24").unwrap(), (80, 24));
        for bad in ["160", "0x10", "1001x10", "axb", "10x501"] {
            let e = parse_size(bad).unwrap_err().to_string();
            assert!(e.contains("is not COLSxROWS"), "{bad}: {e}");
        }
    }
}
