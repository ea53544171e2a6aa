//! CSV data files: a header row, then rows of three numeric columns `x1, x2, target`.
//!
//! Every error names the file, the line and the column (1-based character position of the
//! field) and says how to fix it. Targets that are all 0/1 (or all −1/1, Playground's
//! convention, mapped to 0/1) make a classification task; anything else is regression.

use std::path::Path;

use super::error::EngineError;
use super::point::{Point, Task};
use crate::files::{self, Cap, FileError};
use crate::message::quote;

/// Rows beyond this are refused: the engine keeps everything in memory and trains interactively.
pub const MAX_ROWS: usize = 1_000_000;
/// Bytes beyond this are refused before parsing: [`MAX_ROWS`] rows of three numbers at full
/// precision take about 75 bytes each, so 128 leaves room for spaces and quotes.
pub const MAX_BYTES: u64 = 128 * MAX_ROWS as u64;
/// The read limit, as named in its message.
const CAP: Cap = Cap {
    bytes: MAX_BYTES,
    what: "a data file (1,000,000 rows of 128 bytes)",
};
/// Largest |x1| or |x2| accepted: x1², x2² and x1·x2 of larger inputs overflow to infinity.
/// Regression targets have the same limit, so that squared errors stay finite.
pub const MAX_ABS_INPUT: f64 = 1e150;

/// A loaded CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvData {
    /// The file name as given (used in messages and as the dataset's name).
    pub name: String,
    /// The header's column names: the two inputs and the target.
    pub columns: [String; 3],
    pub points: Vec<Point>,
    task: Task,
}

impl CsvData {
    /// Reads and validates a file.
    pub fn load(path: &Path) -> Result<CsvData, EngineError> {
        let name = path.display().to_string();
        let text = files::read_text(path, CAP).map_err(|e| match e {
            FileError::NotUtf8 { line } => csv_err(
                &name,
                line,
                0,
                "is not valid UTF-8 text; save the file as UTF-8 CSV",
            ),
            FileError::Read(e) => EngineError::Io {
                file: name.clone(),
                message: format!("cannot read the data file: {e}"),
            },
            e => EngineError::Io {
                file: name.clone(),
                message: e.to_string(),
            },
        })?;
        CsvData::parse(&name, &text)
    }

