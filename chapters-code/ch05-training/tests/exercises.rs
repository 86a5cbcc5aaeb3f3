//! The numbers in the answers to chapter 5's exercises.

use ch04_model::shape::VaeShape;
use ch05_training::adam::Adam;
use ch05_training::batches::shuffled_order;
use ch05_training::checkpoint::Settings;
use ch05_training::options::TrainConfig;
use ch05_training::seeds::{self, Purpose};
use ch05_training::trainer::Trainer;
use mnist::Dataset;

#[test]
fn an_epoch_is_469_steps_and_the_last_batch_holds_96() {
    let order = shuffled_order(60_000, &mut seeds::rng(1, Purpose::Train, 1));
    let batches: Vec<usize> = order.chunks(128).map(<[usize]>::len).collect();
    assert_eq!(batches.len(), 469);
    assert_eq!(*batches.last().unwrap(), 96);
}

#[test]
fn without_bias_correction_the_first_step_would_be_3_16_times_lr() {
    // At t = 1, m = (1 - beta1) g and v = (1 - beta2) g^2: the uncorrected ratio m / sqrt(v).
    let adam = Adam::new(&[1], 1e-3);
    let g = 0.37f64;
    let (b1, b2) = (f64::from(adam.beta1), f64::from(adam.beta2));
    let ratio = ((1.0 - b1) * g) / ((1.0 - b2) * g * g).sqrt();
    assert!((ratio - 3.162).abs() < 1e-3, "{ratio}");
    // With the correction, the real first step is lr.
    let mut adam = adam;
    let mut p = vec![0.0f32];
    adam.step(&mut [&mut p], &[&[g as f32]]);
    assert!((p[0] + 1e-3).abs() < 1e-7, "{}", p[0]);
}

#[test]
fn a_checkpoint_of_the_default_model_holds_7_833_888_bytes_of_numbers() {
    let trainer = Trainer::new(VaeShape::MNIST, 128, 1e-3, 1);
    // The settings a default run writes into its header.
    let config = TrainConfig::default();
    let settings = Settings {
        dataset: Dataset::Mnist,
        limit: None,
        shape: VaeShape::MNIST,
        batch_size: config.batch_size,
        lr: config.lr,
        beta: config.beta,
        kl_warmup: config.kl_warmup,
        seed: config.seed,
        threads: 2,
    };
    let bytes = trainer.checkpoint(20, settings).to_bytes();
    let numbers = 3 * 652_824 * 4;
    assert_eq!(numbers, 7_833_888);
    // The text header, then the 32-byte checksum, as the solution says.
    let header = bytes.len() - numbers - 32;
    let page = support::book::flat(&support::book::read("ch05-training.md").unwrap());
    let quoted = format!("plus a text header of {header} bytes and the file's 32-byte SHA-256");
    assert!(page.contains(&quoted), "chapter 5 should say {quoted:?}");
}
