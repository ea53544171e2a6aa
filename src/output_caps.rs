//! What the environment says the output can show: colour (NO_COLOR) and Unicode (the locale).
//! The explorer's theme and the headless commands both ask here, so they always agree.
//!
//! Each check takes the environment as a function so tests can pass their own.

/// The process environment, for the checks below.
pub fn process_env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

/// NO_COLOR set to anything non-empty turns colour off (no-color.org).
pub fn no_color(env: impl Fn(&str) -> Option<String>) -> bool {
    env("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether the locale can show Unicode: the first non-empty of LC_ALL, LC_CTYPE, LANG names
/// UTF-8. No locale at all is the C locale, which is not.
pub fn locale_is_utf8(env: impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}
