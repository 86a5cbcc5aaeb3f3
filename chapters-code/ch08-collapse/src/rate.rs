//! What the training objective charges for the code. The ELBO charges the rate
//! `KL(q(z | x) || p(z))` at one nat per nat; a beta-VAE at `beta` per nat; free bits (Kingma et
//! al., 2016) charge each latent unit at least `lambda` nats, whatever it carries, so a unit
//! gains nothing from carrying less than `lambda` and the pressure to close it vanishes. KL
//! warm-up (Bowman et al., 2016; Sønderby et al., 2016) raises beta from 0 to 1 over the first
//! passes. Each term comes with its gradient with respect to `mu` and `logvar`.

use std::fmt;

use ch02_elbo::kl::kl_standard_normal_backward;
use ch04_model::scalar::Real;
use ch04_model::vae::{Draw, LatentTerms};
use ndarray::{Array1, ArrayRef2, Axis, Zip};

/// The rate penalty of one training step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RateTerm {
    /// `beta * Σ_i KL_i`: the ELBO at `beta = 1`.
    Beta(f64),
    /// `n * Σ_j max(lambda, mean_i KL_ij)` over a batch of `n` images and the latent units `j`.
    FreeBits(f64),
}

/// The rate's gradient is what the objective adds at the latent code to chapter 4's backward
/// pass, in place of the ELBO's KL.
impl<F: Real> LatentTerms<F> for RateTerm {
    fn at_posterior(&self, q: &Draw<'_, F>, d_mu: &mut ArrayRef2<F>, d_logvar: &mut ArrayRef2<F>) {
        self.backward(&q.mu, &q.logvar, d_mu, d_logvar);
    }
}

/// The KL of each unit of each row, `(mu^2 + exp(logvar) - 1 - logvar) / 2`.
pub fn unit_kl<F: Real>(mu: &ArrayRef2<F>, logvar: &ArrayRef2<F>) -> ndarray::Array2<F> {
    let mut out = ndarray::Array2::zeros(mu.raw_dim());
    Zip::from(&mut out)
        .and(mu)
        .and(logvar)
        .for_each(|o, &m, &lv| *o = F::of(0.5) * (m * m + lv.exp() - F::one() - lv));
    out
}

impl RateTerm {
    // ANCHOR: value
    /// The penalty summed over the batch (rows of `mu` and `logvar`).
    pub fn value<F: Real>(&self, mu: &ArrayRef2<F>, logvar: &ArrayRef2<F>) -> F {
        let kl = unit_kl(mu, logvar);
        match *self {
            RateTerm::Beta(beta) => F::of(beta) * kl.sum(),
            RateTerm::FreeBits(lambda) => {
                let n = F::of(mu.nrows() as f64);
                let per_unit = kl.sum_axis(Axis(0)) / n;
                n * per_unit.mapv(|k| k.max(F::of(lambda))).sum()
            }
        }
    }
    // ANCHOR_END: value

    // ANCHOR: backward
    /// *Adds* the penalty's gradient to `dmu` and `dlogvar`. Under free bits, a unit whose
    /// batch-mean KL is at or below `lambda` sits on the flat part of `max(lambda, ·)`: no
    /// gradient reaches it from the penalty, only from the reconstruction.
    pub fn backward<F: Real>(
        &self,
        mu: &ArrayRef2<F>,
        logvar: &ArrayRef2<F>,
        dmu: &mut ArrayRef2<F>,
        dlogvar: &mut ArrayRef2<F>,
    ) {
        match *self {
            RateTerm::Beta(beta) => {
                kl_standard_normal_backward(mu, logvar, F::of(beta), dmu, dlogvar)
            }
            RateTerm::FreeBits(lambda) => {
                let n = F::of(mu.nrows() as f64);
                let charged: Array1<F> = unit_kl(mu, logvar).sum_axis(Axis(0)).mapv(|k| {
                    if k / n > F::of(lambda) {
                        F::one()
                    } else {
                        F::zero()
                    }
                });
                for (((mut dm, mut dl), m), lv) in dmu
                    .rows_mut()
                    .into_iter()
                    .zip(dlogvar.rows_mut())
                    .zip(mu.rows())
                    .zip(logvar.rows())
                {
                    Zip::from(&mut dm)
                        .and(&mut dl)
                        .and(&m)
                        .and(&lv)
                        .and(&charged)
                        .for_each(|dm, dl, &m, &lv, &c| {
                            *dm += c * m;
                            *dl += c * F::of(0.5) * (lv.exp() - F::one());
                        });
                }
            }
        }
    }
    // ANCHOR_END: backward
}

