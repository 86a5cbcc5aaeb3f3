//! Chapter 3: differentiating through a random draw.
//!
//! The gradient of `E[f(z)]`, `z ~ N(mu, sigma^2)`, with respect to `mu` and `log sigma`,
//! estimated two ways ([`estimators`]): the score-function (REINFORCE) estimator, which uses
//! only values of `f`, and the pathwise (reparameterization) estimator, which writes
//! `z = mu + sigma * eps` and uses `f'`. [`comparison`] puts them side by side on test
//! functions with exact gradients ([`test_functions`]); [`dimension`] shows how the score
//! function's variance grows with the number of latent dimensions; [`training`] shows what
//! that does to stochastic gradient ascent with one sample per step.
//!
//! [`reparam`] is the batched, allocation-free reparameterized sampling with its backward
//! pass, which chapter 4's VAE uses. [`figures`] draws the chapter's pictures and [`report`]
//! writes its tables.

pub mod comparison;
pub mod dimension;
pub mod error;
pub mod estimators;
pub mod figures;
pub mod histogram;
pub mod quadrature;
pub mod reparam;
pub mod report;
pub mod seeds;
pub mod test_functions;
pub mod training;
