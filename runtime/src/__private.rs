//! Items used by generated code only. Not part of the public API: they may change in any release.
//!
//! The perfect-hash function lives here, not in the code generator, so that the build script
//! (which depends on this crate) and the generated lookup run the very same function.

pub use crate::debug::debug_route;
pub use crate::encode::write_pattern;
pub use crate::info::{RouteEntry, RouteExtras, RouteNames, RouteTable};
pub use crate::statics::{
    MAX_DIRECT_BITS, StaticSlot, direct_slot, ends, find_static, middle_text,
};
pub use crate::table::{
    EMPTY_SLOT, HAS_PARAMS, JUMP_PARENT, LEAF_MASK_BITS, LITERAL_FIELDS, NODE_FIELDS, PARAM_FIELDS,
    Tables, Tree, captures, filter_bit, halves, jump_key, leaf_packed, literal_key, literal_tag,
};

/// The methods of a route that accepts any method (`RouteInfo::methods` is empty).
pub const ANY_METHOD: &[crate::Method] = &[];

/// The hash that the static-route table is built on: 64-bit, seeded, eight bytes at a time.
///
/// Its quality only has to separate the keys of one route set (the generator retries with another
/// seed otherwise), since every hit is confirmed by comparing the key.
#[inline]
pub const fn hash(bytes: &[u8], seed: u64) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let word = u64::from_le_bytes([
            bytes[i],
            bytes[i + 1],
            bytes[i + 2],
            bytes[i + 3],
            bytes[i + 4],
            bytes[i + 5],
            bytes[i + 6],
            bytes[i + 7],
        ]);
        h = (h ^ word).wrapping_mul(K).rotate_left(31);
        i += 8;
    }
    let mut tail = 0u64;
    let mut shift = 0;
    while i < bytes.len() {
        tail |= (bytes[i] as u64) << shift;
        shift += 8;
        i += 1;
    }
    h = (h ^ tail).wrapping_mul(K);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 32)
}

/// A hash of the key's length and its [`ends`]: constant time whatever the key's length, so a
/// long path costs no more to look up than a short one. The generator uses it whenever those
/// samples tell the route set's static paths apart, and [`hash`] otherwise.
#[inline]
pub fn hash_sampled(bytes: &[u8], seed: u64) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let len = bytes.len();
    let (first, last) = ends(bytes);
    let mut h = (seed ^ (len as u64).wrapping_mul(K) ^ first).wrapping_mul(K);
    h = (h.rotate_left(31) ^ last).wrapping_mul(K);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 32)
}

/// The sample [`hash_sampled`] reads: two keys with the same sample always hash alike.
pub fn sample(bytes: &[u8]) -> (usize, u64, u64) {
    let (first, last) = ends(bytes);
    (bytes.len(), first, last)
}

/// Maps a 32-bit value onto `0..n` without a division (Lemire's multiply-shift range reduction).
#[inline]
pub const fn reduce(x: u32, n: usize) -> usize {
    ((x as u64 * n as u64) >> 32) as usize
}

