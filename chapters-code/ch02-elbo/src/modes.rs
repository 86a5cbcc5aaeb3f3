//! One Gaussian fitted to a target with two modes, once in each direction of the KL
//! divergence. Minimising `KL(p || q)`, the forward divergence that maximum likelihood
//! minimises, makes `q` cover both modes and the empty space between them; minimising
//! `KL(q || p)`, the reverse divergence of the ELBO, makes `q` settle on one mode.

/// An equal mixture of `N(-centre, sd²)` and `N(centre, sd²)` on the real line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoModes {
    pub centre: f64,
    pub sd: f64,
}

/// The chapter's target: two modes five of their standard deviations from the origin, so that
/// they barely overlap.
pub const TARGET: TwoModes = TwoModes {
    centre: 2.5,
    sd: 0.5,
};

/// A one-dimensional Gaussian `N(mean, sd²)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub mean: f64,
    pub sd: f64,
}

fn log_normal(x: f64, mean: f64, sd: f64) -> f64 {
    let u = (x - mean) / sd;
    -0.5 * u * u - sd.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
}

impl Fit {
    pub fn log_density(&self, x: f64) -> f64 {
        log_normal(x, self.mean, self.sd)
    }
}

impl TwoModes {
    pub fn log_density(&self, x: f64) -> f64 {
        let (a, b) = (
            log_normal(x, -self.centre, self.sd),
            log_normal(x, self.centre, self.sd),
        );
        // log(e^a / 2 + e^b / 2), without underflow far from either mode.
        let m = a.max(b);
        m + (0.5 * ((a - m).exp() + (b - m).exp())).ln()
    }

    pub fn mean(&self) -> f64 {
        0.0
    }

    /// Each mode's variance plus the spread of the modes' centres around the mean.
    pub fn variance(&self) -> f64 {
        self.sd * self.sd + self.centre * self.centre
    }
}

/// The grid of the quadrature: wide enough that every density here is below `e^-100` at its
/// ends, fine enough that the trapezoid rule, exponentially accurate for such smooth and fast
/// decaying integrands, is exact to far more digits than we print.
const HALF_WIDTH: f64 = 16.0;
const POINTS: usize = 8001;

/// `∫ e^{log_a(x)} (log_a(x) - log_b(x)) dx`, `KL(a || b)`, the KL divergence of density `a` from density `b`.
fn kl_by_quadrature(log_a: impl Fn(f64) -> f64, log_b: impl Fn(f64) -> f64) -> f64 {
    let h = 2.0 * HALF_WIDTH / (POINTS - 1) as f64;
    let f = |x: f64| {
        let la = log_a(x);
        la.exp() * (la - log_b(x))
    };
    let inner: f64 = (1..POINTS - 1).map(|i| f(-HALF_WIDTH + i as f64 * h)).sum();
    h * (inner + 0.5 * (f(-HALF_WIDTH) + f(HALF_WIDTH)))
}

// ANCHOR: directions
/// `KL(p || q)`: the forward divergence, an average over the target.
pub fn forward_kl(target: &TwoModes, q: &Fit) -> f64 {
    kl_by_quadrature(|x| target.log_density(x), |x| q.log_density(x))
}

/// `KL(q || p)`: the reverse divergence, an average over the fit.
pub fn reverse_kl(q: &Fit, target: &TwoModes) -> f64 {
    kl_by_quadrature(|x| q.log_density(x), |x| target.log_density(x))
}

/// The Gaussian closest to `target` in the forward direction matches its mean and variance
/// (set the derivatives of `-E_p[log q]` in the mean and the variance to zero).
pub fn mass_covering(target: &TwoModes) -> Fit {
    Fit {
        mean: target.mean(),
        sd: target.variance().sqrt(),
    }
}
// ANCHOR_END: directions

/// A Gaussian closest to `target` in the reverse direction, found by a pattern search on the
/// mean and the log of the standard deviation from `start`: halve the step whenever no move
/// along either coordinate lowers `KL(q || p)`. The reverse divergence has one minimum per
/// mode here; the search finds the one nearest its start.
pub fn mode_seeking(target: &TwoModes, start: Fit) -> Fit {
    let kl = |mean: f64, log_sd: f64| {
        reverse_kl(
            &Fit {
                mean,
                sd: log_sd.exp(),
            },
            target,
        )
    };
    let (mut mean, mut log_sd) = (start.mean, start.sd.ln());
    let mut best = kl(mean, log_sd);
    let mut step = 0.5;
    while step > 1e-7 {
        let mut moved = false;
        for (dm, ds) in [(step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)] {
            let value = kl(mean + dm, log_sd + ds);
            if value < best {
                (mean, log_sd, best) = (mean + dm, log_sd + ds, value);
                moved = true;
            }
        }
        if !moved {
            step /= 2.0;
        }
    }
    Fit {
        mean,
        sd: log_sd.exp(),
    }
}

/// The two fits and all four divergences, as the binary prints them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModesReport {
    pub covering: Fit,
    pub seeking: Fit,
    /// `KL(p || q)` and `KL(q || p)` for the covering fit.
    pub covering_kl: (f64, f64),
    /// `KL(p || q)` and `KL(q || p)` for the seeking fit.
    pub seeking_kl: (f64, f64),
}

/// Both fits of [`TARGET`], the seeking one started from the right-hand side.
pub fn fit_both(target: &TwoModes) -> ModesReport {
    let covering = mass_covering(target);
    let seeking = mode_seeking(target, Fit { mean: 1.0, sd: 1.0 });
    ModesReport {
        covering,
        seeking,
        covering_kl: (forward_kl(target, &covering), reverse_kl(&covering, target)),
        seeking_kl: (forward_kl(target, &seeking), reverse_kl(&seeking, target)),
    }
}
