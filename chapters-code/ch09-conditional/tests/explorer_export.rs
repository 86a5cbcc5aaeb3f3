//! `--export-explorer` on real MNIST with tiny settings: the three files are written, the
//! script reads back with its checksum and holds every network the page runs, and the test
//! vectors have the page's shapes, keep the given half of each digit and come from the
//! stored draws (the browser test then holds the page to them).

use ch06_experiments::bundle::{CONDITIONAL_GLOBAL, read_script_for};
use ch09_conditional::explorer::{COMPLETIONS, STYLE_LABELS, STYLE_POINTS, VECTOR_DIGITS};
use ch09_conditional::options::Options;
use clap::Parser;
use serde_json::Value;

#[test]
fn a_tiny_export_reads_back_with_every_network_and_its_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("explorer");
    let options = Options::parse_from([
        "ch09",
        "--export-explorer",
        "--limit",
        "300",
        "--hidden",
        "16",
        "--latent",
        "3",
        "--baseline-epochs",
        "1",
        "--cvae-epochs",
        "1",
        "--labelled-epochs",
        "1",
        "--explorer-dir",
        out.to_str().unwrap(),
    ]);
    let files = ch09_conditional::explorer::run(&options, &options.explorer_dir).unwrap();
    assert_eq!(files.len(), 3);

    let bundle = read_script_for(&out.join("conditional.js"), CONDITIONAL_GLOBAL).unwrap();
    let shape = |name: &str| {
        bundle
            .manifest
            .tensors
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no tensor {name}"))
            .shape
            .clone()
    };
    // The labelled decoder reads the 2-d code and the one-hot label; chapter 4's 400 hidden.
    assert_eq!(shape("labelled.decoder.hidden.0.weight"), [12, 400]);
    assert_eq!(shape("labelled.decoder.output.weight"), [400, 784]);
    assert_eq!(shape("cvae.baseline.hidden.1.weight"), [16, 16]);
    assert_eq!(shape("cvae.prior.hidden.0.weight"), [784, 16]);
    assert_eq!(shape("cvae.prior.mu.weight"), [16, 3]);
    assert_eq!(shape("cvae.generation.hidden.0.weight"), [3, 16]);
    assert_eq!(shape("cvae.generation.output.weight"), [16, 784]);
    assert!(
        !bundle
            .manifest
            .tensors
            .iter()
            .any(|t| t.name.contains("recognition"))
    );
    let (scored, _) = bundle.tensor::<u8>("cvae.scored").unwrap();
    // The left half is given: the right half's 392 pixels are to predict.
    assert_eq!(scored.iter().filter(|&&m| m == 1).count(), 392);
    assert!((0..784).all(|i| (scored[i] == 1) == (i % 28 >= 14)));

    let vectors: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("conditional-vectors.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(vectors["weights_sha256"], bundle.manifest.sha256.as_str());
    assert_eq!(
        vectors["styled"].as_array().unwrap().len(),
        STYLE_POINTS.len() * STYLE_LABELS.len()
    );
    let completed = vectors["completed"].as_array().unwrap();
    assert_eq!(completed.len(), VECTOR_DIGITS.len());
    for c in completed {
        let image: Vec<u8> = serde_json::from_value(c["image"].clone()).unwrap();
        let all: Vec<Vec<f32>> = serde_json::from_value(c["completions"].clone()).unwrap();
        let eps: Vec<Vec<f32>> = serde_json::from_value(c["eps"].clone()).unwrap();
        let baseline: Vec<f32> = serde_json::from_value(c["baseline"].clone()).unwrap();
        assert_eq!(
            (all.len(), eps.len(), eps[0].len()),
            (COMPLETIONS, COMPLETIONS, 3)
        );
        for completion in all.iter().chain([&baseline]) {
            assert_eq!(completion.len(), 784);
            for i in 0..784 {
                if scored[i] == 0 {
                    assert_eq!(
                        completion[i],
                        mnist::unit_pixel(image[i]),
                        "pixel {i} is given"
                    );
                } else {
                    assert!((0.0..=1.0).contains(&completion[i]));
                }
            }
        }
        assert_ne!(all[0], all[1], "two draws, two completions");
    }
    assert!(bundle.manifest.rounding_max_pixel_change < 0.2);
}