/// The slot of `hash` in a hash-and-displace table with `displacements.len()` buckets and
/// `slots` slots: the bucket comes from the high half of the hash, the slot from the hash mixed
/// with the bucket's displacement. The generator searched the displacements so that the keys of
/// the route set land in distinct slots. A displacement is a byte: at 10,000 routes the table
/// is then 4 KiB where `u32`s took 16 KiB, and callgrind's cache simulation counts about 0.8
/// fewer L1 misses a lookup (BENCHMARKS.md).
#[inline]
pub fn slot(hash: u64, displacements: &[u8], slots: usize) -> usize {
    let bucket = reduce((hash >> 32) as u32, displacements.len());
    let displaced = (hash ^ displacements[bucket] as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    reduce((displaced >> 32) as u32, slots)
}

/// The end of the segment that starts at `start`: the index of the next `/`, or the path's
/// length. Reads eight bytes at a time, then byte by byte for the last few.
#[inline(always)]
pub fn segment_end(path: &str, start: usize) -> usize {
    let bytes = path.as_bytes();
    let mut end = start;
    while let Some(word) = bytes.get(end..).and_then(<[u8]>::first_chunk::<8>) {
        let found = slashes_in(u64::from_le_bytes(*word));
        if found != 0 {
            return end + (found.trailing_zeros() / 8) as usize;
        }
        end += 8;
    }
    while end < bytes.len() && bytes[end] != b'/' {
        end += 1;
    }
    end
}

/// The segment that starts at `start` and the index where it ends (the next `/`, or the
/// path's length).
#[inline(always)]
pub fn segment(path: &str, start: usize) -> (&str, usize) {
    // One slice from `start` (its bounds and character boundary checked once), then a split at
    // the end the scan found: cheaper than `&path[start..end]`, which checks both ends again.
    let rest = &path[start..];
    let len = segment_end(rest, 0);
    (rest.split_at(len).0, start + len)
}

/// [`segment`], with the scan in one function that every call shares. Routers with many
/// parameter segments call this: inlined, each scan is about 220 bytes of machine code, and at a
/// few hundred of them the code form's lookups miss the instruction cache more than a call costs
/// (scale_1000: 9.2 -> 5.9 I1 misses and 200 -> 223 instructions a lookup; BENCHMARKS.md).
#[inline(always)]
pub fn segment_shared(path: &str, start: usize) -> (&str, usize) {
    let seg = shared_scan(path, start);
    (seg, start + seg.len())
}

/// The segment that starts at `start`, out of line. It returns the segment alone, which fits in
/// two registers (its end is `start` plus its length), where `(&str, usize)` goes through memory.
/// Being one copy, it can afford a longer scan than the inlined [`segment_end`]: the last few
/// bytes of the path are read as one word ending at the path's end, where a byte loop would exit
/// after a varying count and mispredict (scale_1000: 4.0 -> 3.46 conditional mispredictions a
/// lookup, and 0.9x the time; BENCHMARKS.md).
#[inline(never)]
fn shared_scan(path: &str, start: usize) -> &str {
    let rest = &path[start..];
    let bytes = path.as_bytes();
    let mut at = start;
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let found = slashes_in(u64::from_le_bytes(*word));
        if found != 0 {
            return rest
                .split_at(at - start + (found.trailing_zeros() / 8) as usize)
                .0;
        }
        at += 8;
    }
    let Some(last) = bytes.last_chunk::<8>() else {
        // A path of fewer than eight bytes: no word ends it.
        return rest.split_at(segment_end(rest, 0)).0;
    };
    // The `left` (0 to 7) bytes after `at`, zero above them: two shifts, since one by 64 bits
    // (no byte left) would overflow. (A tail read of its own, with a branch on an empty tail
    // and a loop for short paths inlined, measured 210 -> 220 instructions a lookup on
    // scale_1000.)
    let left = bytes.len() - at;
    let tail = (u64::from_le_bytes(*last) >> (8 * (7 - left))) >> 8;
    // No slash gives 64 trailing zeros, eight bytes: more than are left.
    let before_slash = (slashes_in(tail).trailing_zeros() / 8) as usize;
    rest.split_at(at - start + before_slash.min(left)).0
}

/// The classic "has zero byte" test on `word` xor `////////`: its lowest set bit is the high
/// bit of the first `/` byte of `word` (borrows only ever mark bytes above a true zero byte),
/// and it is zero when `word` has no `/`.
#[inline(always)]
fn slashes_in(word: u64) -> u64 {
    const SLASHES: u64 = u64::from_ne_bytes([b'/'; 8]);
    const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let x = word ^ SLASHES;
    x.wrapping_sub(LOW) & !x & HIGH
}

/// The segment's bytes in the word of `bytes` at `at`, zero above them, and how many they are
/// (up to eight): the bytes before a `/` ([`slashes_in`]) or the end. The scan of the tables'
/// walk, which hashes the words it reads. Selects rather than branches on where the segment
/// ends: which word ends a segment varies from path to path, and a branch on it mispredicted
/// about once a lookup (callgrind, scale_10000 misses; BENCHMARKS.md).
#[inline(always)]
pub(crate) fn word_at(bytes: &[u8], at: usize) -> (u64, usize) {
    let (word, available) = raw_word(bytes, at);
    let found = slashes_in(word);
    // The lowest set bit of `found` is the high bit of the first `/` (a tail word's zero bytes
    // are not slashes, so it lies within the path); the bits below it, less that byte, mask the
    // segment's bytes. Without a `/`, the word is the segment's (a tail word is already zero
    // above the path's end) and `trailing_zeros` reads 64 bits: eight bytes, cut to `available`.
    let below_slash = if found == 0 {
        u64::MAX
    } else {
        (found ^ found.wrapping_sub(1)) >> 8
    };
    let taken = ((found.trailing_zeros() / 8) as usize).min(available);
    (word & below_slash, taken)
}

