//! CSV data files: a header row of column names, then rows of 1 to 64 numeric inputs and a
//! target (the last column, or the one `--target` names).
//!
//! Records are read with the `csv` crate (quoting, a byte-order mark, CRLF, any one-byte
//! delimiter); every error names the file, the line and the column (1-based character position
//! of the field) and says how to fix it.
//!
//! The task is guessed from the target unless given: text, or whole numbers with 3 to 20
//! distinct values, make classes (text in sorted order, numbers in numeric order, so a class's
//! index is its place in that order); only 0/1 (or −1/1, Playground's convention) make a binary
//! task; anything else is regression.

use std::collections::BTreeMap;
use std::path::Path;

use super::error::{EngineError, suggestion};
use super::network::MAX_WIDTH;
use super::point::{MAX_CLASSES, Task};
use crate::files::{self, Cap, FileError};
use crate::message::quote;

/// Rows beyond this are refused: the engine keeps everything in memory and trains interactively.
pub const MAX_ROWS: usize = 1_000_000;
/// Bytes beyond this are refused before parsing: a million rows of three numbers at full
/// precision take about 75 bytes each; wide files get room for 64 inputs of 20 bytes.
pub const MAX_BYTES: u64 = 128 * MAX_ROWS as u64;
/// The read limit, as named in its message.
const CAP: Cap = Cap {
    bytes: MAX_BYTES,
    what: "a data file (1,000,000 rows of 128 bytes)",
};
/// Largest |input| accepted: x1², x2² and x1·x2 of larger inputs overflow to infinity.
/// Regression targets have the same limit, so that squared errors stay finite.
pub const MAX_ABS_INPUT: f64 = 1e150;

/// How to read a data file: which column is the target, the delimiter, and the task when the
/// guess should not decide it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// The target column's name; `None`: the last column.
    pub target: Option<String>,
    pub delimiter: u8,
    /// Classification (binary or multi-class, from the number of classes) or regression;
    /// `None`: guessed from the target.
    pub task: Option<TaskChoice>,
    /// Which columns are the inputs; `None`: every column but the target (which must exist).
    pub inputs: Option<InputSelection>,
}

/// The input columns a model reads from a file it did not train on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSelection {
    /// These columns by name, in this order (other columns are ignored).
    Named(Vec<String>),
    /// The first `n` columns (a plane model's x1 and x2).
    First(usize),
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            target: None,
            delimiter: b',',
            task: None,
            inputs: None,
        }
    }
}

/// What `--task` may ask for: the number of classes decides binary or multi-class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskChoice {
    Classification,
    Regression,
}

impl std::str::FromStr for TaskChoice {
    type Err = EngineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "classification" | "classify" | "class" => Ok(TaskChoice::Classification),
            "regression" | "regress" => Ok(TaskChoice::Regression),
            other => Err(EngineError::invalid(format!(
                "unknown task {}{}; valid: classification, regression",
                quote(s),
                suggestion(other, &["classification", "regression"])
            ))),
        }
    }
}

/// A loaded data file.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvData {
    /// The file name as given (used in messages and as the dataset's name).
    pub name: String,
    /// The input columns' names, in file order.
    pub inputs: Vec<String>,
    /// The target column's name.
    pub target: String,
    /// The inputs, row-major: `x[r * inputs.len() + j]`.
    pub x: Vec<f64>,
    /// The targets: a class index for classification, the value for regression.
    pub y: Vec<f64>,
    /// The class names in index order (empty for regression).
    pub classes: Vec<String>,
    task: Task,
    /// Whether the task was guessed from the target (not given with `--task`).
    pub guessed: bool,
    /// The delimiter the file was read with (its test file is read with it too).
    pub delimiter: u8,
}

/// A target field, kept until the task is known.
enum Target {
    Number(f64),
    Text(String),
}

/// Where a field was, for a message after the pass over the rows.
#[derive(Clone)]
struct At {
    line: usize,
    column: usize,
    field: String,
}

impl CsvData {
    /// Reads and validates a file with the default options.
    pub fn load(path: &Path) -> Result<CsvData, EngineError> {
        CsvData::load_with(path, &CsvOptions::default())
    }

    /// Reads and validates a file.
    pub fn load_with(path: &Path, options: &CsvOptions) -> Result<CsvData, EngineError> {
        let name = path.display().to_string();
        let text = read(path, &name)?;
        CsvData::parse_with(&name, &text, options)
    }

    /// Reads a test file for `train`'s columns: the same header, classes among the training
    /// file's (the same index for the same class), the same task.
    pub fn load_test(path: &Path, train: &CsvData) -> Result<CsvData, EngineError> {
        let name = path.display().to_string();
        let text = read(path, &name)?;
        CsvData::parse_test(&name, &text, train)
    }

    /// Parses CSV text with the default options; `name` is used in error messages.
    pub fn parse(name: &str, text: &str) -> Result<CsvData, EngineError> {
        CsvData::parse_with(name, text, &CsvOptions::default())
    }

    /// Parses CSV text; `name` is used in error messages.
    pub fn parse_with(
        name: &str,
        text: &str,
        options: &CsvOptions,
    ) -> Result<CsvData, EngineError> {
        let table = Table::read(name, text, options)?;
        let task = table.decide_task(options.task)?;
        table.finish(task, options.task.is_none(), None)
    }

