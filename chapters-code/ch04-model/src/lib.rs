//! Chapter 4: the VAE itself, with every gradient written by hand.
//!
//! [`plain`] is the network as the page writes it, one line per equation. The rest is the
//! general network the later chapters train, equal to it bit for bit:
//! [`dense::Dense`] layers and [`activation`]s, stacked ([`stack`]), build the [`encoder`],
//! which reads an [`input`] batch, and the [`decoder`];
//! [`bernoulli`] scores pixels from logits, stably; [`vae`] joins them with chapter 3's
//! reparameterized sample and chapter 2's KL into the negative ELBO and its backward pass.
//! [`workspace`] holds every intermediate matrix, so a training step allocates nothing;
//! [`gradcheck`] compares the backward pass with finite differences; [`report`] writes what the
//! binary prints.

pub mod activation;
pub mod bernoulli;
pub mod decoder;
pub mod dense;
pub mod encoder;
pub mod exercises;
pub mod gradcheck;
pub mod input;
pub mod plain;
pub mod report;
pub mod scalar;
pub mod shape;
pub mod stack;
pub mod vae;
pub mod workspace;
