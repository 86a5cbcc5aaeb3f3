//! The figure's generative boundary: the points drawn lie where the two classes' joint
//! densities are equal, and they trace a curve, not the straight line of logistic regression.

use ch01_generative_models::figures::{boundary_points, two_models_chart};
use ch01_generative_models::two_models::{self, ODD_POINT, TwoModels};

fn run() -> TwoModels {
    TwoModels::run(
        two_models::DEFAULT_PER_CLASS,
        two_models::DEFAULT_SAMPLES,
        two_models::DEFAULT_SEED,
    )
    .expect("the chapter's run")
}

#[test]
fn the_drawn_boundary_is_where_the_log_odds_vanish_and_it_curves() {
    let run = run();
    let f = |x: f64, y: f64| run.gaussians.log_odds(x, y);
    let points = boundary_points(f, (-4.5, 7.0), (-3.5, 7.0), 400);
    assert!(points.len() > 200, "{} points", points.len());
    // Within one grid step of the curve, the log-odds are small next to their spread.
    for &(x, y) in &points {
        assert!(f(x, y).abs() < 0.1, "log-odds {} at ({x}, {y})", f(x, y));
    }
    // A straight line fitted by least squares leaves large residuals: the boundary is a conic.
    let n = points.len() as f64;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x / n, b + y / n));
    let (sxx, sxy, syy) = points.iter().fold((0.0, 0.0, 0.0), |(a, b, c), &(x, y)| {
        let (dx, dy) = (x - mx, y - my);
        (a + dx * dx, b + dx * dy, c + dy * dy)
    });
    // The smallest eigenvalue of the scatter matrix: the residual of the best line, any slope.
    let smallest = 0.5 * (sxx + syy - ((sxx - syy).powi(2) + 4.0 * sxy * sxy).sqrt());
    assert!(
        smallest / n > 0.1,
        "mean squared distance to the best line {}",
        smallest / n
    );
}

#[test]
fn the_figure_shows_the_odd_point_inside_its_ranges() {
    let chart = two_models_chart(&run());
    let odd = chart
        .groups
        .iter()
        .find(|g| g.label == "x = (6, 6)")
        .expect("a group for the odd point");
    assert_eq!(odd.points, vec![(ODD_POINT[0], ODD_POINT[1])]);
    let ((x0, x1), (y0, y1)) = (chart.x_range.unwrap(), chart.y_range.unwrap());
    assert!(x0 < 6.0 && 6.0 < x1 && y0 < 6.0 && 6.0 < y1);
}

#[test]
fn the_gaussians_put_the_odd_point_in_class_0_where_logistic_regression_is_sure_of_class_1() {
    let run = run();
    let x = ndarray::array![ODD_POINT[0], ODD_POINT[1]];
    let posterior = run.gaussians.class_posterior(x.view());
    println!("p(y = 1 | (6, 6)) under the Gaussians: {:e}", posterior[1]);
    assert_eq!(run.gaussians.predict(x.view()), 0);
    assert!(run.logistic.prob_class1(x.view()) > 0.999_999);
}