    /// Parses a test file's text for `train`'s columns (see [`CsvData::load_test`]).
    pub fn parse_test(name: &str, text: &str, train: &CsvData) -> Result<CsvData, EngineError> {
        let options = CsvOptions {
            target: Some(train.target.clone()),
            delimiter: train.delimiter,
            task: None,
            inputs: None,
        };
        let table = Table::read(name, text, &options)?;
        if table.inputs != train.inputs {
            let shown = |v: &[String]| v.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
            return Err(csv_err(
                name,
                table.header_line,
                0,
                &format!(
                    "the test file's inputs ({}) differ from the training file's ({}); use a \
                     test file with the same columns",
                    shown(&table.inputs),
                    shown(&train.inputs)
                ),
            ));
        }
        table.finish(
            train.task,
            train.guessed,
            Some((&train.classes, "the training file")),
        )
    }

    /// Reads a file for a trained model: the inputs `options.inputs` selects, and the target
    /// (`options.target`, or the one column left over) if there is one, interpreted for
    /// `task` with the model's `classes`. Without a target, `y` is empty.
    pub fn load_for_model(
        path: &Path,
        options: &CsvOptions,
        task: Task,
        classes: &[String],
    ) -> Result<CsvData, EngineError> {
        let name = path.display().to_string();
        let text = read(path, &name)?;
        CsvData::parse_for_model(&name, &text, options, task, classes)
    }

    /// [`CsvData::load_for_model`] on text.
    pub fn parse_for_model(
        name: &str,
        text: &str,
        options: &CsvOptions,
        task: Task,
        classes: &[String],
    ) -> Result<CsvData, EngineError> {
        let table = Table::read(name, text, options)?;
        if !table.has_target {
            return Ok(CsvData {
                name: name.to_string(),
                inputs: table.inputs,
                target: String::new(),
                x: table.x,
                y: Vec::new(),
                classes: classes.to_vec(),
                task,
                guessed: false,
                delimiter: table.delimiter,
            });
        }
        let binary_default = || -> Vec<String> {
            let minus = table
                .targets
                .iter()
                .all(|t| matches!(t, Target::Number(v) if *v == -1.0 || *v == 1.0));
            if minus {
                vec!["-1".into(), "1".into()]
            } else {
                vec!["0".into(), "1".into()]
            }
        };
        let known: Vec<String> = match (task, classes.is_empty()) {
            (Task::Regression, _) => Vec::new(),
            (_, false) => classes.to_vec(),
            (Task::Classification, true) => binary_default(),
            (Task::MultiClass, true) => Vec::new(),
        };
        let given = (!known.is_empty()).then_some((known.as_slice(), "the model"));
        table.finish(task, false, given)
    }

    /// Whether the file had a target column (always, except for [`CsvData::load_for_model`]).
    pub fn has_targets(&self) -> bool {
        !self.y.is_empty()
    }

    /// The task of the targets.
    pub fn task(&self) -> Task {
        self.task
    }

    /// Rows of data.
    pub fn rows(&self) -> usize {
        self.y.len()
    }

    /// One line saying what the task is and where it came from, e.g. "multi-class
    /// classification: 3 classes of 'species' (setosa, versicolor, virginica), guessed from the
    /// target; --task regression overrides".
    pub fn task_summary(&self) -> String {
        let what = match self.task {
            Task::Regression => format!("regression on {}", quote(&self.target)),
            _ => format!(
                "{}: {} classes of {} ({})",
                self.task.name(),
                self.classes.len(),
                quote(&self.target),
                crate::message::excerpt(&self.classes.join(", "), 120)
            ),
        };
        if self.guessed {
            let other = match self.task {
                Task::Regression => "classification",
                _ => "regression",
            };
            format!("{what}, guessed from the target; --task {other} overrides")
        } else {
            format!("{what}, as --task says")
        }
    }

    /// The range of input `j` over the data, widened by 5% on each side (never empty; -1..1
    /// for a missing input).
    pub fn input_range(&self, j: usize) -> (f64, f64) {
        let d = self.inputs.len();
        if j >= d {
            return (-1.0, 1.0);
        }
        padded_range(self.x.iter().skip(j).step_by(d).copied())
    }

    /// The range of the first input (see [`CsvData::input_range`]).
    pub fn x1_range(&self) -> (f64, f64) {
        self.input_range(0)
    }

    /// The range of the second input (see [`CsvData::input_range`]).
    pub fn x2_range(&self) -> (f64, f64) {
        self.input_range(1)
    }
}

fn read(path: &Path, name: &str) -> Result<String, EngineError> {
    files::read_text(path, CAP).map_err(|e| match e {
        FileError::NotUtf8 { line } => csv_err(
            name,
            line,
            0,
            "is not valid UTF-8 text; save the file as UTF-8 CSV",
        ),
        FileError::Read(e) => EngineError::Io {
            file: name.to_string(),
            message: format!("cannot read the data file: {e}"),
        },
        e => EngineError::Io {
            file: name.to_string(),
            message: e.to_string(),
        },
    })
}

