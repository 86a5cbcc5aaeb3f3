//! Adam (Kingma & Ba, 2014), over the model's parameter tensors seen as flat slices.

// ANCHOR: adam
/// Adam's state: a running mean of the gradients (`m`) and of their squares (`v`) for
/// every parameter, and the step count `t` for the bias correction.
#[derive(Debug, Clone, PartialEq)]
pub struct Adam {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub t: u64,
    pub m: Vec<Vec<f32>>,
    pub v: Vec<Vec<f32>>,
}

impl Adam {
    /// Zeroed state for tensors of the given sizes, with the usual constants.
    pub fn new(sizes: &[usize], lr: f32) -> Self {
        Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            t: 0,
            m: sizes.iter().map(|&n| vec![0.0; n]).collect(),
            v: sizes.iter().map(|&n| vec![0.0; n]).collect(),
        }
    }

    /// One update of every tensor, `params[i] -= step * m_hat / (sqrt(v_hat) + eps)`,
    /// in one fused pass per tensor.
    pub fn step(&mut self, params: &mut [&mut [f32]], grads: &[&[f32]]) {
        self.step_summed(params, &[grads.to_vec()], 1);
    }

    /// The same update when the gradient comes in parts, one per shard of the batch
    /// (`grads[shard][tensor]`), summed on the fly in a fixed order; the work is cut into
    /// `threads` equal slices of every tensor, one per thread. Each weight's update depends
    /// only on its own numbers, so the result does not depend on `threads`.
    pub fn step_summed(
        &mut self,
        params: &mut [&mut [f32]],
        grads: &[Vec<&[f32]>],
        threads: usize,
    ) {
        assert_eq!(params.len(), self.m.len(), "one slice per parameter tensor");
        for shard in grads {
            assert_eq!(
                shard.len(),
                self.m.len(),
                "one gradient per parameter tensor"
            );
        }
        self.t += 1;
        let t = self.t as i32;
        // ANCHOR: corrections
        let correction1 = 1.0 - self.beta1.powi(t);
        let correction2 = 1.0 - self.beta2.powi(t);
        let constants = Constants {
            b1: self.beta1,
            b2: self.beta2,
            eps: self.eps,
            step: self.lr / correction1,
            inv_sqrt_c2: 1.0 / correction2.sqrt(),
        };
        // ANCHOR_END: corrections
        let threads = threads.max(1);
        let mut work: Vec<Vec<Slices>> = (0..threads).map(|_| Vec::new()).collect();
        for (i, ((p, m), v)) in params
            .iter_mut()
            .zip(&mut self.m)
            .zip(&mut self.v)
            .enumerate()
        {
            let n = p.len();
            let per = n.div_ceil(threads).max(1);
            let parts = p
                .chunks_mut(per)
                .zip(m.chunks_mut(per))
                .zip(v.chunks_mut(per));
            for (k, ((p, m), v)) in parts.enumerate() {
                let range = k * per..(k * per + p.len());
                let g = grads
                    .iter()
                    .map(|shard| {
                        assert_eq!(shard[i].len(), n, "parameter and gradient sizes differ");
                        &shard[i][range.clone()]
                    })
                    .collect();
                work[k].push(Slices { p, m, v, g });
            }
        }
        let mut work = work.into_iter();
        let mine = work.next().unwrap_or_default();
        std::thread::scope(|scope| {
            for theirs in work {
                scope.spawn(move || theirs.into_iter().for_each(|s| s.update(constants)));
            }
            mine.into_iter().for_each(|s| s.update(constants));
        });
    }
}

/// The numbers every weight's update shares at a given step.
#[derive(Debug, Clone, Copy)]
struct Constants {
    b1: f32,
    b2: f32,
    eps: f32,
    /// The learning rate over the first moment's bias correction.
    step: f32,
    /// One over the square root of the second moment's bias correction.
    inv_sqrt_c2: f32,
}

/// A stretch of one tensor: parameters, moments, and the gradient's parts.
struct Slices<'a> {
    p: &'a mut [f32],
    m: &'a mut [f32],
    v: &'a mut [f32],
    g: Vec<&'a [f32]>,
}

