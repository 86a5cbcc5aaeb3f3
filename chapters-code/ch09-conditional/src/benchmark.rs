//! The benchmark for one task (a number of given quadrants, or any other mask of the pixels
//! to predict): the baseline trained, then the CVAE on top of it (its prior network reads the
//! baseline's guess), both scored on the test digits' pixels to predict.

use ndarray::{Array2, ArrayView2, s};
use rand::rngs::StdRng;

use ch04_model::bernoulli::probabilities;
use mnist::Split;
use support::seeds;

use crate::baseline::{Baseline, BaselineWorkspace};
use crate::cvae::{Batch, Cvae, CvaeShape};
use crate::labelled::{CLASSES, with_labels};
use crate::likelihood::{baseline_rows, estimate, k_curve, log_weights};
use crate::quadrants::{Given, filled_in, given_pixels};

/// What to predict: the mask of the scored pixels, a name for the files, a number that
/// keeps each task's random streams apart, and whether the CVAE's two encoders also read the
/// digit's label.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: String,
    pub stream: u64,
    pub mask: Vec<f32>,
    pub labels: bool,
}

impl Task {
    /// Sohn et al.'s task with `given` quadrants (named and streamed by their count).
    pub fn quadrants(given: Given) -> Task {
        Task {
            name: given.to_string(),
            stream: given.count() as u64,
            mask: given.scored_mask(),
            labels: false,
        }
    }

    /// How many numbers the CVAE's encoders read.
    pub fn inputs(&self) -> usize {
        self.mask.len() + if self.labels { CLASSES } else { 0 }
    }

    // ANCHOR: encoder_inputs
    /// What the recognition and the prior networks read: the whole digits and the prior's
    /// input, each with the one-hot label concatenated when the task says so.
    pub fn encoder_inputs(
        &self,
        full: &ArrayView2<f32>,
        prior_input: Array2<f32>,
        labels: &[u8],
    ) -> (Array2<f32>, Array2<f32>) {
        if self.labels {
            (with_labels(full, labels), with_labels(&prior_input, labels))
        } else {
            (full.to_owned(), prior_input)
        }
    }
    // ANCHOR_END: encoder_inputs
}
use crate::train::{Epoch, Schedule, train};

/// What differs between runs of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub shape: CvaeShape,
    pub baseline: Schedule,
    pub cvae: Schedule,
    /// Importance samples per test digit.
    pub k: usize,
    pub seed: u64,
}

/// The chapter's tag in every seeded stream.
const TAG: [u8; 8] = *b"ch09cvae";

/// The purposes of the streams.
#[derive(Debug, Clone, Copy)]
enum Purpose {
    BaselineInit = 1,
    BaselineTrain = 2,
    CvaeInit = 3,
    CvaeTrain = 4,
    Score = 5,
    Figure = 6,
    KCurve = 7,
}

fn stream(settings: &Settings, task: &Task, purpose: Purpose, index: usize) -> StdRng {
    let seed = settings.seed * 10 + task.stream;
    seeds::stream(seed, purpose as u64, index as u64, TAG)
}

/// Two trained networks for one task.
pub struct Trained {
    pub task: Task,
    pub baseline: Baseline<f32>,
    pub cvae: Cvae<f32>,
    pub baseline_epochs: Vec<Epoch>,
    pub cvae_epochs: Vec<Epoch>,
}

/// The baseline's probabilities for the given pixels `x`.
pub fn baseline_guess(
    baseline: &Baseline<f32>,
    x: &ArrayView2<f32>,
    ws: &mut BaselineWorkspace<f32>,
) -> Array2<f32> {
    let logits = baseline.forward(x, ws);
    let mut probs = Array2::zeros(logits.raw_dim());
    probabilities(&logits, &mut probs);
    probs
}

