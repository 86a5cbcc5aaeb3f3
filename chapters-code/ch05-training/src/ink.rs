//! The first layer without the background. About 81% of MNIST's pixels are exactly 0, and a
//! zero pixel adds nothing to `x W1` nor to `x^T dh`. An [`InkedBatch`] is a gathered batch
//! that also lists where its ink is, so that the first layer's forward product and weight
//! gradient visit only the inked entries.
//!
//! The lists go by groups of [`G`] rows of the result: four images for `x W1` (the pixels
//! inked in any of the four), four neighbouring pixels for `x^T dh` (the images with ink at
//! any of the four). Each row of the other factor that the kernel loads then serves four
//! rows of the result, and a stroke's neighbouring pixels are inked in mostly the same
//! images. The few zeros a group brings along cost a multiply-add each, not a load.
//!
//! The numbers are the dense path's, bit for bit. matrixmultiply's FMA kernels (AVX2 and
//! AVX-512) sum every output in the order of the inner index, in blocks of [`KC`], each block
//! from zero and then added to the result so far; a fused multiply-add of a zero leaves a sum
//! as it was. Summing the listed terms in the same blocks, in the same order, with fused
//! multiply-adds, gives the same bits. Where those kernels are not used (no FMA), neither is
//! this: the batch falls back to the dense products.

use ch04_model::dense::{Dense, column_sums};
use ch04_model::input::Input;
use ch04_model::workspace::{rows, rows_mut};
use ndarray::{Array2, ArrayRef2, ArrayView2, ArrayViewMut2};

use crate::batches::gather;

/// The depth of matrixmultiply's blocks along the inner dimension for `f32` (its `S_KC`).
/// Another value would still give the right product, rounded differently from the dense one.
pub const KC: usize = 256;

/// Rows of the result computed together.
pub const G: usize = 4;

/// A sparse matrix by groups of [`G`] rows: group `g` (rows `G g ..`) lists at positions
/// `start[g]..start[g + 1]` the columns (`index`, increasing) where any of its rows is not
/// zero, and the [`G`] rows' values there (`value`, zeros included).
#[derive(Debug, Clone, Default)]
struct GroupedRows {
    rows: usize,
    start: Vec<usize>,
    /// Room for every entry the largest matrix could have; only `..start[groups]` is used.
    index: Vec<u32>,
    value: Vec<[f32; G]>,
}

impl GroupedRows {
    fn with_capacity(rows: usize, columns: usize) -> Self {
        let groups = rows.div_ceil(G);
        GroupedRows {
            rows: 0,
            start: Vec::with_capacity(groups + 1),
            index: vec![0; groups * columns],
            value: vec![[0.0; G]; groups * columns],
        }
    }

    /// The entries in use.
    fn len(&self) -> usize {
        self.start.last().copied().unwrap_or(0)
    }

    /// Lists the rows of `x`, a row-major matrix of `cols` columns.
    fn list_rows(&mut self, x: &[f32], cols: usize) {
        self.rows = x.len() / cols;
        self.start.clear();
        self.start.push(0);
        let mut len = 0;
        for group in x.chunks(G * cols) {
            let row = |r: usize| group.get(r * cols..(r + 1) * cols).unwrap_or(&[]);
            let rows: [&[f32]; G] = std::array::from_fn(row);
            let index = &mut self.index[len..len + cols];
            // First the columns where any row has ink, written every time and kept only when
            // so (no branch to mispredict); then their values.
            let mut n = 0;
            for k in 0..cols {
                let any = rows
                    .iter()
                    .fold(0, |any, r| any | r.get(k).map_or(0, |v| v.to_bits()));
                index[n] = k as u32;
                n += usize::from(any != 0);
            }
            for (&k, value) in index[..n].iter().zip(&mut self.value[len..len + n]) {
                *value = rows.map(|r| r.get(k as usize).copied().unwrap_or(0.0));
            }
            len += n;
            self.start.push(len);
        }
    }

    /// Lists the columns of `x`, a row-major matrix of `cols` columns: the rows of its
    /// transpose.
    fn list_columns(&mut self, x: &[f32], cols: usize) {
        let rows = x.len() / cols;
        self.rows = cols;
        self.start.clear();
        self.start.push(0);
        let mut len = 0;
        for first in (0..cols).step_by(G) {
            let width = G.min(cols - first);
            let index = &mut self.index[len..len + rows];
            let value = &mut self.value[len..len + rows];
            let mut n = 0;
            for (r, row) in x.chunks_exact(cols).enumerate() {
                let mut v = [0.0; G];
                v[..width].copy_from_slice(&row[first..first + width]);
                index[n] = r as u32;
                value[n] = v;
                n += usize::from(v.iter().fold(0, |any, v| any | v.to_bits()) != 0);
            }
            len += n;
            self.start.push(len);
        }
    }

