//! Chapter 1: what it means to model data.
//!
//! The first half fits one toy data set in the plane twice: a discriminative model
//! ([`logistic`]) and a generative one ([`generative`], built on [`gaussian`]), and compares
//! what each can do ([`two_models`]). The second half is a latent-variable model whose
//! evidence `p(x)` is exact ([`latent`]), and the naive Monte Carlo estimate of that evidence,
//! which needs astronomically many samples as the dimension grows ([`naive_mc`]).
//!
//! [`figures`] draws this chapter's two pictures with the support crate's charts; [`report`]
//! writes the tables the binary prints.

pub mod dataset;
pub mod figures;
pub mod gaussian;
pub mod generative;
pub mod latent;
pub mod linalg;
pub mod log_space;
pub mod logistic;
pub mod naive_mc;
pub mod report;
pub mod two_models;
