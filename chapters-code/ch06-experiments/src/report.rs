//! The tables the binary prints and writes to `results.txt`, as Markdown, so they can be
//! pasted into the chapter as they are.

use std::fmt::Write;

use crate::beta::BetaRow;
use crate::interpolate::MidpointNorms;
use crate::likelihood::LikelihoodTable;

/// The log-likelihood table: one row per K.
pub fn likelihood(t: &LikelihoodTable) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| K | estimate of log p(x), nats | standard error | above the ELBO, nats | standard error |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|");
    for (i, k) in t.ks.iter().enumerate() {
        let (e, a) = (t.estimates[i], t.above_elbo[i]);
        let _ = writeln!(
            s,
            "| {k} | {:.2} | {:.2} | {:.3} | {:.3} |",
            e.mean, e.standard_error, a.mean, a.standard_error
        );
    }
    let _ = writeln!(
        s,
        "\nELBO (closed-form KL, reconstruction averaged over the draws): {:.2} (standard error {:.2}), over the first {} test images",
        t.elbo.mean, t.elbo.standard_error, t.images
    );
    s
}

/// One trained model of the chapter: what the page calls it, its size, how long it trained
/// (`None`: loaded from a checkpoint) and its test loss in nats per image.
pub struct ModelRow {
    pub name: &'static str,
    pub latent: usize,
    pub epochs: Option<usize>,
    pub test_loss: f64,
}

/// The models table: the 2-D model and the main one, as the page lists them.
pub fn models(rows: &[ModelRow]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| model | latent dimension $k$ | KL weight $\\beta$ | epochs | test loss, nats per image |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|");
    for r in rows {
        let epochs = r.epochs.map_or("checkpoint".to_string(), |e| e.to_string());
        let _ = writeln!(
            s,
            "| {} | {} | 1 | {epochs} | {:.2} |",
            r.name, r.latent, r.test_loss
        );
    }
    s
}

/// The beta table: one row per KL weight.
pub fn beta(rows: &[BetaRow]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| beta | reconstruction | KL | negative ELBO | active units |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {:.2} | {:.2} | {:.2} | {} of {} |",
            r.beta,
            r.reconstruction,
            r.kl,
            r.negative_elbo(),
            r.active,
            r.latent
        );
    }
    s
}

/// The lengths of the interpolation's codes: the two ends, and both midpoints.
pub fn midpoints(pairs: &[(u8, u8)], norms: &[MidpointNorms], latent: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| pair | length of the first code | of the second | straight midpoint | spherical midpoint |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|");
    for ((a, b), n) in pairs.iter().zip(norms) {
        let _ = writeln!(
            s,
            "| {a} to {b} | {:.2} | {:.2} | {:.2} | {:.2} |",
            n.a, n.b, n.linear, n.spherical
        );
    }
    let _ = writeln!(
        s,
        "\nA draw from the {latent}-dimensional prior has length about sqrt({latent}) = {:.2}.",
        (latent as f64).sqrt()
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use support::summary::Summary;

    #[test]
    fn tables_have_one_row_per_entry() {
        let s = |m| Summary {
            mean: m,
            standard_error: 0.5,
            count: 3,
        };
        let t = LikelihoodTable {
            ks: vec![1, 10],
            estimates: vec![s(-100.0), s(-98.0)],
            above_elbo: vec![s(0.1), s(2.1)],
            elbo: s(-100.1),
            images: 3,
        };
        let text = likelihood(&t);
        assert!(
            text.contains("| 10 | -98.00 | 0.50 | 2.100 | 0.500 |"),
            "{text}"
        );
        assert!(text.contains("first 3 test images"));
        let row = BetaRow {
            beta: 4.0,
            reconstruction: 120.0,
            kl: 10.5,
            active: 7,
            latent: 20,
        };
        assert!(beta(&[row]).contains("| 4 | 120.00 | 10.50 | 130.50 | 7 of 20 |"));
    }
}
