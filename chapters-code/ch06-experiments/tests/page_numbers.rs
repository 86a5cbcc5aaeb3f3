//! A number the page derives rather than measures: how often the 20-dimensional prior draws a
//! code as short as the straight midpoint of two typical codes.

use statrs::distribution::{ChiSquared, ContinuousCDF};

#[test]
fn the_prior_rarely_draws_a_code_as_short_as_a_straight_midpoint() {
    // |z|^2 for z ~ N(0, I_20) is chi-squared with 20 degrees of freedom; the midpoint of two
    // typical codes has |z|^2 about 20 / 2 = 10.
    let p = ChiSquared::new(20.0).unwrap().cdf(10.0);
    assert_eq!(format!("{p:.3}"), "0.032");
    // The same probability from the closed form for an even number of degrees of freedom,
    // 1 - exp(-x/2) sum_{i<10} (x/2)^i / i!, as a check on the library.
    let half = 5.0f64;
    let (mut term, mut sum) = (1.0, 0.0);
    for i in 0..10 {
        if i > 0 {
            term *= half / i as f64;
        }
        sum += term;
    }
    assert!((1.0 - (-half).exp() * sum - p).abs() < 1e-12);
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/ch06-experiments.md"),
    )
    .unwrap();
    assert!(page.contains("P(\\chi^2_{20} \\le 10) = 0.032"));
    assert!(page.contains("only 3.2% of the time"));
}
