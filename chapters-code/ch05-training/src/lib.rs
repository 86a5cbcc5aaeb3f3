//! Chapter 5: training the VAE on real MNIST.
//!
//! So far this crate holds the data pipeline: finding, fetching, verifying and reading MNIST
//! ([`data`]), and writing pictures of digits ([`grid`]) whole or not at all ([`atomic`]).

pub mod atomic;
pub mod data;
pub mod grid;
