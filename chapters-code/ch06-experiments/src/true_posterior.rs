//! The true posterior `p(z | x) ∝ p(x | z) p(z)` of a model with a 2-d latent space, on a grid:
//! the reference for the explorer's "gap you can see" (book/explorer/explorer.js computes the
//! same numbers in the browser, and tests/browser/ compares them with these).
//!
//! `log p(x | z)` is minus the loss's cross-entropy, `-Σ_d bce(o_d(z), x_d)` (chapter 4), so
//! with grey pixels it is the same unnormalised function that chapter 6's estimator uses.
//! A coarse grid over the explorer's plane finds where the posterior lives; a fine square
//! grid over that window gives `log p(x)` as the log of the sum of `p(x | z) p(z)` times the
//! cell's area (the midpoint rule). The ELBO's expectation `E_q[log p(x | z)]` is the midpoint
//! rule on a grid of its own over `mu ± 5 sigma`, with the weights `q(z)` normalised to sum to
//! 1, and `KL(q || p(z))` is in closed form. Then `log p(x) - ELBO = KL(q || p(z | x))`.

use ch02_elbo::divergence::kl_normal_1d;
use ch04_model::bernoulli::bce_with_logit;
use ch04_model::vae::Vae;
use ch04_model::workspace::Workspace;
use ndarray::{Array2, ArrayView1};

/// The grids' sizes, as explorer.js has them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridSettings {
    /// Cells per side of the coarse grid over the whole plane.
    pub coarse: usize,
    /// Cells per side of the fine grid over the window.
    pub fine: usize,
    /// Cells per side of the grid over `q`, on `mu ± q_half_width * sigma`.
    pub q_cells: usize,
    pub q_half_width: f64,
    /// The window holds every coarse cell whose `log p(x, z)` is within this many nats of the
    /// largest, padded by one coarse cell, and `q`'s box `mu ± 3 sigma`.
    pub threshold: f64,
}

/// The explorer's settings.
pub const SETTINGS: GridSettings = GridSettings {
    coarse: 32,
    fine: 64,
    q_cells: 24,
    q_half_width: 5.0,
    threshold: 25.0,
};

/// A square grid of `cells x cells` square cells from `min`; the point of cell `(i, j)` is its
/// centre, `i` along `z_1`, `j` along `z_2`, stored at `j * cells + i`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    pub min: [f64; 2],
    pub step: f64,
    pub cells: usize,
}

impl Grid {
    pub fn square(centre: [f64; 2], half: f64, cells: usize) -> Grid {
        Grid {
            min: [centre[0] - half, centre[1] - half],
            step: 2.0 * half / cells as f64,
            cells,
        }
    }

    pub fn point(&self, i: usize, j: usize) -> [f64; 2] {
        [
            self.min[0] + (i as f64 + 0.5) * self.step,
            self.min[1] + (j as f64 + 0.5) * self.step,
        ]
    }

    pub fn points(&self) -> Vec<[f64; 2]> {
        (0..self.cells)
            .flat_map(|j| (0..self.cells).map(move |i| self.point(i, j)))
            .collect()
    }

    pub fn cell_area(&self) -> f64 {
        self.step * self.step
    }

    /// The largest coordinates, `min + cells * step`.
    pub fn max(&self) -> [f64; 2] {
        let side = self.cells as f64 * self.step;
        [self.min[0] + side, self.min[1] + side]
    }
}

/// `log N(z; 0, I)` in two dimensions.
pub fn log_prior(z: [f64; 2]) -> f64 {
    -(2.0 * std::f64::consts::PI).ln() - 0.5 * (z[0] * z[0] + z[1] * z[1])
}

/// `log q(z | x)` for `q = N(mu, diag(sigma^2))`.
pub fn log_q(z: [f64; 2], mu: [f64; 2], sigma: [f64; 2]) -> f64 {
    let u = [(z[0] - mu[0]) / sigma[0], (z[1] - mu[1]) / sigma[1]];
    -(2.0 * std::f64::consts::PI).ln()
        - sigma[0].ln()
        - sigma[1].ln()
        - 0.5 * (u[0] * u[0] + u[1] * u[1])
}

/// `KL(q || N(0, I))` in closed form: chapter 2's one-dimensional KL, summed over the two axes.
pub fn kl_to_prior(mu: [f64; 2], sigma: [f64; 2]) -> f64 {
    (0..2)
        .map(|d| kl_normal_1d(mu[d], sigma[d], 0.0, 1.0))
        .sum()
}