/// The rows read, with the targets not yet interpreted.
struct Table {
    name: String,
    header_line: usize,
    inputs: Vec<String>,
    target: String,
    /// Whether a target column was found (always, unless the inputs were selected).
    has_target: bool,
    /// Data rows read.
    rows: usize,
    x: Vec<f64>,
    targets: Vec<Target>,
    /// The first target that is not a number, and the first numeric one too large for a
    /// regression target.
    first_text: Option<At>,
    first_huge: Option<At>,
    /// Where each distinct target first occurs, for class messages: at most
    /// `MAX_CLASSES + 1` of them, enough to tell that there are too many.
    first_of: BTreeMap<ClassKey, At>,
    delimiter: u8,
}

/// Which columns are inputs and which is the target, with every column's quoted name.
struct Columns {
    input_at: Vec<usize>,
    target_at: Option<usize>,
    shown: Vec<String>,
    /// Fields in the header (every row must have as many).
    width: usize,
}

/// The line number and text of a record's position.
fn line_of(text: &str, pos: Option<&csv::Position>) -> (usize, String) {
    let Some(p) = pos else {
        return (0, String::new());
    };
    let mut start = (p.byte() as usize).min(text.len());
    let mut line_no = p.line() as usize;
    // After a CRLF line the reader's position is at its '\n' and still on that line: the
    // record starts one byte and one line later.
    if start > 0 && text[start..].starts_with('\n') && text[..start].ends_with('\r') {
        start += 1;
        line_no += 1;
    }
    let rest = &text[start..];
    let line = rest.split('\n').next().unwrap_or("");
    (line_no, line.strip_suffix('\r').unwrap_or(line).into())
}

/// The header's column names (`column k` for an empty one), after checking its width, that it
/// is not a data row, and that no name appears twice.
fn header_names(
    name: &str,
    header: &csv::StringRecord,
    header_line: usize,
    header_text: &str,
    options: &CsvOptions,
) -> Result<Vec<String>, EngineError> {
    let delim = options.delimiter;
    if header.len() < 2 && options.inputs.is_none() {
        return Err(csv_err(
            name,
            header_line,
            0,
            &format!(
                "the header has {} column(s); expected at least 2: the inputs and the target \
                 (e.g. 'x1,x2,label'){}",
                header.len(),
                separator_hint(header_text, delim)
            ),
        ));
    }
    if header.len() - 1 > MAX_WIDTH {
        return Err(csv_err(
            name,
            header_line,
            0,
            &format!(
                "the header has {} columns, {} inputs besides the target; use at most \
                 {MAX_WIDTH} inputs (drop columns, or reduce them first, e.g. with PCA)",
                header.len(),
                header.len() - 1
            ),
        ));
    }
    if let Some(k) = header.iter().position(|f| f.parse::<f64>().is_ok()) {
        return Err(csv_err(
            name,
            header_line,
            field_column(header_text, k, delim),
            "the first row must be a header of column names, but it holds a number; \
             add a header row such as 'x1,x2,label'",
        ));
    }
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(k, f)| {
            if f.is_empty() {
                format!("column {}", k + 1)
            } else {
                f.to_string()
            }
        })
        .collect();
    for (k, n) in names.iter().enumerate() {
        if let Some(first) = names[..k].iter().position(|m| m == n) {
            return Err(csv_err(
                name,
                header_line,
                field_column(header_text, k, delim),
                &format!(
                    "column {} appears twice in the header (columns {} and {}); give every \
                     column its own name",
                    quote(n),
                    first + 1,
                    k + 1
                ),
            ));
        }
    }
    Ok(names)
}

/// The input columns and the target column, as the options choose or by default (the last
/// column is the target).
fn select_columns(
    name: &str,
    names: &[String],
    header_line: usize,
    options: &CsvOptions,
) -> Result<(Vec<usize>, Option<usize>), EngineError> {
    let find = |t: &str, what: &str| -> Result<usize, EngineError> {
        names
            .iter()
            .position(|n| n == t)
            .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(t)))
            .ok_or_else(|| {
                let valid: Vec<&str> = names.iter().map(String::as_str).collect();
                csv_err(
                    name,
                    header_line,
                    0,
                    &format!(
                        "{what} {}: no such column{}; the columns are {}",
                        quote(t),
                        suggestion(t, &valid),
                        crate::message::excerpt(&valid.join(", "), 200)
                    ),
                )
            })
    };
    let given_target = options
        .target
        .as_deref()
        .map(|t| find(t, "--target"))
        .transpose()?;
    let chosen = match &options.inputs {
        None => {
            let t = given_target.unwrap_or(names.len() - 1);
            ((0..names.len()).filter(|&k| k != t).collect(), Some(t))
        }
        Some(InputSelection::Named(wanted)) => {
            let at = wanted
                .iter()
                .map(|w| find(w, "the model reads column"))
                .collect::<Result<Vec<_>, _>>()?;
            let rest: Vec<usize> = (0..names.len()).filter(|k| !at.contains(k)).collect();
            let t = given_target.or(if rest.len() == 1 { Some(rest[0]) } else { None });
            if t.is_some_and(|t| at.contains(&t)) {
                return Err(csv_err(
                    name,
                    header_line,
                    0,
                    "--target names one of the model's input columns; name the target column",
                ));
            }
            (at, t)
        }
        Some(InputSelection::First(n)) => {
            let at: Vec<usize> = (0..names.len())
                .filter(|&k| Some(k) != given_target)
                .take(*n)
                .collect();
            if at.len() < *n {
                return Err(csv_err(
                    name,
                    header_line,
                    0,
                    &format!(
                        "has {} input column(s); the model reads {n} (x1, x2: the first \
                         columns)",
                        at.len()
                    ),
                ));
            }
            let t = given_target.or((names.len() == n + 1).then_some(*n));
            (at, t)
        }
    };
    Ok(chosen)
}