/// The CVAE's inputs for a batch of whole digits: the given pixels, and the prior network's
/// input (the given pixels, the baseline's guess elsewhere).
pub fn cvae_inputs(
    baseline: &Baseline<f32>,
    images: &ArrayView2<f32>,
    mask: &[f32],
    ws: &mut BaselineWorkspace<f32>,
) -> (Array2<f32>, Array2<f32>) {
    let x = given_pixels(images, mask);
    let guess = baseline_guess(baseline, &x.view(), ws);
    let prior_input = filled_in(&x, &guess.view(), mask);
    (x, prior_input)
}

// ANCHOR: train_both
/// Trains the baseline, then the CVAE with the baseline frozen, on `train_split`.
pub fn train_both(
    train_split: &Split,
    task: &Task,
    settings: &Settings,
    mut report: impl FnMut(&str, usize, Epoch),
) -> Trained {
    let mask = &task.mask[..];
    let shape = settings.shape;
    assert_eq!(
        shape.inputs,
        task.inputs(),
        "the encoders' width fits the task"
    );
    let mut baseline = Baseline::new(
        shape.pixels,
        shape.hidden,
        shape.depth,
        &mut stream(settings, task, Purpose::BaselineInit, 0),
    );
    let mut grad = baseline.zeros_like();
    let mut ws = baseline.workspace(settings.baseline.batch_size);
    let baseline_epochs = train(
        &mut baseline,
        &mut grad,
        train_split,
        settings.baseline,
        |e| stream(settings, task, Purpose::BaselineTrain, e),
        |m, images, _, _, g| {
            let x = given_pixels(&images, mask);
            f64::from(m.loss_and_gradient(&x, &images, mask, &mut ws, g))
        },
        |e, epoch| report("baseline", e, epoch),
    );
    let mut cvae = Cvae::new(shape, &mut stream(settings, task, Purpose::CvaeInit, 0));
    let mut grad = Cvae::zeros(shape);
    let mut cws = cvae.workspace(settings.cvae.batch_size);
    let cvae_epochs = train(
        &mut cvae,
        &mut grad,
        train_split,
        settings.cvae,
        |e| stream(settings, task, Purpose::CvaeTrain, e),
        |m, images, labels, rng, g| {
            let (_, prior_input) = cvae_inputs(&baseline, &images, mask, &mut ws);
            let (recognition_input, prior_input) =
                task.encoder_inputs(&images, prior_input, labels);
            let batch = Batch {
                full: &images,
                recognition_input: &recognition_input,
                prior_input: &prior_input,
                mask,
            };
            m.forward(batch, rng, &mut cws);
            f64::from(m.backward(batch, &mut cws, g).total())
        },
        |e, epoch| report("cvae", e, epoch),
    );
    Trained {
        task: task.clone(),
        baseline,
        cvae,
        baseline_epochs,
        cvae_epochs,
    }
}
// ANCHOR_END: train_both

/// Each test digit's three numbers, in nats.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scores {
    /// The baseline's cross-entropy of the pixels to predict.
    pub baseline: Vec<f64>,
    /// The CVAE's negative conditional ELBO, averaged over the k draws.
    pub cvae_elbo: Vec<f64>,
    /// The CVAE's importance-sampled `-log p(y | x)` with k draws.
    pub cvae_importance: Vec<f64>,
}

// ANCHOR: score
/// Scores both networks on the first `count` digits of `test`, 100 at a time.
pub fn score(trained: &Trained, test: &Split, count: usize, settings: &Settings) -> Scores {
    let mask = &trained.task.mask[..];
    let images = mnist::unit_pixels(test.images.slice(s![..count.min(test.len()), ..]));
    let chunk = 100;
    let mut ws = trained.baseline.workspace(chunk);
    let mut cws = trained.cvae.workspace(chunk);
    let mut scores = Scores::default();
    for (c, part) in images.axis_chunks_iter(ndarray::Axis(0), chunk).enumerate() {
        let (x, prior_input) = cvae_inputs(&trained.baseline, &part, mask, &mut ws);
        let logits = trained.baseline.forward(&x, &mut ws);
        scores.baseline.extend(baseline_rows(&logits, &part, mask));
        let labels = &test.labels[c * chunk..c * chunk + part.nrows()];
        let (recognition_input, prior_input) =
            trained.task.encoder_inputs(&part, prior_input, labels);
        let batch = Batch {
            full: &part,
            recognition_input: &recognition_input,
            prior_input: &prior_input,
            mask,
        };
        let mut rng = stream(settings, &trained.task, Purpose::Score, c);
        let e = estimate(&trained.cvae, batch, settings.k, &mut rng, &mut cws);
        scores.cvae_elbo.extend(e.elbo);
        scores.cvae_importance.extend(e.importance);
    }
    scores
}
// ANCHOR_END: score

