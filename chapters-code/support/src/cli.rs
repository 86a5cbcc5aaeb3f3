//! What the chapters' command lines share beyond clap's own parsers.

/// A count that must be at least 1 (images, steps, threads...), for clap:
/// `#[arg(long, value_parser = support::cli::at_least_one)]`. clap's message names the option.
pub fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("not a whole number ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_non_numbers_are_refused() {
        assert_eq!(at_least_one("3"), Ok(3));
        assert_eq!(at_least_one("0"), Err("must be at least 1".into()));
        assert!(at_least_one("-1").is_err());
        assert!(at_least_one("two").is_err());
    }
}
