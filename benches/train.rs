//! Training speed: the default 2-8-8-1 ReLU network at batch 10 (health pass included once per
//! epoch), a full-batch step on 500 samples, and one health pass over 500 samples.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reluscope::engine::network::{Gradients, Scratch};
use reluscope::engine::{CsvData, DatasetKind, Optimizer, Session, TrainConfig};

/// A session whose training set has exactly 500 points: 1000 circle points, half for training.
fn session_500(batch_size: usize) -> Session {
    let mut rng = reluscope::engine::rng_from_seed(1);
    let mut text = String::from("x1,x2,label\n");
    for _ in 0..2 {
        for p in DatasetKind::Circle.generate(0.0, 3, &mut rng) {
            text.push_str(&format!("{},{},{}\n", p.x1, p.x2, p.label));
        }
    }
    let csv = CsvData::parse("circle1000.csv", &text).unwrap();
    let config = TrainConfig {
        csv: Some(Arc::new(csv)),
        batch_size,
        ..TrainConfig::default()
    };
    let s = Session::new(config).unwrap();
    assert_eq!(s.dataset().train.len(), 500);
    s
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("train");

    // One epoch of the default run: 250 samples in 25 steps of 10, then the health pass.
    let mut s = Session::new(TrainConfig::default()).unwrap();
    let per_epoch = s.steps_per_epoch();
    g.throughput(Throughput::Elements(s.dataset().train.len() as u64));
    g.bench_function("epoch_2-8-8-1_relu_batch10_with_health", |b| {
        b.iter(|| {
            for _ in 0..per_epoch {
                black_box(s.step());
            }
        })
    });

    // One full-batch step on 500 samples (gradient + optimizer update, no health pass).
    let s = session_500(0);
    let mut net = s.network().clone();
    let cfg = s.config().clone();
    let mut opt = Optimizer::new(cfg.optimizer_settings(), &net);
    let mut grads = Gradients::zeros(&net);
    let mut scratch = Scratch::new(&net);
    let xs: Vec<f64> = s
        .dataset()
        .train
        .iter()
        .flat_map(|p| [p.x1, p.x2])
        .collect();
    let ys: Vec<f64> = s.dataset().train.iter().map(|p| p.label).collect();
    let rows: Vec<usize> = (0..ys.len()).collect();
    g.throughput(Throughput::Elements(500));
    g.bench_function("full_batch_step_500", |b| {
        b.iter(|| {
            let loss = net.batch_gradient(&xs, &ys, &rows, &mut grads, &mut scratch, |_, _| {});
            black_box(opt.step(&mut net, &mut grads));
            black_box(loss)
        })
    });

    // One health pass over 500 training samples (plus the test loss).
    let mut s = session_500(10);
    g.bench_function("health_pass_500", |b| b.iter(|| s.refresh()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
