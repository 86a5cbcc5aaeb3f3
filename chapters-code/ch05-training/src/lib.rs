//! Chapter 5: training chapter 4's VAE on real MNIST.
//!
//! The digits come from the `mnist` crate; [`batches`] shuffles them into mini-batches;
//! [`adam`] is the optimiser; [`plain_loop`] is the training loop as the page shows it.
//! [`trainer`] runs the same epochs and evaluations faster (one shard of a batch per thread,
//! the first layer reading [`ink`]'s index of the nonzero pixels), with a hook for what a
//! later chapter does to a batch first;
//! [`run`] is the whole command, writing what [`samples`], [`reconstructions`], [`grid`],
//! [`animation`], [`metrics`], [`loss_plot`] and [`checkpoint`] make. [`seeds`] gives every
//! random choice its own reproducible stream.

pub mod adam;
pub mod animation;
pub mod batches;
pub mod checkpoint;
pub mod grid;
pub mod ink;
pub mod loss_plot;
pub mod metrics;
pub mod options;
pub mod plain_loop;
pub mod progress;
pub mod reconstructions;
pub mod run;
pub mod samples;
pub mod seeds;
pub mod trainer;
pub mod warmup;
