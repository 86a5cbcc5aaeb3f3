//! Chapter 8's quiz.

use ch08_collapse::exercises::committed_rate;

use crate::assert_number;

#[test]
fn fixed_variances_of_one_half_commit_50_units_to_4_83_nats() {
    assert_number(
        "ch08-collapse",
        "ch08-committed-rate",
        committed_rate(0.5, 50),
    );
}
