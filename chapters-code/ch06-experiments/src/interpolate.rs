//! Walking through latent space from one test digit's code to another's, in a straight line
//! and along a great circle, and decoding every step.

use anyhow::{Result, bail};
use ch04_model::vae::Vae;
use ch05_training::grid::tile;
use image::GrayImage;
use mnist::unit_pixels;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, concatenate};

use crate::posterior::{decode, encode};

/// The digits interpolated between: pairs of different shapes, so the path has work to do.
pub const PAIRS: [(u8, u8); 4] = [(0, 1), (2, 7), (3, 8), (4, 9)];

/// Decoded images along each path, ends included.
pub const STEPS: usize = 10;

/// Frames of the GIF from one end to the other (it then plays back).
pub const GIF_STEPS: usize = 24;

// ANCHOR: paths
/// The straight line `(1 - t) a + t b`.
pub fn lerp(a: ArrayView1<f32>, b: ArrayView1<f32>, t: f64) -> Array1<f32> {
    let t = t as f32;
    &a * (1.0 - t) + &b * t
}

/// Spherical interpolation: along the great circle from `a` to `b` (through the angle `Ω`
/// between them), `sin((1-t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b`. When the lengths of `a` and `b`
/// agree, every point of the path has that length too; in between they change smoothly.
pub fn slerp(a: ArrayView1<f32>, b: ArrayView1<f32>, t: f64) -> Array1<f32> {
    let (na, nb) = (norm(a), norm(b));
    let cos = if na > 0.0 && nb > 0.0 {
        (a.iter()
            .zip(b)
            .map(|(&x, &y)| f64::from(x) * f64::from(y))
            .sum::<f64>()
            / (na * nb))
            .clamp(-1.0, 1.0)
    } else {
        1.0
    };
    let omega = cos.acos();
    if omega.sin() < 1e-6 {
        return lerp(a, b, t); // (anti)parallel codes: no unique great circle
    }
    let (wa, wb) = (
        ((1.0 - t) * omega).sin() / omega.sin(),
        (t * omega).sin() / omega.sin(),
    );
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (wa * f64::from(x) + wb * f64::from(y)) as f32)
        .collect()
}
// ANCHOR_END: paths

/// The Euclidean length of a latent code.
pub fn norm(z: ArrayView1<f32>) -> f64 {
    z.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>().sqrt()
}

/// Which kind of path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Linear,
    Spherical,
}

/// `steps` points from `a` to `b` (ends included), one per row.
pub fn path(a: ArrayView1<f32>, b: ArrayView1<f32>, steps: usize, kind: Kind) -> Array2<f32> {
    assert!(steps >= 2, "a path needs both ends");
    let rows: Vec<Array1<f32>> = (0..steps)
        .map(|i| {
            let t = i as f64 / (steps - 1) as f64;
            match kind {
                Kind::Linear => lerp(a, b, t),
                Kind::Spherical => slerp(a, b, t),
            }
        })
        .collect();
    let views: Vec<_> = rows.iter().map(|r| r.view().insert_axis(Axis(0))).collect();
    concatenate(Axis(0), &views).expect("rows of one length")
}

/// The index of the first test image of each label of each pair.
pub fn pick_pairs(labels: &[u8], pairs: &[(u8, u8)]) -> Result<Vec<(usize, usize)>> {
    let first = |digit: u8| match labels.iter().position(|&l| l == digit) {
        Some(i) => Ok(i),
        None => bail!("no test image of label {digit} to interpolate from"),
    };
    pairs
        .iter()
        .map(|&(a, b)| Ok((first(a)?, first(b)?)))
        .collect()
}

/// The codes (posterior means) of the two ends of every pair.
pub struct Ends {
    pub a: Array2<f32>,
    pub b: Array2<f32>,
    /// The original images of the ends, pixels in [0, 1].
    pub image_a: Array2<f32>,
    pub image_b: Array2<f32>,
}

pub fn ends(vae: &Vae<f32>, images: ArrayView2<u8>, pairs: &[(usize, usize)]) -> Ends {
    let pick =
        |which: fn(&(usize, usize)) -> usize| -> Vec<usize> { pairs.iter().map(which).collect() };
    let (ia, ib) = (pick(|p| p.0), pick(|p| p.1));
    let (xa, xb) = (images.select(Axis(0), &ia), images.select(Axis(0), &ib));
    Ends {
        a: encode(vae, xa.view()).mu,
        b: encode(vae, xb.view()).mu,
        image_a: unit_pixels(xa.view()),
        image_b: unit_pixels(xb.view()),
    }
}

