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
        assert_eq!(params.len(), self.m.len(), "one slice per parameter tensor");
        assert_eq!(
            grads.len(),
            self.m.len(),
            "one gradient per parameter tensor"
        );
        self.t += 1;
        let t = self.t as i32;
        let correction1 = 1.0 - self.beta1.powi(t);
        let correction2 = 1.0 - self.beta2.powi(t);
        let step = self.lr / correction1;
        let inv_sqrt_c2 = 1.0 / correction2.sqrt();
        let (b1, b2, eps) = (self.beta1, self.beta2, self.eps);
        for (((p, g), m), v) in params
            .iter_mut()
            .zip(grads)
            .zip(&mut self.m)
            .zip(&mut self.v)
        {
            assert_eq!(p.len(), g.len(), "parameter and gradient sizes differ");
            for (((p, &g), m), v) in p
                .iter_mut()
                .zip(g.iter())
                .zip(m.iter_mut())
                .zip(v.iter_mut())
            {
                *m = b1 * *m + (1.0 - b1) * g;
                *v = b2 * *v + (1.0 - b2) * g * g;
                *p -= step * *m / (v.sqrt() * inv_sqrt_c2 + eps);
            }
        }
    }
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
