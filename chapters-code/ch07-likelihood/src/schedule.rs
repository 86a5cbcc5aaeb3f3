//! Burda et al.'s training schedule: stages `i = 0..7` of `3^i` passes over the training set at
//! learning rate `1e-3 * 10^(-i/7)`, 3,280 passes in all; and a quick one for readers and CI.

use std::fmt;
use std::str::FromStr;

/// One stage: its number, its passes and its learning rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    pub index: usize,
    pub passes: usize,
    pub lr: f32,
}

/// Which schedule a run follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Schedule {
    /// The first three stages of the paper's, 13 passes: minutes, not hours.
    #[default]
    Quick,
    /// The paper's eight stages, 3,280 passes.
    Full,
}

// ANCHOR: stages
/// The learning rate of stage `i`: 1e-3 at the start, ten times smaller after seven stages.
pub fn stage_lr(i: usize) -> f32 {
    (1e-3 * 10f64.powf(-(i as f64) / 7.0)) as f32
}

impl Schedule {
    /// The stages in order: stage `i` runs `3^i` passes at [`stage_lr`]`(i)`.
    pub fn stages(self) -> Vec<Stage> {
        let count = match self {
            Schedule::Quick => 3,
            Schedule::Full => 8,
        };
        (0..count)
            .map(|i| Stage {
                index: i,
                passes: 3usize.pow(i as u32),
                lr: stage_lr(i),
            })
            .collect()
    }
    // ANCHOR_END: stages

    /// Passes over the training set in all.
    pub fn passes(self) -> usize {
        self.stages().iter().map(|s| s.passes).sum()
    }

    /// The stage that pass `epoch` (1-based) belongs to, and whether it is the stage's last.
    pub fn stage_of(self, epoch: usize) -> Option<(Stage, bool)> {
        let mut end = 0;
        for stage in self.stages() {
            end += stage.passes;
            if epoch <= end {
                return (epoch >= 1).then_some((stage, epoch == end));
            }
        }
        None
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        support::choice::write_name(self, f)
    }
}

impl FromStr for Schedule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        support::choice::parse("schedule", s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_full_schedule_is_3280_passes_in_eight_stages() {
        let stages = Schedule::Full.stages();
        assert_eq!(stages.len(), 8);
        assert_eq!(Schedule::Full.passes(), 3280);
        assert_eq!(
            stages.iter().map(|s| s.passes).collect::<Vec<_>>(),
            [1, 3, 9, 27, 81, 243, 729, 2187]
        );
        assert_eq!(stages[0].lr, 1e-3);
        assert!((stages[7].lr / 1e-4 - 1.0).abs() < 1e-6);
        assert!(stages.windows(2).all(|w| w[1].lr < w[0].lr));
        assert_eq!(Schedule::Quick.passes(), 13);
    }

    #[test]
    fn every_pass_belongs_to_one_stage() {
        let s = Schedule::Full;
        assert_eq!(s.stage_of(0), None);
        assert_eq!(s.stage_of(1).unwrap().0.index, 0);
        assert!(s.stage_of(1).unwrap().1);
        assert_eq!(s.stage_of(2).unwrap().0.index, 1);
        assert!(!s.stage_of(2).unwrap().1);
        assert!(s.stage_of(4).unwrap().1);
        assert_eq!(s.stage_of(1094).unwrap().0.index, 7);
        assert!(s.stage_of(3280).unwrap().1);
        assert_eq!(s.stage_of(3281), None);
    }

    #[test]
    fn names_round_trip() {
        for s in [Schedule::Quick, Schedule::Full] {
            assert_eq!(s.to_string().parse::<Schedule>(), Ok(s));
        }
        assert!("slow".parse::<Schedule>().unwrap_err().contains("slow"));
    }
}
