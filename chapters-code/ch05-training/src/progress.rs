//! The progress bar of an epoch on a terminal. indicatif draws nothing when stderr is not a
//! terminal, so CI logs get only the one line per epoch that the run prints.

use indicatif::{ProgressBar, ProgressStyle};

use crate::trainer::Step;

/// A bar for one epoch of `steps` steps.
pub fn epoch_bar(epoch: usize, epochs: usize, steps: usize) -> ProgressBar {
    let bar = ProgressBar::new(steps as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "epoch {prefix} [{bar:30}] {pos}/{len} steps, loss {msg} ({eta})",
        )
        .expect("the template is valid")
        .progress_chars("=> "),
    );
    bar.set_prefix(format!("{epoch}/{epochs}"));
    bar
}

/// Moves the bar to a step and shows its loss.
pub fn show(bar: &ProgressBar, step: Step) {
    bar.set_position(step.step as u64);
    bar.set_message(format!("{:.1}", step.loss));
}
