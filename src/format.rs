//! Short, stable number formatting for cells: few significant digits, so a readout changes only
//! when the value changes visibly.

/// `v` in at most ~7 characters: 3 significant digits, scientific outside [1e-3, 1e5).
pub fn num(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let a = v.abs();
    if a == 0.0 {
        return "0".into();
    }
    if !(1e-3..1e5).contains(&a) {
        return format!("{v:.1e}");
    }
    let decimals = (2 - a.log10().floor() as i32).clamp(0, 4) as usize;
    let s = format!("{v:.decimals$}");
    trim_zeros(s)
}

/// A learning-rate-like value: scientific below 0.01.
pub fn rate(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.01 {
        format!("{v:.0e}")
    } else {
        num(v)
    }
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" { "0".into() } else { t.into() }
    } else {
        s
    }
}

/// A whole count with thousands separators: 12 345.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The nearest of 1, 2, 5 × 10^k at or above `x` (x > 0).
pub fn nice_step(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    let m = x / p;
    let k = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    k * p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.25), 0.5);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.12345), "0.123");
        assert_eq!(num(-12.345), "-12.3");
        assert_eq!(num(123456.0), "1.2e5");
        assert_eq!(num(0.0001234), "1.2e-4");
        assert_eq!(num(-0.0004), "-4.0e-4");
        assert_eq!(num(f64::NAN), "NaN");
        assert_eq!(num(-0.00001), "-1.0e-5");
        assert_eq!(rate(0.003), "3e-3");
        assert_eq!(rate(0.03), "0.03");
        assert_eq!(count(1234567), "1 234 567");
        assert_eq!(count(12), "12");
    }
}
