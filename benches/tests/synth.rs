//! The synthetic sets' skewed draws: every path hits its route, and the skew is the one
//! `synth::zipf_hits` documents.

use std::collections::HashMap;

use routegen::Method;
use routegen_benches::{scale_1000, synth};

#[test]
fn zipf_hits_match_their_routes_with_a_zipf_skew() {
    let patterns = synth::routes(1000);
    let draws = synth::zipf_hits(&patterns);
    assert_eq!(draws.len(), 1000);
    assert_eq!(draws, synth::zipf_hits(&patterns), "deterministic");

    for (path, route) in &draws {
        let found = scale_1000::recognize(Method::GET, path).map(|r| r.index());
        assert_eq!(found, Ok(*route), "{path}");
    }

    let mut counts: HashMap<usize, usize> = HashMap::new();
    for (_, route) in &draws {
        *counts.entry(*route).or_default() += 1;
    }
    let mut counts: Vec<usize> = counts.into_values().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let top = |n: usize| counts.iter().take(n).sum::<usize>();
    // The shares by rank are 39% and 69% (harmonic numbers). Ranked by the counts drawn, the
    // most drawn routes take a few points more: the luckiest of the rest move up.
    assert!((330..=470).contains(&top(10)), "top 10: {}", top(10));
    assert!((640..=800).contains(&top(100)), "top 100: {}", top(100));
    // The most requested route gets about 1 / H(1000) = 13% of the draws.
    assert!((100..=170).contains(&counts[0]), "top route: {}", counts[0]);
    // Uniform hits draw each route once; these leave most routes undrawn.
    assert!(counts.len() < 450, "{} distinct routes", counts.len());
}