    /// Parses CSV text; `name` is used in error messages.
    pub fn parse(name: &str, text: &str) -> Result<CsvData, EngineError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((header_line, header)) = lines.next() else {
            return Err(csv_err(
                name,
                0,
                0,
                "is empty; expected a header row such as 'x1,x2,label' followed by data rows",
            ));
        };
        let cols: Vec<(usize, &str)> = fields(header);
        if cols.len() != 3 {
            return Err(csv_err(
                name,
                header_line,
                0,
                &format!(
                    "the header has {} column(s); expected 3: two inputs and the target last \
                     (e.g. 'x1,x2,label'){}",
                    cols.len(),
                    separator_hint(header)
                ),
            ));
        }
        if let Some((col, _)) = cols.iter().find(|(_, f)| f.parse::<f64>().is_ok()) {
            return Err(csv_err(
                name,
                header_line,
                *col,
                "the first row must be a header of column names, but it holds a number; \
                 add a header row such as 'x1,x2,label'",
            ));
        }
        let columns = [0, 1, 2].map(|i| cols[i].1.to_string());
        // Messages quote column names short; a header is the user's text like any field.
        let shown = columns.each_ref().map(|c| quote(c));
        let mut points = Vec::new();
        for (line_no, line) in lines {
            if points.len() == MAX_ROWS {
                return Err(csv_err(
                    name,
                    line_no,
                    0,
                    &format!("more than {MAX_ROWS} data rows; use a sample of at most {MAX_ROWS}"),
                ));
            }
            let fs = fields(line);
            if fs.len() != 3 {
                let col = fs.get(3).map(|f| f.0).unwrap_or(line.chars().count() + 1);
                return Err(csv_err(
                    name,
                    line_no,
                    col,
                    &format!(
                        "this row has {} field(s) but the header has 3{}",
                        fs.len(),
                        separator_hint(line)
                    ),
                ));
            }
            let mut v = [0.0; 3];
            for (k, &(col, field)) in fs.iter().enumerate() {
                let x: f64 = field.parse().map_err(|_| {
                    csv_err(
                        name,
                        line_no,
                        col,
                        &format!("{} in column {} is not a number", quote(field), shown[k]),
                    )
                })?;
                if !x.is_finite() {
                    return Err(csv_err(
                        name,
                        line_no,
                        col,
                        &format!(
                            "{} in column {} is not a finite number; remove or fix the row",
                            quote(field),
                            shown[k]
                        ),
                    ));
                }
                if x.abs() > MAX_ABS_INPUT {
                    let why = if k < 2 {
                        "inputs must be within ±1e150 (so that x1^2 and x1*x2 stay finite)"
                    } else {
                        "targets must be within ±1e150 (so that squared errors stay finite)"
                    };
                    return Err(csv_err(
                        name,
                        line_no,
                        col,
                        &format!(
                            "{} in column {} is too large; {why}",
                            quote(field),
                            shown[k]
                        ),
                    ));
                }
                v[k] = x;
            }
            points.push(Point {
                x1: v[0],
                x2: v[1],
                label: v[2],
            });
        }
        if points.is_empty() {
            return Err(csv_err(
                name,
                header_line,
                0,
                "has a header but no data rows; add rows of three numbers",
            ));
        }
        let task = if points.iter().all(|p| p.label == 0.0 || p.label == 1.0) {
            Task::Classification
        } else if points.iter().all(|p| p.label == -1.0 || p.label == 1.0) {
            for p in &mut points {
                p.label = if p.label > 0.0 { 1.0 } else { 0.0 };
            }
            Task::Classification
        } else {
            Task::Regression
        };
        Ok(CsvData {
            name: name.to_string(),
            columns,
            points,
            task,
        })
    }

    /// Classification when every target is 0 or 1 (after mapping −1/1), else regression.
    pub fn task(&self) -> Task {
        self.task
    }

    /// The range of x1 over the data, widened by 5% on each side (never empty).
    pub fn x1_range(&self) -> (f64, f64) {
        padded_range(self.points.iter().map(|p| p.x1))
    }

    /// The range of x2 over the data, widened by 5% on each side (never empty).
    pub fn x2_range(&self) -> (f64, f64) {
        padded_range(self.points.iter().map(|p| p.x2))
    }
}

fn padded_range(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(0.5);
    (lo - pad, hi + pad)
}

/// Splits a line at commas, trimming spaces and one pair of double quotes; returns each field
/// with its 1-based character column.
fn fields(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut col = 1;
    for (i, part) in line.split(',').enumerate() {
        if i > 0 {
            col += 1;
        }
        let lead = part.len() - part.trim_start().len();
        let mut f = part.trim();
        if f.len() >= 2 && f.starts_with('"') && f.ends_with('"') {
            f = &f[1..f.len() - 1];
        }
        out.push((col + part[..lead].chars().count(), f));
        col += part.chars().count();
    }
    out
}

/// A hint when a line looks separated by semicolons or tabs rather than commas.
fn separator_hint(line: &str) -> String {
    let commas = line.matches(',').count();
    for (sep, name) in [(';', "semicolons"), ('\t', "tabs")] {
        if line.matches(sep).count() >= 2 && commas < 2 {
            return format!(
                "; the line looks separated by {name}: reluscope reads comma-separated values, \
                 so replace each {} with a comma",
                if sep == ';' { "';'" } else { "tab" }
            );
        }
    }
    String::new()
}