/// `log Σ exp(v)`, from the largest term.
pub fn log_sum_exp(v: &[f64]) -> f64 {
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// What the grids give for one image.
#[derive(Debug, Clone, PartialEq)]
pub struct TruePosterior {
    pub mu: [f64; 2],
    pub sigma: [f64; 2],
    pub coarse: Grid,
    pub window: Grid,
    /// `log p(x | z) + log p(z)` at the window's points.
    pub log_joint: Vec<f64>,
    /// `log(Σ_window p(x | z) p(z) * cell area)`.
    pub log_px: f64,
    /// `E_q[log p(x | z)]` on q's own grid.
    pub expected_log_likelihood: f64,
    pub kl_prior: f64,
    /// `expected_log_likelihood - kl_prior`.
    pub elbo: f64,
    /// `log_px - elbo`, which is `KL(q || p(z | x))`.
    pub gap: f64,
}

impl TruePosterior {
    /// `KL(q || p(z | x))` computed directly on the window's grid: `Σ q log(q / p(z | x))`
    /// with `p(z | x) = p(x, z) / p(x)` and `q` normalised on the grid. A check of `gap`, which
    /// reaches the same number another way (when the window covers `q`).
    pub fn kl_on_grid(&self) -> f64 {
        let points = self.window.points();
        let log_q: Vec<f64> = points
            .iter()
            .map(|&z| log_q(z, self.mu, self.sigma))
            .collect();
        let norm = log_sum_exp(&log_q);
        let area = self.window.cell_area().ln();
        log_q
            .iter()
            .zip(&self.log_joint)
            .map(|(&lq, &lj)| {
                let lq = lq - norm - area; // q's density, renormalised on the grid
                (lq + area).exp() * (lq - (lj - self.log_px))
            })
            .sum()
    }
}

// ANCHOR: grid
/// The grids for `q = N(mu, diag(sigma^2))` and a log-likelihood that scores many points at
/// once (`log_likelihood(points)[k]` is `log p(x | points[k])`); the coarse grid spans the
/// plane `[-plane, plane]^2`.
pub fn on_grids(
    log_likelihood: &mut dyn FnMut(&[[f64; 2]]) -> Vec<f64>,
    mu: [f64; 2],
    sigma: [f64; 2],
    plane: f64,
    settings: &GridSettings,
) -> TruePosterior {
    let log_joint = |ll: &mut dyn FnMut(&[[f64; 2]]) -> Vec<f64>, points: &[[f64; 2]]| {
        ll(points)
            .iter()
            .zip(points)
            .map(|(l, &z)| l + log_prior(z))
            .collect::<Vec<f64>>()
    };
    // 1. Where the posterior lives: the coarse cells within `threshold` nats of the best.
    let coarse = Grid::square([0.0, 0.0], plane, settings.coarse);
    let points = coarse.points();
    let lj = log_joint(log_likelihood, &points);
    let best = lj.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = 1.5 * coarse.step; // half a cell to its edge, and one more cell
    let (mut lo, mut hi) = (
        [mu[0] - 3.0 * sigma[0], mu[1] - 3.0 * sigma[1]],
        [mu[0] + 3.0 * sigma[0], mu[1] + 3.0 * sigma[1]],
    );
    for (z, &v) in points.iter().zip(&lj) {
        if v >= best - settings.threshold {
            for d in 0..2 {
                lo[d] = lo[d].min(z[d] - pad);
                hi[d] = hi[d].max(z[d] + pad);
            }
        }
    }
    // 2. A fine square grid over that window: log p(x) by the midpoint rule.
    let half = 0.5 * (hi[0] - lo[0]).max(hi[1] - lo[1]);
    let centre = [0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1])];
    let window = Grid::square(centre, half, settings.fine);
    let log_joint_fine = log_joint(log_likelihood, &window.points());
    let log_px = log_sum_exp(&log_joint_fine) + window.cell_area().ln();
    // 3. E_q[log p(x | z)] on q's own grid, mu + sigma * u for u on [-w, w]^2.
    let (n, w) = (settings.q_cells, settings.q_half_width);
    let u = |k: usize| -w + (k as f64 + 0.5) * (2.0 * w / n as f64);
    let mut q_points = Vec::with_capacity(n * n);
    let mut q_log_weights = Vec::with_capacity(n * n);
    for j in 0..n {
        for i in 0..n {
            let (u1, u2) = (u(i), u(j));
            q_points.push([mu[0] + sigma[0] * u1, mu[1] + sigma[1] * u2]);
            q_log_weights.push(-0.5 * (u1 * u1 + u2 * u2));
        }
    }
    let norm = log_sum_exp(&q_log_weights);
    let expected_log_likelihood = log_likelihood(&q_points)
        .iter()
        .zip(&q_log_weights)
        .map(|(l, lw)| (lw - norm).exp() * l)
        .sum::<f64>();
    let kl_prior = kl_to_prior(mu, sigma);
    let elbo = expected_log_likelihood - kl_prior;
    TruePosterior {
        mu,
        sigma,
        coarse,
        window,
        log_joint: log_joint_fine,
        log_px,
        expected_log_likelihood,
        kl_prior,
        elbo,
        gap: log_px - elbo,
    }
}
// ANCHOR_END: grid

