//! Chapter 8: when the code goes unused. The negative ELBO split into rate and distortion
//! ([`rate`] holds what an objective charges for the code: beta, free bits, warm-up); the
//! rate split into the information the code carries and the aggregate posterior's distance
//! from the prior ([`mutual_info`]); chapter 7's VAE with a decoder that also sees the
//! image's earlier pixels ([`autoregressive`], [`model`]), trained by [`train`] and scored by
//! [`evaluate`]; the models on the rate–distortion plane ([`figure`]) with their samples
//! ([`samples`]); [`results`] writes and reads the table, [`run`] runs the whole study;
//! [`exercises`] holds the solutions that are code.

pub mod autoregressive;
pub mod evaluate;
pub mod exercises;
pub mod figure;
pub mod model;
pub mod mutual_info;
pub mod options;
pub mod paired;
pub mod rate;
pub mod results;
pub mod run;
pub mod samples;
pub mod seeds;
pub mod train;
pub mod units;
