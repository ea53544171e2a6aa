//! One value as a layer supplies it: a TOML value from a file, or text from an environment
//! variable or a flag. Each setting reads it through the typed accessors here, so the same
//! checks (and the same messages) apply whichever layer the value came from.

use toml::de::DeValue;

use super::diag::Problem;
use crate::message::quote;

/// A raw value before it is checked against its setting.
#[derive(Clone, Copy, Debug)]
pub enum Raw<'a, 'i> {
    /// A value from a TOML file, with its TOML type.
    Toml(&'a DeValue<'i>),
    /// Text from the environment or the command line: every type is spelled as text.
    Text(&'a str),
}

/// Human name of a TOML value's type, for "must be X, found Y" messages.
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The integer a TOML integer literal stands for, if it fits in an i64.
pub fn toml_integer(v: &DeValue<'_>) -> Option<i64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// The number a TOML integer or float stands for.
fn toml_number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(_) => toml_integer(v).map(|i| i as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    }
}

impl Raw<'_, '_> {
    fn wrong_type(&self, key: &str, want: &str, example: &str) -> Problem {
        let found = match self {
            Raw::Toml(v) => type_name(v),
            Raw::Text(_) => "text",
        };
        Problem::new(
            format!("`{key}` must be {want}, found {found}"),
            format!("write it as {example}"),
        )
    }

    /// A finite number (TOML integer or float; text parsed as a number).
    pub fn number(&self, key: &str, example: &str) -> Result<f64, Problem> {
        let value = match self {
            Raw::Toml(v) => {
                toml_number(v).ok_or_else(|| self.wrong_type(key, "a number", example))?
            }
            Raw::Text(t) => match t.trim().parse::<f64>() {
                Ok(v) if !v.is_nan() => v,
                _ => {
                    return Err(Problem::new(
                        format!("`{key}` must be a number, found {}", quote(t.trim())),
                        format!("write it as {example}"),
                    ));
                }
            },
        };
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Problem::new(
                format!("`{key}` must be a finite number, found {value}"),
                format!("write it as {example}"),
            ))
        }
    }

    /// A non-negative whole number.
    pub fn unsigned(&self, key: &str, example: &str) -> Result<u64, Problem> {
        let negative = || {
            Problem::new(
                format!("`{key}` must be a whole number 0 or above"),
                format!("write it as {example}"),
            )
        };
        match self {
            Raw::Toml(v @ DeValue::Integer(_)) => {
                let i = toml_integer(v).ok_or_else(|| {
                    Problem::new(
                        format!("`{key}` is too large"),
                        format!("write it as {example}"),
                    )
                })?;
                u64::try_from(i).map_err(|_| negative())
            }
            Raw::Toml(_) => Err(self.wrong_type(key, "a whole number", example)),
            Raw::Text(t) => {
                let t = t.trim();
                if t.starts_with('-') && t.len() > 1 && t[1..].bytes().all(|b| b.is_ascii_digit()) {
                    return Err(negative());
                }
                t.parse::<u64>().map_err(|_| {
                    Problem::new(
                        format!("`{key}` must be a whole number, found {}", quote(t)),
                        format!("write it as {example}"),
                    )
                })
            }
        }
    }

    /// true or false (text also accepts 1/0, yes/no, on/off).
    pub fn boolean(&self, key: &str, example: &str) -> Result<bool, Problem> {
        match self {
            Raw::Toml(DeValue::Boolean(b)) => Ok(*b),
            Raw::Toml(_) => Err(self.wrong_type(key, "true or false", example)),
            Raw::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(Problem::new(
                    format!("`{key}` must be true or false, found {}", quote(t)),
                    "write true or false (or 1/0, yes/no, on/off)",
                )),
            },
        }
    }

    /// A string (any text from the environment or the command line).
    pub fn string(&self, key: &str, example: &str) -> Result<String, Problem> {
        match self {
            Raw::Toml(DeValue::String(s)) => Ok(s.to_string()),
            Raw::Toml(_) => Err(self.wrong_type(key, "a string", example)),
            Raw::Text(t) => Ok(t.trim().to_string()),
        }
    }

    /// A list of strings: a TOML array of strings, or comma-separated text.
    pub fn strings(&self, key: &str, example: &str) -> Result<Vec<String>, Problem> {
        match self {
            Raw::Toml(DeValue::Array(items)) => items
                .iter()
                .map(|item| match item.get_ref() {
                    DeValue::String(s) => Ok(s.to_string()),
                    other => Err(Problem::new(
                        format!("`{key}` must hold strings, found {}", type_name(other)),
                        format!("write it as {example}"),
                    )),
                })
                .collect(),
            Raw::Toml(_) => Err(self.wrong_type(key, "an array of strings", example)),
            Raw::Text(t) => Ok(split_list(t)),
        }
    }

    /// A list of whole numbers: a TOML array of integers, or comma-separated text.
    pub fn unsigned_list(&self, key: &str, example: &str) -> Result<Vec<u64>, Problem> {
        let bad = |found: String| {
            Problem::new(
                format!("`{key}` must hold whole numbers 0 or above, found {found}"),
                format!("write it as {example}"),
            )
        };
        match self {
            Raw::Toml(DeValue::Array(items)) => items
                .iter()
                .map(|item| {
                    let v = item.get_ref();
                    toml_integer(v)
                        .and_then(|i| u64::try_from(i).ok())
                        .ok_or_else(|| bad(describe(v)))
                })
                .collect(),
            Raw::Toml(_) => Err(self.wrong_type(key, "an array of whole numbers", example)),
            Raw::Text(t) => split_list(t)
                .iter()
                .map(|p| p.parse::<u64>().map_err(|_| bad(quote(p))))
                .collect(),
        }
    }

    /// Two numbers START and END: a TOML array `[start, end]`, or text `START:END`.
    pub fn pair(&self, key: &str, example: &str) -> Result<(f64, f64), Problem> {
        let bad = || {
            Problem::new(
                format!("`{key}` must be two numbers, start and end"),
                format!("write it as {example}"),
            )
        };
        let (a, b) = match self {
            Raw::Toml(DeValue::Array(items)) if items.len() == 2 => {
                let a = toml_number(items[0].get_ref()).ok_or_else(bad)?;
                let b = toml_number(items[1].get_ref()).ok_or_else(bad)?;
                (a, b)
            }
            Raw::Toml(_) => return Err(bad()),
            // `-5:10` as the CLI's ranges, or `-5,10` as every other list in the environment
            // (and as the fix below, derived from the TOML example, spells it).
            Raw::Text(t) => {
                let (a, b) = t
                    .split_once(':')
                    .or_else(|| t.split_once(','))
                    .ok_or_else(bad)?;
                (
                    a.trim().parse::<f64>().map_err(|_| bad())?,
                    b.trim().parse::<f64>().map_err(|_| bad())?,
                )
            }
        };
        if a.is_finite() && b.is_finite() {
            Ok((a, b))
        } else {
            Err(bad())
        }
    }
}

/// Comma-separated items, trimmed; empty text is the empty list.
fn split_list(text: &str) -> Vec<String> {
    let t = text.trim();
    if t.is_empty() {
        return Vec::new();
    }
    t.split(',').map(|p| p.trim().to_string()).collect()
}

fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::String(s) => format!("\"{s}\""),
        other => type_name(other).to_string(),
    }
}