/// The strip: for each pair a row of the linear path and a row of the spherical one, each
/// between the two original test images, `steps + 2` digits wide, drawn `scale` times.
pub fn strip(vae: &Vae<f32>, ends: &Ends, steps: usize, side: usize, scale: usize) -> GrayImage {
    let mut rows = Vec::new();
    for i in 0..ends.a.nrows() {
        for kind in [Kind::Linear, Kind::Spherical] {
            let decoded = decode(vae, path(ends.a.row(i), ends.b.row(i), steps, kind).view());
            let a = ends.image_a.row(i).insert_axis(Axis(0));
            let b = ends.image_b.row(i).insert_axis(Axis(0));
            rows.push(concatenate(Axis(0), &[a, decoded.view(), b]).expect("same width"));
        }
    }
    let views: Vec<_> = rows.iter().map(|r| r.view()).collect();
    let all = concatenate(Axis(0), &views).expect("same width");
    tile(all.view(), side, side, steps + 2, scale)
}

/// The GIF's frames: at each step, every pair's linear image above its spherical one, then
/// the same steps backwards, so the loop has no jump.
pub fn frames(
    vae: &Vae<f32>,
    ends: &Ends,
    steps: usize,
    side: usize,
    scale: usize,
) -> Vec<GrayImage> {
    let pairs = ends.a.nrows();
    let paths: Vec<[Array2<f32>; 2]> = (0..pairs)
        .map(|i| {
            [Kind::Linear, Kind::Spherical]
                .map(|kind| decode(vae, path(ends.a.row(i), ends.b.row(i), steps, kind).view()))
        })
        .collect();
    let forward: Vec<GrayImage> = (0..steps)
        .map(|s| {
            let mut images = Vec::new();
            for kind in 0..2 {
                for p in &paths {
                    images.push(p[kind].row(s).insert_axis(Axis(0)));
                }
            }
            let frame = concatenate(Axis(0), &images).expect("same width");
            tile(frame.view(), side, side, pairs, scale)
        })
        .collect();
    let back = forward[1..steps - 1].iter().rev().cloned();
    forward.iter().cloned().chain(back).collect()
}

/// How the two paths treat a code's length, at the midpoint of each pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MidpointNorms {
    pub a: f64,
    pub b: f64,
    pub linear: f64,
    pub spherical: f64,
}

pub fn midpoint_norms(ends: &Ends) -> Vec<MidpointNorms> {
    (0..ends.a.nrows())
        .map(|i| {
            let (a, b) = (ends.a.row(i), ends.b.row(i));
            MidpointNorms {
                a: norm(a),
                b: norm(b),
                linear: norm(lerp(a, b, 0.5).view()),
                spherical: norm(slerp(a, b, 0.5).view()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn both_paths_join_the_ends() {
        let (a, b) = (array![3.0f32, 0.0, 1.0], array![-1.0f32, 2.0, 0.5]);
        for kind in [Kind::Linear, Kind::Spherical] {
            let p = path(a.view(), b.view(), 5, kind);
            for (x, y) in p.row(0).iter().zip(&a) {
                assert!((x - y).abs() < 1e-6);
            }
            for (x, y) in p.row(4).iter().zip(&b) {
                assert!((x - y).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn slerp_keeps_the_length_where_lerp_shortens_it() {
        // Two orthogonal codes of length 5: the straight midpoint has length 5/sqrt(2).
        let (a, b) = (array![3.0f32, 4.0, 0.0], array![0.0f32, 0.0, 5.0]);
        let mid = lerp(a.view(), b.view(), 0.5);
        assert!((norm(mid.view()) - 5.0 / 2f64.sqrt()).abs() < 1e-5);
        for t in [0.1, 0.25, 0.5, 0.9] {
            assert!((norm(slerp(a.view(), b.view(), t).view()) - 5.0).abs() < 1e-5);
        }
        // Parallel codes fall back to the line.
        let c = array![6.0f32, 8.0, 0.0];
        assert_eq!(
            slerp(a.view(), c.view(), 0.5),
            lerp(a.view(), c.view(), 0.5)
        );
    }

    #[test]
    fn pairs_are_the_first_images_of_each_label() {
        let labels = [5, 0, 1, 0, 7, 2];
        assert_eq!(
            pick_pairs(&labels, &[(0, 1), (2, 7)]).unwrap(),
            vec![(1, 2), (5, 4)]
        );
        assert!(pick_pairs(&labels, &[(0, 9)]).is_err());
    }
}