impl Slices<'_> {
    fn update(self, c: Constants) {
        // Equal lengths, stated once, let the compiler drop the bounds checks.
        let n = self.p.len();
        let (m, v) = (&mut self.m[..n], &mut self.v[..n]);
        // ANCHOR: update
        for i in 0..n {
            let g = self.g.iter().fold(0.0, |sum, part| sum + part[i]);
            m[i] = flush(c.b1 * m[i] + (1.0 - c.b1) * g);
            v[i] = flush(c.b2 * v[i] + (1.0 - c.b2) * g * g);
            self.p[i] -= c.step * m[i] / (v[i].sqrt() * c.inv_sqrt_c2 + c.eps);
        }
        // ANCHOR_END: update
    }
}

/// Zero for the subnormal floats, below about 1.2e-38 (the smallest normal f32). A weight
/// whose gradient was nonzero and then stops (a border pixel that is rarely ink, a hidden
/// unit that stopped firing) sees `m` and `v` decay geometrically into that range, where the
/// CPU computes many times slower; flushing them changes no update by more than 1e-38.
fn flush(x: f32) -> f32 {
    if x.abs() < f32::MIN_POSITIVE { 0.0 } else { x }
}
// ANCHOR_END: adam

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_step_moves_each_parameter_by_lr_against_its_gradient_sign() {
        // With bias correction, m_hat = g and v_hat = g^2 at t = 1: the step is lr * sign(g).
        let mut adam = Adam::new(&[3], 0.01);
        let mut p = vec![1.0f32, 1.0, 1.0];
        adam.step(&mut [&mut p], &[&[0.5, -2.0, 1e-3]]);
        for (got, want) in p.iter().zip([0.99, 1.01, 0.99]) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
    }

    #[test]
    fn moments_of_a_zero_gradient_are_flushed_to_zero_not_left_subnormal() {
        let mut adam = Adam::new(&[1], 1e-3);
        let mut p = vec![0.5f32];
        adam.step(&mut [&mut p], &[&[1.0]]);
        for _ in 0..100_000 {
            adam.step(&mut [&mut p], &[&[0.0]]);
        }
        assert_eq!((adam.m[0][0], adam.v[0][0]), (0.0, 0.0));
        assert!(p[0].is_finite());
    }

    #[test]
    fn minimises_a_quadratic() {
        // f(p) = sum (p - target)^2 has gradient 2 (p - target).
        let target = [3.0f32, -1.0];
        let mut adam = Adam::new(&[2], 0.05);
        let mut p = vec![0.0f32, 0.0];
        for _ in 0..2000 {
            let g: Vec<f32> = p.iter().zip(target).map(|(p, t)| 2.0 * (p - t)).collect();
            adam.step(&mut [&mut p], &[&g]);
        }
        for (got, want) in p.iter().zip(target) {
            assert!((got - want).abs() < 1e-3, "{got} vs {want}");
        }
        assert_eq!(adam.t, 2000);
    }

    #[test]
    fn matches_the_textbook_update_over_several_steps() {
        // Algorithm 1 of Kingma & Ba, written naively in f64, as the reference.
        let grads = [0.3f64, -0.1, 0.7, 0.2, -0.5];
        let (lr, b1, b2, eps) = (0.001f64, 0.9f64, 0.999f64, 1e-8f64);
        let (mut p, mut m, mut v) = (0.5f64, 0.0f64, 0.0f64);
        let mut adam = Adam::new(&[1], lr as f32);
        let mut q = vec![0.5f32];
        for (t, &g) in grads.iter().enumerate() {
            let t = t as i32 + 1;
            m = b1 * m + (1.0 - b1) * g;
            v = b2 * v + (1.0 - b2) * g * g;
            let (m_hat, v_hat) = (m / (1.0 - b1.powi(t)), v / (1.0 - b2.powi(t)));
            p -= lr * m_hat / (v_hat.sqrt() + eps);
            adam.step(&mut [&mut q], &[&[g as f32]]);
            assert!((q[0] as f64 - p).abs() < 1e-6, "step {t}: {} vs {p}", q[0]);
        }
    }
}