fn csv_err(file: &str, line: usize, column: usize, message: &str) -> EngineError {
    EngineError::Csv {
        file: file.to_string(),
        line,
        column,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        CsvData::parse("d.csv", text).unwrap_err().to_string()
    }

    #[test]
    fn parses_and_detects_task() {
        let c = CsvData::parse("d.csv", "a,b,y\r\n1,2,0\n 3 , -4.5 ,1\n\n").unwrap();
        assert_eq!(c.points.len(), 2);
        assert_eq!(
            c.points[1],
            Point {
                x1: 3.0,
                x2: -4.5,
                label: 1.0
            }
        );
        assert_eq!(c.task(), Task::Classification);
        let c = CsvData::parse("d.csv", "a,b,y\n1,2,-1\n3,4,1\n").unwrap();
        assert_eq!(c.task(), Task::Classification);
        assert_eq!(c.points[0].label, 0.0);
        let c = CsvData::parse("d.csv", "a,b,y\n1,2,0.5\n").unwrap();
        assert_eq!(c.task(), Task::Regression);
    }

    #[test]
    fn errors_name_line_and_column() {
        assert!(err("").contains("d.csv: is empty"));
        assert!(err("a,b,y\n").contains("d.csv:1: has a header but no data rows"));
        assert!(err("a,b\n1,2\n").contains("d.csv:1: the header has 2 column(s)"));
        assert!(err("1,2,3\n").contains("d.csv:1:1: the first row must be a header"));
        let e = err("a,b,y\n1,2,0\n1,2\n");
        assert!(e.contains("d.csv:3:4: this row has 2 field(s)"), "{e}");
        let e = err("a,b,y\n1,2,0,9\n");
        assert!(e.contains("d.csv:2:7: this row has 4 field(s)"), "{e}");
        let e = err("a,b,y\n1, abc,0\n");
        assert!(
            e.contains("d.csv:2:4: 'abc' in column 'b' is not a number"),
            "{e}"
        );
        let e = err("a,b,y\n1,2,NaN\n");
        assert!(
            e.contains("d.csv:2:5: 'NaN' in column 'y' is not a finite number"),
            "{e}"
        );
        assert!(err("a,b,y\ninf,2,1\n").contains("d.csv:2:1:"));
    }

    #[test]
    fn inputs_too_large_for_the_features_are_refused() {
        let e = err("a,b,y\n1,2,0\n3,-2e150,1\n");
        assert!(
            e.contains("d.csv:3:3: '-2e150' in column 'b' is too large"),
            "{e}"
        );
        assert!(CsvData::parse("d.csv", "a,b,y\n1e150,-1e150,-1e150\n").is_ok());
    }

    /// A regression target of 1e308 made the test loss inf every epoch (its square
    /// overflows) without the run ever counting as diverged; it is refused at load instead.
    #[test]
    fn targets_whose_squares_overflow_are_refused() {
        let e = err("a,b,y\n1,2,0.5\n3,4,1e308\n");
        assert!(
            e.contains(
                "d.csv:3:5: '1e308' in column 'y' is too large; targets must be within ±1e150"
            ),
            "{e}"
        );
    }

    #[test]
    fn long_fields_and_headers_are_quoted_short() {
        let field = "z".repeat(1000);
        let e = err(&format!("a,b,y\n1,{field},0\n"));
        assert!(e.len() < 200, "{e}");
        assert!(
            e.contains(&format!("'{}…' (1000 characters)", "z".repeat(60))),
            "{e}"
        );
        let e = err(&format!("a,{field},y\n1,x,0\n"));
        assert!(e.len() < 250, "{e}");
    }

    #[test]
    fn semicolons_and_tabs_get_a_separator_hint() {
        let e = err("a;b;y\n1;2;0\n");
        assert!(e.contains("separated by semicolons"), "{e}");
        let e = err("a\tb\ty\n1\t2\t0\n");
        assert!(e.contains("separated by tabs"), "{e}");
        let e = err("a,b,y\n1;2;0\n");
        assert!(
            e.contains("d.csv:2:") && e.contains("separated by semicolons"),
            "{e}"
        );
        assert!(!err("a,b\n1,2\n").contains("separated"));
    }

    #[test]
    fn too_many_rows() {
        let mut s = String::from("a,b,y\n");
        for _ in 0..=MAX_ROWS {
            s.push_str("1,2,0\n");
        }
        let e = err(&s);
        assert!(
            e.contains("d.csv:1000002: more than 1000000 data rows"),
            "{e}"
        );
    }
}
