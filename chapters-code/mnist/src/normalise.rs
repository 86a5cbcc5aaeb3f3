//! What MNIST's makers did to every digit, done to a drawing: the ink's bounding box scaled to
//! fit a 20 x 20 box with its aspect ratio kept (anti-aliased by averaging over areas), then
//! placed in the 28 x 28 frame so that its centre of mass sits at pixel (14, 14) (LeCun,
//! Bottou, Bengio & Haffner 1998, section III-A). The book's explorer runs the same steps in
//! JavaScript (book/explorer/explorer.js) in the same order, in f64, and the browser test
//! holds the two to the same bytes.

/// The side of an MNIST image.
pub const SIDE: usize = 28;
/// The side of the box the ink is scaled to fit.
pub const BOX: usize = 20;

/// `ink` (28 x 28, row by row, in [0, 1]) as MNIST would have stored it, in bytes; `None` when
/// nothing is inked. Shifting the ink inside the frame does not change the result, and an
/// MNIST digit comes back as it was.
pub fn like_mnist(ink: &[f64]) -> Option<Vec<u8>> {
    assert_eq!(ink.len(), SIDE * SIDE, "a 28 x 28 image");
    let (top, left, height, width) = bounding_box(ink)?;
    let scale = BOX as f64 / height.max(width) as f64;
    let out_h = ((height as f64 * scale).round() as usize).clamp(1, BOX);
    let out_w = ((width as f64 * scale).round() as usize).clamp(1, BOX);
    let boxed = resample(ink, (top, left, height, width), out_h, out_w);

    // The centre of mass moved to pixel (14, 14), counting from 0, by a whole number of
    // pixels: where every MNIST digit has it (and re-normalising one changes nothing).
    let (mut mass, mut cy, mut cx) = (0.0, 0.0, 0.0);
    for i in 0..out_h {
        for j in 0..out_w {
            let v = boxed[i * out_w + j];
            mass += v;
            cy += v * i as f64;
            cx += v * j as f64;
        }
    }
    let centre = (SIDE / 2) as f64;
    let dy = (centre - cy / mass + 0.5).floor() as isize;
    let dx = (centre - cx / mass + 0.5).floor() as isize;

    let mut out = vec![0u8; SIDE * SIDE];
    for i in 0..out_h {
        for j in 0..out_w {
            let (y, x) = (i as isize + dy, j as isize + dx);
            if (0..SIDE as isize).contains(&y) && (0..SIDE as isize).contains(&x) {
                out[y as usize * SIDE + x as usize] = to_byte(boxed[i * out_w + j]);
            }
        }
    }
    Some(out)
}

/// `(top, left, height, width)` of the pixels with any ink, or `None` for a blank image.
pub fn bounding_box(ink: &[f64]) -> Option<(usize, usize, usize, usize)> {
    let (mut top, mut left, mut bottom, mut right) = (SIDE, SIDE, 0, 0);
    for (i, &v) in ink.iter().enumerate() {
        if v > 0.0 {
            let (y, x) = (i / SIDE, i % SIDE);
            top = top.min(y);
            bottom = bottom.max(y);
            left = left.min(x);
            right = right.max(x);
        }
    }
    (top < SIDE).then(|| (top, left, bottom - top + 1, right - left + 1))
}

/// The region `(top, left, height, width)` of `ink` resampled to `out_h x out_w` pixels: each
/// new pixel is the mean of the ink under its footprint, partial pixels weighted by the
/// area they share with it (a box filter, which is what "anti-aliased" asks of a shrink).
pub fn resample(
    ink: &[f64],
    (top, left, height, width): (usize, usize, usize, usize),
    out_h: usize,
    out_w: usize,
) -> Vec<f64> {
    let (sy, sx) = (height as f64 / out_h as f64, width as f64 / out_w as f64);
    let mut out = vec![0.0; out_h * out_w];
    for i in 0..out_h {
        let (y0, y1) = (i as f64 * sy, (i + 1) as f64 * sy);
        for j in 0..out_w {
            let (x0, x1) = (j as f64 * sx, (j + 1) as f64 * sx);
            let mut sum = 0.0;
            for y in (y0.floor() as usize)..(y1.ceil() as usize).min(height) {
                let wy = overlap(y0, y1, y as f64);
                for x in (x0.floor() as usize)..(x1.ceil() as usize).min(width) {
                    sum += ink[(top + y) * SIDE + left + x] * wy * overlap(x0, x1, x as f64);
                }
            }
            out[i * out_w + j] = sum / (sy * sx);
        }
    }
    out
}

/// How much of the pixel `[p, p + 1)` lies in `[a, b)`.
fn overlap(a: f64, b: f64, p: f64) -> f64 {
    (b.min(p + 1.0) - a.max(p)).max(0.0)
}

