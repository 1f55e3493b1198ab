//! Perfect hashes for the static routes, chosen at build time: a direct table (one slot per
//! key, found by one multiplication, see `routegen::__private::find_static`) when a small one
//! separates the keys, and otherwise a minimal perfect hash ("hash and displace").
//!
//! Hash and displace hashes keys with `routegen::__private::hash` or `hash_sampled` (the
//! functions the generated lookup calls). The high half of the hash picks a bucket; each bucket
//! gets a displacement, searched here, that sends all of its keys to free slots. A lookup is then
//! one hash, two array reads and one key comparison to confirm, whatever the number of routes.

use routegen::__private::{MAX_DIRECT_BITS, direct_slot, hash, hash_sampled, sample, slot};

/// The table the generated code embeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PerfectHash {
    /// Whether keys are hashed with `hash_sampled` (length and both ends, constant time) rather
    /// than `hash` (every byte): sampled whenever the samples of the keys are all distinct.
    pub sampled: bool,
    pub placement: Placement,
}

/// Average keys per bucket: larger buckets mean a smaller displacement table but a longer search.
const KEYS_PER_BUCKET: usize = 4;

/// Where a perfect hash puts each key: the seed and displacements the generated lookup uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placement {
    pub seed: u64,
    pub displacements: Vec<u8>,
    /// For each slot, the index of the key stored there.
    pub slots: Vec<Option<usize>>,
}

/// Builds a perfect hash for distinct keys. Deterministic: the same keys give the same table.
pub(crate) fn build(keys: &[&[u8]]) -> PerfectHash {
    let samples: Vec<(usize, u64, u64)> = keys.iter().map(|key| sample(key)).collect();
    let sampled = all_distinct(&samples);
    let placement = place(keys.len(), |seed| {
        keys.iter()
            .map(|key| key_hash(key, sampled, seed))
            .collect()
    });
    PerfectHash { sampled, placement }
}

/// A slot for each of `key_count` distinct keys, `hashes(seed)` being their hashes under a
/// seed: seeds are tried in a fixed order until one lets every bucket find a displacement.
/// Deterministic, and the hash function is the caller's, so one search serves every table.
pub(crate) fn place(key_count: usize, hashes: impl Fn(u64) -> Vec<u64>) -> Placement {
    let slot_count = (key_count + key_count / 4).max(1);
    let bucket_count = key_count
        .div_ceil(KEYS_PER_BUCKET)
        .max(1)
        .next_power_of_two();
    for attempt in 0u64.. {
        let seed = 0x5EED_0000_0000_0000 ^ attempt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        if let Some(placement) = try_seed(&hashes(seed), seed, slot_count, bucket_count) {
            return placement;
        }
    }
    unreachable!("some seed separates any set of distinct keys")
}

/// A direct table (`routegen::__private::find_static`): a seed under which `direct_slot` sends
/// every key to a slot of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Direct {
    pub seed: u64,
    /// For each slot, the index of the key stored there; a power of two of them.
    pub slots: Vec<Option<usize>>,
}

/// The slot computations (seeds tried times keys) spent on each table size before doubling it:
/// a few milliseconds of build at most.
const DIRECT_ATTEMPTS: usize = 1 << 21;

