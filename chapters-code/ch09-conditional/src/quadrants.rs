//! Sohn et al.'s quadrant task (their section 5.1, and Pyro's CVAE tutorial): a 28 x 28
//! digit cut into four 14 x 14 quadrants, of which one, two or three are given (`x`) and the
//! rest are to be predicted (`y`). As in Pyro's tutorial, one quadrant given is the bottom
//! left, two are the left half, three are all but the bottom right; a pixel not given reaches
//! the networks as -1, a value no pixel takes, so "unknown" is never mistaken for "blank".

use std::fmt;

use ndarray::{Array2, ArrayRef2, ArrayView2, Zip};

use ch04_model::scalar::Real;

/// The side of an MNIST image.
pub const SIDE: usize = 28;
/// Pixels in an image.
pub const PIXELS: usize = SIDE * SIDE;

/// How many quadrants are given: 1, 2 or 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Given(usize);

impl Given {
    /// `Some` for 1, 2 or 3 quadrants, `None` otherwise.
    pub fn new(quadrants: usize) -> Option<Given> {
        (1..=3).contains(&quadrants).then_some(Given(quadrants))
    }

    pub fn count(self) -> usize {
        self.0
    }

    // ANCHOR: given
    /// Whether the pixel at `row`, `col` is given: the bottom-left quadrant always; with two,
    /// the whole left half; with three, everything but the bottom-right quadrant.
    pub fn is_given(self, row: usize, col: usize) -> bool {
        let (bottom, left) = (row >= SIDE / 2, col < SIDE / 2);
        match self.0 {
            1 => bottom && left,
            2 => left,
            _ => !bottom || left,
        }
    }
    // ANCHOR_END: given

    /// One number per pixel, row by row: 1 where the pixel is to be predicted (and scored),
    /// 0 where it is given.
    pub fn scored_mask<F: Real>(self) -> Vec<F> {
        (0..PIXELS)
            .map(|i| {
                if self.is_given(i / SIDE, i % SIDE) {
                    F::zero()
                } else {
                    F::one()
                }
            })
            .collect()
    }

    /// How many pixels are scored: 588, 392 or 196.
    pub fn scored_pixels(self) -> usize {
        (4 - self.0) * PIXELS / 4
    }
}

impl fmt::Display for Given {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

// ANCHOR: split
/// The network's view of a batch of whole images (pixels in [0, 1]): the given pixels kept,
/// every other pixel set to -1.
pub fn given_pixels<F: Real>(images: &ArrayRef2<F>, mask: &[F]) -> Array2<F> {
    let mut x = images.to_owned();
    for mut row in x.rows_mut() {
        Zip::from(&mut row)
            .and(mask)
            .for_each(|p, &m| *p = if m > F::zero() { -F::one() } else { *p });
    }
    x
}

/// The given pixels with `guess` written where a pixel is not given: the prior network's
/// input, the baseline's prediction filling the unknown quadrants, as in Sohn et al.
pub fn filled_in<F: Real>(x: &ArrayRef2<F>, guess: &ArrayView2<F>, mask: &[F]) -> Array2<F> {
    let mut out = x.to_owned();
    for (mut row, g) in out.rows_mut().into_iter().zip(guess.rows()) {
        Zip::from(&mut row).and(&g).and(mask).for_each(|p, &g, &m| {
            if m > F::zero() {
                *p = g
            }
        });
    }
    out
}
// ANCHOR_END: split

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_two_three_quadrants_leave_588_392_196_pixels_to_predict() {
        for (q, scored) in [(1, 588), (2, 392), (3, 196)] {
            let given = Given::new(q).unwrap();
            let mask = given.scored_mask::<f32>();
            assert_eq!(mask.iter().filter(|&&m| m == 1.0).count(), scored);
            assert_eq!(given.scored_pixels(), scored);
        }
        assert_eq!(Given::new(0), None);
        assert_eq!(Given::new(4), None);
    }

    #[test]
    fn bottom_left_is_always_given_bottom_right_never() {
        for q in 1..=3 {
            let g = Given::new(q).unwrap();
            assert!(g.is_given(20, 3));
            assert!(!g.is_given(20, 20));
        }
        assert!(!Given::new(1).unwrap().is_given(3, 3));
        assert!(Given::new(2).unwrap().is_given(3, 3));
        assert!(!Given::new(2).unwrap().is_given(3, 20));
        assert!(Given::new(3).unwrap().is_given(3, 20));
    }

    #[test]
    fn hidden_pixels_read_minus_one_and_the_guess_fills_them() {
        let mask = Given::new(3).unwrap().scored_mask::<f64>();
        let images = Array2::from_elem((2, PIXELS), 0.5);
        let x = given_pixels(&images, &mask);
        assert_eq!(x[[0, 27 * 28 + 27]], -1.0);
        assert_eq!(x[[1, 0]], 0.5);
        let guess = Array2::from_elem((2, PIXELS), 0.25);
        let filled = filled_in(&x, &guess.view(), &mask);
        assert_eq!(filled[[0, 27 * 28 + 27]], 0.25);
        assert_eq!(filled[[1, 0]], 0.5);
    }
}
