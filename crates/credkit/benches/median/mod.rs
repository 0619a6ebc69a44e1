//! The median the benchmarks report: of rounds, of ratios, of transfers.

use std::cmp::Ordering;

/// The middle value of `values` (the upper one of an even count), sorting them in place.
pub fn median<T: Copy + PartialOrd>(values: &mut [T]) -> T {
    // Durations, ratios and byte counts are never NaN: an unordered pair cannot occur.
    values.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
    values[values.len() / 2]
}
