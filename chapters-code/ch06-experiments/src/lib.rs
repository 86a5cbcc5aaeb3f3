//! Chapter 6: what the trained VAE learned.
//!
//! A model with a 2-D latent space shows its learned manifold ([`manifold`], on a grid of
//! normal [`quantiles`]) and where it puts the test digits ([`scatter`]). The 20-d model of
//! chapter 5 is walked through in straight and spherical paths ([`interpolate`]) and scored by
//! importance sampling ([`estimator`], applied to the VAE in [`likelihood`]), which measures
//! how far the ELBO sits below `log p(x)`. [`beta`] compares KL weights, counting the
//! [`active`] latent units.
//!
//! [`models`] trains with chapter 5's loop or loads its checkpoint; [`posterior`] runs the
//! encoder and decoder over many rows; [`experiments`] does it all, [`report`] formats the
//! tables and [`timings`] records where the run's time went. [`seeds`] gives this chapter its
//! own random streams.
//!
//! [`explorer`] exports both models for the book's in-browser explorer, rounded to 8 bits a
//! weight by [`quantize`] and packed with a manifest and checksum by [`bundle`];
//! [`true_posterior`] is the Rust reference of the explorer's true posterior on a grid, [`pad`]
//! of what its drawing pad gives the encoder, measured on test digits drawn as a reader
//! might ([`altered`]).

pub mod active;
pub mod altered;
pub mod beta;
pub mod bundle;
pub mod estimator;
pub mod experiments;
pub mod explorer;
pub mod interpolate;
pub mod likelihood;
pub mod manifold;
pub mod models;
pub mod pad;
pub mod posterior;
pub mod quantiles;
pub mod quantize;
pub mod report;
pub mod scatter;
pub mod seeds;
pub mod timings;
pub mod true_posterior;