/// Points decoded in one matrix product.
const CHUNK: usize = 512;

/// `log p(x | z) = -Σ_d bce(o_d(z), x_d)` at each point (rounded to f32 for the decoder, as the
/// browser rounds them), the cross-entropy of the loss, taken in f64 from the f32 logits.
pub fn log_likelihood(vae: &Vae<f32>, x: ArrayView1<f32>, points: &[[f64; 2]]) -> Vec<f64> {
    let shape = vae.shape();
    assert_eq!(shape.latent, 2, "a grid over the plane needs a 2-d model");
    let mut h: Vec<Array2<f32>> = (0..shape.depth)
        .map(|_| Array2::zeros((CHUNK, shape.hidden)))
        .collect();
    let mut out = Vec::with_capacity(points.len());
    for chunk in points.chunks(CHUNK) {
        let z = Array2::from_shape_fn((chunk.len(), 2), |(k, d)| chunk[k][d] as f32);
        let mut logits = Array2::zeros((chunk.len(), shape.input));
        vae.decoder.forward(&z, &mut h, &mut logits);
        out.extend(logits.rows().into_iter().map(|row| {
            -row.iter()
                .zip(&x)
                .map(|(&o, &x)| bce_with_logit(f64::from(o), f64::from(x)))
                .sum::<f64>()
        }));
    }
    out
}

/// The encoder's `q(z | x)` for one image (pixels in [0, 1]): `mu` and `sigma = exp(logvar / 2)`
/// (in f32, as the explorer computes it).
pub fn encoder_q(vae: &Vae<f32>, x: ArrayView1<f32>) -> ([f64; 2], [f64; 2]) {
    let shape = vae.shape();
    let mut ws = Workspace::new(shape, 1);
    let mut mu = Array2::zeros((1, shape.latent));
    let mut logvar = Array2::zeros((1, shape.latent));
    let x = x.to_owned().insert_axis(ndarray::Axis(0));
    vae.encode(&x, &mut ws, &mut mu, &mut logvar);
    let sigma = |d: usize| f64::from((0.5 * logvar[(0, d)]).exp());
    (
        [f64::from(mu[(0, 0)]), f64::from(mu[(0, 1)])],
        [sigma(0), sigma(1)],
    )
}

