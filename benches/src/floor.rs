//! The `floor` contender: the work no router can avoid.
//!
//! It is told, for each path, which pattern matches it (found outside the timed loop), and only
//! checks the path against that one pattern segment by segment and slices the parameters out
//! into a fixed array. A router must do at least this (plus choosing the pattern).

/// One segment of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    /// Literal text: the segment must equal it.
    Lit(&'a str),
    /// A parameter, with literal text before and after it in the segment.
    Param {
        /// Text before the parameter.
        prefix: &'a str,
        /// Text after the parameter.
        suffix: &'a str,
    },
    /// A catch-all: the non-empty rest of the path.
    CatchAll,
}

/// Splits a routegen pattern (`/a/{p}/x{q}.json/{*rest}`) into segments.
pub fn parse(pattern: &str) -> Vec<Seg<'_>> {
    let body = pattern.strip_prefix('/').expect("patterns start with /");
    body.split('/')
        .map(|seg| match (seg.find('{'), seg.rfind('}')) {
            (Some(open), Some(close)) if seg[open + 1..].starts_with('*') => {
                assert!(
                    open == 0 && close == seg.len() - 1,
                    "catch-all is a whole segment"
                );
                Seg::CatchAll
            }
            (Some(open), Some(close)) => Seg::Param {
                prefix: &seg[..open],
                suffix: &seg[close + 1..],
            },
            _ => Seg::Lit(seg),
        })
        .collect()
}

/// Checks `path` against `segs`, writing the parameter values to `params`; returns how many,
/// or `None` when the path does not match.
#[inline]
pub fn check<'p>(segs: &[Seg<'_>], path: &'p str, params: &mut [&'p str; 8]) -> Option<usize> {
    let bytes = path.as_bytes();
    let len = bytes.len();
    let mut pos = 0;
    let mut n = 0;
    for seg in segs {
        if pos >= len || bytes[pos] != b'/' {
            return None;
        }
        pos += 1;
        if let Seg::CatchAll = seg {
            if pos == len {
                return None;
            }
            // SAFETY: `pos` is just after an ASCII `/`, a char boundary, and `pos < len`.
            *params.get_mut(n)? = unsafe { path.get_unchecked(pos..) };
            return Some(n + 1);
        }
        let start = pos;
        while pos < len && bytes[pos] != b'/' {
            pos += 1;
        }
        // SAFETY: `start` is after an ASCII `/`, `pos` is at a `/` or the end: char boundaries.
        let text = unsafe { path.get_unchecked(start..pos) };
        match *seg {
            Seg::Lit(lit) => {
                if text != lit {
                    return None;
                }
            }
            Seg::Param { prefix, suffix } => {
                if text.len() <= prefix.len() + suffix.len()
                    || !text.starts_with(prefix)
                    || !text.ends_with(suffix)
                {
                    return None;
                }
                // SAFETY: `text` starts with `prefix` and ends with `suffix` and is longer than
                // both together, so both cut points are char boundaries in order.
                *params.get_mut(n)? =
                    unsafe { text.get_unchecked(prefix.len()..text.len() - suffix.len()) };
                n += 1;
            }
            Seg::CatchAll => unreachable!(),
        }
    }
    (pos == len).then_some(n)
}
