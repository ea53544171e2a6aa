//! Measurements behind the explorer's budgets (they measure and print, they assert nothing):
//!
//! ```text
//! cargo bench --bench tui_budget
//! ```
//!
//! It runs the real binary in a 160×48 pseudo-terminal and prints: time to the first complete
//! frame (budget 150 ms), bytes written per second while training at the defaults (budget
//! 30 KB/s), and CPU use while training and while paused (budget 0.5% of a core), from
//! /proc/PID/stat.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const SECONDS: u64 = 10;

fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn main() {
    let size = PtySize {
        rows: 48,
        cols: 160,
        pixel_width: 0,
        pixel_height: 0,
    };
    let pair = native_pty_system().openpty(size).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_reluscope"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("COLORTERM", "truecolor");
    cmd.env("LANG", "C.UTF-8");
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let pid = child.process_id().unwrap();
    let bytes = Arc::new(AtomicU64::new(0));
    let first_frame = Arc::new(Mutex::new(None::<Duration>));
    let mut reader = pair.master.try_clone_reader().unwrap();
    {
        let bytes = bytes.clone();
        let first_frame = first_frame.clone();
        thread::spawn(move || {
            let mut parser = vt100::Parser::new(
                std::num::NonZeroU16::new(48).unwrap(),
                std::num::NonZeroU16::new(160).unwrap(),
                0,
            );
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                bytes.fetch_add(n as u64, Ordering::Relaxed);
                let mut first = first_frame.lock().unwrap();
                if first.is_none() {
                    parser.process(&buf[..n]);
                    let text = parser.screen().contents();
                    if text.contains("Parameters") && text.contains("epoch") {
                        *first = Some(start.elapsed());
                    }
                }
            }
        });
    }
    let mut writer = pair.master.take_writer().unwrap();
    let hz = ticks_per_second();
    thread::sleep(Duration::from_secs(2));
    let measure = |label: &str| {
        let (b0, c0, t0) = (
            bytes.load(Ordering::Relaxed),
            cpu_ticks(pid),
            Instant::now(),
        );
        thread::sleep(Duration::from_secs(SECONDS));
        let (b1, c1, dt) = (
            bytes.load(Ordering::Relaxed),
            cpu_ticks(pid),
            t0.elapsed().as_secs_f64(),
        );
        let cpu = match (c0, c1) {
            (Some(a), Some(b)) => format!("{:.2}% of a core", (b - a) as f64 / hz / dt * 100.0),
            _ => "n/a".to_string(),
        };
        println!(
            "{label}: {:.1} KB/s written to the terminal, CPU {cpu}",
            (b1 - b0) as f64 / dt / 1000.0
        );
    };
    println!(
        "first frame: {:?}",
        first_frame.lock().unwrap().unwrap_or_default()
    );
    measure("training at defaults, 160x48");
    writer.write_all(b" ").unwrap();
    thread::sleep(Duration::from_secs(1));
    measure("paused and idle");
    writer.write_all(b"q").unwrap();
    let status = child.wait().unwrap();
    println!("exit: {status:?}");
}
