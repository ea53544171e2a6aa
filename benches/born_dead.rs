//! The born-dead budget: 10,000 trials of width 4, depth 10 (2 inputs, 720 directions) on one
//! and on two threads. The issue asks for under 2 s on 2 cores with near-linear speed-up.

use criterion::{Criterion, criterion_group, criterion_main};
use reluscope::experiment::{BornDeadConfig, Progress, born_dead};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let config = BornDeadConfig {
        widths: vec![4],
        depths: vec![10],
        trials: 10_000,
        ..BornDeadConfig::default()
    };
    let mut group = c.benchmark_group("born_dead_10k_w4_d10");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_function(format!("{threads}_threads"), |b| {
            b.iter(|| {
                pool.install(|| born_dead::run(black_box(&config), &Progress::new()))
                    .expect("valid config")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
