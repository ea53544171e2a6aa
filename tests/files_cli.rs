//! Files through the real binary: `train --save` never loses a finished run and never replaces
//! anything but a regular file; `--data` and `--model` refuse what is not a regular file, stop
//! at their byte caps and never wait silently on a FIFO.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;
use reluscope::engine::{ModelFile, Session, TrainConfig};

fn train() -> Command {
    let mut c = Command::cargo_bin("reluscope").unwrap();
    c.arg("train");
    c
}

/// Runs `train ARGS` and expects exit code 2, `want` on stderr and nothing on stdout (so
/// nothing was trained).
fn refused(args: &[&str], want: &str) -> String {
    let out = train()
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(want))
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}

fn mkfifo(path: &Path) {
    let ok = Process::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

fn is_symlink(p: &Path) -> bool {
    std::fs::symlink_metadata(p)
        .unwrap()
        .file_type()
        .is_symlink()
}

const CSV: &str = "a,b,y\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n";

/// A directory where no file can be created, even by root: the run is refused before it
/// starts, with the path named once, instead of training to the end and then failing.
#[test]
fn an_unwritable_save_target_is_refused_before_training() {
    let path = "/proc/self/m.json";
    let err = refused(
        &["--steps", "1", "--save", path],
        "--save /proc/self/m.json: ",
    );
    assert_eq!(err.matches(path).count(), 1, "{err}");
}

/// A symlink to a device, a FIFO and a directory are never replaced (a save to /dev/full as
/// root used to turn the device into a regular file).
#[test]
fn saving_refuses_what_is_not_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("null.json");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let fifo = dir.path().join("fifo.json");
    mkfifo(&fifo);
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    refused(
        &["--steps", "1", "--save", link.to_str().unwrap()],
        "is a symlink to /dev/null, which is a character device, not a regular file",
    );
    refused(
        &["--steps", "1", "--save", fifo.to_str().unwrap()],
        "is a FIFO (named pipe), not a regular file",
    );
    refused(
        &["--steps", "1", "--save", sub.to_str().unwrap()],
        "is a directory; give a file path",
    );
    assert!(is_symlink(&link));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // Nothing is left behind in the directory but what the test made.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

/// A save through a symlink writes the link's target and leaves the link; the replaced file
/// keeps its permissions.
#[test]
fn saving_follows_symlinks_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    std::fs::write(&real, "old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    train()
        .args(["--steps", "1", "--save"])
        .arg(&link)
        .assert()
        .success();
    assert!(is_symlink(&link));
    assert!(ModelFile::load(&real).is_ok());
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// A `kill -9` mid-save leaves `.NAME.PID.tmp`; the next save to that path removes it, but not
/// the temporary file of a process that is still running (it may be saving right now).
#[test]
fn saving_removes_the_temporary_files_of_dead_processes() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    // Far above any pid_max: no such process.
    let stale = dir.path().join(".m.json.99999999.tmp");
    let live = dir
        .path()
        .join(format!(".m.json.{}.tmp", std::process::id()));
    std::fs::write(&stale, "half a file").unwrap();
    std::fs::write(&live, "being written").unwrap();
    train()
        .args(["--steps", "1", "--save"])
        .arg(&model)
        .assert()
        .success();
    assert!(!stale.exists());
    assert!(live.exists());
    assert!(ModelFile::load(&model).is_ok());
}

/// If the final save fails after all, the model goes to a fallback file and the error says
/// where (this is the function `train --save` calls after training).
#[test]
fn a_failed_final_save_writes_the_model_elsewhere_and_says_where() {
    let fallback = tempfile::tempdir().unwrap();
    let model = Session::new(TrainConfig::default()).unwrap().model();
    let path = Path::new("/proc/self/m.json");
    let err = reluscope::commands::train::save_model(&model, path, fallback.path())
        .unwrap_err()
        .to_string();
    let saved = fallback
        .path()
        .join(format!("reluscope-{}-m.json", std::process::id()));
    assert!(
        err.contains(&format!(
            "the trained model was saved to {} instead",
            saved.display()
        )),
        "{err}"
    );
    assert_eq!(err.matches("/proc/self/m.json").count(), 1, "{err}");
    assert_eq!(ModelFile::load(&saved).unwrap(), model);
}

/// /dev/zero and /dev/urandom used to be read until memory ran out.
#[test]
fn devices_and_directories_are_not_read() {
    refused(
        &["--data", "/dev/zero"],
        "/dev/zero: is a character device, not a regular file",
    );
    refused(
        &["--model", "/dev/urandom"],
        "/dev/urandom: is a character device, not a regular file",
    );
    let dir = tempfile::tempdir().unwrap();
    refused(
        &["--data", dir.path().to_str().unwrap()],
        "is a directory, not a regular file",
    );
}

/// Files beyond the byte caps are refused before they are read, naming the limit. (Sparse
/// files: they take no disk space.)
#[test]
fn files_beyond_the_byte_caps_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sparse = |name: &str, len: u64| {
        let p = dir.path().join(name);
        std::fs::File::create(&p).unwrap().set_len(len).unwrap();
        p.display().to_string()
    };
    let data = sparse("big.csv", 128_000_001);
    refused(
        &["--data", &data],
        "big.csv: is larger than 128 MB (128000000 bytes), the limit for a data file",
    );
    let model = sparse("big.json", 8_000_001);
    refused(
        &["--model", &model],
        "big.json: is larger than 8 MB (8000000 bytes), the limit for a model file",
    );
}

/// A pipe whose writer is already there (`--data <(command)`, `--data /dev/stdin`) is read at
/// once, without a note.
#[test]
fn a_pipe_with_a_writer_is_read() {
    train()
        .args(["--steps", "1", "--data", "/dev/stdin"])
        .write_stdin(CSV)
        .assert()
        .success()
        .stderr(predicate::str::contains("waiting").not());
}

/// A FIFO with no writer used to block without a word; now reluscope says it waits, and reads
/// the data once a writer comes.
#[test]
fn a_fifo_without_a_writer_is_waited_for_out_loud() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("data.csv");
    mkfifo(&fifo);
    let mut child = Process::new(env!("CARGO_BIN_EXE_reluscope"))
        .args(["train", "--steps", "1", "--data"])
        .arg(&fifo)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    // A guard against hanging, not a measure of speed: the note comes before any wait.
    let note = rx.recv_timeout(std::time::Duration::from_secs(60));
    if note.is_err() {
        let _ = child.kill();
        panic!("no note on stderr: reluscope waits on the FIFO silently");
    }
    let note = note.unwrap();
    assert!(
        note.contains("is a FIFO and nothing writes to it yet; waiting for a writer"),
        "{note}"
    );
    let mut f = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    f.write_all(CSV.as_bytes()).unwrap();
    drop(f);
    assert!(child.wait().unwrap().success());
}
