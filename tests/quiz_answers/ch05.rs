//! Chapter 5's quiz.

use ch04_model::bernoulli::bce_with_logit;
use ch04_model::shape::VaeShape;
use ch05_training::batches::shuffled_order;
use ch05_training::checkpoint::Settings;
use ch05_training::options::TrainConfig;
use ch05_training::seeds::{self, Purpose};
use ch05_training::trainer::Trainer;
use mnist::Dataset;

use crate::assert_number;

const QUIZ: &str = "ch05-training";

#[test]
fn batches_of_256_make_235_steps() {
    let order = shuffled_order(60_000, &mut seeds::rng(1, Purpose::Train, 1));
    let steps = order.chunks(256).count();
    assert_number(QUIZ, "ch05-steps-batch-256", steps as f64);
}

#[test]
fn a_grey_pixel_of_0_3_costs_at_least_0_61_nats() {
    // The loss is smallest where the decoder's probability equals the grey level.
    let x = 0.3f64;
    let best = bce_with_logit((x / (1.0 - x)).ln(), x);
    let nearby = [0.29f64, 0.31].map(|p| bce_with_logit((p / (1.0 - p)).ln(), x));
    assert!(nearby.iter().all(|&l| l > best));
    assert_number(QUIZ, "ch05-grey-pixel-floor", best);
}

#[test]
fn a_two_dimensional_models_checkpoint_holds_7_574_256_bytes_of_numbers() {
    // The parameters, Adam's m and Adam's v, each an f32; the rest of the real file is its
    // text header and checksum.
    let shape = VaeShape {
        latent: 2,
        ..VaeShape::MNIST
    };
    let numbers = 3 * shape.parameter_count() * std::mem::size_of::<f32>();
    let config = TrainConfig::default();
    let settings = Settings {
        dataset: Dataset::Mnist,
        limit: None,
        shape,
        batch_size: config.batch_size,
        lr: config.lr,
        beta: config.beta,
        kl_warmup: config.kl_warmup,
        seed: config.seed,
        threads: 2,
    };
    let trainer = Trainer::new(shape, config.batch_size, config.lr, 1);
    let file = trainer.checkpoint(10, settings).to_bytes().len();
    assert!(
        file > numbers && file - numbers < 300,
        "{file} bytes in all"
    );
    assert_number(QUIZ, "ch05-checkpoint-latent-2", numbers as f64);
}

/// "ch05-train-above-test" quotes chapter 5's run: the training loss of the first epoch against
/// the test loss after it, as `metrics.csv` holds them and the page prints them, with the pair
/// of the last epoch, where the gap has almost closed.
#[test]
fn the_train_above_test_question_quotes_the_books_run() {
    use ch05_training::metrics::{EpochMetrics, parse_csv};
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("book");
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let flat = |text: String| support::book::flat(&text);
    let path = "media/ch05-training/metrics.csv";
    let rows = parse_csv(&read(path), path.as_ref()).unwrap();
    assert_eq!(rows.len(), 20, "the book's run has 20 epochs");
    let (first, last) = (rows[0], rows[19]);
    assert!(first.train_loss - first.test_loss > 30.0, "a wide margin");
    assert!(
        (0.0..0.5).contains(&(last.train_loss - last.test_loss)),
        "hardly at all"
    );
    let pair = |r: EpochMetrics| format!("{:.2} against {:.2}", r.train_loss, r.test_loss);
    let page = flat(read("ch05-training.md"));
    for quoted in [
        format!("in the first epoch ({} nats per image)", pair(first)),
        format!("by the last ({})", pair(last)),
    ] {
        assert!(
            page.contains(&quoted),
            "book/ch05-training.md should say {quoted:?}"
        );
    }
    let quiz = flat(read("quizzes/ch05-training.toml"));
    let quoted = format!("({} nats per image)", pair(first));
    assert!(quiz.contains(&quoted), "{QUIZ}.toml should say {quoted:?}");
}
