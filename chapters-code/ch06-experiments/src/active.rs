//! Active units (Burda et al., 2015): which latent units the encoder uses, judged by how much
//! each unit's posterior mean varies across the images. Chapter 6's beta table, chapter 7's
//! evaluation and chapter 8's sweep count them the same way.

use ndarray::{Array1, ArrayView1, ArrayView2, Axis};

/// Burda et al.'s rule: a latent unit is active when its posterior mean varies across the data
/// with variance above 0.01; an inactive unit ignores the image and copies the prior.
pub const ACTIVE_VARIANCE: f32 = 0.01;

// ANCHOR: active
/// The number of columns of `means` (posterior means, one row per image) whose variance over
/// the rows exceeds [`ACTIVE_VARIANCE`].
pub fn active_units(means: ArrayView2<f32>) -> usize {
    count_above(unit_variances(means).view(), ACTIVE_VARIANCE)
}

/// The variance over the rows of each column of `means`: one number per latent unit.
pub fn unit_variances(means: ArrayView2<f32>) -> Array1<f32> {
    means.var_axis(Axis(0), 0.0)
}

/// How many of `variances` exceed `threshold`.
pub fn count_above(variances: ArrayView1<f32>, threshold: f32) -> usize {
    variances.iter().filter(|&&v| v > threshold).count()
}
// ANCHOR_END: active

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn units_that_ignore_the_image_are_inactive() {
        // Column 0 varies (variance 1), column 1 barely (0.0025), column 2 not at all.
        let means = array![[1.0f32, 0.05, 3.0], [-1.0, -0.05, 3.0]];
        assert_eq!(active_units(means.view()), 1);
        // The same variances against other thresholds.
        let v = unit_variances(means.view());
        for (got, want) in v.iter().zip([1.0f32, 0.0025, 0.0]) {
            assert!((got - want).abs() < 1e-6, "{got} {want}");
        }
        assert_eq!(count_above(v.view(), 0.001), 2);
        assert_eq!(count_above(v.view(), 1.0), 0, "strictly above");
        assert_eq!(count_above(v.view(), -1.0), 3);
    }
}
