//! Pieces of the messages reluscope prints: what the user typed, quoted short, and numbers in a
//! form that stays short. A leaf module, so that every layer (the activation math included) can
//! use it.

/// Most characters of the user's text a message quotes.
pub const MAX_QUOTED: usize = 60;

/// `text` in single quotes with control characters escaped, cut after [`MAX_QUOTED`]
/// characters as `'abc…' (N characters)`: a 200 MB field gives one short line, not 200 MB of
/// stderr.
pub fn quote(text: &str) -> String {
    match cut(text, MAX_QUOTED) {
        (shown, None) => format!("'{shown}'"),
        (shown, Some(total)) => format!("'{shown}…' ({total} characters)"),
    }
}

/// `text` with control characters escaped, cut after `max` characters as `abc… (N
/// characters)`; for messages that embed text from elsewhere (a parser's error).
pub fn excerpt(text: &str, max: usize) -> String {
    match cut(text, max) {
        (shown, None) => shown,
        (shown, Some(total)) => format!("{shown}… ({total} characters)"),
    }
}

/// The first `max` characters of `text`, escaped, and the total count when there are more.
fn cut(text: &str, max: usize) -> (String, Option<usize>) {
    let mut shown = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            return (shown, Some(text.chars().count()));
        }
        if c.is_control() {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    (shown, None)
}

/// Most characters of one line of a message printed to the terminal.
pub const MAX_LINE: usize = 1000;

/// A whole message as it goes to the terminal: control characters escaped (a file's bytes
/// cannot retitle or clear the terminal), line breaks kept, and each line cut after
/// [`MAX_LINE`] characters. The last safety net behind [`quote`], for text that reached a
/// message unquoted.
pub fn for_terminal(text: &str) -> String {
    text.split('\n')
        .map(|line| excerpt(line, MAX_LINE))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A number as Rust prints it (shortest round-trip form), but in scientific notation when it
/// is very large or very small: `1e308`, not 309 digits; `5e-324`, not 324. Either form parses
/// back to the same f64.
pub fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-5..1e16).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_stay_short() {
        assert_eq!(quote("abc"), "'abc'");
        let long = "x".repeat(200_000);
        let q = quote(&long);
        assert_eq!(q, format!("'{}…' (200000 characters)", "x".repeat(60)));
        assert_eq!(quote("a\tb\u{1b}[2J"), "'a\\tb\\u{1b}[2J'");
        assert_eq!(
            quote(&"é".repeat(61)).chars().filter(|&c| c == 'é').count(),
            60
        );
        assert_eq!(excerpt("abcdef", 3), "abc… (6 characters)");
        assert_eq!(
            for_terminal("bad \u{1b}]0;PWNED\u{7}\u{1b}[2J\nnext"),
            "bad \\u{1b}]0;PWNED\\u{7}\\u{1b}[2J\nnext"
        );
        assert!(for_terminal(&"y".repeat(100_000)).len() < MAX_LINE + 40);
    }

    #[test]
    fn numbers_stay_short_and_round_trip() {
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(-1.5e20), "-1.5e20");
        assert_eq!(number(5e-324), "5e-324");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(100.0), "100");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(f64::INFINITY), "inf");
        for v in [1e308, 5e-324, 0.1, 123456789.0, 1e-7, -3e16, f64::MAX] {
            assert_eq!(number(v).parse::<f64>().unwrap(), v);
        }
    }
}