/// The CVAE's importance-sampled `-log p(y | x)` of each of the first `count` test digits
/// at every `K` of `ks`, nested (one set of `max(ks)` draws per digit): one vector per `K`.
pub fn k_curves(
    trained: &Trained,
    test: &Split,
    count: usize,
    ks: &[usize],
    settings: &Settings,
) -> Vec<Vec<f64>> {
    let mask = &trained.task.mask[..];
    let images = mnist::unit_pixels(test.images.slice(s![..count.min(test.len()), ..]));
    let most = ks.iter().copied().max().unwrap_or(1);
    let chunk = 100;
    let mut ws = trained.baseline.workspace(chunk);
    let mut cws = trained.cvae.workspace(chunk);
    let mut curves = vec![Vec::new(); ks.len()];
    for (c, part) in images.axis_chunks_iter(ndarray::Axis(0), chunk).enumerate() {
        let (_, prior_input) = cvae_inputs(&trained.baseline, &part, mask, &mut ws);
        let labels = &test.labels[c * chunk..c * chunk + part.nrows()];
        let (recognition_input, prior_input) =
            trained.task.encoder_inputs(&part, prior_input, labels);
        let batch = Batch {
            full: &part,
            recognition_input: &recognition_input,
            prior_input: &prior_input,
            mask,
        };
        let mut rng = stream(settings, &trained.task, Purpose::KCurve, c);
        let log_w = log_weights(&trained.cvae, batch, most, &mut rng, &mut cws);
        for (curve, part) in curves.iter_mut().zip(k_curve(&log_w, ks)) {
            curve.extend(part);
        }
    }
    curves
}

/// For a figure: `samples` completions of each digit of `images` (with their `labels`) by the
/// CVAE (codes drawn from its prior network), and the baseline's one, each with the given
/// pixels pasted back.
pub fn completions(
    trained: &Trained,
    images: &ArrayView2<f32>,
    labels: &[u8],
    samples: usize,
    settings: &Settings,
) -> (Array2<f32>, Vec<Array2<f32>>) {
    let mask = &trained.task.mask[..];
    let n = images.nrows();
    let mut ws = trained.baseline.workspace(n);
    let mut cws = trained.cvae.workspace(n);
    let (x, prior_input) = cvae_inputs(&trained.baseline, images, mask, &mut ws);
    let paste = |probs: &Array2<f32>| filled_in(&x, &probs.view(), mask);
    let baseline = paste(&baseline_guess(&trained.baseline, &x.view(), &mut ws));
    let (_, prior_input) = trained.task.encoder_inputs(images, prior_input, labels);
    trained.cvae.prior(&prior_input, &mut cws);
    let mut rng = stream(settings, &trained.task, Purpose::Figure, 0);
    let drawn = (0..samples)
        .map(|_| {
            let eps = &mut cws.eps.slice_mut(s![..n, ..]);
            ch03_reparameterization::reparam::draw_standard_normal(&mut rng, eps);
            ch03_reparameterization::reparam::reparameterize(
                &cws.mu_p.slice(s![..n, ..]),
                &cws.logvar_p.slice(s![..n, ..]),
                &cws.eps.slice(s![..n, ..]),
                &mut cws.z.slice_mut(s![..n, ..]),
            );
            trained.cvae.generate(n, &mut cws);
            let mut probs = Array2::zeros((n, mask.len()));
            probabilities(&cws.logits.slice(s![..n, ..]), &mut probs);
            paste(&probs)
        })
        .collect();
    (baseline, drawn)
}
