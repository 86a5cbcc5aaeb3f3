//! Mini-batches: a fresh random order of the training images every epoch, and each batch's
//! images gathered into one reused matrix, pixels scaled to [0, 1].

use ndarray::{ArrayView2, ArrayViewMut2, Axis};
use rand::Rng;
use rand::seq::SliceRandom;

use mnist::unit_pixel;

// ANCHOR: batches
/// The image indices of one epoch in a random order; `chunks(batch_size)` gives the batches
/// (the last one smaller when the batch size does not divide the count).
pub fn shuffled_order(count: usize, rng: &mut impl Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    order.shuffle(rng);
    order
}

/// Copies the images at `indices` into the first `indices.len()` rows of `out`, as f32 in [0, 1].
pub fn gather(images: ArrayView2<u8>, indices: &[usize], mut out: ArrayViewMut2<f32>) {
    assert!(indices.len() <= out.nrows(), "batch larger than its buffer");
    assert_eq!(images.ncols(), out.ncols(), "image sizes differ");
    for (&i, mut row) in indices.iter().zip(out.axis_iter_mut(Axis(0))) {
        for (o, &p) in row.iter_mut().zip(images.row(i)) {
            *o = unit_pixel(p);
        }
    }
}
// ANCHOR_END: batches

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn every_image_once_per_epoch_in_a_seeded_order() {
        let a = shuffled_order(1000, &mut StdRng::seed_from_u64(1));
        let b = shuffled_order(1000, &mut StdRng::seed_from_u64(1));
        let c = shuffled_order(1000, &mut StdRng::seed_from_u64(2));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, (0..1000).collect::<Vec<_>>());
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn gathers_rows_scaled_to_unit_range() {
        let images = array![[0u8, 255], [51, 102], [255, 0]];
        let mut out = Array2::<f32>::from_elem((4, 2), -1.0);
        gather(images.view(), &[2, 0], out.view_mut());
        assert_eq!(out.row(0).to_vec(), [1.0, 0.0]);
        assert_eq!(out.row(1).to_vec(), [0.0, 1.0]);
        assert_eq!(
            out.row(2).to_vec(),
            [-1.0, -1.0],
            "rows past the batch are left alone"
        );
    }
}
