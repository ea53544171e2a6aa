//! Spreading an experiment over machines: `--shard K/N` runs a deterministic part of its work
//! units, and the shard files those runs print merge into exactly the unsharded result.
//!
//! A shard file is CSV with `#` comment lines around the table, so that a spreadsheet or
//! `pandas.read_csv(comment="#")` reads it as it is:
//!
//! ```text
//! # reluscope experiment sweep shard 2/3
//! # reluscope = 0.1.0
//! # epochs = 20
//! # …every setting of the experiment, one per line…
//! lr,bias_init,repeat,…
//! 0.1,-1,2,…
//! # end: 4 rows
//! ```
//!
//! The settings lines let a merge refuse shards of different experiments, and rebuild the
//! report's heading; the end line tells a complete file from one cut short.

use std::fmt;
use std::io::{self, Write};
use std::ops::Range;

use anyhow::Result;

use crate::error::input_error;

/// Part K of N (1 ≤ K ≤ N).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    k: u64,
    n: u64,
}

impl Shard {
    /// The whole experiment: shard 1 of 1.
    pub const WHOLE: Shard = Shard { k: 1, n: 1 };

    /// Shard `k` of `n`, if 1 ≤ k ≤ n.
    pub fn new(k: u64, n: u64) -> Option<Shard> {
        (1 <= k && k <= n).then_some(Shard { k, n })
    }

    /// Reads `K/N` as `--shard` takes it; the error names the flag and the form.
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = || {
            input_error(format!(
                "--shard: '{text}' is not a shard; use K/N with 1<=K<=N (e.g. 2/4 for the \
                 second of four parts)"
            ))
        };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let num = |t: &str| t.trim().parse::<u64>().map_err(|_| bad());
        Shard::new(num(k)?, num(n)?).ok_or_else(bad)
    }

    /// K, 1-based.
    pub fn index(self) -> u64 {
        self.k
    }

    /// N.
    pub fn count(self) -> u64 {
        self.n
    }

    /// Whether unit `i` (0-based) of a list of units is this shard's: every N-th, starting at
    /// K − 1, so that neighbouring units (which often cost alike) spread over the shards.
    pub fn owns(self, i: u64) -> bool {
        i % self.n == self.k - 1
    }

    /// This shard's part of `0..total` when the units are cut into N contiguous runs that
    /// differ in length by at most one.
    pub fn range(self, total: u64) -> Range<u64> {
        let at = |j: u64| (u128::from(total) * u128::from(j) / u128::from(self.n)) as u64;
        at(self.k - 1)..at(self.k)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// The first line of a shard file of `kind` (`sweep`, `born-dead`).
fn first_line(kind: &str, shard: Shard) -> String {
    format!("# reluscope experiment {kind} shard {shard}")
}

/// Writes the lines before the rows: what the file is, the experiment's settings (with the
/// version that ran it), and the columns.
pub fn write_header(
    out: &mut dyn Write,
    kind: &str,
    shard: Shard,
    settings: &[(&str, String)],
    columns: &str,
) -> io::Result<()> {
    writeln!(out, "{}", first_line(kind, shard))?;
    writeln!(out, "# reluscope = {}", env!("CARGO_PKG_VERSION"))?;
    for (key, value) in settings {
        writeln!(out, "# {key} = {value}")?;
    }
    writeln!(out, "{columns}")
}

/// Writes the line after the rows.
pub fn write_end(out: &mut dyn Write, rows: usize) -> io::Result<()> {
    writeln!(out, "# end: {rows} rows")
}

/// A shard file as read back, checked for its structure only.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardFile {
    /// The file's name, for messages.
    pub name: String,
    pub kind: String,
    pub shard: Shard,
    /// `key = value` lines in file order, the version included.
    pub settings: Vec<(String, String)>,
    /// The rows' fields with their 1-based line numbers.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl ShardFile {
    /// Parses `text` (the file `name`) whose table has `columns` (one line, comma-separated).
    pub fn parse(name: &str, text: &str, columns: &str) -> Result<ShardFile> {
        let at = |line: usize, msg: String| input_error(format!("{name}:{line}: {msg}"));
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let (kind, shard) = lines
            .next()
            .and_then(|(_, l)| parse_first_line(l))
            .ok_or_else(|| {
                at(
                    1,
                    "is not a reluscope shard file: its first line should read `# reluscope \
                     experiment sweep shard K/N` (or born-dead); give the files that \
                     `--shard K/N` printed"
                        .to_string(),
                )
            })?;
        let mut settings = Vec::new();
        let mut header = None;
        for (n, line) in lines.by_ref() {
            match line.strip_prefix('#') {
                Some(rest) => {
                    let (key, value) = rest.split_once('=').ok_or_else(|| {
                        at(n, format!("expected `# key = value`, found {line:?}"))
                    })?;
                    settings.push((key.trim().to_string(), value.trim().to_string()));
                }
                None => {
                    header = Some((n, line));
                    break;
                }
            }
        }
        let truncated = |line: usize| {
            at(
                line,
                format!(
                    "the file ends before its `# end: N rows` line: it is truncated; run shard \
                     {shard} again"
                ),
            )
        };
        let last = text.lines().count();
        let (n, header) = header.ok_or_else(|| truncated(last))?;
        if header != columns {
            return Err(at(
                n,
                format!("expected the columns `{columns}`, found {header:?}"),
            ));
        }
        let width = columns.split(',').count();
        let mut rows = Vec::new();
        let mut end = None;
        for (n, line) in lines.by_ref() {
            if let Some(rest) = line.strip_prefix("# end: ") {
                let count = rest
                    .strip_suffix(" rows")
                    .and_then(|c| c.parse::<usize>().ok());
                end = Some((n, count));
                break;
            }
            let fields: Vec<String> = line.split(',').map(str::to_string).collect();
            if fields.len() != width {
                return Err(at(
                    n,
                    format!(
                        "has {} fields, expected {width} ({columns}); the file is garbled or \
                         cut short: run shard {shard} again",
                        fields.len()
                    ),
                ));
            }
            rows.push((n, fields));
        }
        let (n, count) = end.ok_or_else(|| truncated(last))?;
        if count != Some(rows.len()) {
            return Err(at(
                n,
                format!(
                    "the end line says {}, but the file has {} rows: it is garbled; run shard \
                     {shard} again",
                    count.map_or("no number of rows".to_string(), |c| format!("{c} rows")),
                    rows.len()
                ),
            ));
        }
        if let Some((n, line)) = lines.find(|(_, l)| !l.trim().is_empty()) {
            return Err(at(
                n,
                format!("unexpected {line:?} after the end line; give one shard per file"),
            ));
        }
        Ok(ShardFile {
            name: name.to_string(),
            kind,
            shard,
            settings,
            rows,
        })
    }

    /// The value of setting `key`; a file without it is an error naming the file.
    pub fn setting(&self, key: &str) -> Result<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| {
                input_error(format!(
                    "{}: has no `# {key} = …` line; give the files that `--shard K/N` printed",
                    self.name
                ))
            })
    }

    /// An error about the row on `line`.
    pub fn row_error(&self, line: usize, msg: impl fmt::Display) -> anyhow::Error {
        input_error(format!("{}:{line}: {msg}", self.name))
    }
}