/// A value in [0, 1] as a grey level, rounded half up, as the page rounds it.
pub fn to_byte(v: f64) -> u8 {
    (255.0 * v.clamp(0.0, 1.0) + 0.5).floor() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A filled `h x w` rectangle of ink with its top-left corner at `(y, x)`.
    fn rectangle(y: usize, x: usize, h: usize, w: usize) -> Vec<f64> {
        let mut ink = vec![0.0; SIDE * SIDE];
        for r in y..y + h {
            for c in x..x + w {
                ink[r * SIDE + c] = 1.0;
            }
        }
        ink
    }

    /// A stroke-like pattern: an L with a grey tail, so that no symmetry hides a mistake.
    fn squiggle(y: usize, x: usize) -> Vec<f64> {
        let mut ink = vec![0.0; SIDE * SIDE];
        for k in 0..9 {
            ink[(y + k) * SIDE + x] = 1.0;
            ink[(y + 8) * SIDE + x + k / 2] = 0.8;
        }
        ink[(y + 2) * SIDE + x + 5] = 0.3;
        ink
    }

    fn ink_box(image: &[u8]) -> (usize, usize, usize, usize) {
        let ink: Vec<f64> = image.iter().map(|&b| f64::from(b)).collect();
        bounding_box(&ink).unwrap()
    }

    #[test]
    fn a_blank_pad_has_nothing_to_normalise() {
        assert_eq!(like_mnist(&vec![0.0; SIDE * SIDE]), None);
    }

    #[test]
    fn the_longer_side_becomes_twenty_and_the_aspect_stays() {
        // 8 tall, 4 wide: 20 tall, 10 wide.
        let out = like_mnist(&rectangle(3, 5, 8, 4)).unwrap();
        let (_, _, h, w) = ink_box(&out);
        assert_eq!((h, w), (20, 10));
        assert!(
            out.iter().all(|&b| b == 0 || b == 255),
            "a filled box stays filled"
        );
        // 25 wide, 5 tall: 20 wide, 4 tall.
        let out = like_mnist(&rectangle(0, 1, 5, 25)).unwrap();
        let (_, _, h, w) = ink_box(&out);
        assert_eq!((h, w), (4, 20));
    }

    #[test]
    fn the_centre_of_mass_lands_within_half_a_pixel_of_pixel_14() {
        for (y, x) in [(0, 0), (10, 3), (19, 18)] {
            let out = like_mnist(&squiggle(y, x)).unwrap();
            let (mut m, mut cy, mut cx) = (0.0, 0.0, 0.0);
            for (i, &b) in out.iter().enumerate() {
                let v = f64::from(b);
                m += v;
                cy += v * (i / SIDE) as f64;
                cx += v * (i % SIDE) as f64;
            }
            // Rounding to bytes moves it a little more than the half pixel of the shift.
            assert!((cy / m - 14.0).abs() <= 0.52, "{}", cy / m);
            assert!((cx / m - 14.0).abs() <= 0.52, "{}", cx / m);
        }
    }

    #[test]
    fn where_the_digit_was_drawn_does_not_matter() {
        let a = like_mnist(&squiggle(0, 0)).unwrap();
        for (y, x) in [(5, 7), (19, 20), (12, 0)] {
            assert_eq!(
                like_mnist(&squiggle(y, x)).unwrap(),
                a,
                "drawn at ({y}, {x})"
            );
        }
    }

    #[test]
    fn resampling_keeps_the_mean_ink() {
        // A box filter conserves ink per unit area: the mean before equals the mean after.
        let ink = squiggle(4, 6);
        let region = (4, 6, 9, 6);
        let before: f64 = ink.iter().sum::<f64>() / 54.0;
        for (h, w) in [(20, 13), (5, 3), (27, 18)] {
            let out = resample(&ink, region, h, w);
            let after = out.iter().sum::<f64>() / (h * w) as f64;
            assert!(
                (after - before).abs() < 1e-12,
                "{h}x{w}: {after} vs {before}"
            );
        }
    }

    #[test]
    fn a_shrink_averages_and_a_grow_repeats() {
        // Two pixels 1 and 0 shrunk to one: their mean. One pixel grown to two: itself twice.
        let mut ink = vec![0.0; SIDE * SIDE];
        ink[0] = 1.0;
        assert_eq!(resample(&ink, (0, 0, 1, 2), 1, 1), [0.5]);
        assert_eq!(resample(&ink, (0, 0, 1, 1), 2, 2), [1.0; 4]);
        // Three pixels to two: the middle one is shared half and half.
        ink[1] = 0.5;
        let out = resample(&ink, (0, 0, 1, 3), 1, 2);
        assert!((out[0] - (1.0 + 0.25) / 1.5).abs() < 1e-15, "{out:?}");
        assert!((out[1] - 0.25 / 1.5).abs() < 1e-15, "{out:?}");
        assert_eq!((to_byte(0.5), to_byte(1.0), to_byte(-0.1)), (128, 255, 0));
    }
}
