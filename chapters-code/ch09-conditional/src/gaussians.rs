//! The KL divergence between two diagonal Gaussians, `q = N(mu_q, diag(exp(logvar_q)))` and
//! `p = N(mu_p, diag(exp(logvar_p)))`, in closed form, with its gradient in all four
//! arguments: the regulariser of a conditional VAE, whose prior `p(z | x)` is a network's
//! output rather than `N(0, I)`. With `mu_p = 0` and `logvar_p = 0` it is chapter 2's KL.

use ndarray::{ArrayRef1, ArrayRef2, Axis, Zip};

use ch04_model::scalar::Real;

// ANCHOR: kl
/// `KL(q || p)` summed over every element of the `(batch, latent)` matrices:
/// `1/2 * sum_j [ logvar_p - logvar_q + (exp(logvar_q) + (mu_q - mu_p)^2) / exp(logvar_p) - 1 ]`.
pub fn kl_gaussians<F: Real>(
    mu_q: &ArrayRef2<F>,
    logvar_q: &ArrayRef2<F>,
    mu_p: &ArrayRef2<F>,
    logvar_p: &ArrayRef2<F>,
) -> F {
    let mut sum = F::zero();
    Zip::from(mu_q)
        .and(logvar_q)
        .and(mu_p)
        .and(logvar_p)
        .for_each(|&mq, &lq, &mp, &lp| sum += term(mq, lq, mp, lp));
    F::of(0.5) * sum
}

/// Twice one coordinate's KL.
fn term<F: Real>(mq: F, lq: F, mp: F, lp: F) -> F {
    let d = mq - mp;
    lp - lq + ((lq - lp).exp() + d * d * (-lp).exp()) - F::one()
}
// ANCHOR_END: kl

/// The KL of each row (each example), written into `out`.
pub fn kl_gaussians_rows<F: Real>(
    mu_q: &ArrayRef2<F>,
    logvar_q: &ArrayRef2<F>,
    mu_p: &ArrayRef2<F>,
    logvar_p: &ArrayRef2<F>,
    out: &mut ArrayRef1<F>,
) {
    Zip::from(out)
        .and(mu_q.axis_iter(Axis(0)))
        .and(logvar_q.axis_iter(Axis(0)))
        .and(mu_p.axis_iter(Axis(0)))
        .and(logvar_p.axis_iter(Axis(0)))
        .for_each(|o, mq, lq, mp, lp| {
            let mut sum = F::zero();
            Zip::from(&mq)
                .and(&lq)
                .and(&mp)
                .and(&lp)
                .for_each(|&a, &b, &c, &d| sum += term(a, b, c, d));
            *o = F::of(0.5) * sum;
        });
}

/// Where the gradient of [`kl_gaussians`] goes: one buffer per argument, each *added* to.
pub struct KlGradient<'a, F> {
    pub mu_q: &'a mut ArrayRef2<F>,
    pub logvar_q: &'a mut ArrayRef2<F>,
    pub mu_p: &'a mut ArrayRef2<F>,
    pub logvar_p: &'a mut ArrayRef2<F>,
}

// ANCHOR: backward
/// Adds `scale` times the gradient of [`kl_gaussians`] to the four buffers of `grad`, with
/// `r = exp(logvar_q - logvar_p)` and `d = mu_q - mu_p`:
/// dKL/dmu_q = d / exp(logvar_p) = -dKL/dmu_p, dKL/dlogvar_q = (r - 1) / 2,
/// dKL/dlogvar_p = (1 - r - d^2 / exp(logvar_p)) / 2.
pub fn kl_gaussians_backward<F: Real>(
    mu_q: &ArrayRef2<F>,
    logvar_q: &ArrayRef2<F>,
    mu_p: &ArrayRef2<F>,
    logvar_p: &ArrayRef2<F>,
    scale: F,
    grad: KlGradient<'_, F>,
) {
    let half = F::of(0.5);
    Zip::from(&mut *grad.mu_q)
        .and(&mut *grad.logvar_q)
        .and(mu_q)
        .and(logvar_q)
        .and(mu_p)
        .and(logvar_p)
        .for_each(|gm, gl, &mq, &lq, &mp, &lp| {
            let precision = (-lp).exp();
            *gm += scale * (mq - mp) * precision;
            *gl += scale * half * ((lq - lp).exp() - F::one());
        });
    Zip::from(&mut *grad.mu_p)
        .and(&mut *grad.logvar_p)
        .and(mu_q)
        .and(logvar_q)
        .and(mu_p)
        .and(logvar_p)
        .for_each(|gm, gl, &mq, &lq, &mp, &lp| {
            let precision = (-lp).exp();
            let d = mq - mp;
            *gm -= scale * d * precision;
            *gl += scale * half * (F::one() - (lq - lp).exp() - d * d * precision);
        });
}
// ANCHOR_END: backward

/// The log-density of `z` under the diagonal Gaussian `N(mu, diag(exp(logvar)))`, per row,
/// written into `out`: `-1/2 sum_j [ ln(2 pi) + logvar_j + (z_j - mu_j)^2 / exp(logvar_j) ]`.
pub fn log_density_rows<F: Real>(
    z: &ArrayRef2<F>,
    mu: &ArrayRef2<F>,
    logvar: &ArrayRef2<F>,
    out: &mut ArrayRef1<F>,
) {
    let ln_2pi = F::of((2.0 * std::f64::consts::PI).ln());
    Zip::from(out)
        .and(z.axis_iter(Axis(0)))
        .and(mu.axis_iter(Axis(0)))
        .and(logvar.axis_iter(Axis(0)))
        .for_each(|o, z, m, lv| {
            let mut sum = F::zero();
            Zip::from(&z).and(&m).and(&lv).for_each(|&z, &m, &lv| {
                let d = z - m;
                sum += ln_2pi + lv + d * d * (-lv).exp();
            });
            *o = -F::of(0.5) * sum;
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use ch02_elbo::kl::kl_standard_normal;
    use ndarray::{Array2, array};

    #[test]
    fn with_a_standard_prior_it_is_chapter_2s_kl() {
        let mu = array![[0.3f64, -1.0], [2.0, 0.1]];
        let lv = array![[-0.5f64, 0.2], [0.0, 1.3]];
        let zeros = Array2::zeros((2, 2));
        let ours = kl_gaussians(&mu, &lv, &zeros, &zeros);
        assert!((ours - kl_standard_normal(&mu, &lv)).abs() < 1e-14);
    }

    #[test]
    fn zero_for_equal_gaussians_and_positive_otherwise() {
        let mu = array![[0.3f64, -1.0]];
        let lv = array![[-0.5f64, 0.2]];
        assert!(kl_gaussians(&mu, &lv, &mu, &lv).abs() < 1e-15);
        let other = array![[0.0f64, 0.0]];
        assert!(kl_gaussians(&mu, &lv, &other, &lv) > 0.0);
        assert!(kl_gaussians(&mu, &lv, &mu, &other) > 0.0);
    }
}
