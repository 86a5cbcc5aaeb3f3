//! The chapters' enumerated settings (data set, activation, binarization, schedule) are clap
//! `ValueEnum`s: one name per variant, declared once, which the command line parses and lists
//! in `--help`. Checkpoints and results files write and read the same names through
//! `Display` and `FromStr`, which delegate here.

use std::fmt;

use clap::ValueEnum;

/// Writes `value`'s command-line name: the body of a `Display` implementation.
pub fn write_name<T: ValueEnum>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let name = value
        .to_possible_value()
        .expect("every variant has a name (none is skipped)");
    f.write_str(name.get_name())
}

/// Parses a command-line name exactly (case included), or says which names `what` takes:
/// the body of a `FromStr` implementation.
pub fn parse<T: ValueEnum>(what: &str, s: &str) -> Result<T, String> {
    T::from_str(s, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| format!("{:?}", p.get_name()))
            .collect();
        let expected = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::from("nothing"),
        };
        format!("unknown {what} {s:?}: expected {expected}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
    enum Pace {
        Slow,
        QuiteFast,
        Fast,
    }

    impl fmt::Display for Pace {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_name(self, f)
        }
    }

    #[test]
    fn names_round_trip_and_a_wrong_one_lists_the_choices() {
        for p in [Pace::Slow, Pace::QuiteFast, Pace::Fast] {
            assert_eq!(parse::<Pace>("pace", &p.to_string()), Ok(p));
        }
        assert_eq!(Pace::QuiteFast.to_string(), "quite-fast");
        assert_eq!(
            parse::<Pace>("pace", "Slow"),
            Err(r#"unknown pace "Slow": expected "slow", "quite-fast" or "fast""#.to_string())
        );
    }
}
