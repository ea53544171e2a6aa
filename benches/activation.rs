//! Throughput of value + derivative for a few activations over 10,000 points.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reluscope::activation::Activation;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let xs: Vec<f64> = (0..10_000).map(|i| -10.0 + i as f64 * 0.002).collect();
    let mut group = c.benchmark_group("activation_value_and_derivative");
    group.throughput(Throughput::Elements(xs.len() as u64));
    for spec in [
        "relu",
        "leaky-relu",
        "gelu",
        "gelu:approx=tanh",
        "mish",
        "sigmoid",
    ] {
        let act: Activation = spec.parse().unwrap();
        group.bench_function(spec, |b| {
            b.iter(|| {
                let mut acc = 0.0;
                for &x in &xs {
                    acc += act.value(black_box(x)) + act.derivative(black_box(x));
                }
                acc
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