    /// The number of entries a plain list of nonzeros would hold.
    fn nonzeros(&self) -> usize {
        self.value[..self.len()]
            .iter()
            .flatten()
            .filter(|&&v| v != 0.0)
            .count()
    }

    /// `out = self * b`: entry `(r, c)` of `out` is the sum of `value * b[index, c]` over
    /// row `r`'s entries, summed as the dense product sums it (see the module's comment).
    fn times(&self, b: ArrayView2<f32>, mut out: ArrayViewMut2<f32>) {
        assert_eq!(out.nrows(), self.rows, "one output row per sparse row");
        assert_eq!(
            out.ncols(),
            b.ncols(),
            "output and right factor widths differ"
        );
        let b = b.as_standard_layout();
        let b = b.as_slice().expect("standard layout");
        let out = out
            .as_slice_mut()
            .expect("the output is a contiguous row-major matrix");
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has the features the function is compiled for.
                return unsafe { times_avx512(self, b, out) };
            }
            if fma_kernels() {
                // SAFETY: as above.
                return unsafe { times_avx2(self, b, out) };
            }
        }
        unreachable!("the sparse products are only used with FMA kernels");
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn times_avx512(a: &GroupedRows, b: &[f32], out: &mut [f32]) {
    times_groups::<64>(a, b, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn times_avx2(a: &GroupedRows, b: &[f32], out: &mut [f32]) {
    times_groups::<16>(a, b, out);
}

/// Whether matrixmultiply computes `f32` products with fused multiply-adds here, and so
/// whether the sparse products can match them.
fn fma_kernels() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            || (std::arch::is_x86_feature_detected!("fma")
                && std::arch::is_x86_feature_detected!("avx2"))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The product, group by group, in column stripes of `W` (the `G x W` sums stay in vector
/// registers while the group's entries stream by), then of 16, then one column at a time.
#[inline(always)]
fn times_groups<const W: usize>(a: &GroupedRows, b: &[f32], out: &mut [f32]) {
    if a.rows == 0 {
        return;
    }
    let cols = out.len() / a.rows;
    for (g, out) in out.chunks_mut(G * cols).enumerate() {
        let entries = a.start[g]..a.start[g + 1];
        let (index, value) = (&a.index[entries.clone()], &a.value[entries]);
        let mut c = 0;
        while c + W <= cols {
            stripe::<W>(index, value, b, cols, c, out);
            c += W;
        }
        while c + 16 <= cols {
            stripe::<16>(index, value, b, cols, c, out);
            c += 16;
        }
        while c < cols {
            stripe::<1>(index, value, b, cols, c, out);
            c += 1;
        }
    }
}

/// Columns `c..c + W` of a group's rows of `out` (up to [`G`] rows of `cols`): each block of
/// [`KC`] inner indices summed from zero with fused multiply-adds, in order, and the blocks
/// added up as they come.
#[inline(always)]
fn stripe<const W: usize>(
    index: &[u32],
    value: &[[f32; G]],
    b: &[f32],
    cols: usize,
    c: usize,
    out: &mut [f32],
) {
    let mut total = [[0.0f32; W]; G];
    let mut first = true;
    let mut from = 0;
    while from < index.len() {
        let block_end = (index[from] as usize / KC + 1) * KC;
        let to = from + index[from..].partition_point(|&i| (i as usize) < block_end);
        let mut acc = [[0.0f32; W]; G];
        for (&i, v) in index[from..to].iter().zip(&value[from..to]) {
            let row: &[f32; W] = b[i as usize * cols + c..][..W]
                .try_into()
                .expect("W columns");
            for r in 0..G {
                for k in 0..W {
                    acc[r][k] = v[r].mul_add(row[k], acc[r][k]);
                }
            }
        }
        if first {
            total = acc;
            first = false;
        } else {
            for r in 0..G {
                for k in 0..W {
                    total[r][k] += acc[r][k];
                }
            }
        }
        from = to;
    }
    for (r, total) in total.iter().enumerate().take(out.len() / cols) {
        out[r * cols + c..][..W].copy_from_slice(total);
    }
}

/// Which products the first layer computes; both give the same bits, and the benchmark
/// times either (`cargo bench -p ch05-training -- --first-layer dense`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FirstLayer {
    /// The inked entries only (where matrixmultiply uses FMA kernels; else as `Dense`).
    #[default]
    Sparse,
    /// matrixmultiply's dense products, the zeros included.
    Dense,
}

impl FirstLayer {
    /// Whether the sparse products run: asked for, and matching the dense ones' bits here.
    fn sparse(self) -> bool {
        self == FirstLayer::Sparse && fma_kernels()
    }
}

// ANCHOR: inked
/// A batch of images gathered as `f32` in [0, 1], with where its ink is: by groups of images
/// (for the forward product `x W1`) and by groups of pixels (for the weight gradient `x^T dh`).
#[derive(Debug, Clone)]
pub struct InkedBatch {
    pixels: Array2<f32>,
    count: usize,
    by_image: GroupedRows,
    by_pixel: GroupedRows,
    first_layer: FirstLayer,
}

impl InkedBatch {
    /// Room for `capacity` images of `pixels` pixels; nothing is allocated after this.
    pub fn new(capacity: usize, pixels: usize) -> Self {
        Self::with_first_layer(capacity, pixels, FirstLayer::default())
    }

    /// As [`InkedBatch::new`], with the first layer's products chosen by the caller.
    pub fn with_first_layer(capacity: usize, pixels: usize, first_layer: FirstLayer) -> Self {
        InkedBatch {
            pixels: Array2::zeros((capacity, pixels)),
            count: 0,
            by_image: GroupedRows::with_capacity(capacity, pixels),
            by_pixel: GroupedRows::with_capacity(pixels, capacity),
            first_layer,
        }
    }

    /// Copies the images at `indices` in (scaled to [0, 1]) and lists where their ink is.
    pub fn gather(&mut self, images: ArrayView2<u8>, indices: &[usize]) {
        let n = indices.len();
        gather(images, indices, rows_mut(&mut self.pixels, n));
        self.count = n;
        self.list_ink();
    }

    /// Copies in rows the caller has prepared (binarized, repeated) and lists where their ink
    /// is.
    pub fn index(&mut self, x: ArrayView2<f32>) {
        let n = x.nrows();
        rows_mut(&mut self.pixels, n).assign(&x);
        self.count = n;
        self.list_ink();
    }

    fn list_ink(&mut self) {
        if !self.first_layer.sparse() {
            return;
        }
        let n = self.count;
        let d = self.pixels.ncols();
        let x = &self.pixels.as_slice().expect("an owned standard matrix")[..n * d];
        self.by_image.list_rows(x, d);
        self.by_pixel.list_columns(x, d);
    }

    /// How many images the batch holds.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The share of the batch's pixels that are not zero (0 unless the sparse products run,
    /// which list them).
    pub fn ink_fraction(&self) -> f64 {
        self.by_image.nonzeros() as f64 / (self.count * self.pixels.ncols()).max(1) as f64
    }

    /// The multiply-adds of the forward product and of the weight gradient, each as a share
    /// of the dense product's (0 unless the sparse products run).
    pub fn work_fractions(&self) -> (f64, f64) {
        let dense = (self.count * self.pixels.ncols()).max(1) as f64;
        let share = |rows: &GroupedRows| (rows.len() * G) as f64 / dense;
        (share(&self.by_image), share(&self.by_pixel))
    }
}

impl Input<f32> for InkedBatch {
    fn values(&self) -> ArrayView2<'_, f32> {
        rows(&self.pixels, self.count)
    }

    fn first_layer(&self, layer: &Dense<f32>, y: &mut ArrayRef2<f32>) {
        if !self.first_layer.sparse() || !y.is_standard_layout() {
            return layer.forward(&self.values(), y);
        }
        self.by_image.times(layer.weight.view(), y.view_mut());
        *y += &*layer.bias;
    }

    fn first_layer_gradient(&self, layer: &Dense<f32>, dy: &ArrayRef2<f32>, grad: &mut Dense<f32>) {
        if !self.first_layer.sparse() || !grad.weight.is_standard_layout() {
            return layer.backward(&self.values(), dy, grad, None);
        }
        self.by_pixel.times(dy.view(), grad.weight.view_mut());
        column_sums(dy, &mut grad.bias);
    }
}
// ANCHOR_END: inked

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// Random images in which about 80% of the pixels are 0, as in MNIST.
    fn images(count: usize, pixels: usize, seed: u64) -> Array2<u8> {
        let mut rng = StdRng::seed_from_u64(seed);
        Array2::from_shape_simple_fn((count, pixels), || {
            if rng.random_bool(0.2) {
                rng.random_range(1..=255)
            } else {
                0
            }
        })
    }

    fn layer(inputs: usize, outputs: usize) -> Dense<f32> {
        Dense::new(inputs, outputs, &mut StdRng::seed_from_u64(7))
    }

    fn bits(a: &ArrayRef2<f32>) -> Vec<u32> {
        a.iter().map(|x| x.to_bits()).collect()
    }

    /// Checks a grouped listing against the dense matrix it lists.
    fn check_listing(listing: &GroupedRows, dense: &Array2<f32>) {
        assert_eq!(listing.rows, dense.nrows());
        for (g, first) in (0..dense.nrows()).step_by(G).enumerate() {
            let entries = listing.start[g]..listing.start[g + 1];
            let listed: Vec<usize> = listing.index[entries.clone()]
                .iter()
                .map(|&k| k as usize)
                .collect();
            let rows = first..(first + G).min(dense.nrows());
            let nonzero: Vec<usize> = (0..dense.ncols())
                .filter(|&k| rows.clone().any(|r| dense[[r, k]] != 0.0))
                .collect();
            assert_eq!(listed, nonzero, "group {g}");
            for (&k, v) in listed.iter().zip(&listing.value[entries]) {
                for r in 0..G {
                    let want = if first + r < dense.nrows() {
                        dense[[first + r, k]]
                    } else {
                        0.0
                    };
                    assert_eq!(v[r], want);
                }
            }
        }
    }

    #[test]
    fn lists_every_inked_pixel_by_groups_of_images_and_of_pixels() {
        let x = images(7, 30, 1);
        let mut batch = InkedBatch::with_first_layer(8, 30, FirstLayer::Sparse);
        batch.gather(x.view(), &[4, 0, 2, 6, 5, 1]);
        assert_eq!(batch.len(), 6);
        let values = batch.values().to_owned();
        assert_eq!(
            values.row(0),
            x.row(4).mapv(|p| f32::from(p) * (1.0 / 255.0))
        );
        check_listing(&batch.by_image, &values);
        check_listing(&batch.by_pixel, &values.t().to_owned());
        let inked = values.iter().filter(|&&v| v != 0.0).count();
        assert_eq!(batch.ink_fraction(), inked as f64 / 180.0);
        // Gathering again reuses the lists.
        batch.gather(x.view(), &[3]);
        check_listing(&batch.by_image, &batch.values().to_owned());
    }

    /// The sparse products against the dense ones: the same bits where matrixmultiply uses
    /// fused multiply-adds (which is when the sparse ones run), else the dense ones run.
    fn compare_with_dense(count: usize, pixels: usize, outputs: usize) {
        let x = images(count, pixels, count as u64);
        let mut batch = InkedBatch::with_first_layer(count, pixels, FirstLayer::Sparse);
        batch.gather(x.view(), &(0..count).collect::<Vec<_>>());
        let dense = batch.values().to_owned();
        let layer = layer(pixels, outputs);

        let (mut sparse_y, mut dense_y) = (
            Array2::from_elem((count, outputs), f32::NAN),
            Array2::from_elem((count, outputs), f32::NAN),
        );
        batch.first_layer(&layer, &mut sparse_y);
        layer.forward(&dense, &mut dense_y);
        assert_eq!(bits(&sparse_y), bits(&dense_y), "forward, {count} images");

        let dy = Array2::from_shape_fn((count, outputs), |(i, j)| {
            ((i * 31 + j * 17) % 23) as f32 / 7.0 - 1.5
        });
        let mut sparse_grad = Dense::zeros(pixels, outputs);
        let mut dense_grad = Dense::zeros(pixels, outputs);
        sparse_grad.weight.fill(f32::NAN);
        batch.first_layer_gradient(&layer, &dy, &mut sparse_grad);
        layer.backward(&dense, &dy, &mut dense_grad, None);
        assert_eq!(
            bits(&sparse_grad.weight),
            bits(&dense_grad.weight),
            "weight gradient, {count} images"
        );
        assert_eq!(sparse_grad.bias, dense_grad.bias);
    }

    #[test]
    fn the_first_layer_matches_the_dense_products_bit_for_bit() {
        // 784 pixels span four of matrixmultiply's blocks; 400 outputs use every stripe width.
        compare_with_dense(64, 784, 400);
        // Odd sizes: partial stripes, and a single image.
        compare_with_dense(1, 784, 37);
        compare_with_dense(13, 100, 16);
    }

    #[test]
    fn a_shard_of_more_images_than_a_block_sums_the_gradient_in_blocks_too() {
        compare_with_dense(300, 784, 24);
    }

    #[test]
    fn a_batch_without_ink_gives_the_bias_and_a_zero_gradient() {
        let x = Array2::<u8>::zeros((3, 50));
        let mut batch = InkedBatch::with_first_layer(4, 50, FirstLayer::Sparse);
        batch.gather(x.view(), &[0, 1, 2]);
        assert_eq!(batch.ink_fraction(), 0.0);
        let layer = layer(50, 20);
        let mut y = Array2::from_elem((3, 20), f32::NAN);
        batch.first_layer(&layer, &mut y);
        for row in y.rows() {
            assert_eq!(row, layer.bias);
        }
        let mut grad = Dense::zeros(50, 20);
        grad.weight.fill(f32::NAN);
        batch.first_layer_gradient(&layer, &Array2::ones((3, 20)), &mut grad);
        assert!(grad.weight.iter().all(|&g| g == 0.0));
        assert!(grad.bias.iter().all(|&g| g == 3.0));
    }
}
