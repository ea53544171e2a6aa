//! `--shard K/N` and `experiment merge` through the real binary: the merged shards print the
//! very bytes the whole run prints (CSV and table, sweep and born-dead, N = 1, 2, 3 and more
//! shards than units), and every broken set of shards is refused with exit code 2.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

mod common;

/// A regression sweep of 5 learning rates (the last diverges) × 1 bias init × 5 repeats = 25
/// runs, and a classification sweep of 2 bias inits × 3 repeats: neither size divides by 2 or 3.
const SWEEP: &[&str] = &[
    "experiment",
    "sweep",
    "--dataset",
    "plane",
    "--lr",
    "0.01,0.1,1,3,1000",
    "--bias-init",
    "-1",
    "--repeats",
    "5",
    "--epochs",
    "2",
    "--layers",
    "4,3",
];
const SWEEP_TWO_BIASES: &[&str] = &[
    "experiment",
    "sweep",
    "--lr",
    "0.1",
    "--bias-init",
    "0.1,-2",
    "--repeats",
    "3",
    "--epochs",
    "2",
    "--seed",
    "40",
];
/// 1,001 trials (7 · 11 · 13) of widths 2 and 3, depths 1 to 4; a repeated width and depth
/// show the merge keeps the whole run's order of distinct values.
const BORN_DEAD: &[&str] = &[
    "experiment",
    "born-dead",
    "--width",
    "3,2,3",
    "--depth",
    "1..4,2",
    "--trials",
    "1001",
    "--points",
    "48",
];

/// What the binary prints for `args`, which must succeed.
fn stdout(args: &[&str]) -> Vec<u8> {
    common::reluscope()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

/// Runs `base --shard K/N` for every K into files in `dir`; returns their paths (in K order).
fn shards(dir: &Path, base: &[&str], n: u64, tag: &str) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let path = dir.join(format!("{tag}-{k}-of-{n}.csv"));
            let shard = format!("{k}/{n}");
            std::fs::write(&path, stdout(&[base, &["--shard", &shard]].concat())).unwrap();
            path
        })
        .collect()
}

/// `experiment merge` of `files` (given in reverse order, which must not matter) with `extra`.
fn merge(files: &[PathBuf], extra: &[&str]) -> Vec<u8> {
    let mut args = vec!["experiment".to_string(), "merge".to_string()];
    args.extend(files.iter().rev().map(|p| p.display().to_string()));
    args.extend(extra.iter().map(std::string::ToString::to_string));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    stdout(&args)
}

fn same_bytes(merged: &[u8], whole: &[u8], what: &str) {
    assert!(
        merged == whole,
        "{what}: merged output differs from the whole run's\n--- merged\n{}\n--- whole\n{}",
        String::from_utf8_lossy(merged),
        String::from_utf8_lossy(whole)
    );
}

/// The merge of N shards equals the whole run, CSV and table, for each N.
fn merges_to_the_whole_run(base: &[&str], ns: &[u64]) {
    let dir = TempDir::new().unwrap();
    let whole_csv = stdout(&[base, &["--csv"]].concat());
    let whole_table = stdout(base);
    for &n in ns {
        let files = shards(dir.path(), base, n, "s");
        let what = format!("{} with N = {n}", base.join(" "));
        same_bytes(&merge(&files, &["--csv"]), &whole_csv, &what);
        same_bytes(&merge(&files, &[]), &whole_table, &what);
    }
}

#[test]
fn sweep_shards_merge_to_the_whole_sweep() {
    merges_to_the_whole_run(SWEEP, &[1, 2, 3]);
    // Shard 4 of 4 has no runs of its own.
    merges_to_the_whole_run(SWEEP_TWO_BIASES, &[2, 3, 4, 7]);
}

#[test]
fn the_sweep_is_really_spread_and_a_divergence_survives() {
    let dir = TempDir::new().unwrap();
    let files = shards(dir.path(), SWEEP, 3, "s");
    let rows = |p: &PathBuf| {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("lr,"))
            .count()
    };
    assert_eq!(files.iter().map(rows).collect::<Vec<_>>(), [9, 8, 8]);
    let csv = String::from_utf8(merge(&files, &["--csv"])).unwrap();
    let last = csv.lines().last().unwrap();
    // lr 1000 diverges in every repeat: infinite losses read back and stay out of the means.
    assert!(last.starts_with("1000,-1,5,5,"), "{csv}");
}

#[test]
fn born_dead_shards_merge_to_the_whole_run() {
    merges_to_the_whole_run(BORN_DEAD, &[1, 2, 3]);
    let nonzero_bias = [BORN_DEAD, &["--bias-init", "-0.2", "--init", "he-uniform"]].concat();
    merges_to_the_whole_run(&nonzero_bias, &[2]);
    // More shards than trials: most shards hold no trial at all.
    let few = [
        "experiment",
        "born-dead",
        "--width",
        "2",
        "--depth",
        "3",
        "--trials",
        "3",
        "--points",
        "16",
    ];
    merges_to_the_whole_run(&few, &[5]);
}

