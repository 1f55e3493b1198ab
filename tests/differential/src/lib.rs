//! Generated routers for differential testing (see build.rs), and the helpers to drive them.
// Hundreds of generated routers of random shapes, compiled warning-free or not at all.
#![deny(warnings)]
#![allow(missing_docs)]

pub mod spec;

/// What a generated router returned, reduced to comparable values: the route's index and its
/// params in order.
pub type Outcome<'p> = Result<(usize, Vec<(&'static str, &'p str)>), routegen::MatchError>;

/// Which oracle a set is checked against (see build.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Example(usize),
    Matchit,
    BeyondMatchit,
    Methods,
}

/// One compiled route set.
pub struct Set {
    pub kind: Kind,
    /// The route file it was generated from.
    pub toml: &'static str,
    pub recognize: for<'p> fn(routegen::Method, &'p str) -> Outcome<'p>,
    /// The same set generated with `Lookup::Tables`.
    pub recognize_tables: for<'p> fn(routegen::Method, &'p str) -> Outcome<'p>,
}

include!(concat!(env!("OUT_DIR"), "/sets.rs"));
