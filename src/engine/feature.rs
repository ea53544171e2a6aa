//! Input features computed from the raw plane coordinates (x1, x2), as Playground offers them.

use std::fmt;
use std::str::FromStr;

use super::error::{EngineError, suggestion};

/// An input feature computed from the raw coordinates, as Playground offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    X1,
    X2,
    X1Squared,
    X2Squared,
    X1TimesX2,
    SinX1,
    SinX2,
}

impl Feature {
    pub const ALL: [Feature; 7] = [
        Feature::X1,
        Feature::X2,
        Feature::X1Squared,
        Feature::X2Squared,
        Feature::X1TimesX2,
        Feature::SinX1,
        Feature::SinX2,
    ];

    /// The name used on the command line and in model files.
    pub fn name(self) -> &'static str {
        match self {
            Feature::X1 => "x1",
            Feature::X2 => "x2",
            Feature::X1Squared => "x1^2",
            Feature::X2Squared => "x2^2",
            Feature::X1TimesX2 => "x1*x2",
            Feature::SinX1 => "sin(x1)",
            Feature::SinX2 => "sin(x2)",
        }
    }

    #[inline]
    pub fn value(self, x1: f64, x2: f64) -> f64 {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1Squared => x1 * x1,
            Feature::X2Squared => x2 * x2,
            Feature::X1TimesX2 => x1 * x2,
            Feature::SinX1 => libm::sin(x1),
            Feature::SinX2 => libm::sin(x2),
        }
    }

    fn names() -> String {
        let v: Vec<&str> = Feature::ALL.iter().map(|f| f.name()).collect();
        v.join(", ")
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Feature {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '_'))
            .collect();
        let f = match key.as_str() {
            "x1" | "x" => Feature::X1,
            "x2" | "y" => Feature::X2,
            "x1^2" | "x1sq" | "x1²" | "x1squared" => Feature::X1Squared,
            "x2^2" | "x2sq" | "x2²" | "x2squared" => Feature::X2Squared,
            "x1*x2" | "x1x2" | "x1·x2" => Feature::X1TimesX2,
            "sinx1" => Feature::SinX1,
            "sinx2" => Feature::SinX2,
            _ => {
                let names: Vec<&str> = Feature::ALL.iter().map(|f| f.name()).collect();
                return Err(EngineError::invalid(format!(
                    "unknown feature '{s}'{}; valid: {}",
                    suggestion(&key, &names),
                    Feature::names()
                )));
            }
        };
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        for f in Feature::ALL {
            assert_eq!(f.name().parse::<Feature>().unwrap(), f);
        }
        assert_eq!(Feature::SinX2.value(0.0, std::f64::consts::FRAC_PI_2), 1.0);
        assert_eq!(Feature::X1TimesX2.value(3.0, -2.0), -6.0);
    }
}
