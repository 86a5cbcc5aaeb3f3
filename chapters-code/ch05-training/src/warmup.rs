//! KL warm-up (Bowman et al., 2016): the KL term's weight starts small and rises to its
//! full value over the first epochs, so that the decoder learns to use the code before the
//! KL term can push the code towards the prior and switch its units off.

// ANCHOR: kl_weight
/// The KL weight of `epoch` (counted from 1) when it rises linearly to `beta` over the first
/// `warmup` epochs: `beta * epoch / warmup`, then `beta`. A `warmup` of 0 means none.
pub fn kl_weight(beta: f32, warmup: usize, epoch: usize) -> f32 {
    if warmup == 0 || epoch >= warmup {
        beta
    } else {
        beta * epoch as f32 / warmup as f32
    }
}
// ANCHOR_END: kl_weight

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rises_in_equal_steps_then_stays() {
        let weights: Vec<f32> = (1..=6).map(|e| kl_weight(1.0, 4, e)).collect();
        assert_eq!(weights, vec![0.25, 0.5, 0.75, 1.0, 1.0, 1.0]);
        assert_eq!(kl_weight(4.0, 2, 1), 2.0);
    }

    #[test]
    fn no_warmup_is_the_full_weight_from_the_start() {
        assert_eq!(kl_weight(0.5, 0, 1), 0.5);
        assert_eq!(kl_weight(1.0, 1, 1), 1.0);
    }
}
