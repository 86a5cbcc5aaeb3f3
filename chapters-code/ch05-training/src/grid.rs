//! Tiling images into one picture: the first digits of the test set now, the decoder's
//! samples and reconstructions later.

use std::io::Cursor;
use std::path::Path;

use anyhow::{Context, Result};
use image::{GrayImage, ImageFormat, Luma};
use ndarray::ArrayView2;

use support::atomic::write_atomic;

/// Lays out the rows of `images` (each `height * width` intensities in [0, 1]) on a grid
/// `columns` wide, with a one-pixel dark gutter, each pixel drawn `scale` x `scale`.
pub fn tile(
    images: ArrayView2<f32>,
    height: usize,
    width: usize,
    columns: usize,
    scale: usize,
) -> GrayImage {
    assert_eq!(images.ncols(), height * width, "image size does not match");
    assert!(columns > 0 && scale > 0, "grid needs columns and scale > 0");
    let rows = images.nrows().div_ceil(columns).max(1);
    let cell_w = width * scale + 1;
    let cell_h = height * scale + 1;
    let mut out = GrayImage::new((columns * cell_w + 1) as u32, (rows * cell_h + 1) as u32);
    for (k, image) in images.outer_iter().enumerate() {
        let (x0, y0) = ((k % columns) * cell_w + 1, (k / columns) * cell_h + 1);
        for (i, &v) in image.iter().enumerate() {
            let level = Luma([(v.clamp(0.0, 1.0) * 255.0).round() as u8]);
            let (x, y) = (x0 + (i % width) * scale, y0 + (i / width) * scale);
            for dy in 0..scale {
                for dx in 0..scale {
                    out.put_pixel((x + dx) as u32, (y + dy) as u32, level);
                }
            }
        }
    }
    out
}

/// Encodes a picture as PNG bytes.
pub fn png_bytes(image: &GrayImage) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .context("cannot encode PNG")?;
    Ok(bytes)
}

/// Writes a picture as a PNG file, atomically.
pub fn save_png(image: &GrayImage, path: &Path) -> Result<()> {
    write_atomic(path, &png_bytes(image)?)
        .with_context(|| format!("cannot write {}", path.display()))
}
