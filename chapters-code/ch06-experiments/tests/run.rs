//! The whole chapter on real MNIST with tiny settings (300 images, one epoch, a narrow
//! network): every file is written and decodes at its expected size, and the tables hold
//! what the page says they hold.

use std::path::Path;

use ch06_experiments::beta::BETAS;
use ch06_experiments::experiments::{self, Settings};
use ch06_experiments::timings::{TIMINGS, Timings};

fn png_size(path: &Path) -> (u32, u32) {
    let image = image::open(path).unwrap();
    (image.width(), image.height())
}

#[test]
fn a_tiny_run_writes_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let settings = Settings {
        out: out.clone(),
        runs: None,
        seed: 1,
        data_dir: None,
        checkpoint: None,
        epochs: 1,
        beta_epochs: 1,
        latent: 20,
        hidden: 32,
        limit: Some(300),
        threads: 2,
        likelihood_images: 3,
        ks: vec![1, 10, 100],
    };
    let results = experiments::run(&settings).unwrap();

    assert_eq!(png_size(&out.join(experiments::MANIFOLD)), (581, 581));
    assert_eq!(png_size(&out.join(experiments::SCATTER)), (700, 600));
    assert_eq!(
        png_size(&out.join(experiments::INTERPOLATION_PNG)),
        (685, 457)
    );
    // Three panels side by side, under a strip of 36 pixels for their captions.
    assert_eq!(
        png_size(&out.join(experiments::BETA_SAMPLES)),
        (1061, 343 + 36)
    );
    let gif = std::fs::read(out.join(experiments::INTERPOLATION_GIF)).unwrap();
    let decoder = gif::DecodeOptions::new().read_info(gif.as_slice()).unwrap();
    assert_eq!((decoder.width(), decoder.height()), (341, 171));
    let text = std::fs::read_to_string(out.join(experiments::RESULTS)).unwrap();
    assert_eq!(text, results.text);
    assert_eq!(results.files.len(), 7);
    // The run's time: the training of all five models (1 epoch each here), then the sampling.
    let t = Timings::load(&out.join(TIMINGS)).unwrap();
    assert_eq!((t.training_epochs, t.likelihood_images), (5, 3));
    assert!(t.training_seconds > 0.0 && t.sampling_seconds > 0.0);
    assert!(t.training_seconds + t.sampling_seconds <= t.total_seconds + 0.1);

    let t = &results.likelihood;
    assert_eq!((t.images, t.ks.as_slice()), (3, &[1, 10, 100][..]));
    assert!(t.estimates[2].mean > t.estimates[0].mean);
    assert!(t.estimates.iter().all(|s| s.mean < 0.0));
    assert_eq!(results.beta.len(), BETAS.len());
    // A larger KL weight buys a smaller KL.
    assert!(
        results.beta[2].kl < results.beta[0].kl,
        "{:?}",
        results.beta
    );

    // A checkpoint that is not there is refused by name.
    let missing = Settings {
        checkpoint: Some(dir.path().join("no-such.bin")),
        ..settings
    };
    let err = experiments::run(&missing).err().unwrap().to_string();
    assert!(err.contains("no-such.bin"), "{err}");
}
