//! No input panics the engine: arbitrary CSV and model text, and random settings trained for a
//! few steps (including learning rates large enough to diverge).

use proptest::prelude::*;
use reluscope::activation::Kind;
use reluscope::engine::{
    BiasInit, CsvData, DatasetKind, Init, ModelFile, OptimizerKind, Session, TrainConfig,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn csv_text_never_panics(text in "[0-9a-z,.\\-\\n\\r\" ]{0,200}") {
        let _ = CsvData::parse("p.csv", &text);
    }

    #[test]
    fn model_text_never_panics(text in "[\\[\\]{}:,\"0-9a-z.\\- ]{0,200}") {
        let _ = ModelFile::parse("p.json", &text);
    }

    #[test]
    fn random_settings_train_without_panicking(
        dataset in 0usize..7,
        kind in 0usize..Kind::ALL.len(),
        init in 0usize..8,
        optimizer in 0usize..3,
        hidden in proptest::collection::vec(1usize..6, 0..4),
        lr_exp in -4.0f64..6.0,
        bias in -5.0f64..5.0,
        batch in 0usize..40,
        clip in prop_oneof![Just(0.0), 0.1f64..10.0],
        seed in any::<u64>(),
    ) {
        let config = TrainConfig {
            dataset: DatasetKind::ALL[dataset],
            activation: Kind::ALL[kind].default_activation(),
            init: Init::ALL[init],
            optimizer: OptimizerKind::ALL[optimizer],
            hidden,
            lr: 10f64.powf(lr_exp),
            bias_init: BiasInit::Constant(bias),
            batch_size: batch,
            clip,
            seed,
            ..TrainConfig::default()
        };
        let mut s = Session::new(config).unwrap();
        for _ in 0..60 {
            let r = s.step();
            if r.diverged {
                prop_assert!(s.diverged());
                break;
            }
        }
        let h = s.health();
        prop_assert_eq!(h.total(), s.config().hidden.iter().sum::<usize>());
        let p = s.predict(1.0, -1.0);
        prop_assert!(s.diverged() || p.is_finite());
    }
}
