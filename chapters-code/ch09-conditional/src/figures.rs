//! The chapter's pictures, tiled with chapter 5's grid: digits on demand, the style walked
//! along, and the completions of a half-seen digit.

use std::path::Path;

use anyhow::Result;
use ndarray::{Array2, ArrayView2, Axis, concatenate, s};

use ch05_training::grid::{save_png, tile};

use crate::quadrants::SIDE;

/// Draws the rows of `images` (pixels in [0, 1]) `columns` to a row, each pixel 2 x 2.
pub fn save_grid(images: ArrayView2<f32>, columns: usize, path: &Path) -> Result<()> {
    save_png(&tile(images, SIDE, SIDE, columns, 2), path)
}

/// The given pixels for a picture: the unknown ones (-1) drawn dark grey, not black, so the
/// hidden quadrants show.
pub fn shown_given(x: &ArrayView2<f32>) -> Array2<f32> {
    x.mapv(|v| if v < 0.0 { 0.3 } else { v })
}

/// Rows of pictures stacked: each array is one row of the figure, as many digits as columns.
pub fn stack_rows(rows: &[ArrayView2<f32>]) -> Array2<f32> {
    concatenate(Axis(0), rows).expect("every row has the same width")
}

/// The first `n` rows of an image matrix.
pub fn first(images: &Array2<f32>, n: usize) -> ArrayView2<'_, f32> {
    images.slice(s![..n, ..])
}
