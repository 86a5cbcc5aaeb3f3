//! Test digits as a reader puts them on the explorer's pad: not centred, larger, with a
//! thicker pen. The explorer's normalisation (`mnist::normalise`) is measured on them: how
//! often the 20-d model's nearest test code still has the right label.

use std::fmt;

use mnist::normalise::{SIDE, bounding_box, resample, to_byte};

/// One way of drawing a digit unlike MNIST's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alteration {
    /// The digit as MNIST has it.
    Unaltered,
    /// Moved into the top-left corner of the pad.
    Shifted,
    /// Scaled so that it fills the pad (its longer side 28 pixels), in the top-left corner.
    Enlarged,
    /// Drawn with a pen two pixels wider: each pixel takes the largest ink of itself and its
    /// four neighbours.
    Thickened,
}

impl Alteration {
    pub const ALL: [Alteration; 4] = [
        Alteration::Unaltered,
        Alteration::Shifted,
        Alteration::Enlarged,
        Alteration::Thickened,
    ];

    /// The digit `image` (28 x 28 bytes) drawn this way.
    pub fn apply(self, image: &[u8]) -> Vec<u8> {
        assert_eq!(image.len(), SIDE * SIDE, "a 28 x 28 image");
        let ink: Vec<f64> = image.iter().map(|&b| f64::from(b) / 255.0).collect();
        let Some((top, left, height, width)) = bounding_box(&ink) else {
            return image.to_vec();
        };
        let mut out = vec![0u8; SIDE * SIDE];
        match self {
            Alteration::Unaltered => out.copy_from_slice(image),
            Alteration::Shifted => {
                for y in 0..height {
                    for x in 0..width {
                        out[y * SIDE + x] = image[(top + y) * SIDE + left + x];
                    }
                }
            }
            Alteration::Enlarged => {
                let scale = SIDE as f64 / height.max(width) as f64;
                let h = ((height as f64 * scale).round() as usize).clamp(1, SIDE);
                let w = ((width as f64 * scale).round() as usize).clamp(1, SIDE);
                let grown = resample(&ink, (top, left, height, width), h, w);
                for y in 0..h {
                    for x in 0..w {
                        out[y * SIDE + x] = to_byte(grown[y * w + x]);
                    }
                }
            }
            Alteration::Thickened => {
                for y in 0..SIDE {
                    for x in 0..SIDE {
                        let mut v = image[y * SIDE + x];
                        for (ny, nx) in [
                            (y.wrapping_sub(1), x),
                            (y + 1, x),
                            (y, x.wrapping_sub(1)),
                            (y, x + 1),
                        ] {
                            if ny < SIDE && nx < SIDE {
                                v = v.max(image[ny * SIDE + nx]);
                            }
                        }
                        out[y * SIDE + x] = v;
                    }
                }
            }
        }
        out
    }
}

impl Alteration {
    /// The words the explorer's page uses for it.
    pub fn description(self) -> &'static str {
        match self {
            Alteration::Unaltered => "as in MNIST",
            Alteration::Shifted => "moved into the top-left corner",
            Alteration::Enlarged => "enlarged to fill the pad",
            Alteration::Thickened => "thickened by a pixel on each side",
        }
    }
}

impl fmt::Display for Alteration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Alteration::Unaltered => "unaltered",
            Alteration::Shifted => "shifted",
            Alteration::Enlarged => "enlarged",
            Alteration::Thickened => "thickened",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ink_box(image: &[u8]) -> Option<(usize, usize, usize, usize)> {
        bounding_box(&image.iter().map(|&b| f64::from(b)).collect::<Vec<_>>())
    }

    /// A 6 x 3 bar of full ink at rows 10..16, columns 12..15.
    fn bar() -> Vec<u8> {
        let mut image = vec![0u8; SIDE * SIDE];
        for y in 10..16 {
            for x in 12..15 {
                image[y * SIDE + x] = 255;
            }
        }
        image
    }

    #[test]
    fn each_alteration_does_what_it_says() {
        let image = bar();
        assert_eq!(Alteration::Unaltered.apply(&image), image);
        assert_eq!(
            ink_box(&Alteration::Shifted.apply(&image)),
            Some((0, 0, 6, 3))
        );
        assert_eq!(
            ink_box(&Alteration::Enlarged.apply(&image)),
            Some((0, 0, 28, 14))
        );
        assert_eq!(
            ink_box(&Alteration::Thickened.apply(&image)),
            Some((9, 11, 8, 5))
        );
        let inked = |im: &[u8]| im.iter().filter(|&&b| b > 0).count();
        // The bar's 18 pixels, plus a ring without its four corners: 2 * 6 + 2 * 3.
        assert_eq!(inked(&Alteration::Thickened.apply(&image)), 18 + 18);
        let blank = vec![0u8; SIDE * SIDE];
        for a in Alteration::ALL {
            assert_eq!(a.apply(&blank), blank, "{a}");
        }
    }

    #[test]
    fn normalising_undoes_the_shift_exactly() {
        use mnist::normalise::like_mnist;
        let as_ink = |im: &[u8]| im.iter().map(|&b| f64::from(b) / 255.0).collect::<Vec<_>>();
        let image = bar();
        assert_eq!(
            like_mnist(&as_ink(&Alteration::Shifted.apply(&image))),
            like_mnist(&as_ink(&image))
        );
    }
}