#[test]
fn a_sweep_on_a_data_file_merges_and_names_it() {
    let dir = TempDir::new().unwrap();
    let data = dir.path().join("points.csv");
    let mut text = String::from("x1,x2,label\n");
    for i in 0..40 {
        let x = f64::from(i) / 8.0 - 2.5;
        text.push_str(&format!("{x},{},{}\n", 1.0 - x, u8::from(x > 0.0)));
    }
    std::fs::write(&data, &text).unwrap();
    let base = [
        SWEEP_TWO_BIASES,
        &["--data", data.to_str().unwrap(), "--batch-size", "0"],
    ]
    .concat();
    merges_to_the_whole_run(&base, &[2]);
    let table = String::from_utf8(merge(&shards(dir.path(), &base, 2, "d"), &[])).unwrap();
    assert!(table.contains("points.csv, layers 8,8"), "{table}");
    // The same name with other contents is another experiment.
    let first = shards(dir.path(), &base, 2, "e").remove(0);
    std::fs::write(&data, text.replace("0.125,", "0.126,")).unwrap();
    let second = shards(dir.path(), &base, 2, "f").remove(1);
    refused(
        &[first, second],
        "are shards of different experiments (data_file = 40 rows",
    );
}

/// `experiment merge FILES` fails as bad input does, saying `want`.
fn refused(files: &[PathBuf], want: &str) {
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let args: Vec<&str> = ["experiment", "merge"]
        .into_iter()
        .chain(names.iter().map(String::as_str))
        .collect();
    common::fails_with(&args, want);
}

#[test]
fn an_absurd_shard_count_is_refused_before_any_work() {
    let want = "--shard 1/1000000000: at most 100000 shards";
    common::fails_with(&[SWEEP, &["--shard", "1/1000000000"]].concat(), want);
    common::fails_with(
        &[BORN_DEAD, &["--shard", "1/100001"]].concat(),
        want.replace("1000000000", "100001").as_str(),
    );
}

#[test]
fn bad_shard_flags_are_refused() {
    for bad in ["3/2", "0/2", "2", "1/0", "a/b", "-1/2"] {
        let want = format!("--shard: '{bad}' is not a shard; use K/N with 1<=K<=N");
        common::fails_with(&[BORN_DEAD, &["--shard", bad]].concat(), &want);
        common::fails_with(&[SWEEP, &["--shard", bad]].concat(), &want);
    }
    common::fails_with(&["experiment", "merge"], "FILE");
}

#[test]
fn incomplete_or_mixed_sets_are_refused() {
    let dir = TempDir::new().unwrap();
    let s = shards(dir.path(), SWEEP, 3, "s");
    let b = shards(dir.path(), BORN_DEAD, 2, "b");
    let name = |p: &PathBuf| p.display().to_string();
    refused(&s[..2], "shard 3/3 is missing: merge needs all 3 shards");
    refused(&s[1..2], "shards 1/3, 3/3 are missing");
    refused(
        &[s[0].clone(), s[1].clone(), s[1].clone(), s[2].clone()],
        &format!("{} and {} are both shard 2/3", name(&s[1]), name(&s[1])),
    );
    refused(
        &[b[0].clone(), s[1].clone()],
        "merge the shards of one experiment at a time",
    );
    let two = shards(dir.path(), SWEEP, 2, "t");
    refused(
        &[s[0].clone(), two[1].clone()],
        "the shards of one run all have the same N",
    );
    let other: Vec<&str> = SWEEP
        .iter()
        .zip([""].iter().chain(SWEEP))
        .map(|(&a, &before)| if before == "--epochs" { "3" } else { a })
        .collect();
    let o = shards(dir.path(), &other, 3, "o");
    refused(
        &[s[0].clone(), o[1].clone(), s[2].clone()],
        "are shards of different experiments (epochs = 2 in the first, 3 in the other)",
    );
    let seeded = [BORN_DEAD, &["--seed", "9"]].concat();
    let bs = shards(dir.path(), &seeded, 2, "bs");
    refused(
        &[b[0].clone(), bs[1].clone()],
        "(seed = 0 in the first, 9 in the other)",
    );
    refused(&[dir.path().join("nope.csv")], "nope.csv: cannot be read");
}

