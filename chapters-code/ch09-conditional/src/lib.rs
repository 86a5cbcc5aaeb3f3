//! Chapter 9: the conditional VAE.
//!
//! [`gaussians`] gives the KL between two diagonal Gaussians and its gradient; [`labelled`]
//! conditions chapter 4's VAE on a digit's label (digits on demand); [`quadrants`] sets Sohn et
//! al.'s task of completing a digit from some of its quadrants, which the deterministic
//! [`baseline`] and the [`cvae`] both learn, scored on the pixels to predict ([`masked`]);
//! [`likelihood`] estimates the CVAE's `-log p(y | x)` by importance sampling. [`train`] runs
//! Adam over any of them; [`figures`] draws the pictures, [`report`] the tables, [`run`] the
//! whole command; [`exercises`] holds the exercises' solutions; [`explorer`] exports the
//! label-conditioned decoder and the left-half task's networks for the book's explorer.

pub mod baseline;
pub mod benchmark;
pub mod cvae;
pub mod exercises;
pub mod explorer;
pub mod figures;
pub mod gaussians;
pub mod labelled;
pub mod likelihood;
pub mod masked;
pub mod options;
pub mod parameters;
pub mod quadrants;
pub mod report;
pub mod run;
pub mod train;
