//! `--export-explorer` on real MNIST with tiny settings: the files are written, the script
//! reads back with its checksum, and the weights in it rebuild models whose encoder and
//! decoder (chapter 4's) give exactly the test vectors, as the browser's must (within
//! rounding).

use ch04_model::vae::Vae;
use ch06_experiments::bundle::{Bundle, read_script};
use ch06_experiments::experiments::Settings;
use ch06_experiments::explorer::{self, PLANE_POINTS};
use ch06_experiments::pad;
use ch06_experiments::posterior::{decode, encode};
use ndarray::Array2;
use serde_json::Value;

/// The model `name` as the browser rebuilds it from the file.
fn model(bundle: &Bundle, name: &str) -> Vae<f32> {
    explorer::rounded_model(bundle, name).unwrap()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

#[test]
fn a_tiny_export_reads_back_and_matches_its_test_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        out: dir.path().join("out"),
        runs: None,
        seed: 1,
        data_dir: None,
        checkpoint: None,
        epochs: 1,
        beta_epochs: 1,
        latent: 20,
        hidden: 16,
        limit: Some(300),
        threads: 2,
        likelihood_images: 2,
        ks: vec![1],
    };
    let out = dir.path().join("explorer");
    let files = explorer::run(&settings, &out).unwrap();
    assert_eq!(files.len(), 4);

    let bundle = read_script(&out.join("weights.js")).unwrap();
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["sha256"], bundle.manifest.sha256.as_str());
    assert_eq!(manifest["models"]["latent20"]["latent"], 20);
    let (labels, shape) = bundle.tensor::<u8>("digits.label").unwrap();
    assert_eq!(shape, vec![20]);
    assert_eq!(
        labels,
        vec![0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]
    );
    assert_eq!(bundle.tensor::<f32>("scatter.mu").unwrap().1, vec![300, 2]);
    assert_eq!(
        bundle.tensor::<f32>("scatter.mu20").unwrap().1,
        vec![300, 20]
    );
    // 300 test digits are all references: none is left to measure, and the table says so,
    // for the page's digits and for all the held-out ones.
    let table = std::fs::read_to_string(out.join("normalisation.csv")).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], pad::HEADER);
    assert_eq!(lines.len(), 1 + 2 * 8);
    assert!(lines[1..].iter().all(|l| l.ends_with(",0,0")), "{table}");

    let (two_d, main) = (model(&bundle, "latent2"), model(&bundle, "latent20"));
    assert_eq!(two_d.shape().hidden, 16);

    let vectors: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("test-vectors.json")).unwrap())
            .unwrap();
    assert_eq!(vectors["weights_sha256"], bundle.manifest.sha256.as_str());
    let (images, _) = bundle.tensor::<u8>("digits.image").unwrap();
    let image = |k: usize| {
        Array2::from_shape_vec((1, 784), images[k * 784..(k + 1) * 784].to_vec()).unwrap()
    };
    let decodes = vectors["decode"].as_array().unwrap();
    assert_eq!(decodes.len(), PLANE_POINTS.len() + 2);
    for d in decodes {
        let z = floats(&d["z"]);
        let vae = if d["model"] == "latent2" {
            &two_d
        } else {
            &main
        };
        if let Some(k) = d["digit"].as_u64() {
            assert_eq!(encode(vae, image(k as usize).view()).mu.row(0).to_vec(), z);
        }
        let p = decode(vae, Array2::from_shape_vec((1, z.len()), z).unwrap().view());
        assert_eq!(p.row(0).to_vec(), floats(&d["probabilities"]));
    }
    // MNIST's own digits are normalised already: the pad gives them to the encoders unchanged.
    for k in 0..20 {
        assert_eq!(
            pad::seen(image(k).as_slice().unwrap(), true),
            image(k).into_raw_vec_and_offset().0,
            "digit {k}"
        );
    }
    let encodes = vectors["encode"].as_array().unwrap();
    assert_eq!(encodes.len(), 4);
    for e in encodes {
        let k = e["digit"].as_u64().unwrap() as usize;
        // The pad hands the encoders the digit normalised as MNIST's were.
        let seen = pad::seen(image(k).as_slice().unwrap(), true);
        let stored: Vec<u8> = serde_json::from_value(e["seen"].clone()).unwrap();
        assert_eq!(stored, seen);
        let vae = if e["model"] == "latent2" {
            &two_d
        } else {
            &main
        };
        let q = encode(vae, Array2::from_shape_vec((1, 784), seen).unwrap().view());
        assert_eq!(q.mu.row(0).to_vec(), floats(&e["mu"]));
        let sigma: Vec<f32> = q.logvar.row(0).iter().map(|v| (0.5 * v).exp()).collect();
        assert_eq!(sigma, floats(&e["sigma"]));
    }
    assert!(bundle.manifest.rounding_max_pixel_change < 0.2);
}
