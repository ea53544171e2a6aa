//! Helpers shared by the integration tests that need a real terminal.

use std::io::Read;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Runs the reluscope binary with `args` in a 120×40 pseudo-terminal, with NO_COLOR, LC_ALL and
/// LC_CTYPE removed and then `envs` set, and returns all it printed (stdout and stderr share the
/// terminal). Fails the test if the process fails.
pub fn run_in_pty(args: &[&str], envs: &[(&str, &str)]) -> String {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_reluscope"));
    cmd.args(args);
    for var in ["NO_COLOR", "LC_ALL", "LC_CTYPE"] {
        cmd.env_remove(var);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    // Read while the child runs so a full pty buffer cannot block it; the read ends with EOF
    // or EIO once the child has exited and its side of the pty is closed.
    let reading = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = reader.read_to_end(&mut out);
        out
    });
    assert!(child.wait().unwrap().success(), "reluscope {args:?} failed");
    drop(pair.master);
    String::from_utf8_lossy(&reading.join().unwrap()).into_owned()
}
