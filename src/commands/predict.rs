//! `reluscope predict --model FILE --data FILE.csv`: the model's output for every row (class
//! probabilities, the probability of class 1, or the value), optionally which hidden neurons
//! fired, and on stderr the accuracy (when the file has targets) and the neurons that never
//! fired on these rows: dead on this data, whatever they did in training.

use anyhow::Result;
use serde::Serialize;

use super::write_stdout;
use crate::cli::{PredictArgs, PredictFormat};
use crate::engine::csv::{InputSelection, parse_delimiter};
use crate::engine::loss::Loss;
use crate::engine::predict::for_each_row;
use crate::engine::session::predicted_class;
use crate::engine::{CsvData, CsvOptions, ModelFile, Task};

pub fn run(args: &PredictArgs) -> Result<()> {
    let model = ModelFile::load(&args.model)?;
    let task = match model.network.loss {
        Loss::Bce => Task::Classification,
        Loss::CrossEntropy => Task::MultiClass,
        Loss::Mse => Task::Regression,
    };
    let options = CsvOptions {
        target: args.target.clone(),
        delimiter: match &args.delimiter {
            Some(d) => parse_delimiter(d)?,
            None => b',',
        },
        task: None,
        inputs: Some(if model.columns.is_empty() {
            InputSelection::First(2)
        } else {
            InputSelection::Named(model.columns.clone())
        }),
    };
    let data = CsvData::load_for_model(&args.data, &options, task, &model.classes)?;
    let classes: Vec<String> = match task {
        Task::Regression => Vec::new(),
        _ if !model.classes.is_empty() => model.classes.clone(),
        _ if !data.classes.is_empty() => data.classes.clone(),
        _ => (0..model.network.outputs().max(2))
            .map(|k| k.to_string())
            .collect(),
    };
    let widths: Vec<usize> = model.network.hidden_widths();
    let mut ever: Vec<Vec<bool>> = widths.iter().map(|&w| vec![false; w]).collect();
    let mut right = 0usize;
    let targets = data.has_targets();
    write_stdout(|out| {
        let mut sink = match args.format {
            PredictFormat::Csv => Sink::Csv(Box::new(csv::WriterBuilder::new().from_writer(out))),
            PredictFormat::Jsonl => Sink::Json(out),
        };
        if let Sink::Csv(w) = &mut sink {
            let mut header = vec!["row".to_string()];
            match task {
                Task::MultiClass => {
                    header.push("class".into());
                    header.extend(classes.iter().map(|c| format!("p_{c}")));
                }
                Task::Classification => {
                    header.push("probability".into());
                    header.push("class".into());
                }
                Task::Regression => header.push("value".into()),
            }
            if targets {
                header.push("target".into());
                header.push(
                    if task == Task::Regression {
                        "error"
                    } else {
                        "correct"
                    }
                    .into(),
                );
            }
            if args.activations {
                for (l, &n) in widths.iter().enumerate() {
                    header.extend((0..n).map(|i| format!("fired_{}_{}", l + 1, i + 1)));
                }
            }
            w.write_record(&header).map_err(csv_err)?;
        }
        let mut failure: Option<std::io::Error> = None;
        for_each_row(&model, &data.x, |r, row| {
            if failure.is_some() {
                return;
            }
            for (e, f) in ever.iter_mut().zip(row.fired) {
                for (a, &b) in e.iter_mut().zip(f) {
                    *a |= b;
                }
            }
            let class = predicted_class(row.outputs);
            let target = targets.then(|| data.y[r]);
            // Regression has an error, not a right or wrong answer.
            let correct = target
                .filter(|_| task != Task::Regression)
                .map(|t| class == t as usize);
            let error = target
                .filter(|_| task == Task::Regression)
                .map(|t| row.outputs[0] - t);
            if correct == Some(true) {
                right += 1;
            }
            let result = match &mut sink {
                Sink::Csv(w) => {
                    let mut rec = vec![(r + 1).to_string()];
                    match task {
                        Task::MultiClass => {
                            rec.push(classes[class].clone());
                            rec.extend(row.outputs.iter().map(|&p| num(p)));
                        }
                        Task::Classification => {
                            rec.push(num(row.outputs[0]));
                            rec.push(classes[class].clone());
                        }
                        Task::Regression => rec.push(num(row.outputs[0])),
                    }
                    if let Some(t) = target {
                        match task {
                            Task::Regression => {
                                rec.push(num(t));
                                rec.push(num(error.unwrap_or(f64::NAN)));
                            }
                            _ => {
                                rec.push(classes[t as usize].clone());
                                rec.push(u8::from(correct == Some(true)).to_string());
                            }
                        }
                    }
                    if args.activations {
                        for f in row.fired {
                            rec.extend(f.iter().map(|&b| u8::from(b).to_string()));
                        }
                    }
                    w.write_record(&rec).map_err(csv_err)
                }
                Sink::Json(out) => {
                    let line = RowLine {
                        kind: "prediction",
                        row: r + 1,
                        class: (task != Task::Regression).then(|| classes[class].as_str()),
                        probabilities: (task == Task::MultiClass).then_some(row.outputs),
                        probability: (task == Task::Classification).then(|| row.outputs[0]),
                        value: (task == Task::Regression).then(|| row.outputs[0]),
                        target: target.map(|t| match task {
                            Task::Regression => serde_json::json!(t),
                            _ => serde_json::json!(classes[t as usize]),
                        }),
                        correct,
                        error,
                        fired: args.activations.then(|| {
                            row.fired
                                .iter()
                                .map(|f| f.iter().map(|&b| u8::from(b)).collect())
                                .collect()
                        }),
                    };
                    json_line(*out, &line)
                }
            };
            if let Err(e) = result {
                failure = Some(e);
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        let never: Vec<Vec<usize>> = ever
            .iter()
            .map(|e| {
                e.iter()
                    .enumerate()
                    .filter(|(_, f)| !**f)
                    .map(|(i, _)| i + 1)
                    .collect()
            })
            .collect();
        let rows = data.x.len() / data.inputs.len().max(1);
        let accuracy =
            (targets && task != Task::Regression).then(|| right as f64 / rows.max(1) as f64);
        match &mut sink {
            Sink::Json(out) => {
                let summary = Summary {
                    kind: "summary",
                    rows,
                    accuracy,
                    never_fired: never.clone(),
                };
                json_line(*out, &summary)?;
            }
            Sink::Csv(w) => w.flush()?,
        }
        let acc = accuracy.map_or(String::new(), |a| {
            format!("; accuracy {:.1}% ({right}/{rows})", 100.0 * a)
        });
        let dead: Vec<String> = never
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty())
            .map(|(l, n)| {
                let list: Vec<String> = n.iter().map(usize::to_string).collect();
                format!(
                    "layer {} neuron(s) {} ({} of {})",
                    l + 1,
                    list.join(", "),
                    n.len(),
                    widths[l]
                )
            })
            .collect();
        let dead = if dead.is_empty() {
            "; every hidden neuron fired on some row".to_string()
        } else {
            format!("; never fired on these rows: {}", dead.join("; "))
        };
        eprintln!(
            "reluscope: predicted {rows} row{} of {}{acc}{dead}",
            if rows == 1 { "" } else { "s" },
            args.data.display()
        );
        Ok(())
    })
}

/// Where the rows go: CSV through the `csv` crate (it quotes class names with commas), or
/// JSON lines.
enum Sink<'a> {
    Csv(Box<csv::Writer<&'a mut dyn std::io::Write>>),
    Json(&'a mut dyn std::io::Write),
}

fn csv_err(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Shortest round-trip text of a number.
fn num(v: f64) -> String {
    crate::message::number(v)
}

fn json_line(out: &mut dyn std::io::Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct RowLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    row: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    probabilities: Option<&'a [f64]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    probability: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correct: Option<bool>,
    /// The prediction minus the target (regression).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fired: Option<Vec<Vec<u8>>>,
}

#[derive(Serialize)]
struct Summary {
    #[serde(rename = "type")]
    kind: &'static str,
    rows: usize,
    accuracy: Option<f64>,
    /// Per hidden layer, the 1-based neurons that fired on no row.
    never_fired: Vec<Vec<usize>>,
}
