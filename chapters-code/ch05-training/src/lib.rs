//! Chapter 5: training the VAE on real MNIST.
//!
//! So far this crate holds the data pipeline: finding, fetching, verifying and reading MNIST
//! ([`data`]) and drawing it into pictures ([`grid`], [`animation`]), plus the training
//! pieces that do not depend on the model: mini-batches ([`batches`]) and Adam ([`adam`]).

pub mod adam;
pub mod animation;
pub mod batches;
pub mod checkpoint;
pub mod data;
pub mod grid;
pub mod metrics;
pub mod options;
