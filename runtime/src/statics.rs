//! The direct table of a generated router's static paths.
//!
//! A route set with up to a few dozen static paths (github has 27) gets a table that a path
//! reaches in one step: the path's length and its first and last eight bytes
//! ([`ends`]) are mixed and multiplied by a seed, and the product's top bits are the slot. The
//! generator searched for a seed that gives every static path a slot of its own, and stores in
//! that slot the same length and words, so the comparison that confirms a hit reads nothing but
//! the slot: a path of up to 16 bytes is entirely in its two words. Only a longer path compares
//! its middle bytes, with a text the generator stored apart.
//!
//! Against a `match` on the length followed by comparisons with each path of that length, this
//! has no indirect jump and no chain of comparisons whose length depends on the path, and it
//! takes about 0.7x the time on github's static paths (BENCHMARKS.md). Larger sets, where no
//! seed separates the paths in a table of a few slots per path, get a hash-and-displace table.

use crate::__private::same_bytes;

/// The slots of a direct table are `1 << bits` for `bits` up to this: 256 slots of 32 bytes.
pub const MAX_DIRECT_BITS: u32 = 8;

/// The length and the ends of a key: its first and last eight bytes (overlapping below 16
/// bytes); below eight bytes its first and last four; below four its first, middle and last
/// byte. With the length, these words are the whole key up to 16 bytes long.
#[inline(always)]
pub const fn ends(bytes: &[u8]) -> (u64, u64) {
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        return (u64::from_le_bytes(*head), u64::from_le_bytes(*tail));
    }
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        return (
            u32::from_le_bytes(*head) as u64,
            u32::from_le_bytes(*tail) as u64,
        );
    }
    let len = bytes.len();
    if len == 0 {
        return (0, 0);
    }
    let first = bytes[0] as u64 | (bytes[len / 2] as u64) << 8 | (bytes[len - 1] as u64) << 16;
    (first, 0)
}

/// The slot of a key with this length and these [`ends`] in a direct table of `1 << bits`
/// slots, `bits` from 1 to 64. One multiplication: the generator tried seeds until the static
/// paths of the route set landed in distinct slots.
#[inline(always)]
pub const fn direct_slot(len: usize, first: u64, last: u64, seed: u64, bits: u32) -> usize {
    let mixed = first.wrapping_add(last.rotate_left(29)) ^ len as u64;
    (mixed.wrapping_mul(seed) >> (64 - bits)) as usize
}

/// One slot of a direct table: a static path's length and [`ends`], where its middle bytes sit
/// in the table's text when it is longer than 16 bytes, and its routes, `start..end` of the
/// generated `ROUTES_BY_PATH`. An empty slot has no routes.
#[derive(Clone, Copy, Debug)]
pub struct StaticSlot {
    first: u64,
    last: u64,
    /// `u64::MAX` in an empty slot: no path is that long.
    len: u64,
    middle: u32,
    start: u16,
    end: u16,
}

impl StaticSlot {
    /// A slot that no path fills. Used by generated code only.
    pub const EMPTY: StaticSlot = StaticSlot {
        first: 0,
        last: 0,
        len: u64::MAX,
        middle: 0,
        start: 0,
        end: 0,
    };

    /// The slot of `path`, whose bytes from the ninth to the ninth-last are at `middle` in the
    /// table's text, with the routes `start..end`. Used by generated code only.
    pub const fn new(path: &str, middle: u32, start: u16, end: u16) -> StaticSlot {
        let (first, last) = ends(path.as_bytes());
        StaticSlot {
            first,
            last,
            len: path.len() as u64,
            middle,
            start,
            end,
        }
    }
}

/// The routes (`start..end` of the generated `ROUTES_BY_PATH`) of the static path equal to
/// `path`, if one is in `slots`: the direct table the generator built with `seed`, whose
/// paths' middle bytes are in `text`. `N` is a power of two, at least 2.
#[inline(always)]
pub fn find_static<const N: usize>(
    path: &str,
    slots: &[StaticSlot; N],
    text: &[u8],
    seed: u64,
) -> Option<(usize, usize)> {
    let bytes = path.as_bytes();
    let len = bytes.len();
    let (first, last) = ends(bytes);
    let slot = &slots[direct_slot(len, first, last, seed, N.trailing_zeros())];
    // One branch for the three words: a hit compares all three anyway.
    let same = (slot.first ^ first) | (slot.last ^ last) | (slot.len ^ len as u64) == 0;
    if !same || (len > 16 && !same_middle(bytes, slot.middle as usize, text)) {
        return None;
    }
    Some((slot.start as usize, slot.end as usize))
}

