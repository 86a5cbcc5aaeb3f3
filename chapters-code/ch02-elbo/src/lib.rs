//! Chapter 2: the evidence lower bound.
//!
//! [`kl`] is the closed-form KL divergence of a diagonal Gaussian from the standard normal,
//! with its gradient, which chapter 4's VAE uses as the regulariser of its loss.
//! [`monte_carlo`] estimates the same divergence by sampling, with a standard error, to check
//! it; [`divergence`] has the KL between any two Gaussians.
//!
//! The rest checks the bound on chapter 1's linear-Gaussian model, where `log p(x)` and the
//! posterior are exact ([`setup`]): the ELBO of a Gaussian `q` in closed form and by sampling
//! ([`elbo`]), the bound and its gap for many `q`s ([`bound`]), and one encoder for every `x`
//! ([`amortised`]). [`figures`] draws the chapter's pictures and [`report`] writes its tables.

pub mod amortised;
pub mod bound;
pub mod divergence;
pub mod elbo;
pub mod figures;
pub mod kl;
pub mod modes;
pub mod monte_carlo;
pub mod report;
pub mod setup;