/// How a model is trained: the rate term at each moment of training.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Recipe {
    /// `D + beta R` throughout; `beta = 1` is the plain ELBO.
    Beta(f64),
    /// The ELBO with beta raised linearly from 0 to 1 over the first `passes` passes.
    WarmUp { passes: f64 },
    /// `D + Σ_j max(lambda, R_j)`: free bits, `lambda` nats per latent unit.
    FreeBits { lambda: f64 },
}

impl Recipe {
    // ANCHOR: schedule
    /// The rate term after `progress` passes of training (a fraction within a pass).
    pub fn rate_term(&self, progress: f64) -> RateTerm {
        match *self {
            Recipe::Beta(beta) => RateTerm::Beta(beta),
            Recipe::WarmUp { passes } => RateTerm::Beta((progress / passes).min(1.0)),
            Recipe::FreeBits { lambda } => RateTerm::FreeBits(lambda),
        }
    }
    // ANCHOR_END: schedule

    /// The weight of the KL in the objective the recipe ends with (1 unless a beta-VAE).
    pub fn final_beta(&self) -> f64 {
        match *self {
            Recipe::Beta(beta) => beta,
            _ => 1.0,
        }
    }
}

impl fmt::Display for Recipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Recipe::Beta(1.0) => write!(f, "elbo"),
            Recipe::Beta(b) => write!(f, "beta-{b}"),
            Recipe::WarmUp { passes } => write!(f, "warm-up-{passes}"),
            Recipe::FreeBits { lambda } => write!(f, "free-bits-{lambda}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn free_bits_charge_at_least_lambda_per_unit() {
        // Unit 0 carries KL 0.5 per image, unit 1 nothing: charged 0.5 and lambda = 0.25.
        let mu = array![[1.0f64, 0.0], [-1.0, 0.0]];
        let logvar = array![[0.0f64, 0.0], [0.0, 0.0]];
        assert_eq!(RateTerm::Beta(1.0).value(&mu, &logvar), 1.0);
        assert_eq!(
            RateTerm::FreeBits(0.25).value(&mu, &logvar),
            2.0 * (0.5 + 0.25)
        );
        // Only unit 0 is charged, so only it gets a gradient.
        let (mut dm, mut dl) = (
            array![[0.0, 0.0], [0.0, 0.0]],
            array![[0.0, 0.0], [0.0, 0.0]],
        );
        RateTerm::FreeBits(0.25).backward(&mu, &logvar, &mut dm, &mut dl);
        assert_eq!(dm, array![[1.0, 0.0], [-1.0, 0.0]]);
        assert_eq!(dl, array![[0.0, 0.0], [0.0, 0.0]]);
    }

    #[test]
    fn warm_up_reaches_the_elbo() {
        let r = Recipe::WarmUp { passes: 4.0 };
        assert_eq!(r.rate_term(0.0), RateTerm::Beta(0.0));
        assert_eq!(r.rate_term(1.0), RateTerm::Beta(0.25));
        assert_eq!(r.rate_term(9.0), RateTerm::Beta(1.0));
        assert_eq!(Recipe::Beta(1.0).to_string(), "elbo");
        assert_eq!(
            Recipe::FreeBits { lambda: 0.5 }.to_string(),
            "free-bits-0.5"
        );
    }
}