/// A direct table for `keys`, if one of at most `1 << MAX_DIRECT_BITS` slots separates them.
/// The smallest size that a seed found within [`DIRECT_ATTEMPTS`] slot computations wins, so a
/// lookup touches few cache lines. `None` when two keys have the same length and ends (a
/// direct table cannot tell them apart) or no size works. A random function would separate `n`
/// keys in `m` slots with a chance of about `exp(-n^2 / 2m)`, and 50 paths with unrelated names
/// need 128 slots; but a multiplication often does better on paths that differ in a few bytes:
/// 100 numbered paths fit in 128 slots in each of three shapes tried, 200 in 256 in one of them.
/// In a debug build script the search takes up to about 50 ms, giving up included.
/// Deterministic.
pub(crate) fn direct(keys: &[&[u8]]) -> Option<Direct> {
    let samples: Vec<(usize, u64, u64)> = keys.iter().map(|key| sample(key)).collect();
    if !all_distinct(&samples) {
        return None;
    }
    let smallest = keys.len().max(2).next_power_of_two().trailing_zeros();
    let attempts = DIRECT_ATTEMPTS / keys.len().max(1);
    for bits in smallest..=MAX_DIRECT_BITS {
        let mut slots = vec![None; 1 << bits];
        for attempt in 0..attempts as u64 {
            let seed = (0xD1EC_7000_0000_0000 ^ attempt.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1;
            slots.fill(None);
            let placed = samples
                .iter()
                .enumerate()
                .all(|(key, &(len, first, last))| {
                    let at = direct_slot(len, first, last, seed, bits);
                    slots[at].replace(key).is_none()
                });
            if placed {
                return Some(Direct { seed, slots });
            }
        }
    }
    None
}

/// Whether no two keys have the same sample (`routegen::__private::sample`): then a hash of
/// the samples can tell every key apart.
fn all_distinct(samples: &[(usize, u64, u64)]) -> bool {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    sorted.windows(2).all(|pair| pair[0] != pair[1])
}

/// The hash the generated lookup will compute for `key`.
pub(crate) fn key_hash(key: &[u8], sampled: bool, seed: u64) -> u64 {
    if sampled {
        hash_sampled(key, seed)
    } else {
        hash(key, seed)
    }
}

fn try_seed(
    hashes: &[u64],
    seed: u64,
    slot_count: usize,
    bucket_count: usize,
) -> Option<Placement> {
    let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); bucket_count];
    for (key, &h) in hashes.iter().enumerate() {
        let bucket = routegen::__private::reduce((h >> 32) as u32, bucket_count);
        buckets[bucket].push(key);
    }
    // Place the biggest buckets first, while the table is empty enough for them.
    let mut order: Vec<usize> = (0..bucket_count).collect();
    order.sort_by_key(|&bucket| (std::cmp::Reverse(buckets[bucket].len()), bucket));

    let mut displacements = vec![0u8; bucket_count];
    let mut slots: Vec<Option<usize>> = vec![None; slot_count];
    let mut probe = vec![0u8; bucket_count];
    let mut taken: Vec<usize> = Vec::new();
    for bucket in order {
        if buckets[bucket].is_empty() {
            break;
        }
        // Every value of the byte a displacement is stored in (`routegen::__private::slot`),
        // then another seed. The 10,000 synthetic routes need at most 103.
        let placed = (0..=u8::MAX).find(|&displacement| {
            probe[bucket] = displacement;
            taken.clear();
            for &key in &buckets[bucket] {
                let s = slot(hashes[key], &probe, slot_count);
                if slots[s].is_some() || taken.contains(&s) {
                    return false;
                }
                taken.push(s);
            }
            true
        })?;
        displacements[bucket] = placed;
        for (&key, &s) in buckets[bucket].iter().zip(&taken) {
            slots[s] = Some(key);
        }
    }
    Some(Placement {
        seed,
        displacements,
        slots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use routegen::__private::ends;

    fn check(keys: &[String]) {
        let bytes: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
        let table = build(&bytes);
        for (index, key) in bytes.iter().enumerate() {
            let placement = &table.placement;
            let h = key_hash(key, table.sampled, placement.seed);
            let s = slot(h, &placement.displacements, placement.slots.len());
            assert_eq!(placement.slots[s], Some(index), "key {:?}", keys[index]);
        }
        assert_eq!(table.placement.slots.iter().flatten().count(), keys.len());
    }

    #[test]
    fn separates_every_key() {
        check(&[]);
        check(&["/".to_owned()]);
        check(&(0..10).map(|i| format!("/a/{i}")).collect::<Vec<_>>());
        check(
            &(0..5000)
                .map(|i| format!("/users/{i}/profile"))
                .collect::<Vec<_>>(),
        );
        // More keys than the 10,000-route set's literal table holds (about 12,000): a byte per
        // displacement is enough.
        check(
            &(0..20_000)
                .map(|i| format!("/api/v{}/{i}", i % 25))
                .collect::<Vec<_>>(),
        );
    }

    #[test]
    fn samples_when_the_ends_tell_keys_apart() {
        let distinct: Vec<&[u8]> = vec![b"/a", b"/users/list", b"/users/item"];
        assert!(build(&distinct).sampled);
        let same_ends: Vec<&[u8]> = vec![b"/abcdefgh-1-ijklmnop", b"/abcdefgh-2-ijklmnop"];
        let table = build(&same_ends);
        assert!(!table.sampled);
        check(&[
            "/abcdefgh-1-ijklmnop".to_owned(),
            "/abcdefgh-2-ijklmnop".to_owned(),
        ]);
    }

    /// Every key in a slot of its own, where `direct_slot` sends it.
    fn check_direct(keys: &[&[u8]]) -> Direct {
        let table = direct(keys).expect("a direct table");
        let bits = table.slots.len().trailing_zeros();
        for (index, key) in keys.iter().enumerate() {
            let (first, last) = ends(key);
            let at = direct_slot(key.len(), first, last, table.seed, bits);
            assert_eq!(table.slots[at], Some(index), "key {:?}", key);
        }
        assert_eq!(table.slots.iter().flatten().count(), keys.len());
        table
    }

    #[test]
    fn direct_tables_are_small_when_the_keys_are_few() {
        let github: Vec<String> = ["/", "/user", "/users", "/user/repos", "/rate_limit"]
            .iter()
            .map(|k| k.to_string())
            .chain((0..22).map(|i| format!("/static/path/number/{i}")))
            .collect();
        let keys: Vec<&[u8]> = github.iter().map(|k| k.as_bytes()).collect();
        assert!(check_direct(&keys).slots.len() <= 4 * 32);
        assert_eq!(check_direct(&[b"/only"]).slots.len(), 2);
        assert!(direct(&[]).is_some());
        let numbered: Vec<String> = (0..200)
            .map(|i| format!("/static/route/number/{i}"))
            .collect();
        let keys: Vec<&[u8]> = numbered.iter().map(|k| k.as_bytes()).collect();
        assert_eq!(check_direct(&keys).slots.len(), 256);
    }

    #[test]
    fn no_direct_table_for_keys_with_the_same_ends_or_too_many_keys() {
        assert_eq!(
            direct(&[b"/abcdefgh-1-ijklmnop", b"/abcdefgh-2-ijklmnop"]),
            None
        );
        let many: Vec<String> = (0..1000).map(|i| format!("/users/{i}/profile")).collect();
        let keys: Vec<&[u8]> = many.iter().map(|k| k.as_bytes()).collect();
        assert_eq!(direct(&keys), None);
    }

    #[test]
    fn is_deterministic() {
        let keys: Vec<&[u8]> = vec![b"/a", b"/b", b"/c/d", b""];
        assert_eq!(build(&keys), build(&keys));
        assert_eq!(direct(&keys), direct(&keys));
    }
}
