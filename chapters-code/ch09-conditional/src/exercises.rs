//! Solutions to the chapter's exercises: two more tasks for the benchmark's networks.

use crate::benchmark::Task;
use crate::quadrants::{PIXELS, SIDE};

// ANCHOR: middle_column
/// Doersch's completion (his tutorial's section 4.2): only a band of `width` columns down the
/// middle of the digit is given, every other pixel is to be predicted.
pub fn middle_column(width: usize) -> Task {
    assert!((1..SIDE).contains(&width), "a band of 1 to 27 columns");
    let first = (SIDE - width) / 2;
    let mask = (0..PIXELS)
        .map(|i| {
            let col = i % SIDE;
            if (first..first + width).contains(&col) {
                0.0
            } else {
                1.0
            }
        })
        .collect();
    Task {
        name: format!("middle-{width}"),
        stream: 100 + width as u64,
        mask,
        labels: false,
    }
}
// ANCHOR_END: middle_column

// ANCHOR: with_labels
/// The same task with the digit's label given too: the recognition and prior networks read
/// the one-hot label concatenated to their inputs ([`Task::encoder_inputs`]), so the code no
/// longer needs to guess which digit it completes.
pub fn with_labels(task: Task) -> Task {
    Task {
        name: format!("{}-labels", task.name),
        stream: task.stream + 1000,
        labels: true,
        ..task
    }
}
// ANCHOR_END: with_labels

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labelled::CLASSES;

    #[test]
    fn a_middle_band_of_four_columns_gives_112_pixels() {
        let task = middle_column(4);
        let scored = task.mask.iter().filter(|&&m| m == 1.0).count();
        assert_eq!(PIXELS - scored, 4 * SIDE);
        // Columns 12 to 15 are given: the middle of 0..28.
        assert_eq!(task.mask[12], 0.0);
        assert_eq!(task.mask[15], 0.0);
        assert_eq!(task.mask[11], 1.0);
        assert_eq!(task.mask[16], 1.0);
    }

    #[test]
    fn labels_widen_the_encoders_by_ten() {
        let task = with_labels(middle_column(4));
        assert_eq!(task.inputs(), PIXELS + CLASSES);
        assert_eq!(task.name, "middle-4-labels");
    }
}