fn parse_first_line(line: &str) -> Option<(String, Shard)> {
    let rest = line.strip_prefix("# reluscope experiment ")?;
    let (kind, shard) = rest.split_once(" shard ")?;
    let (k, n) = shard.split_once('/')?;
    let shard = Shard::new(k.parse().ok()?, n.parse().ok()?)?;
    Some((kind.to_string(), shard))
}

/// Checks that `files` are the N shards of one experiment of `kind`, each once, and returns
/// them in shard order.
pub fn complete_set(mut files: Vec<ShardFile>, kind: &str) -> Result<Vec<ShardFile>> {
    let Some(first) = files.first().cloned() else {
        return Err(input_error("merge needs at least one shard file"));
    };
    for f in &files {
        if f.kind != first.kind {
            return Err(input_error(format!(
                "{} is a shard of `experiment {}` and {} one of `experiment {}`: merge the \
                 shards of one experiment at a time",
                first.name, first.kind, f.name, f.kind
            )));
        }
        if f.shard.count() != first.shard.count() {
            return Err(input_error(format!(
                "{} is shard {} and {} shard {}: the shards of one run all have the same N",
                first.name, first.shard, f.name, f.shard
            )));
        }
        if let Some(diff) = first_difference(&first.settings, &f.settings) {
            return Err(input_error(format!(
                "{} and {} are shards of different experiments ({diff}): run every shard with \
                 the same flags, config and data",
                first.name, f.name
            )));
        }
    }
    if first.kind != kind {
        return Err(input_error(format!(
            "{}: a shard of `experiment {}`, not of `experiment {kind}`",
            first.name, first.kind
        )));
    }
    files.sort_by_key(|f| f.shard.index());
    for pair in files.windows(2) {
        if pair[0].shard == pair[1].shard {
            return Err(input_error(format!(
                "{} and {} are both shard {}: give each shard once",
                pair[0].name, pair[1].name, pair[0].shard
            )));
        }
    }
    let n = first.shard.count();
    let gaps = missing_ranges(files.iter().map(|f| f.shard.index()), n);
    if !gaps.is_empty() {
        let count: u64 = gaps.iter().map(|r| r.end() - r.start() + 1).sum();
        let (what, verb) = if count == 1 {
            ("shard", "is")
        } else {
            ("shards", "are")
        };
        // At most a few gaps are spelled out, so the message stays short whatever N is.
        const SHOWN: usize = 8;
        let mut parts: Vec<String> = gaps
            .iter()
            .take(SHOWN)
            .flat_map(|r| match r.end() - r.start() {
                0 => vec![format!("{}/{n}", r.start())],
                1 => vec![format!("{}/{n}", r.start()), format!("{}/{n}", r.end())],
                _ => vec![format!("{}-{} of {n}", r.start(), r.end())],
            })
            .collect();
        if gaps.len() > SHOWN {
            parts.push(format!("and {} more gaps", gaps.len() - SHOWN));
        }
        let given: Vec<String> = files
            .iter()
            .take(SHOWN)
            .map(|f| format!("{} = {}", f.name, f.shard))
            .chain((files.len() > SHOWN).then(|| format!("{} more", files.len() - SHOWN)))
            .collect();
        return Err(input_error(format!(
            "{what} {} {verb} missing: merge needs all {n} shards (given: {})",
            parts.join(", "),
            given.join(", ")
        )));
    }
    Ok(files)
}

