//! Chapter 7: the literature's yardstick. MNIST's pixels made binary ([`binarize`]), Burda et
//! al.'s VAE ([`model`]) trained on their [`schedule`] with chapter 5's trainer ([`train`]), on
//! the ELBO or on the importance-weighted bound ([`iwae`]); scored by chapter 6's importance-sampled `log p(x)`
//! ([`evaluate`]); and its inference gap split into approximation and amortization ([`gaps`]).
//! [`active`] shows how the count of active units moves with its threshold and its images;
//! [`bias`] how far below log p(x) the importance-sampled estimate sits, with annealed
//! importance sampling ([`ais`]) as the yardstick, and [`kcurve`] how the quick comparison's estimates
//! and their difference grow with K.
//! [`per_image`] keeps every test image's scores so that [`seeds`] can set runs of different
//! seeds side by side, each difference with its paired error.
//! [`progress`] records which passes ran when and where; [`report`] writes the tables.

pub mod active;
pub mod ais;
pub mod bias;
pub mod binarize;
pub mod evaluate;
pub mod gaps;
pub mod iwae;
pub mod kcurve;
pub mod model;
pub mod options;
pub mod per_image;
pub mod progress;
pub mod report;
pub mod run;
pub mod schedule;
pub mod seeds;
pub mod train;