/// One input field (in column `shown` at `line_no`:`column`) as a finite number within range.
fn read_input(
    name: &str,
    field: &str,
    line_no: usize,
    column: usize,
    shown: &str,
) -> Result<f64, EngineError> {
    let number = field.parse::<f64>();
    let x = number.map_err(|_| {
        csv_err(
            name,
            line_no,
            column,
            &format!("{} in column {} is not a number", quote(field), shown),
        )
    })?;
    if !x.is_finite() {
        return Err(csv_err(
            name,
            line_no,
            column,
            &format!(
                "{} in column {} is not a finite number; remove or fix the row",
                quote(field),
                shown
            ),
        ));
    }
    if x.abs() > MAX_ABS_INPUT {
        return Err(csv_err(
            name,
            line_no,
            column,
            &format!(
                "{} in column {} is too large; inputs must be within ±1e150 (so \
                 that x1^2 and x1*x2 stay finite)",
                quote(field),
                shown
            ),
        ));
    }
    Ok(x)
}

impl Table {
    fn read(name: &str, text: &str, options: &CsvOptions) -> Result<Table, EngineError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let delim = options.delimiter;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut records = reader.records().filter(|r| match r {
            // A line of spaces is one empty field: skip it like an empty line.
            Ok(rec) => !(rec.len() == 1 && rec[0].is_empty()),
            Err(_) => true,
        });
        let header = match records.next() {
            None => {
                return Err(csv_err(
                    name,
                    0,
                    0,
                    "is empty; expected a header row such as 'x1,x2,label' followed by data rows",
                ));
            }
            Some(r) => r.map_err(|e| record_err(name, &e))?,
        };
        let (header_line, header_text) = line_of(text, header.position());
        let names = header_names(name, &header, header_line, &header_text, options)?;
        let (input_at, target_at) = select_columns(name, &names, header_line, options)?;
        let mut table = Table {
            name: name.to_string(),
            header_line,
            inputs: input_at.iter().map(|&k| names[k].clone()).collect(),
            target: target_at.map(|t| names[t].clone()).unwrap_or_default(),
            has_target: target_at.is_some(),
            rows: 0,
            x: Vec::new(),
            targets: Vec::new(),
            first_text: None,
            first_huge: None,
            first_of: BTreeMap::new(),
            delimiter: delim,
        };
        let columns = Columns {
            shown: names.iter().map(|c| quote(c)).collect(),
            width: names.len(),
            input_at,
            target_at,
        };
        let mut row = vec![0.0; columns.input_at.len()];
        for record in records {
            let record = record.map_err(|e| record_err(name, &e))?;
            let (line_no, line) = line_of(text, record.position());
            if table.rows == MAX_ROWS {
                return Err(csv_err(
                    name,
                    line_no,
                    0,
                    &format!("more than {MAX_ROWS} data rows; use a sample of at most {MAX_ROWS}"),
                ));
            }
            table.read_row(&record, line_no, &line, &columns, &mut row)?;
        }
        if table.rows == 0 {
            let d = columns.input_at.len();
            return Err(csv_err(
                name,
                header_line,
                0,
                &format!(
                    "has a header but no data rows; add rows of {} numbers",
                    if d == 2 {
                        "three".to_string()
                    } else {
                        (d + 1).to_string()
                    }
                ),
            ));
        }
        Ok(table)
    }

    /// Reads one data row (at `line_no`, text `line`): its inputs into `row`, then onto the
    /// table's inputs, and its target.
    fn read_row(
        &mut self,
        record: &csv::StringRecord,
        line_no: usize,
        line: &str,
        columns: &Columns,
        row: &mut [f64],
    ) -> Result<(), EngineError> {
        let delim = self.delimiter;
        let Columns {
            input_at,
            target_at,
            shown,
            width,
        } = columns;
        let (target_at, width) = (*target_at, *width);
        if record.len() != width {
            return Err(csv_err(
                &self.name,
                line_no,
                field_column(line, width, delim),
                &format!(
                    "this row has {} field(s) but the header has {width}{}",
                    record.len(),
                    separator_hint(line, delim)
                ),
            ));
        }
        self.rows += 1;
        for (k, field) in record.iter().enumerate() {
            let column = || field_column(line, k, delim);
            let Some(j) = input_at.iter().position(|&i| i == k) else {
                if Some(k) != target_at {
                    continue;
                }
                self.read_target(field, k, line_no, column(), shown)?;
                continue;
            };
            row[j] = read_input(&self.name, field, line_no, column(), &shown[k])?;
        }
        self.x.extend_from_slice(row);
        Ok(())
    }

    /// Reads one target field (column `k` at `line`:`column`), keeping what the task decision
    /// and its messages need.
    fn read_target(
        &mut self,
        field: &str,
        k: usize,
        line: usize,
        column: usize,
        shown: &[String],
    ) -> Result<(), EngineError> {
        let at = || At {
            line,
            column,
            field: field.to_string(),
        };
        let number = field.parse::<f64>();
        let key = match number {
            Ok(v) if v.is_finite() => ClassKey::Number(v + 0.0),
            _ => ClassKey::Text(field.to_string()),
        };
        if self.first_of.len() <= MAX_CLASSES && !self.first_of.contains_key(&key) {
            self.first_of.insert(key, at());
        }
        match number {
            Ok(v) if v.is_finite() => {
                if v.abs() > MAX_ABS_INPUT && self.first_huge.is_none() {
                    self.first_huge = Some(at());
                }
                self.targets.push(Target::Number(v));
            }
            Ok(_) => {
                return Err(csv_err(
                    &self.name,
                    line,
                    column,
                    &format!(
                        "{} in column {} is not a finite number; remove or fix the row",
                        quote(field),
                        shown[k]
                    ),
                ));
            }
            Err(_) => {
                if field.is_empty() {
                    return Err(csv_err(
                        &self.name,
                        line,
                        column,
                        &format!(
                            "the target column {} is empty in this row; fill it in or remove \
                             the row",
                            shown[k]
                        ),
                    ));
                }
                if self.first_text.is_none() {
                    self.first_text = Some(at());
                }
                self.targets.push(Target::Text(field.to_string()));
            }
        }
        Ok(())
    }

    /// The task the targets make, as given or guessed.
    fn decide_task(&self, choice: Option<TaskChoice>) -> Result<Task, EngineError> {
        let numbers = || {
            self.targets.iter().map(|t| match t {
                Target::Number(v) => *v,
                Target::Text(_) => f64::NAN,
            })
        };
        match choice {
            Some(TaskChoice::Regression) => match &self.first_text {
                Some(at) => Err(csv_err(
                    &self.name,
                    at.line,
                    at.column,
                    &format!(
                        "{} in target column {} is not a number, but --task regression needs \
                         numeric targets; fix the row, or use --task classification",
                        quote(&at.field),
                        quote(&self.target)
                    ),
                )),
                None => Ok(Task::Regression),
            },
            Some(TaskChoice::Classification) => Ok(if self.distinct() <= 2 {
                Task::Classification
            } else {
                Task::MultiClass
            }),
            None => {
                if self.first_text.is_some() {
                    return Ok(if self.distinct() <= 2 {
                        Task::Classification
                    } else {
                        Task::MultiClass
                    });
                }
                if numbers().all(|v| v == 0.0 || v == 1.0)
                    || numbers().all(|v| v == -1.0 || v == 1.0)
                {
                    return Ok(Task::Classification);
                }
                let whole = numbers().all(|v| v.fract() == 0.0 && v.abs() < 1e15);
                let k = self.distinct();
                Ok(if whole && (3..=MAX_CLASSES).contains(&k) {
                    Task::MultiClass
                } else {
                    Task::Regression
                })
            }
        }
    }

    /// Distinct target values (by value for numbers, so `1` and `1.0` are one class),
    /// counted up to `MAX_CLASSES + 1`.
    fn distinct(&self) -> usize {
        self.first_of.len()
    }

    /// Interprets the targets for `task`; `classes` are the known classes and where they come
    /// from ("the training file" for its test file, "the model" for `predict`).
    fn finish(
        self,
        task: Task,
        guessed: bool,
        known: Option<(&[String], &str)>,
    ) -> Result<CsvData, EngineError> {
        let (classes, source) = match known {
            Some((c, source)) => (Some(c), source),
            None => (None, "the training file"),
        };
        let name = self.name.clone();
        if task == Task::Regression {
            if let Some(at) = &self.first_text {
                return Err(csv_err(
                    &name,
                    at.line,
                    at.column,
                    &format!(
                        "{} in target column {} is not a number, but the training file's task \
                         is regression; fix the row",
                        quote(&at.field),
                        quote(&self.target)
                    ),
                ));
            }
            if let Some(at) = &self.first_huge {
                return Err(csv_err(
                    &name,
                    at.line,
                    at.column,
                    &format!(
                        "{} in column {} is too large; targets must be within ±1e150 (so that \
                         squared errors stay finite)",
                        quote(&at.field),
                        quote(&self.target)
                    ),
                ));
            }
            let y = self
                .targets
                .iter()
                .map(|t| match t {
                    Target::Number(v) => *v,
                    Target::Text(_) => unreachable!("checked above"),
                })
                .collect();
            return Ok(CsvData {
                name,
                inputs: self.inputs,
                target: self.target,
                x: self.x,
                y,
                classes: Vec::new(),
                task,
                guessed,
                delimiter: self.delimiter,
            });
        }
        let keys: Vec<ClassKey> = self.first_of.keys().cloned().collect();
        let names: Vec<String> = match classes {
            Some(c) => c.to_vec(),
            None => {
                if keys.len() > MAX_CLASSES {
                    return Err(csv_err(
                        &name,
                        self.header_line,
                        0,
                        &format!(
                            "the target column {} has more than {MAX_CLASSES} distinct values; \
                             classification takes 2 to {MAX_CLASSES} classes (use --task \
                             regression for a numeric target)",
                            quote(&self.target)
                        ),
                    ));
                }
                if keys.len() < 2 {
                    let only = keys.first().map(ClassKey::text).unwrap_or_default();
                    return Err(csv_err(
                        &name,
                        self.header_line,
                        0,
                        &format!(
                            "the target column {} has one class only ({}); classification needs \
                             rows of at least two classes",
                            quote(&self.target),
                            quote(&only)
                        ),
                    ));
                }
                keys.iter().map(ClassKey::text).collect()
            }
        };
        // For a test file: each class's index is the training file's.
        let index = |t: &Target| -> Option<usize> {
            let k = ClassKey::of(t);
            match classes {
                None => keys.iter().position(|c| *c == k),
                Some(c) => c.iter().position(|n| ClassKey::parse(n) == k),
            }
        };
        let mut y = Vec::with_capacity(self.targets.len());
        for t in &self.targets {
            match index(t) {
                Some(i) => y.push(i as f64),
                None => {
                    let key = ClassKey::of(t);
                    let text = key.text();
                    let at = self.first_of.get(&key).cloned();
                    let (line, column) = at.map_or((0, 0), |a| (a.line, a.column));
                    return Err(csv_err(
                        &name,
                        line,
                        column,
                        &format!(
                            "class {} does not occur in {source} (its classes: {}); remove the \
                             row or train on data that has it",
                            quote(&text),
                            crate::message::excerpt(&names.join(", "), 120)
                        ),
                    ));
                }
            }
        }
        let task = if classes.is_some() {
            task
        } else if names.len() == 2 {
            Task::Classification
        } else {
            Task::MultiClass
        };
        Ok(CsvData {
            name,
            inputs: self.inputs,
            target: self.target,
            x: self.x,
            y,
            classes: names,
            task,
            guessed,
            delimiter: self.delimiter,
        })
    }
}