/// The whole computation for a 2-d VAE and one image, as the explorer does it.
pub fn true_posterior(
    vae: &Vae<f32>,
    x: ArrayView1<f32>,
    plane: f64,
    settings: &GridSettings,
) -> TruePosterior {
    let (mu, sigma) = encoder_q(vae, x);
    on_grids(
        &mut |points| log_likelihood(vae, x, points),
        mu,
        sigma,
        plane,
        settings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ch04_model::shape::VaeShape;
    use ndarray::Array1;

    /// A VAE whose encoder ignores the image (`q = N(mu, sigma^2)` from its biases) and whose
    /// decoder's logits are `o_d = c_d t + e_d` with `t = 0.6 z_1 + 0.8 z_2` (the hidden ReLUs
    /// see `z + 10`, positive on the whole plane): `log p(x | z)` depends on `t` alone, and
    /// `t ~ N(0, 1)` under the prior, so `log p(x)` is a 1-d integral.
    fn linear_vae(c: &[f32], e: &[f32], mu: [f32; 2], sigma: [f32; 2]) -> Vae<f32> {
        let d = c.len();
        let mut vae = Vae::zeros(VaeShape::one_hidden_relu(d, 2, 2));
        vae.encoder.mu.bias = Array1::from(mu.to_vec());
        vae.encoder.logvar.bias = Array1::from(sigma.map(|s| 2.0 * s.ln()).to_vec());
        let hidden = &mut vae.decoder.hidden[0];
        hidden.weight = Array2::eye(2);
        hidden.bias = Array1::from(vec![10.0, 10.0]);
        let out = &mut vae.decoder.output;
        out.weight = Array2::from_shape_fn((2, d), |(k, j)| c[j] * [0.6, 0.8][k]);
        out.bias = Array1::from_shape_fn(d, |j| e[j] - 14.0 * c[j]);
        vae
    }

    /// `log ∫ N(t; 0, 1) exp(log p(x | t u)) dt` by the trapezoid rule on 200,001 points, with
    /// the same decoder along the line `z = t (0.6, 0.8)`.
    fn exact_log_px(vae: &Vae<f32>, x: ArrayView1<f32>) -> f64 {
        let (n, span) = (200_000, 12.0);
        let step = 2.0 * span / n as f64;
        let points: Vec<[f64; 2]> = (0..=n)
            .map(|k| {
                let t = -span + k as f64 * step;
                [0.6 * t, 0.8 * t]
            })
            .collect();
        let ll = log_likelihood(vae, x, &points);
        let terms: Vec<f64> = ll
            .iter()
            .enumerate()
            .map(|(k, l)| {
                let t = -span + k as f64 * step;
                let end = if k == 0 || k == n { 0.5f64 } else { 1.0 };
                l - 0.5 * t * t - 0.5 * (2.0 * std::f64::consts::PI).ln() + (end * step).ln()
            })
            .collect();
        log_sum_exp(&terms)
    }

    fn pixels(n: usize, f: impl Fn(usize) -> f32) -> Vec<f32> {
        (0..n).map(f).collect()
    }

    #[test]
    fn a_decoder_that_ignores_z_leaves_the_prior_and_the_gap_is_kl_to_the_prior() {
        let c = vec![0.0; 5];
        let e = pixels(5, |j| j as f32 - 2.0);
        let x = Array1::from(pixels(5, |j| j as f32 / 4.0));
        let vae = linear_vae(&c, &e, [0.4, -0.3], [0.5, 0.8]);
        let t = true_posterior(&vae, x.view(), 5.0, &SETTINGS);
        let c: f64 = -e
            .iter()
            .zip(&x)
            .map(|(&o, &x)| bce_with_logit(f64::from(o), f64::from(x)))
            .sum::<f64>();
        // p(z | x) = p(z): log p(x) = log p(x | z), and the gap is KL(q || p(z)).
        assert!((t.log_px - c).abs() < 1e-6, "{} vs {c}", t.log_px);
        assert!((t.expected_log_likelihood - c).abs() < 1e-9);
        let kl = kl_to_prior([0.4, -0.3], [0.5, 0.8]);
        assert!((t.mu[0] - 0.4).abs() < 1e-6 && (t.sigma[1] - 0.8).abs() < 1e-6);
        assert!((t.gap - kl).abs() < 1e-5, "{} vs {kl}", t.gap);
        assert!((t.kl_on_grid() - kl).abs() < 1e-4, "{}", t.kl_on_grid());
    }

    #[test]
    fn the_grids_log_px_converges_to_the_exact_one_and_the_gap_is_the_kl_on_the_grid() {
        let d = 40;
        let c = pixels(d, |j| [3.0, -2.5, 1.5, -1.0, 2.0][j % 5]);
        let e = pixels(d, |j| [0.5, -1.0, 0.2, 1.0][j % 4]);
        let x = Array1::from(pixels(d, |j| [1.0, 0.0, 0.7, 0.2, 0.0, 1.0, 0.4][j % 7]));
        let vae = linear_vae(&c, &e, [0.1, 0.2], [0.12, 0.2]);
        let exact = exact_log_px(&vae, x.view());
        let mut errors = Vec::new();
        for fine in [8, 16, 32, 64] {
            let settings = GridSettings { fine, ..SETTINGS };
            let t = true_posterior(&vae, x.view(), 4.0, &settings);
            errors.push((t.log_px - exact).abs());
            if fine == SETTINGS.fine {
                // The explorer's grid: exact to well under a thousandth of a nat.
                assert!((t.log_px - exact).abs() < 1e-4, "{} vs {exact}", t.log_px);
                assert!(t.gap > 0.0);
                assert!(
                    (t.gap - t.kl_on_grid()).abs() < 1e-3,
                    "{} vs {}",
                    t.gap,
                    t.kl_on_grid()
                );
            }
        }
        assert!(errors[0] > errors[2] && errors[1] > errors[3], "{errors:?}");
    }
}
