//! The direct table of a generated router's static paths.
//!
//! A route set with up to a few dozen static paths (github has 27) gets a table that a path
//! reaches in one step: the path's length and its first and last eight bytes
//! ([`ends`]) are mixed and multiplied by a seed, and the product's top bits are the slot. The
//! generator searched for a seed that gives every static path a slot of its own, and stores in
//! that slot the same length and words, so the comparison that confirms a hit reads nothing but
//! the slot: a path of up to 16 bytes is entirely in its two words. Only a longer path compares
//! the bytes they leave out with a text the generator stored apart ([`middle_text`]): two more
//! words up to 32 bytes, its middle bytes beyond.
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

    /// The slot of `path`, whose [`middle_text`] is at `middle` in the table's text, with the
    /// routes `start..end`. Used by generated code only.
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

/// What a direct table's text holds of a static path longer than 16 bytes, the bytes its
/// [`ends`] leave out: up to 32 bytes, the eight after the first eight and the eight before
/// the last eight (overlapping each other or the ends below 32 bytes), so that two word
/// comparisons confirm them; longer, the bytes from the ninth to the ninth-last. Nothing for a
/// shorter path. The generator stores this, one path after the other.
pub fn middle_text(path: &[u8]) -> [&[u8]; 2] {
    let len = path.len();
    match len {
        0..=16 => [&[], &[]],
        17..=32 => [&path[8..16], &path[len - 16..len - 8]],
        _ => [&path[8..len - 8], &[]],
    }
}

/// Whether `path` (longer than 16 bytes) has the [`middle_text`] at `at` in `text`.
/// Inline and free of panics: a call in `find_static` would make every lookup save registers.
#[inline(always)]
fn same_middle(path: &[u8], at: usize, text: &[u8]) -> bool {
    let len = path.len();
    let Some(stored) = text.get(at..) else {
        return false;
    };
    if len <= 32 {
        // Two words each side, at fixed offsets: no loop and no length test on the stored side.
        let inner = path.get(8..).and_then(<[u8]>::first_chunk::<8>);
        let outer = path.get(..len - 8).and_then(<[u8]>::last_chunk::<8>);
        let (Some(inner), Some(outer), Some(stored)) = (inner, outer, stored.first_chunk::<16>())
        else {
            return false;
        };
        let word = |bytes: &[u8; 8]| u64::from_ne_bytes(*bytes);
        let (stored_inner, stored_outer) = (stored.first_chunk(), stored.last_chunk());
        return stored_inner.is_some_and(|stored| word(stored) == word(inner))
            && stored_outer.is_some_and(|stored| word(stored) == word(outer));
    }
    let middle = &path[8..len - 8];
    stored
        .get(..middle.len())
        .is_some_and(|stored| same_bytes(middle, stored))
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
        // Up to 16 bytes (the slot's words alone), 17 to 32 (two more words in the text, here at
        // both bounds) and longer (the middle bytes).
        let keys = [
            "/user",
            "/abcdefgh-1-ijklmnop",
            "/abcdefghijklmnopqrstuvwxyz-0123",
            "/abcdefgh-2-ijklmnopq-rstuvwxyz-0123456",
        ];
        let (mut buffer, mut used, mut middles) = ([0u8; 128], 0, [0u32; 4]);
        for (key, middle) in keys.iter().zip(&mut middles) {
            *middle = used as u32;
            for part in middle_text(key.as_bytes()) {
                buffer[used..used + part.len()].copy_from_slice(part);
                used += part.len();
            }
        }
        let text = &buffer[..used];
        let (slots, seed) = table(&keys, &middles);
        for (index, key) in keys.iter().enumerate() {
            assert_eq!(
                find_static(key, &slots, text, seed),
                Some((index, index + 1))
            );
            // Any byte changed, one byte more or less: the same length class, another path.
            let mut other = [b'x'; 64];
            other[..key.len()].copy_from_slice(key.as_bytes());
            let longer = core::str::from_utf8(&other[..key.len() + 1]).expect("ASCII");
            assert_eq!(find_static(longer, &slots, text, seed), None, "{longer}");
            let shorter = &key[..key.len() - 1];
            assert_eq!(find_static(shorter, &slots, text, seed), None, "{shorter}");
            for at in 0..key.len() {
                other[at] ^= 0x20;
                let changed = core::str::from_utf8(&other[..key.len()]).expect("ASCII");
                assert_eq!(find_static(changed, &slots, text, seed), None, "{changed}");
                other[at] ^= 0x20;
            }
        }
        assert_eq!(find_static("", &slots, text, seed), None);
        assert_eq!(middle_text(b"/abcdefghijklmno"), [&[][..], &[][..]]);
        assert_eq!(
            middle_text(b"/abcdefghijklmnop"),
            [&b"hijklmno"[..], &b"abcdefgh"[..]]
        );
        assert_eq!(
            middle_text(b"/abcdefghijklmnopqrstuvwxyz-0123456"),
            [&b"hijklmnopqrstuvwxyz"[..], &[][..]]
        );
    }
}