/// A class, ordered as the index order: numbers by value before text, text by its bytes.
#[derive(Debug, Clone, PartialEq)]
enum ClassKey {
    Number(f64),
    Text(String),
}

impl Eq for ClassKey {}

impl PartialOrd for ClassKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ClassKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (self, other) {
            (ClassKey::Number(a), ClassKey::Number(b)) => a.total_cmp(b),
            (ClassKey::Number(_), ClassKey::Text(_)) => Ordering::Less,
            (ClassKey::Text(_), ClassKey::Number(_)) => Ordering::Greater,
            (ClassKey::Text(a), ClassKey::Text(b)) => a.cmp(b),
        }
    }
}

impl ClassKey {
    fn of(t: &Target) -> ClassKey {
        match t {
            // -0 and 0 are one class.
            Target::Number(v) => ClassKey::Number(*v + 0.0),
            Target::Text(s) => ClassKey::Text(s.clone()),
        }
    }

    fn parse(text: &str) -> ClassKey {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => ClassKey::Number(v + 0.0),
            _ => ClassKey::Text(text.to_string()),
        }
    }

    /// The class's name: the number in its shortest form, or the text.
    fn text(&self) -> String {
        match self {
            ClassKey::Number(v) => crate::message::number(*v),
            ClassKey::Text(s) => s.clone(),
        }
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

/// The 1-based character column where field `k` of `line` starts (after its leading spaces),
/// or one past the line's end when it has fewer fields. The `csv` crate gives a record's
/// position, not its fields'; this walks the line the same way (delimiters inside double
/// quotes do not count).
fn field_column(line: &str, k: usize, delim: u8) -> usize {
    let delim = char::from(delim);
    let mut field = 0;
    let mut quoted = false;
    let mut at_start = true;
    for (col, c) in line.chars().enumerate() {
        if field == k && at_start && c != ' ' && c != '\t' {
            return col + 1;
        }
        if field == k && at_start && c == delim {
            return col + 1;
        }
        match c {
            '"' => quoted = !quoted,
            c if c == delim && !quoted => {
                field += 1;
                at_start = true;
                continue;
            }
            _ => {}
        }
        if c != ' ' && c != '\t' {
            at_start = false;
        }
    }
    line.chars().count() + 1
}

/// A hint when a line looks separated by something other than the delimiter in use.
fn separator_hint(line: &str, delim: u8) -> String {
    let used = line.matches(char::from(delim)).count();
    for (sep, name, flag) in [
        (';', "semicolons", "';'"),
        ('\t', "tabs", "tab"),
        (',', "commas", "','"),
    ] {
        if sep as u32 == u32::from(delim) {
            continue;
        }
        if line.matches(sep).count() >= 2 && used < 2 {
            return format!(
                "; the line looks separated by {name}: use --delimiter {flag}, or replace each \
                 {flag} with a {}",
                delimiter_name(delim)
            );
        }
    }
    String::new()
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "'|'",
        _ => "delimiter",
    }
}

