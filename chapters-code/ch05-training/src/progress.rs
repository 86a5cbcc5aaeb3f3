//! The progress bar of an epoch on a terminal. indicatif draws nothing when stderr is not a
//! terminal, so CI logs get only the one line per epoch that the run prints.

use indicatif::{ProgressBar, ProgressStyle};

use crate::trainer::Step;

/// A bar for one epoch, showing the step and the running mean of the steps' losses.
pub struct EpochBar {
    bar: ProgressBar,
    loss_sum: f64,
}

impl EpochBar {
    /// A bar for epoch `epoch` of `epochs`, of `steps` steps.
    pub fn new(epoch: usize, epochs: usize, steps: usize) -> Self {
        let bar = ProgressBar::new(steps as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "epoch {prefix} [{bar:30}] {pos}/{len} steps, running loss {msg} ({eta})",
            )
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        bar.set_prefix(format!("{epoch}/{epochs}"));
        EpochBar { bar, loss_sum: 0.0 }
    }

    /// Moves the bar to a step and shows the mean loss of the epoch's steps so far.
    pub fn show(&mut self, step: Step) {
        self.loss_sum += step.loss;
        self.bar.set_position(step.step as u64);
        self.bar
            .set_message(format!("{:.1}", self.loss_sum / step.step as f64));
    }

    /// Removes the bar, before the epoch's line is printed.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
