//! The page's loop (`plain_loop.rs`, on chapter 4's plain VAE) against the trainer the binary
//! runs (shards, the sparse first layer, reused buffers), on one thread and real MNIST digits:
//! from the same weights, the same seed gives the same batches and noise, and the two land on
//! the same weights and losses up to rounding. They are not equal bit for bit: asked for the
//! loss too, the trainer's backward pass computes sigmoid(o) for o < 0 as e * (1 / (1 + e)),
//! not e / (1 + e), and its loss groups the logarithms.

use ch04_model::plain::PlainVae;
use ch04_model::shape::VaeShape;
use ch05_training::adam::Adam;
use ch05_training::plain_loop;
use ch05_training::trainer::Trainer;
use mnist::{DataOptions, Dataset};

const SEED: u64 = 7;
const BATCH: usize = 128;
const LR: f32 = 1e-3;

#[test]
fn the_pages_loop_trains_like_the_binarys_trainer() {
    let data = mnist::load(&DataOptions {
        dataset: Dataset::Mnist,
        data_dir: None,
    })
    .expect("MNIST")
    .limited(Some(1000));
    let (train, test) = (data.train.images.view(), data.test.images.view());

    let mut trainer = Trainer::new(VaeShape::one_hidden_relu(784, 400, 20), BATCH, LR, SEED);
    trainer.set_threads(1);
    let mut plain = PlainVae::try_from(&trainer.vae).expect("chapter 5's network");
    let sizes: Vec<usize> = plain.parameters().iter().map(|p| p.len()).collect();
    let mut adam = Adam::new(&sizes, LR);

    for epoch in 1..=2 {
        let theirs = trainer.train_epoch(train, epoch, SEED, |_| {}).unwrap();
        let mine =
            plain_loop::train_epoch(&mut plain, &mut adam, train, BATCH, SEED, epoch).unwrap();
        println!("epoch {epoch}: training loss {mine} against the trainer's {theirs}");
        assert!(
            (mine - theirs).abs() < 1e-5 * theirs,
            "epoch {epoch}: training loss {mine} against the trainer's {theirs}"
        );
        let theirs = trainer.evaluate(test, SEED, epoch);
        let mine = plain_loop::evaluate(&plain, test, BATCH, SEED, epoch);
        assert_eq!(mine.count, theirs.count);
        for (what, a, b) in [
            ("reconstruction", mine.reconstruction, theirs.reconstruction),
            ("KL", mine.kl, theirs.kl),
        ] {
            println!("epoch {epoch}: test {what} {a} against the trainer's {b}");
            assert!(
                (a - b).abs() < 1e-5 * b,
                "epoch {epoch}: test {what} {a} against the trainer's {b}"
            );
        }
    }
    // Adam's step count and every weight: a few millionths apart after 16 steps (3e-5 allowed).
    assert_eq!(adam.t, trainer.adam.t);
    let names = trainer.vae.tensor_names();
    let mut largest: f32 = 0.0;
    for ((name, a), b) in names
        .iter()
        .zip(plain.parameters())
        .zip(trainer.vae.parameters())
    {
        for (a, b) in a.iter().zip(b) {
            assert!(
                (a - b).abs() < 3e-5,
                "{name}: {a} against the trainer's {b}"
            );
            largest = largest.max((a - b).abs());
        }
    }
    println!("largest weight difference after two epochs: {largest:e}");
    assert!(largest > 0.0, "bit for bit after all: say so in the page");
}
