//! One Gaussian fitted to two modes: the forward divergence's fit covers both, the reverse
//! divergence's fit sits on one, and the numbers the chapter prints.

use ch02_elbo::modes::{Fit, TARGET, fit_both, forward_kl, mass_covering, reverse_kl};

#[test]
fn the_forward_fit_matches_the_moments_and_no_nearby_gaussian_does_better() {
    let fit = mass_covering(&TARGET);
    assert_eq!(fit.mean, 0.0);
    assert!((fit.sd - 6.5f64.sqrt()).abs() < 1e-12);
    let best = forward_kl(&TARGET, &fit);
    for (dm, ds) in [(0.05, 0.0), (-0.05, 0.0), (0.0, 0.05), (0.0, -0.05)] {
        let moved = Fit {
            mean: fit.mean + dm,
            sd: fit.sd + ds,
        };
        assert!(forward_kl(&TARGET, &moved) > best);
    }
}

#[test]
fn the_reverse_fit_sits_on_one_mode_and_pays_log_2() {
    let report = fit_both(&TARGET);
    let seeking = report.seeking;
    // Five standard deviations apart, the modes barely overlap: q is the right-hand mode
    // itself, and KL(q || p) = E_q[log q - log(q / 2)] = log 2.
    assert!((seeking.mean - 2.5).abs() < 1e-3, "{seeking:?}");
    assert!((seeking.sd - 0.5).abs() < 1e-3, "{seeking:?}");
    assert!((report.seeking_kl.1 - 2f64.ln()).abs() < 1e-4, "{report:?}");
    for (dm, ds) in [(0.02, 0.0), (-0.02, 0.0), (0.0, 0.02), (0.0, -0.02)] {
        let moved = Fit {
            mean: seeking.mean + dm,
            sd: seeking.sd + ds,
        };
        assert!(reverse_kl(&moved, &TARGET) > report.seeking_kl.1);
    }
}

#[test]
fn each_fit_is_poor_in_the_other_direction() {
    let r = fit_both(&TARGET);
    // The covering fit puts mass between the modes, where the target has almost none.
    assert!(r.covering_kl.1 > r.seeking_kl.1);
    // The seeking fit misses a mode entirely, which the forward divergence punishes hardest.
    assert!(r.seeking_kl.0 > 10.0 * r.covering_kl.0);
    // The numbers the chapter prints.
    let printed = format!(
        "{:.3} {:.3} {:.3} {:.3}",
        r.covering_kl.0, r.covering_kl.1, r.seeking_kl.0, r.seeking_kl.1
    );
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/ch02-elbo.md"),
    )
    .unwrap();
    for number in printed.split(' ') {
        assert!(
            page.contains(number),
            "the page should print {number} ({printed})"
        );
    }
}

#[test]
fn the_figure_draws_the_target_and_both_fits_where_the_text_says() {
    let report = fit_both(&TARGET);
    let chart = ch02_elbo::figures::modes_chart(&TARGET, &report);
    assert_eq!(chart.lines.len(), 3);
    let peak = |i: usize| {
        chart.lines[i]
            .points
            .iter()
            .cloned()
            .fold(
                (0.0, f64::NEG_INFINITY),
                |a, p| if p.1 > a.1 { p } else { a },
            )
    };
    // The covering fit peaks between the modes, the seeking fit on the right-hand one.
    assert!(peak(1).0.abs() < 0.05, "{:?}", peak(1));
    assert!((peak(2).0 - 2.5).abs() < 0.05, "{:?}", peak(2));
    // The target's density between the modes, where the covering fit peaks, is tiny.
    let middle = chart.lines[0]
        .points
        .iter()
        .find(|p| p.0.abs() < 1e-9)
        .unwrap();
    assert!(middle.1 < 1e-5, "{middle:?}");
    // Everything fits under the chart's ceiling: the seeking fit's peak is 1 / (0.5 sqrt(2 pi)).
    assert!(peak(2).1 < 0.9 && peak(0).1 < 0.9);
}
