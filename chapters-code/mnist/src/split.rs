//! The images and labels of the training and test splits, as read from the IDX files.

use std::path::Path;

use ndarray::{Array2, ArrayView2};

use crate::{DataError, DataFiles, Dataset, read_images, read_labels};

/// A byte 0..=255 on the model's pixel scale [0, 1]: the one place the scale is written.
pub fn unit_pixel(byte: u8) -> f32 {
    f32::from(byte) * (1.0 / 255.0)
}

/// Images (one per row, bytes) on the model's pixel scale.
pub fn unit_pixels(images: ArrayView2<u8>) -> Array2<f32> {
    images.mapv(unit_pixel)
}

/// The images of one split as a `count x (rows * cols)` matrix of bytes, with their labels.
#[derive(Debug, Clone)]
pub struct Split {
    pub images: Array2<u8>,
    pub labels: Vec<u8>,
    pub rows: usize,
    pub cols: usize,
}

impl Split {
    /// Reads an images file and its labels file, checking that they describe the same images.
    pub fn read(images_path: &Path, labels_path: &Path) -> Result<Split, DataError> {
        let images = read_images(images_path)?;
        let labels = read_labels(labels_path)?;
        if images.count != labels.len() {
            return Err(DataError::CountMismatch {
                images: images_path.into(),
                n_images: images.count,
                labels: labels_path.into(),
                n_labels: labels.len(),
            });
        }
        let pixels = images.rows * images.cols;
        let matrix = Array2::from_shape_vec((images.count, pixels), images.pixels)
            .expect("read_images checked count * rows * cols bytes");
        Ok(Split {
            images: matrix,
            labels,
            rows: images.rows,
            cols: images.cols,
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The first `n` images with pixels scaled from 0..=255 to [0, 1], as the model sees them.
    pub fn unit_pixels(&self, n: usize) -> Array2<f32> {
        let n = n.min(self.len());
        unit_pixels(self.images.slice(ndarray::s![..n, ..]))
    }

    /// The first `n` images and labels only (all of them when there are fewer).
    pub fn first(&self, n: usize) -> Split {
        let n = n.min(self.len());
        Split {
            images: self.images.slice(ndarray::s![..n, ..]).to_owned(),
            labels: self.labels[..n].to_vec(),
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// How many images of each class 0-9.
    pub fn label_counts(&self) -> [usize; 10] {
        let mut counts = [0; 10];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
    }
}

/// The training and test splits of a data set, and where they were read from.
#[derive(Debug, Clone)]
pub struct DataSet {
    pub dataset: Dataset,
    pub train: Split,
    pub test: Split,
    pub files: DataFiles,
    /// Cut to the first N images of each split ([`DataSet::limited`]).
    pub limit: Option<usize>,
}

impl DataSet {
    /// The first `limit` training and test images only (all of them for `None`), for quick
    /// runs; the limit is recorded, so a checkpoint can say what it was trained on.
    pub fn limited(mut self, limit: Option<usize>) -> DataSet {
        if let Some(n) = limit {
            self.train = self.train.first(n);
            self.test = self.test.first(n);
            self.limit = Some(n);
        }
        self
    }
}
