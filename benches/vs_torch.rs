//! Times the cases of `benches/common` one at a time, for `benches/vs_torch.py`, which runs
//! PyTorch's eager baseline for the same networks in turn and prints the ratios. Also measures
//! this machine's f64 multiply-add peak on one core with a tight loop.
//!
//! ```text
//! cargo bench --bench vs_torch -- --list
//! cargo bench --bench vs_torch -- --case step_64x8_b10 --ms 300
//! cargo bench --bench vs_torch -- --peak
//! ```
//!
//! Each timing line is `case NAME NS_PER_ITER SAMPLES_PER_ITER PARAMETERS`: the median over
//! batches of iterations, each batch about a millisecond long, for `--ms` milliseconds.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Median nanoseconds per call of `f`, over batches of about 1 ms run for `total`.
fn median_ns(f: &mut dyn FnMut(), total: Duration) -> f64 {
    // Warm up and size a batch to about a millisecond.
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < Duration::from_millis(20) || calls < 3 {
        f();
        calls += 1;
    }
    let per_call = start.elapsed().as_secs_f64() / calls as f64;
    let batch = ((1e-3 / per_call) as u64).max(1);
    let mut times = Vec::new();
    let start = Instant::now();
    while start.elapsed() < total || times.len() < 5 {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        times.push(t.elapsed().as_secs_f64() * 1e9 / batch as f64);
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Fused multiply-adds per second on one core: 12 independent chains of 256-bit FMAs (4
/// lanes each), enough to cover the FMA latency on two pipes.
#[cfg(target_arch = "x86_64")]
fn fma_peak() -> Option<f64> {
    use std::arch::x86_64::{_mm256_add_pd, _mm256_fmadd_pd, _mm256_set1_pd, _mm256_storeu_pd};
    #[target_feature(enable = "avx2,fma")]
    unsafe fn chains(iters: u64) -> f64 {
        let mut acc = [_mm256_set1_pd(0.0); 12];
        let a = _mm256_set1_pd(0.999_999_9);
        let b = _mm256_set1_pd(1e-9);
        for _ in 0..iters {
            for v in &mut acc {
                *v = _mm256_fmadd_pd(*v, a, b);
            }
        }
        let mut out = [0.0; 4];
        let mut sum = _mm256_set1_pd(0.0);
        for v in acc {
            sum = _mm256_add_pd(sum, v);
        }
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), sum) };
        out.iter().sum()
    }
    if !(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")) {
        return None;
    }
    let iters = 1_000_000u64;
    let mut best = f64::INFINITY;
    for _ in 0..7 {
        let t = Instant::now();
        // SAFETY: the CPU has AVX2 and FMA (checked above).
        black_box(unsafe { chains(black_box(iters)) });
        best = best.min(t.elapsed().as_secs_f64());
    }
    Some((iters * 12 * 4) as f64 / best)
}

#[cfg(not(target_arch = "x86_64"))]
fn fma_peak() -> Option<f64> {
    None
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    if args.iter().any(|a| a == "--peak") {
        match fma_peak() {
            Some(p) => println!("peak {p:.0}"),
            None => println!("peak unknown"),
        }
        return;
    }
    let ms: u64 = value("--ms").and_then(|v| v.parse().ok()).unwrap_or(300);
    let wanted = value("--case");
    let list = args.iter().any(|a| a == "--list");
    for mut case in common::all() {
        if list {
            println!("{}", case.name);
            continue;
        }
        if wanted.as_deref().is_some_and(|w| w != case.name) {
            continue;
        }
        let ns = median_ns(&mut case.run, Duration::from_millis(ms));
        println!(
            "case {} {ns:.1} {} {}",
            case.name, case.samples, case.params
        );
    }
}
