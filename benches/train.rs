//! Training speed, under criterion, for every case `benches/vs_torch.py` compares with PyTorch
//! (`benches/common`): one epoch of 2-8-8-1 at batch 10 with its health pass and test loss,
//! SGD steps of 64 × 8 at batch 10 and 64-64-32-1 at batch 32, full-batch steps of 2-8-8-1 on
//! 250, 500, 1,000 and 10,000 samples, and the health pass alone on 500 samples.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("train");
    for mut case in common::all() {
        g.throughput(Throughput::Elements(case.samples));
        g.bench_function(case.name, |b| b.iter(&mut case.run));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