/// Whether the bytes of `path` from the ninth to the ninth-last are those at `at` in `text`.
/// Inline and free of panics: a call in `find_static` would make every lookup save registers.
#[inline(always)]
fn same_middle(path: &[u8], at: usize, text: &[u8]) -> bool {
    let middle = path
        .get(8..path.len().saturating_sub(8))
        .unwrap_or_default();
    let Some(stored) = text.get(at..at + middle.len()) else {
        return false;
    };
    // The ends of a text of up to 16 bytes, with its length (equal here), are the whole text.
    // (The same shortcut inside `same_bytes` measured 7-10% slower on the static set, with the
    // same instruction count: kept here, where the middle is most often that short.)
    if middle.len() <= 16 {
        ends(middle) == ends(stored)
    } else {
        same_bytes(middle, stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_with_the_length_are_the_whole_key_up_to_16_bytes() {
        let text = b"/abcdefghijklmnop";
        for len in 0..=16 {
            let key = &text[..len];
            for at in 0..len {
                let mut other = *text;
                other[at] ^= 0x20;
                assert_ne!(ends(key), ends(&other[..len]), "{len}, byte {at}");
            }
        }
        assert_eq!(ends(b""), (0, 0));
        assert_eq!(ends(b"/ab"), (0x62_61_2f, 0));
        assert_eq!(ends(b"/abcd"), (0x63_62_61_2f, 0x64_63_62_61));
        assert_eq!(
            ends(b"/abcdefghi"),
            (0x67_66_65_64_63_62_61_2f, 0x69_68_67_66_65_64_63_62)
        );
    }

    #[test]
    fn direct_slot_stays_in_the_table() {
        for bits in [1, 5, 8, 64] {
            for key in [&b""[..], b"/", b"/users", b"/repos/owner/name/issues"] {
                let (first, last) = ends(key);
                let slot = direct_slot(key.len(), first, last, 0x9E37_79B9_7F4A_7C15, bits);
                assert!(bits == 64 || slot < 1 << bits, "{bits}");
            }
        }
    }

    /// A table of four slots, built as the generator does: a seed that separates the keys.
    /// `middles[i]` is where the middle of `keys[i]` is in the text.
    fn table(keys: &[&str], middles: &[u32]) -> ([StaticSlot; 4], u64) {
        for seed in (1u64..).map(|n| n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1) {
            let mut slots = [StaticSlot::EMPTY; 4];
            let placed = keys.iter().enumerate().all(|(index, key)| {
                let (first, last) = ends(key.as_bytes());
                let at = direct_slot(key.len(), first, last, seed, 2);
                let free = slots[at].len == u64::MAX;
                let index = index as u16;
                slots[at] = StaticSlot::new(key, middles[index as usize], index, index + 1);
                free
            });
            if placed {
                return (slots, seed);
            }
        }
        unreachable!("some seed separates four keys")
    }

    #[test]
    fn finds_each_key_and_nothing_else() {
        let keys = [
            "/",
            "/user",
            "/abcdefgh-1-ijklmnop",
            "/abcdefgh-2-ijklmnopq",
        ];
        let text = b"h-1-h-2-i";
        let (slots, seed) = table(&keys, &[0, 0, 0, 4]);
        for (index, key) in keys.iter().enumerate() {
            assert_eq!(
                find_static(key, &slots, text, seed),
                Some((index, index + 1))
            );
        }
        for miss in [
            "",
            "/u",
            "/users",
            "/usea",
            // The ends and length of the third key, another middle.
            "/abcdefgh-3-ijklmnop",
            "/abcdefgh-1-ijklmnox",
            "/abcdefgh-2-ijklmnop",
            "/abcdefgh-2+ijklmnopq",
        ] {
            assert_eq!(find_static(miss, &slots, text, seed), None, "{miss}");
        }
    }
}
