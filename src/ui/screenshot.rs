//! A drawn screen as an SVG picture: one `<text>` per cell at the cell's own place (so the
//! picture does not depend on the font's advance width), one `<rect>` per run of cells with the
//! same background, the colours the terminal shows (xterm's palette for named and indexed
//! colours), bold, italic, underline, dim and reverse as a terminal draws them.

use std::fmt::Write;

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::Modifier;

use super::colour::rgb_of;

/// A cell's size in the picture, in pixels: a monospace font's usual 0.6 em advance and
/// 1.2 em line at 15 px.
pub const CELL: (u32, u32) = (9, 18);
const FONT_SIZE: u32 = 15;
/// Where a row's baseline sits below its top.
const BASELINE: u32 = 14;
/// A dark terminal's default colours, for cells that leave them to the terminal.
pub const DEFAULT_FG: (u8, u8, u8) = (0xd4, 0xd4, 0xd4);
pub const DEFAULT_BG: (u8, u8, u8) = (0x1e, 0x1e, 0x1e);
const FONTS: &str = "'DejaVu Sans Mono', 'Menlo', 'Consolas', 'Liberation Mono', 'Noto Sans Mono', \
                     monospace";

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The foreground and background a terminal shows for `cell`, as `#rrggbb`: reverse swaps
/// them, dim mixes the foreground halfway into the background, hidden text takes the
/// background's colour.
pub fn cell_colors(cell: &Cell) -> (String, String) {
    let mut fg = rgb_of(cell.fg).unwrap_or(DEFAULT_FG);
    let mut bg = rgb_of(cell.bg).unwrap_or(DEFAULT_BG);
    if cell.modifier.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    if cell.modifier.contains(Modifier::DIM) {
        let mix = |f: u8, b: u8| ((u16::from(f) + u16::from(b)) / 2) as u8;
        fg = (mix(fg.0, bg.0), mix(fg.1, bg.1), mix(fg.2, bg.2));
    }
    if cell.modifier.contains(Modifier::HIDDEN) {
        fg = bg;
    }
    (hex(fg), hex(bg))
}

/// Text made safe inside an XML element or attribute.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no place for control characters.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
}

/// The screen in `buf` as an SVG document.
pub fn svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (cw, ch) = CELL;
    let (w, h) = (u32::from(area.width) * cw, u32::from(area.height) * ch);
    let cells = usize::from(area.width) * usize::from(area.height);
    let mut out = String::with_capacity(300 + cells * 64);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"{FONTS}\" font-size=\"{FONT_SIZE}\" \
         xml:space=\"preserve\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"{}\"/>\n",
        hex(DEFAULT_BG)
    );
    let default_bg = hex(DEFAULT_BG);
    for row in 0..area.height {
        let y = area.y + row;
        // Backgrounds: one rectangle per run of the same colour (the default needs none).
        let mut col = 0;
        while col < area.width {
            let bg = cell_colors(&buf[(area.x + col, y)]).1;
            let start = col;
            while col < area.width && cell_colors(&buf[(area.x + col, y)]).1 == bg {
                col += 1;
            }
            if bg != default_bg {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{ch}\" fill=\"{bg}\"/>",
                    u32::from(start) * cw,
                    u32::from(row) * ch,
                    u32::from(col - start) * cw
                );
            }
        }
        for col in 0..area.width {
            let cell = &buf[(area.x + col, y)];
            let (fg, _) = cell_colors(cell);
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"{fg}\"",
                u32::from(col) * cw,
                u32::from(row) * ch + BASELINE
            );
            let m = cell.modifier;
            if m.contains(Modifier::BOLD) {
                out.push_str(" font-weight=\"bold\"");
            }
            if m.contains(Modifier::ITALIC) {
                out.push_str(" font-style=\"italic\"");
            }
            match (
                m.contains(Modifier::UNDERLINED),
                m.contains(Modifier::CROSSED_OUT),
            ) {
                (true, true) => out.push_str(" text-decoration=\"underline line-through\""),
                (true, false) => out.push_str(" text-decoration=\"underline\""),
                (false, true) => out.push_str(" text-decoration=\"line-through\""),
                (false, false) => {}
            }
            out.push('>');
            escape(cell.symbol(), &mut out);
            out.push_str("</text>");
        }
        out.push('\n');
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Style};

    #[test]
    fn colours_are_the_terminals_and_text_is_escaped() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        buf.set_string(
            0,
            0,
            "<&",
            Style::new().fg(Color::Rgb(1, 2, 3)).bg(Color::Red),
        );
        buf.set_string(2, 0, "x", Style::new().add_modifier(Modifier::REVERSED));
        let s = svg(&buf);
        assert!(
            s.contains(">&lt;</text>") && s.contains(">&amp;</text>"),
            "{s}"
        );
        assert_eq!(
            cell_colors(&buf[(0, 0)]),
            ("#010203".into(), "#cd0000".into())
        );
        assert_eq!(
            cell_colors(&buf[(2, 0)]),
            ("#1e1e1e".into(), "#d4d4d4".into())
        );
        assert!(s.contains("<rect x=\"0\" y=\"0\" width=\"18\" height=\"18\" fill=\"#cd0000\"/>"));
    }
}