/// A record the `csv` crate could not read (it reads from memory, so only malformed input).
fn record_err(name: &str, e: &csv::Error) -> EngineError {
    let line = e.position().map_or(0, |p| p.line() as usize);
    csv_err(name, line, 0, &format!("cannot read this row: {e}"))
}

fn csv_err(file: &str, line: usize, column: usize, message: &str) -> EngineError {
    EngineError::Csv {
        file: file.to_string(),
        line,
        column,
        message: message.to_string(),
    }
}

/// Parses a `--delimiter` value: one character (`;`, `|`), or `tab`, `\t`, `comma`,
/// `semicolon`, `space`.
pub fn parse_delimiter(s: &str) -> Result<u8, EngineError> {
    let d = match s {
        "tab" | "\\t" | "\t" => b'\t',
        "comma" => b',',
        "semicolon" => b';',
        "space" | " " => b' ',
        "pipe" => b'|',
        other if other.len() == 1 && other.is_ascii() && other != "\"" => other.as_bytes()[0],
        _ => {
            return Err(EngineError::invalid(format!(
                "--delimiter {}: use one ASCII character such as ';' or '|', or tab, space, \
                 comma, semicolon",
                quote(s)
            )));
        }
    };
    if d == b'\n' || d == b'\r' || d == b'"' {
        return Err(EngineError::invalid(
            "--delimiter: a line break or a double quote cannot separate fields",
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        CsvData::parse("d.csv", text).unwrap_err().to_string()
    }

    fn with(text: &str, options: CsvOptions) -> Result<CsvData, String> {
        CsvData::parse_with("d.csv", text, &options).map_err(|e| e.to_string())
    }

    #[test]
    fn parses_and_detects_task() {
        let c = CsvData::parse("d.csv", "a,b,y\r\n1,2,0\n 3 , -4.5 ,1\n\n").unwrap();
        assert_eq!(c.rows(), 2);
        assert_eq!(c.x, vec![1.0, 2.0, 3.0, -4.5]);
        assert_eq!(c.y, vec![0.0, 1.0]);
        assert_eq!(c.task(), Task::Classification);
        let c = CsvData::parse("d.csv", "a,b,y\n1,2,-1\n3,4,1\n").unwrap();
        assert_eq!(c.task(), Task::Classification);
        assert_eq!(c.y, vec![0.0, 1.0]);
        let c = CsvData::parse("d.csv", "a,b,y\n1,2,0.5\n3,4,1\n").unwrap();
        assert_eq!(c.task(), Task::Regression);
    }

    #[test]
    fn any_number_of_inputs_and_a_named_target() {
        let c = CsvData::parse("d.csv", "y,a,b,c\n1,2,3,4\n0,5,6,7\n").unwrap();
        assert_eq!(c.inputs, ["y", "a", "b"]);
        assert_eq!(c.target, "c");
        let opts = CsvOptions {
            target: Some("Y".into()),
            ..CsvOptions::default()
        };
        let c = with("y,a,b,c\n1,2,3,4\n0,5,6,7\n", opts).unwrap();
        assert_eq!(
            (c.inputs.clone(), c.target.clone()),
            (vec!["a".into(), "b".into(), "c".into()], "y".into())
        );
        assert_eq!(c.x, vec![2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        assert_eq!(c.y, vec![1.0, 0.0]);
        let opts = CsvOptions {
            target: Some("lable".into()),
            ..CsvOptions::default()
        };
        let e = with("x,label\n1,0\n2,1\n", opts).unwrap_err();
        assert!(e.contains("no such column (did you mean 'label'?)"), "{e}");
        let c = CsvData::parse("d.csv", "x,y\n1,0\n2,1\n").unwrap();
        assert_eq!(c.inputs, ["x"]);
    }

    #[test]
    fn classes_from_text_and_whole_numbers() {
        let c = CsvData::parse(
            "d.csv",
            "a,s\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n",
        )
        .unwrap();
        assert_eq!(c.task(), Task::MultiClass);
        assert_eq!(c.classes, ["setosa", "versicolor", "virginica"]);
        assert_eq!(c.y, vec![2.0, 0.0, 1.0, 0.0]);
        assert!(c.guessed);
        assert!(
            c.task_summary().contains("3 classes of 's'"),
            "{}",
            c.task_summary()
        );
        // Numbers in numeric order, not text order: 10 after 9.
        let rows: String = (0..12).map(|i| format!("{i},{}\n", (i * 7) % 11)).collect();
        let c = CsvData::parse("d.csv", &format!("a,k\n{rows}")).unwrap();
        assert_eq!(c.task(), Task::MultiClass);
        assert_eq!(c.classes.len(), 11);
        assert_eq!(c.classes[9..], ["9".to_string(), "10".to_string()]);
        assert_eq!(c.y[2], 3.0);
        // Two text classes make a binary task.
        let c = CsvData::parse("d.csv", "a,d\n1,M\n2,B\n").unwrap();
        assert_eq!(
            (c.task(), c.y.clone()),
            (Task::Classification, vec![1.0, 0.0])
        );
        // Fractions are regression; so are 21 whole values.
        let rows: String = (0..21).map(|i| format!("{i},{i}\n")).collect();
        assert_eq!(
            CsvData::parse("d.csv", &format!("a,k\n{rows}"))
                .unwrap()
                .task(),
            Task::Regression
        );
    }

    #[test]
    fn the_task_can_be_given() {
        let reg = CsvOptions {
            task: Some(TaskChoice::Regression),
            ..CsvOptions::default()
        };
        let c = with("a,y\n1,0\n2,1\n", reg.clone()).unwrap();
        assert_eq!(c.task(), Task::Regression);
        assert!(!c.guessed);
        let e = with("a,y\n1,0\n2,cat\n", reg).unwrap_err();
        assert!(
            e.contains("d.csv:3:3: 'cat' in target column 'y' is not a number"),
            "{e}"
        );
        let cls = CsvOptions {
            task: Some(TaskChoice::Classification),
            ..CsvOptions::default()
        };
        let c = with("a,y\n1,2\n2,5\n3,2\n", cls.clone()).unwrap();
        assert_eq!(
            (c.task(), c.classes.clone()),
            (Task::Classification, vec!["2".into(), "5".into()])
        );
        let rows: String = (0..21).map(|i| format!("{i},{i}\n")).collect();
        let e = with(&format!("a,k\n{rows}"), cls.clone()).unwrap_err();
        assert!(e.contains("more than 20 distinct values"), "{e}");
        let e = with("a,y\n1,2\n2,2\n", cls).unwrap_err();
        assert!(
            e.contains("d.csv:1: the target column 'y' has one class only ('2')"),
            "{e}"
        );
        let e = err("a,y\n1,b\n2,b\n");
        assert!(e.contains("has one class only ('b')"), "{e}");
    }

    #[test]
    fn quoting_delimiters_and_a_bom() {
        let c = CsvData::parse("d.csv", "\u{feff}\"a, b\",\"y\"\n\"1.5\",\"x, y\"\n2,z\n").unwrap();
        assert_eq!(c.inputs, ["a, b"]);
        assert_eq!(c.classes, ["x, y", "z"]);
        let semi = CsvOptions {
            delimiter: b';',
            ..CsvOptions::default()
        };
        let c = with("a;b;y\n1,5;2;0\n", semi.clone());
        assert!(
            c.unwrap_err()
                .contains("'1,5' in column 'a' is not a number")
        );
        let c = with("a;b;y\n1;2;0\n3;4;1\n", semi).unwrap();
        assert_eq!(c.x, vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(parse_delimiter("tab").unwrap(), b'\t');
        assert!(parse_delimiter("ab").is_err());
        assert!(parse_delimiter("\"").is_err());
    }

    #[test]
    fn errors_name_line_and_column() {
        assert!(err("").contains("d.csv: is empty"));
        assert!(err("a,b,y\n").contains("d.csv:1: has a header but no data rows"));
        assert!(err("a\n1\n").contains("d.csv:1: the header has 1 column(s)"));
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
        let e = err("a,b,a\n1,2,0\n");
        assert!(e.contains("d.csv:1:5: column 'a' appears twice"), "{e}");
        let e = err("a,b,y\n1,2,\n3,4,1\n");
        assert!(
            e.contains("d.csv:2:5: the target column 'y' is empty"),
            "{e}"
        );
        let wide: Vec<String> = (0..66).map(|i| format!("c{i}")).collect();
        let e = err(&format!("{}\n", wide.join(",")));
        assert!(
            e.contains("d.csv:1: the header has 66 columns, 65 inputs"),
            "{e}"
        );
    }

    #[test]
    fn test_files_share_the_training_columns_and_classes() {
        let train = CsvData::parse("t.csv", "a,s\n1,x\n2,y\n3,z\n").unwrap();
        let test = CsvData::parse_test("u.csv", "a,s\n4,z\n5,x\n", &train).unwrap();
        assert_eq!(
            (test.task(), test.y.clone()),
            (Task::MultiClass, vec![2.0, 0.0])
        );
        let e = CsvData::parse_test("u.csv", "a,s\n4,w\n", &train)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("u.csv:2:3: class 'w' does not occur in the training file"),
            "{e}"
        );
        let e = CsvData::parse_test("u.csv", "b,s\n4,x\n", &train)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("u.csv:1: the test file's inputs ('b') differ"),
            "{e}"
        );
        let e = CsvData::parse_test("u.csv", "a,t\n4,x\n", &train)
            .unwrap_err()
            .to_string();
        assert!(e.contains("--target 's': no such column"), "{e}");
    }

    #[test]
    fn inputs_too_large_for_the_features_are_refused() {
        let e = err("a,b,y\n1,2,0\n3,-2e150,1\n");
        assert!(
            e.contains("d.csv:3:3: '-2e150' in column 'b' is too large"),
            "{e}"
        );
        assert!(CsvData::parse("d.csv", "a,b,y\n1e150,-1e150,-1e150\n2,2,2\n").is_ok());
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
        assert!(
            e.contains("separated by semicolons: use --delimiter ';'"),
            "{e}"
        );
        let e = err("a\tb\ty\n1\t2\t0\n");
        assert!(e.contains("separated by tabs"), "{e}");
        let e = err("a,b,y\n1;2;0\n");
        assert!(
            e.contains("d.csv:2:") && e.contains("separated by semicolons"),
            "{e}"
        );
        assert!(!err("a\n1\n").contains("separated"));
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