/// The word of `bytes` at `at` (at most `bytes.len()`) and how many of its bytes are the
/// path's (up to eight), zero above them. In a path of eight bytes or more, one load with no
/// branch: near the end, the path's last word shifted down past the bytes before `at`.
#[inline(always)]
pub(crate) fn raw_word(bytes: &[u8], at: usize) -> (u64, usize) {
    let available = bytes.len() - at;
    let Some(last_start) = bytes.len().checked_sub(8) else {
        return (short_word(bytes, at), available);
    };
    let from = at.min(last_start);
    let word = match bytes.get(from..).and_then(<[u8]>::first_chunk::<8>) {
        Some(word) => u64::from_le_bytes(*word),
        None => 0,
    };
    // Up to eight bytes to drop, so two shifts: one by 64 bits would overflow.
    let skipped = 4 * (at - from) as u32;
    ((word >> skipped) >> skipped, available.min(8))
}

/// The high bit of every `/` byte of `word`, exactly, where [`slashes_in`] only places its
/// lowest bit exactly: a byte's low seven bits plus `0x7f` carry into its high bit unless they
/// are all zero, and the byte's own high bit is or-ed in, so only a `/` leaves it clear.
#[inline(always)]
pub(crate) fn every_slash_in(word: u64) -> u64 {
    const SLASHES: u64 = u64::from_ne_bytes([b'/'; 8]);
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    let x = word ^ SLASHES;
    !((x & LOW7).wrapping_add(LOW7) | x | LOW7)
}

/// The bytes of `bytes[at..]` as a little-endian word, in a path of fewer than eight bytes.
#[inline(always)]
fn short_word(bytes: &[u8], at: usize) -> u64 {
    let mut word = 0;
    for (i, &byte) in bytes[at..].iter().enumerate() {
        word |= u64::from(byte) << (8 * i);
    }
    word
}

/// Whether `a` and `b` hold the same bytes, compared eight at a time (the last eight possibly
/// overlapping the others): for the short texts of a route table this is a few word
/// comparisons, where `a == b` calls `memcmp`.
#[inline(always)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (Some(a_last), Some(b_last)) = (a.last_chunk::<8>(), b.last_chunk::<8>()) else {
        return a.iter().zip(b).all(|(x, y)| x == y);
    };
    let (a_words, b_words) = (a.as_chunks::<8>().0, b.as_chunks::<8>().0);
    a_last == b_last
        && a_words
            .iter()
            .zip(b_words)
            .all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
}