/// The shards of `1..=n` not in `have` (sorted, distinct), as inclusive ranges: memory in
/// proportion to the files given, not to N.
fn missing_ranges(have: impl Iterator<Item = u64>, n: u64) -> Vec<std::ops::RangeInclusive<u64>> {
    let mut gaps = Vec::new();
    let mut next = 1;
    for k in have {
        if k > next {
            gaps.push(next..=k - 1);
        }
        next = k + 1;
    }
    if next <= n {
        gaps.push(next..=n);
    }
    gaps
}

/// The first setting two files disagree on, in words.
fn first_difference(a: &[(String, String)], b: &[(String, String)]) -> Option<String> {
    for (key, va) in a {
        match b.iter().find(|(k, _)| k == key) {
            Some((_, vb)) if vb == va => {}
            Some((_, vb)) => return Some(format!("{key} = {va} in the first, {vb} in the other")),
            None => return Some(format!("the other has no {key}")),
        }
    }
    b.iter()
        .find(|(k, _)| !a.iter().any(|(ka, _)| ka == k))
        .map(|(k, _)| format!("the first has no {k}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse_bad_forms() {
        assert_eq!(Shard::parse("2/4").unwrap(), Shard::new(2, 4).unwrap());
        assert_eq!(Shard::parse(" 1 / 1 ").unwrap(), Shard::WHOLE);
        for bad in ["3/2", "0/2", "2", "a/b", "1/0", "-1/2", "1/2/3", ""] {
            let err = Shard::parse(bad).unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.starts_with(&format!("--shard: '{bad}'"))
                    && msg.contains("use K/N with 1<=K<=N"),
                "{msg}"
            );
            assert_eq!(crate::error::exit_code(&err), 2);
        }
    }

    #[test]
    fn every_unit_belongs_to_exactly_one_shard() {
        for n in 1..=7 {
            let shards: Vec<Shard> = (1..=n).map(|k| Shard::new(k, n).unwrap()).collect();
            for i in 0..50 {
                assert_eq!(shards.iter().filter(|s| s.owns(i)).count(), 1);
            }
            for total in [0, 1, 5, 13, 100] {
                let ranges: Vec<Range<u64>> = shards.iter().map(|s| s.range(total)).collect();
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges[n as usize - 1].end, total);
                for pair in ranges.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                }
                assert!(ranges.iter().all(|r| r.end - r.start <= total / n + 1));
            }
        }
        assert_eq!(Shard::new(3, 3).unwrap().range(u64::MAX).end, u64::MAX);
    }

    fn file(settings: &[(&str, String)], rows: &[&str], end: Option<usize>) -> String {
        let mut out = Vec::new();
        write_header(
            &mut out,
            "sweep",
            Shard::new(2, 3).unwrap(),
            settings,
            "a,b",
        )
        .unwrap();
        for r in rows {
            writeln!(out, "{r}").unwrap();
        }
        if let Some(n) = end {
            write_end(&mut out, n).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_shard_file_reads_back() {
        let text = file(&[("x", "1=2, 3".to_string())], &["1,2", "3,4"], Some(2));
        let f = ShardFile::parse("s.csv", &text, "a,b").unwrap();
        assert_eq!(
            (f.kind.as_str(), f.shard),
            ("sweep", Shard::new(2, 3).unwrap())
        );
        assert_eq!(f.setting("x").unwrap(), "1=2, 3");
        assert_eq!(f.setting("reluscope").unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(f.rows[1], (6, vec!["3".to_string(), "4".to_string()]));
    }

    #[test]
    fn broken_files_name_the_line() {
        let good = file(&[], &["1,2", "3,4"], Some(2));
        let cases = [
            (
                "lr,dead\n1,2\n".to_string(),
                "s.csv:1: is not a reluscope shard file",
            ),
            (
                good.replace("a,b\n", "a,c\n"),
                "s.csv:3: expected the columns `a,b`",
            ),
            (
                file(&[], &["1,2", "3"], Some(2)),
                "s.csv:5: has 1 fields, expected 2",
            ),
            (
                file(&[], &["1,2", "3,4"], None),
                "s.csv:5: the file ends before",
            ),
            (
                file(&[], &["1,2"], Some(2)),
                "s.csv:5: the end line says 2 rows",
            ),
            (
                format!("{good}1,2\n"),
                "s.csv:7: unexpected \"1,2\" after the end line",
            ),
            (
                good[..good.len() - 7].to_string(),
                "s.csv:6: the end line says no number",
            ),
            (
                good.replace("# reluscope =", "# reluscope"),
                "s.csv:2: expected `# key = value`",
            ),
        ];
        for (text, want) in cases {
            let err = ShardFile::parse("s.csv", &text, "a,b")
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(want), "{want}\n{err}\n{text}");
        }
    }

    fn shard(name: &str, k: u64, n: u64, x: &str) -> ShardFile {
        ShardFile {
            name: name.to_string(),
            kind: "sweep".to_string(),
            shard: Shard::new(k, n).unwrap(),
            settings: vec![("x".to_string(), x.to_string())],
            rows: Vec::new(),
        }
    }

    #[test]
    fn missing_shards_are_ranges_whatever_n_is() {
        let err = |files: Vec<ShardFile>| complete_set(files, "sweep").unwrap_err().to_string();
        let huge = err(vec![shard("a", 1, 1_000_000_000, "1")]);
        assert!(
            huge.starts_with("shards 2-1000000000 of 1000000000 are missing"),
            "{huge}"
        );
        assert!(huge.len() < 200, "{huge}");
        let gaps = err(vec![
            shard("a", 2, 9, "1"),
            shard("b", 5, 9, "1"),
            shard("c", 9, 9, "1"),
        ]);
        assert!(
            gaps.starts_with("shards 1/9, 3/9, 4/9, 6-8 of 9 are missing"),
            "{gaps}"
        );
        assert_eq!(missing_ranges([1, 2, 3].into_iter(), 3), Vec::new());
    }

    #[test]
    fn a_set_must_be_complete_and_alike() {
        let set = complete_set(vec![shard("b", 2, 2, "1"), shard("a", 1, 2, "1")], "sweep");
        let names: Vec<String> = set.unwrap().into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["a", "b"]);
        let err = |files: Vec<ShardFile>| complete_set(files, "sweep").unwrap_err().to_string();
        let missing = err(vec![shard("a", 1, 3, "1")]);
        assert!(
            missing.starts_with("shards 2/3, 3/3 are missing"),
            "{missing}"
        );
        assert!(
            err(vec![shard("a", 1, 2, "1"), shard("b", 1, 2, "1")])
                .starts_with("a and b are both shard 1/2")
        );
        assert!(
            err(vec![shard("a", 1, 2, "1"), shard("b", 2, 2, "2")])
                .contains("different experiments (x = 1 in the first, 2 in the other)")
        );
        assert!(err(vec![shard("a", 1, 2, "1"), shard("b", 2, 3, "1")]).contains("the same N"));
        let mut other = shard("b", 2, 2, "1");
        other.kind = "born-dead".to_string();
        assert!(err(vec![shard("a", 1, 2, "1"), other]).contains("one experiment at a time"));
        assert!(
            complete_set(vec![shard("a", 1, 1, "1")], "born-dead")
                .unwrap_err()
                .to_string()
                .contains("not of `experiment born-dead`")
        );
    }
}