/// Writes `text` as `name` in `dir`.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn truncated_or_garbled_files_name_the_line() {
    let dir = TempDir::new().unwrap();
    let s = shards(dir.path(), SWEEP, 2, "s");
    let b = shards(dir.path(), BORN_DEAD, 2, "b");
    let text = std::fs::read_to_string(&s[1]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("lr,")).unwrap() + 1;
    let with = |name: &str, t: String| vec![s[0].clone(), write(dir.path(), name, &t)];

    // Cut after a whole row, and in the middle of one.
    let cut = lines[..header + 3].join("\n") + "\n";
    refused(
        &with("cut.csv", cut),
        &format!(
            "cut.csv:{}: the file ends before its `# end: N rows` line",
            header + 3
        ),
    );
    let half = &text[..text.len() / 2];
    let err = common::reluscope()
        .args(["experiment", "merge"])
        .arg(&s[0])
        .arg(write(dir.path(), "half.csv", half))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.starts_with("reluscope: ") && err.contains("half.csv:"),
        "{err}"
    );

    // A number that is not one, a row dropped, a row that belongs to the other shard.
    let row = header + 1;
    let first_row = lines[row - 1];
    let edit_field = |i: usize, value: &str| {
        let mut fields: Vec<&str> = first_row.split(',').collect();
        fields[i] = value;
        text.replacen(first_row, &fields.join(","), 1)
    };
    refused(
        &with("bool.csv", edit_field(8, "nope")),
        &format!("bool.csv:{row}: 'nope' is not true or false"),
    );
    refused(
        &with("num.csv", edit_field(4, "0.1x")),
        &format!("num.csv:{row}: '0.1x' is not a number"),
    );
    refused(
        &with("combo.csv", edit_field(0, "0.2")),
        &format!("combo.csv:{row}: lr 0.2 with bias init -1 is not one of the sweep's"),
    );
    let mut fewer: Vec<&str> = lines.clone();
    fewer.remove(row - 1);
    let end = fewer.len();
    refused(
        &with("fewer.csv", fewer.join("\n") + "\n"),
        &format!("fewer.csv:{end}: the end line says 12 rows, but the file has 11 rows"),
    );
    let other = std::fs::read_to_string(&s[0]).unwrap();
    let stolen = other.lines().nth(header).unwrap();
    let swapped = text.replacen(first_row, stolen, 1);
    refused(
        &with("swap.csv", swapped),
        &format!("swap.csv:{row}: this run belongs to shard 1/2, not 2/2"),
    );
    refused(
        &with("plain.csv", "lr,dead\n0.1,0\n".to_string()),
        "plain.csv:1: is not a reluscope shard file",
    );

    // Born-dead: counts that cannot come from the shard's trials, a cell missing.
    let text = std::fs::read_to_string(&b[0]).unwrap();
    let row = text.lines().position(|l| l.starts_with("3,1,")).unwrap() + 1;
    let bad = text.replacen("\n3,1,500,", "\n3,1,501,", 1);
    refused(
        &[write(dir.path(), "trials.csv", &bad), b[1].clone()],
        &format!("trials.csv:{row}: these counts cannot come from the 500 trials of shard 1/2"),
    );
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("3,1,")).collect();
    let missing = lines.join("\n").replace("# end: 8 rows", "# end: 7 rows") + "\n";
    refused(
        &[write(dir.path(), "cells.csv", &missing), b[1].clone()],
        "cells.csv: has 7 of the 8 cells; run shard 1/2 again",
    );
}

/// A shard names every setting of the run (the sweep's lists stand for lr and bias_init), so
/// shards of runs that differ in any setting never merge: a new setting of the schema fails
/// here until `experiment/sweep_shard.rs` writes and reads it.
#[test]
fn a_shard_names_every_setting_of_the_run() {
    use reluscope::settings::schema::Section;
    let out = stdout(&[
        "experiment",
        "sweep",
        "--lr",
        "0.1",
        "--bias-init",
        "0",
        "--epochs",
        "1",
        "--repeats",
        "1",
        "--shard",
        "1/1",
    ]);
    let text = String::from_utf8(out).unwrap();
    for row in Section::Train.settings().chain(Section::Health.settings()) {
        if ["lr", "bias_init"].contains(&row.key) {
            continue;
        }
        assert!(
            text.contains(&format!("\n# {} = ", row.key)),
            "the shard file lacks `{}`:\n{text}",
            row.key
        );
    }
}

/// A shard file claiming a huge N (edited, or from an older version) is merged in memory
/// proportional to the files given: the missing shards are one range, in a short message.
#[test]
fn a_merge_of_one_shard_of_a_billion_names_the_missing_range() {
    let dir = tempfile::tempdir().unwrap();
    let one = shards(dir.path(), SWEEP, 1, "s");
    let text = std::fs::read_to_string(&one[0]).unwrap();
    let huge = text.replacen("shard 1/1\n", "shard 1/1000000000\n", 1);
    assert_ne!(huge, text, "the header names the shard");
    let path = write(dir.path(), "huge.csv", &huge);
    let out = common::reluscope()
        .args(["experiment", "merge"])
        .arg(&path)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let msg = String::from_utf8(out).unwrap();
    assert!(
        msg.contains("shards 2-1000000000 of 1000000000 are missing"),
        "{msg}"
    );
    assert!(msg.len() < 400, "{msg}");
}