/// Where the literal segment `literal` ends if the path has it at `start` (followed by a `/` or
/// the end of the path), without scanning for the segment's end. `N` is a constant, so the
/// comparison is a few word loads rather than a call to `memcmp`.
#[inline(always)]
pub fn literal_at<const N: usize>(path: &str, start: usize, literal: &[u8; N]) -> Option<usize> {
    let rest = path.as_bytes().get(start..)?;
    let (head, tail) = rest.split_first_chunk::<N>()?;
    (head == literal && matches!(tail.first(), None | Some(b'/'))).then_some(start + N)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_byte_and_the_seed() {
        let base = hash(b"/repos/owner/name/issues", 1);
        assert_ne!(base, hash(b"/repos/owner/name/issuez", 1));
        assert_ne!(base, hash(b"/repos/owner/name/issues", 2));
        assert_ne!(hash(b"", 0), hash(b"\0", 0));
        assert_ne!(hash(b"ab", 0), hash(b"ba", 0));
    }

    #[test]
    fn same_bytes_compares_length_and_every_byte() {
        let text = b"abcdefghijklmnopqrstuvwxyz0123456789";
        for len in 0..text.len() {
            let a = &text[..len];
            assert!(same_bytes(a, a), "{len}");
            assert!(!same_bytes(a, &text[..len + 1]), "{len}");
            for at in 0..len {
                let mut b = *text;
                b[at] ^= 0x20;
                assert!(!same_bytes(a, &b[..len]), "{len}, byte {at}");
            }
        }
    }

    #[test]
    fn literal_at_needs_the_whole_segment() {
        assert_eq!(literal_at("/tags", 1, b"tags"), Some(5));
        assert_eq!(literal_at("/tags/x", 1, b"tags"), Some(5));
        assert_eq!(literal_at("/tagsx", 1, b"tags"), None);
        assert_eq!(literal_at("/tag", 1, b"tags"), None);
        assert_eq!(literal_at("/tagz", 1, b"tags"), None);
        assert_eq!(literal_at("/zags", 1, b"tags"), None);
        assert_eq!(literal_at("/", 1, b""), Some(1));
        assert_eq!(literal_at("//x", 1, b""), Some(1));
        assert_eq!(literal_at("/x", 1, b""), None);
        assert_eq!(literal_at("/tags", 9, b"tags"), None);
        assert_eq!(
            literal_at("/a/subscriptions", 3, b"subscriptions"),
            Some(16)
        );
        assert_eq!(literal_at("/a/subscriptionz", 3, b"subscriptions"), None);
    }

    #[test]
    fn segment_end_stops_at_a_slash_or_the_end() {
        assert_eq!(segment_end("/a/bc", 0), 0);
        assert_eq!(segment_end("/a/bc", 1), 2);
        assert_eq!(segment_end("/a/bc", 3), 5);
        assert_eq!(segment_end("/a/bc", 5), 5);
    }

    #[test]
    fn segment_end_agrees_with_a_byte_scan_across_word_boundaries() {
        // Characters around `/` (0x2f) in value, and multi-byte UTF-8 (bytes >= 0x80).
        const ALPHABET: [&str; 8] = ["a", "/", ".", "0", "\u{e9}", "\u{20ac}", "\u{7f}", "o"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut text = [0u8; 96];
        for _ in 0..2_000 {
            let mut len = 0;
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let count = (state % 30) as usize;
            for i in 0..count {
                // Mostly non-slash characters, so that long segments span several words.
                let pick = ((state >> (i % 60)) as usize).wrapping_mul(i + 7) % 23;
                let piece = ALPHABET[if pick < 15 { pick % 8 } else { 0 }].as_bytes();
                text[len..len + piece.len()].copy_from_slice(piece);
                len += piece.len();
            }
            let path = core::str::from_utf8(&text[..len]).expect("built from whole characters");
            for start in (0..=len).filter(|&i| path.is_char_boundary(i)) {
                let expected = (start..len)
                    .find(|&i| path.as_bytes()[i] == b'/')
                    .unwrap_or(len);
                assert_eq!(segment_end(path, start), expected, "{path:?} from {start}");
                assert_eq!(
                    segment(path, start),
                    (&path[start..expected], expected),
                    "{path:?} from {start}"
                );
                assert_eq!(
                    segment_shared(path, start),
                    (&path[start..expected], expected),
                    "{path:?} from {start}"
                );
                // The tables' scan reads the same segment a word at a time.
                let taken = (expected - start).min(8);
                let mut head = [0; 8];
                head[..taken].copy_from_slice(&path.as_bytes()[start..start + taken]);
                assert_eq!(
                    word_at(path.as_bytes(), start),
                    (u64::from_le_bytes(head), taken),
                    "{path:?} from {start}"
                );
            }
        }
    }

    #[test]
    fn sampled_hash_reads_length_and_both_ends() {
        let seed = 7;
        assert_ne!(hash_sampled(b"/a", seed), hash_sampled(b"/b", seed));
        assert_ne!(hash_sampled(b"/a", seed), hash_sampled(b"/a\0", seed));
        assert_ne!(
            hash_sampled(b"/repos/x/issues", seed),
            hash_sampled(b"/repos/x/issuez", seed)
        );
        // The middle is not read: same length, same ends.
        assert_eq!(
            hash_sampled(b"/abcdefgh-1-ijklmnop", seed),
            hash_sampled(b"/abcdefgh-2-ijklmnop", seed)
        );
        assert_eq!(
            sample(b"/abcdefgh-1-ijklmnop"),
            sample(b"/abcdefgh-2-ijklmnop")
        );
        assert_ne!(sample(b"/a"), sample(b"/b"));
    }

    #[test]
    fn reduce_stays_in_range() {
        for x in [0, 1, u32::MAX / 2, u32::MAX] {
            assert!(reduce(x, 7) < 7);
        }
        assert_eq!(reduce(u32::MAX, 1), 0);
    }
}
