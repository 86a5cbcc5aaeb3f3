//! `cargo run -p ch07-likelihood` end to end on real, binarized MNIST, cut small: the quick
//! comparison on a subset, whose numbers must move the way the chapter says; an exact resume
//! of a stopped run; and the refusals, by name, of bad options and foreign checkpoints.

use std::path::Path;
use std::process::{Command, Output};

use ch04_model::shape::VaeShape;
use ch05_training::checkpoint::{Checkpoint, Settings};
use ch07_likelihood::progress::{self, Pass};
use ch07_likelihood::train::RunSpec;
use ch07_likelihood::{kcurve, per_image, report, seeds};
use mnist::Dataset;

fn run(out: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ch07-likelihood"))
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn succeed(out: &Path, args: &[&str]) -> String {
    let output = run(out, args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The rows of a run's progress.csv.
fn progress_rows(run: &Path) -> Vec<Pass> {
    let path = run.join("progress.csv");
    progress::load(&path).unwrap()
}

fn refuse(out: &Path, args: &[&str]) -> String {
    let output = run(out, args);
    assert!(!output.status.success(), "{args:?} should have failed");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_short_quick_run_moves_the_numbers_the_way_the_page_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let stdout = succeed(
        out,
        &["--limit", "2000", "--test-images", "200", "--k", "200"],
    );
    assert!(stdout.contains("| vae-k1 | 13 |"), "{stdout}");
    let rows = report::load(&out.join("quick.csv")).unwrap();
    let log_px: Vec<f64> = rows.iter().map(|r| r.evaluation.log_px.mean).collect();
    let elbo: Vec<f64> = rows.iter().map(|r| r.evaluation.elbo.mean).collect();
    let se: Vec<f64> = rows
        .iter()
        .map(|r| r.evaluation.log_px.standard_error)
        .collect();
    assert_eq!(log_px.len(), 2, "two models: k = 1, then k = 5");
    for i in 0..2 {
        // log p(x) lies above the ELBO, by more than chance could explain.
        assert!(log_px[i] > elbo[i] + 1.0, "{log_px:?} {elbo:?}");
        // And far from the untrained model's 543 nats (784 ln 2).
        assert!(log_px[i] > -200.0 && se[i] > 0.0, "{log_px:?}");
    }
    // The IWAE-trained model's ELBO sits further below its log p(x) than the VAE's does:
    // its encoder is trained for a tighter bound, not for the ELBO.
    assert!(
        log_px[1] - elbo[1] > log_px[0] - elbo[0],
        "gaps: vae {} iwae {}",
        log_px[0] - elbo[0],
        log_px[1] - elbo[1]
    );
    // The K-curves reuse the evaluation's draws: at K = 200 they are quick.csv's estimates,
    // and the paired difference at K = 200 is the difference of the two means.
    let points = ch07_likelihood::kcurve::load(&out.join("quick_kcurve.csv")).unwrap();
    let at = |series: &str, k: usize| {
        points
            .iter()
            .find(|p| p.series == series && p.k == k)
            .unwrap_or_else(|| panic!("no point {series} {k}: {points:?}"))
            .value
    };
    for (i, model) in ["vae-k1", "iwae-k5"].into_iter().enumerate() {
        assert!((at(model, 200).mean - log_px[i]).abs() < 1e-3, "{model}");
        assert!(
            at(model, 1).mean < at(model, 200).mean,
            "{model}: K = 1 is the lowest"
        );
    }
    let difference = at("iwae-k5 - vae-k1", 200);
    assert!((difference.mean - (log_px[1] - log_px[0])).abs() < 2e-3);
    assert!(
        difference.standard_error < se[0].min(se[1]),
        "paired: {difference:?} {se:?}"
    );
    assert_eq!(
        points.len(),
        3 * 6,
        "K = 1, 5, 10, 50, 100 and the evaluation's 200"
    );
    // Training improved the bound from stage to stage; the rows between stage ends leave
    // test_elbo empty.
    let rows = progress_rows(&out.join("vae-k1"));
    let elbos: Vec<f64> = rows.iter().filter_map(|r| r.test_elbo).collect();
    assert_eq!(elbos.len(), 3, "one test ELBO per stage: {rows:?}");
    assert_eq!(rows.len(), 13, "{rows:?}");
    assert!(elbos.windows(2).all(|w| w[1] > w[0]), "{elbos:?}");
}

#[test]
fn a_stopped_run_resumes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, parts) = (dir.path().join("whole"), dir.path().join("parts"));
    let common = [
        "--schedule",
        "full",
        "--limit",
        "100",
        "--threads",
        "1",
        "--checkpoint-every",
        "2",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        common.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    succeed(&whole, &args(&with(&["--stop-after", "7"])));
    let stopped = succeed(&parts, &args(&with(&["--stop-after", "5"])));
    assert!(stopped.contains("--resume"), "{stopped}");
    let resumed = succeed(&parts, &args(&with(&["--stop-after", "7", "--resume"])));
    assert!(resumed.contains("resuming from"), "{resumed}");
    let load = |d: &Path| Checkpoint::<RunSpec>::load(&d.join("checkpoint.bin")).unwrap();
    let (a, b) = (load(&whole), load(&parts));
    assert_eq!(a.epoch, 7);
    assert_eq!(
        a, b,
        "the resumed run must end where the uninterrupted one does"
    );
    let bound = |d: &Path| -> Vec<f64> { progress_rows(d).iter().map(|r| r.train_bound).collect() };
    assert_eq!(bound(&whole), bound(&parts));
    let runs = std::fs::read_to_string(parts.join("runs.txt")).unwrap();
    assert!(
        runs.contains("started at pass 0") && runs.contains("resumed at pass 5"),
        "{runs}"
    );

    // Another seed is another run: refused by name.
    let err = refuse(&parts, &args(&with(&["--resume", "--seed", "2"])));
    assert!(err.contains("seed=1") && err.contains("seed=2"), "{err}");

    // The stopped model can be scored, and prints the page's line.
    let ckpt = parts.join("checkpoint.bin");
    let line = succeed(
        &parts,
        &[
            "--evaluate",
            ckpt.to_str().unwrap(),
            "--k",
            "20",
            "--test-images",
            "50",
        ],
    );
    assert!(
        line.lines().any(|l| l.starts_with("test log p(x): -")
            && l.ends_with(" nats (k = 20, 50 images)")
            && l.contains(" ± ")),
        "{line}"
    );
}

#[test]
fn a_finished_run_reports_the_training_time_of_all_its_sessions() {
    // One step per pass (20 images, batch 20), so the whole schedule takes seconds.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let common = [
        "--schedule",
        "full",
        "--limit",
        "20",
        "--threads",
        "1",
        "--k",
        "5",
        "--test-images",
        "50",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        common.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    succeed(out, &args(&with(&["--stop-after", "3279"])));
    assert!(!out.join("evaluation.csv").exists());
    let last = succeed(out, &args(&with(&["--resume"])));
    assert!(last.contains("(k = 5, 50 images)"), "{last}");
    let trained: f64 = progress_rows(out).iter().map(|r| r.seconds).sum();
    let saved = || report::load(&out.join("evaluation.csv")).unwrap();
    let row = &saved()[0];
    assert_eq!((row.model.as_str(), row.passes), ("vae-k1", 3280));
    assert!(
        (row.seconds - trained).abs() < 0.06,
        "evaluation.csv says {} s of training, progress.csv's 3,280 passes {trained} s",
        row.seconds
    );
    // Resuming a finished run trains nothing and scores the model again, alike.
    std::fs::remove_file(out.join("evaluation.csv")).unwrap();
    let again = succeed(out, &args(&with(&["--resume"])));
    assert!(!again.contains("pass 3280/3280"), "{again}");
    assert_eq!(&saved()[0], row);
    let runs = std::fs::read_to_string(out.join("runs.txt")).unwrap();
    assert!(runs.contains("resumed at pass 3280 of 3280"), "{runs}");

    // Beside the evaluation: every image's scores, whose mean is the evaluation's, and the
    // K-curve from the same draws, ending at the evaluation's K.
    let scores = per_image::load(&out.join(per_image::PER_IMAGE)).unwrap();
    assert_eq!(scores.len(), 50);
    let mean = scores.iter().map(|s| s.log_px).sum::<f64>() / 50.0;
    assert!((mean - row.evaluation.log_px.mean).abs() < 1e-3, "{mean}");
    let curve = kcurve::load(&out.join("kcurve.csv")).unwrap();
    let ks: Vec<usize> = curve.iter().map(|p| p.k).collect();
    assert_eq!(ks, [1, 5]);
    assert!((curve[1].value.mean - row.evaluation.log_px.mean).abs() < 1e-3);

    // A second seed of the same recipe, made from the first run's files (training it would
    // take as long again): the same model under seed 2, each image 0.5 + 0.01 i nats better.
    let copy_as = |name: &str, change: &dyn Fn(&mut RunSpec)| {
        let folder = dir.path().join(name);
        std::fs::create_dir_all(&folder).unwrap();
        let mut checkpoint: Checkpoint<RunSpec> =
            Checkpoint::load(&out.join("checkpoint.bin")).unwrap();
        change(&mut checkpoint.settings);
        checkpoint.save(&folder.join("checkpoint.bin")).unwrap();
        let better: Vec<per_image::ImageScore> = scores
            .iter()
            .map(|s| per_image::ImageScore {
                log_px: s.log_px + 0.5 + 0.01 * s.image as f64,
                ..*s
            })
            .collect();
        per_image::save(&better, &folder.join(per_image::PER_IMAGE)).unwrap();
        let mut moved = row.clone();
        moved.evaluation.log_px.mean += 0.745;
        report::save(&[moved], &folder.join("evaluation.csv")).unwrap();
        let mut curve = kcurve::load(&out.join("kcurve.csv")).unwrap();
        curve.iter_mut().for_each(|p| p.value.mean += 0.745);
        kcurve::save(&curve, &folder.join("kcurve.csv")).unwrap();
        folder
    };
    let second = copy_as("seed-2", &|spec| spec.seed = 2);
    let compared = dir.path().join("compared");
    succeed(
        &compared,
        &["--compare", out.to_str().unwrap(), second.to_str().unwrap()],
    );
    let lines = seeds::load(&compared.join(seeds::SEEDS)).unwrap();
    let picture = image::open(compared.join(seeds::SEEDS_CHART)).unwrap();
    assert_eq!((picture.width(), picture.height()), (720, 480));
    let find = |runs: &str| {
        lines
            .iter()
            .find(|l| l.quantity == "log_px" && l.runs == runs)
            .unwrap_or_else(|| panic!("no {runs}: {lines:?}"))
    };
    let one = find("seed 1");
    assert_eq!(one.error_is, seeds::ErrorIs::TestSetSe);
    assert!((one.value - row.evaluation.log_px.mean).abs() < 1e-3);
    let d = find("seed 2 - seed 1");
    assert_eq!((d.error_is, d.images), (seeds::ErrorIs::PairedSe, 50));
    // The differences 0.50, 0.51, ..., 0.99 (to the files' four decimals): mean 0.745, and a
    // standard deviation of 0.01 sqrt(50 * 51 / 12) over sqrt(50).
    assert!((d.value - 0.745).abs() < 2e-4, "{d:?}");
    let sd = 0.01 * (50.0f64 * 51.0 / 12.0).sqrt();
    assert!((d.error - sd / 50f64.sqrt()).abs() < 1e-4, "{d:?}");
    let mean = find("mean of 2 seeds");
    assert_eq!(mean.error_is, seeds::ErrorIs::SdOverSeeds);
    assert!((mean.error - 0.745 / 2f64.sqrt()).abs() < 1e-3, "{mean:?}");

    // Runs that differ in more than their seed are not set side by side.
    let other = copy_as("other", &|spec| {
        spec.seed = 3;
        spec.batch_size = 10;
    });
    let err = refuse(
        &compared,
        &["--compare", out.to_str().unwrap(), other.to_str().unwrap()],
    );
    assert!(err.contains("more than their seed"), "{err}");

    // The gaps, with AIS's log p(x) beside importance sampling's: either way the parts add up.
    let gaps = dir.path().join("gaps");
    let checkpoint = out.join("checkpoint.bin");
    succeed(
        &gaps,
        &[
            "--gaps",
            checkpoint.to_str().unwrap(),
            "--gap-images",
            "5",
            "--gap-steps",
            "10",
            "--k",
            "20",
            "--ais-steps",
            "20",
        ],
    );
    let table = |file: &str| -> Vec<(String, f64, Vec<String>)> {
        let text = std::fs::read_to_string(gaps.join(file)).unwrap();
        text.lines()
            .skip(1)
            .map(|l| {
                let f: Vec<String> = l.split(',').map(String::from).collect();
                (f[0].clone(), f[1].parse().unwrap(), f[3..].to_vec())
            })
            .collect()
    };
    let (is, ais) = (table("gaps.csv"), table("gaps_ais.csv"));
    let value = |t: &[(String, f64, Vec<String>)], name: &str| {
        t.iter()
            .find(|r| r.0 == name)
            .unwrap_or_else(|| panic!("{name}"))
            .1
    };
    let amortization = value(&is, "amortization_gap");
    assert!(
        (value(&ais, "inference_gap") - value(&ais, "approximation_gap") - amortization).abs()
            < 2e-4
    );
    assert!(
        (value(&ais, "log_px_ais") - value(&is, "log_px") - value(&ais, "ais_minus_importance"))
            .abs()
            < 2e-4
    );
    // images, passes, steps, chains, leapfrog.
    assert_eq!(ais[0].2[..5], ["5", "3280", "20", "8", "5"]);
    // Every image's numbers, whose means are the tables'.
    let images = ch07_likelihood::gaps::load_per_image(&gaps.join("gaps_per_image.csv")).unwrap();
    assert_eq!(images.len(), 5);
    let mean = |f: &dyn Fn(&ch07_likelihood::gaps::ImageGaps) -> f64| {
        images.iter().map(f).sum::<f64>() / 5.0
    };
    assert!((mean(&|g| g.elbo_optimal - g.elbo_encoder) - amortization).abs() < 2e-4);
    assert!((mean(&|g| g.log_px_ais.unwrap()) - value(&ais, "log_px_ais")).abs() < 2e-4);
}

#[test]
fn bad_options_and_foreign_checkpoints_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    for (args, name) in [
        (&["--k", "0"][..], "--k"),
        (&["--batch-size", "0"], "--batch-size"),
        (&["--resume"], "--schedule full"),
    ] {
        let err = refuse(out, args);
        assert!(err.contains(name), "{args:?}: {err}");
    }
    let err = refuse(out, &["--schedule", "slow"]);
    assert!(err.contains("slow"), "{err}");

    // A checkpoint of chapter 5's 784-400-20 ReLU VAE.
    let ch05 = out.join("ch05.bin");
    Checkpoint {
        epoch: 1,
        adam_t: 1,
        settings: Settings {
            dataset: Dataset::Mnist,
            limit: None,
            shape: VaeShape::MNIST,
            batch_size: 128,
            lr: 1e-3,
            beta: 1.0,
            seed: 1,
            threads: 2,
            kl_warmup: 0,
        },
        tensors: vec![vec![0.0; 4]],
        adam_m: vec![vec![0.0; 4]],
        adam_v: vec![vec![0.0; 4]],
    }
    .save(&ch05)
    .unwrap();
    for job in ["--evaluate", "--gaps"] {
        let err = refuse(out, &[job, ch05.to_str().unwrap()]);
        // Chapter 5's header has no depth: the first setting this chapter's model needs.
        assert!(
            err.contains("ch05.bin")
                && err.contains("not a checkpoint of this chapter's 784-200-50-200-784 tanh VAE")
                && err.contains("has no depth setting"),
            "{job}: {err}"
        );
    }
    // A damaged file is detected, not used.
    let bytes = std::fs::read(&ch05).unwrap();
    let cut = out.join("cut.bin");
    std::fs::write(&cut, &bytes[..bytes.len() - 3]).unwrap();
    let err = refuse(out, &["--evaluate", cut.to_str().unwrap()]);
    assert!(err.contains("cut.bin"), "{err}");
    let err = refuse(
        out,
        &["--evaluate", out.join("missing.bin").to_str().unwrap()],
    );
    assert!(err.contains("missing.bin"), "{err}");
}
