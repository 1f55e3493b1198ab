//! The table-driven form of a generated router's segment tree, for large route sets.
//!
//! Up to a few thousand routes the code generator writes the tree as nested code, the fastest
//! walk. Above that, rustc's time and the binary grow with that code (33 s of debug build and
//! 2.5 MB of machine code at 10,000 routes), so the tree is written as the static arrays below
//! and [`Tree::find`] walks them: the same priority and backtracking, built in a fraction of the
//! time. The arrays hold integers only, so they need no relocations and cost no start-up.

use crate::__private::{every_slash_in, raw_word, same_bytes, slot, word_at};

/// `u32`s per node in `Tree::nodes`.
pub const NODE_FIELDS: usize = 4;
/// `u32`s per slot of the literal children's hash table, `Tree::literals`.
pub const LITERAL_FIELDS: usize = 4;
/// The flag of a node's `params` field (see [`Tree`]) that says it has parameter children or
/// catch-alls.
pub const HAS_PARAMS: u32 = 1 << 31;
/// `u32`s per parameter child in `Tree::params`.
pub const PARAM_FIELDS: usize = 6;
/// The bits of a literal slot's tag ([`literal_tag`]) that hold the parent's number.
pub const TAG_PARENT_BITS: u32 = 24;
/// The parent of a jump entry of `Tree::literals` (see [`Tree`]): nodes are numbered below.
pub const JUMP_PARENT: u32 = (1 << TAG_PARENT_BITS) - 1;
/// The tag of an empty slot of `Tree::literals`: its length bits are none that
/// [`literal_tag`] makes.
pub const EMPTY_SLOT: u32 = u32::MAX;
/// A tag's length for a text longer than a word.
const LONG_TEXT: usize = 9;
/// `0x01` in every byte of a word.
const BYTES_1: u64 = u64::from_ne_bytes([0x01; 8]);
/// `0x80` in every byte of a word: each byte's high bit.
const BYTES_80: u64 = u64::from_ne_bytes([0x80; 8]);

/// The tag of a literal slot (see [`Tree`]): the parent's number (below [`JUMP_PARENT`], or
/// that) and above it the text's length, or `LONG_TEXT` for any text longer than a word.
#[inline(always)]
pub const fn literal_tag(parent: u32, len: usize) -> u32 {
    let len = if len < LONG_TEXT { len } else { LONG_TEXT };
    parent | (len as u32) << TAG_PARENT_BITS
}

/// A segment tree as static arrays. Node 0 is the root; its first segment starts at byte 0.
///
/// Each node is [`NODE_FIELDS`] `u32`s of `nodes`, `[leaves, catch_alls, params, filter]`:
/// 16 bytes, so that four share a cache line. A node's ranges end where the next node's begin
/// (nodes are numbered in the order their ranges are written, and `nodes` ends with one record
/// past the last node to close them):
/// - `leaves..catch_alls` are the routes that end at the node, and `catch_alls` to the next
///   node's `leaves` the routes whose catch-all takes the rest of the path from the node's next
///   segment. Both index `leaves`, whose entries are `(route, packed)`: the route's number, which
///   the walk hands back as it is (the generator chooses it: its `route_of` builds the route's
///   variant from it), and where its method mask is in `leaves` (the low 24 bits) with, for a
///   catch-all, its capture slot (the high 8 bits). `leaves` begins with the route set's
///   distinct method masks, each as its `(low, high)` halves: there are few, so they stay in
///   cache, and a leaf takes 8 bytes where a mask of its own took 16.
/// - `params` to the next node's `params` are the parameter children in priority order (in
///   `params`). The top bit is not part of the index but the flag [`HAS_PARAMS`], set when the
///   node has parameter children or catch-alls, so that a walk down literals never reads the
///   next record.
/// - `filter` is a 32-bit filter of the node's literal children: bit [`filter_bit`] of each
///   child's hash is set, so that a segment whose bit is clear (most parameter values) skips
///   the hash table, and a node without literal children has an empty filter.
///
/// The literal children of every node share one hash table (hash and displace, as the static
/// routes' table): the key is the parent's number and the segment's text, hashed by
/// [`literal_key`] with `seed` while the walk scans the segment for its end. A slot of
/// `literals` is 16 bytes, `[tag, child, low, high]` (`tag` is [`EMPTY_SLOT`] in an empty
/// slot): the tag is the parent's number and the text's length ([`literal_tag`]), and
/// `(low, high)` the text itself when it fits a word (its bytes, zero above them), or else
/// where it starts in `text` and its length. Finding a literal child is then one hash, two
/// array reads and two comparisons, however many siblings it has, and reads `text` only for
/// segments longer than a word.
///
/// A parameter child is `[prefix start, prefix end, suffix start, suffix end, child node, capture
/// slot]` with the affixes in `text`, a plain parameter having an empty prefix and suffix.
///
/// **Jumps.** A node whose ancestors have neither parameter children nor catch-alls is reached
/// by one path only, its literal prefix: the walk can go there directly, and if the node's
/// subtree fails, no ancestor has anything else to try. When `jump_depth` is not zero, every
/// such node `jump_depth` segments down is also in `literals`, under the parent [`JUMP_PARENT`]
/// and keyed by its whole prefix (its segments and the `/` between them, hashed by [`jump_key`]).
/// A walk first reads the path's first `jump_depth` segments in one scan and looks them up
/// there: one probe instead of one per segment. A path without an entry walks from the root,
/// unless `jumps_cover` says that no node above the jumps' depth has a parameter child or a
/// catch-all: every node at that depth then has an entry, and a path with that many segments
/// but no entry matches nothing.
#[derive(Debug)]
pub struct Tree {
    nodes: &'static [Record],
    literals: &'static [[u32; LITERAL_FIELDS]],
    displacements: &'static [u8],
    seed: u64,
    params: &'static [[u32; PARAM_FIELDS]],
    leaves: &'static [(u32, u32)],
    text: &'static str,
    jump_depth: u32,
    jumps_cover: bool,
}

/// A generated router's tree, named by a type: the generated code implements it for a unit
/// struct of its own, and the walk ([`Tree::find`]) is compiled for that type. The tables'
/// addresses and lengths are then constants in the walk's machine code: it reads no fields of a
/// `Tree` and spills none of them to the stack (a walk over `&self` loaded all thirteen words
/// on entry and spilled them, about 50 instructions a call), and an index checked against a
/// constant length often needs no check at all.
pub trait Tables {
    /// The router's tree.
    const TREE: &'static Tree;
}

/// The bits of a leaf's packed field (see [`Tree`]) that hold where its method mask is; the ones
/// above hold its capture slot.
pub const LEAF_MASK_BITS: u32 = 24;

/// A leaf's packed field: `mask_at`, where its method mask is in `leaves`, and its capture
/// `slot`. The generator packs with this and the walk unpacks with `leaf_mask_at` and
/// `leaf_slot`, so they cannot disagree.
pub const fn leaf_packed(mask_at: u32, slot: u32) -> u32 {
    mask_at | slot << LEAF_MASK_BITS
}

#[inline(always)]
fn leaf_mask_at(packed: u32) -> usize {
    (packed & ((1 << LEAF_MASK_BITS) - 1)) as usize
}

#[inline(always)]
fn leaf_slot(packed: u32) -> u32 {
    packed >> LEAF_MASK_BITS
}

/// A 64-bit word as the generated `u32` arrays hold it: `(low, high)`. `joined` undoes it.
pub const fn halves(word: u64) -> (u32, u32) {
    (word as u32, (word >> 32) as u32)
}

#[inline(always)]
fn joined(low: u32, high: u32) -> u64 {
    u64::from(low) | u64::from(high) << 32
}

/// A node of `Tree::nodes`.
type Record = [u32; NODE_FIELDS];

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// The key of a literal child in `Tree::literals`: the hash of `text` under the node
/// numbered `parent`, and the head word of `text` (its first eight bytes, little-endian, zero
/// above a shorter text). `text` is one segment (it has no `/`). The walk computes the same
/// key while it scans the path's segment for its end; this is that scan run on the text alone,
/// so the generator and the walk cannot disagree.
pub fn literal_key(parent: u32, text: &str, seed: u64) -> (u64, u64) {
    let scan = scan_segment(text.as_bytes(), 0, parent, seed);
    (scan.hash, scan.head)
}

/// The key of a jump entry in `Tree::literals` (see [`Tree`]): the hash of `prefix`, the
/// first `depth` segments of a path (`depth - 1` slashes), and its head word. The walk computes
/// the same key as it reads the path's first `depth` segments; this is that scan run on the
/// prefix alone, so the generator and the walk cannot disagree.
///
/// # Panics
/// If `prefix` has fewer than `depth - 1` slashes.
pub fn jump_key(prefix: &str, depth: u32, seed: u64) -> (u64, u64) {
    let scan = scan_prefix(prefix.as_bytes(), depth, seed).expect("a prefix of `depth` segments");
    (scan.hash, scan.head)
}

/// The bit of a node's literal filter that a segment with this hash sets (see [`Tree`]): the
/// top five bits of the hash, its best mixed.
pub fn filter_bit(hash: u64) -> u32 {
    1 << (hash >> 59)
}

/// A segment as [`scan_segment`] read it.
struct Scan {
    /// Where the segment ends: the next `/` or the end of the path.
    end: usize,
    /// The segment's hash under the node being dispatched.
    hash: u64,
    /// The segment's first eight bytes (fewer, zero above them).
    head: u64,
}

/// The end of the segment of `bytes` that starts at `start`, its hash under `node` and its
/// head word, in one pass of eight bytes at a time: a word with a `/` is found with the "has
/// zero byte" test on the word xor `////////`, and the segment's bytes of that word are the last
/// ones hashed.
#[inline(always)]
fn scan_segment(bytes: &[u8], start: usize, node: u32, seed: u64) -> Scan {
    let mut h = seed ^ u64::from(node).wrapping_mul(K);
    let (word, taken) = word_at(bytes, start);
    // Most segments end in their first word, which is then both the head and the last word.
    let (head, end, last) = if taken < 8 {
        (word, start + taken, word)
    } else {
        // A whole word: the head is all of it.
        let mut at = start;
        let (mut word, mut taken) = (word, taken);
        let head = word;
        while taken == 8 {
            h = (h ^ word).wrapping_mul(K).rotate_left(31);
            at += 8;
            (word, taken) = word_at(bytes, at);
        }
        (head, at + taken, word)
    };
    // The last word holds fewer than eight of the segment's bytes, so its high byte is free
    // for the length (so that keys differing only by trailing NUL bytes hash apart). One
    // multiplication mixes it all into the high bits, which are the ones read: the filter bit
    // and the bucket come from the top of the hash, the slot from all of it (`slot`).
    let length = ((end - start) as u64) << 56;
    Scan {
        end,
        hash: (h ^ last ^ length).wrapping_mul(K),
        head,
    }
}

/// The first `segments` segments of `bytes` (at least one), their hash as a jump entry's key
/// and their head word; `None` when the path has fewer. One pass of eight bytes at a time, as
/// [`scan_segment`], but through `segments - 1` slashes: the prefix ends at the next slash
/// after those, or at the path's end.
#[inline(always)]
fn scan_prefix(bytes: &[u8], segments: u32, seed: u64) -> Option<Scan> {
    let mut h = seed ^ u64::from(JUMP_PARENT).wrapping_mul(K);
    // Segment ends still to find: each slash is one, the path's end the last.
    let mut left = u64::from(segments);
    let mut at = 0;
    let mut head = None;
    let (end, last) = loop {
        let (word, available) = raw_word(bytes, at);
        // Byte `i` of `counts` is the number of slashes in bytes `0..=i` (one bit a slash,
        // summed upwards by the multiplication; at most eight, so no byte carries), and the
        // prefix ends at the first slash where it reaches `left`: the bytes where `counts +
        // 0x80 - left` sets the high bit. No loop over the slashes, whose count varies from
        // path to path and mispredicted (callgrind, scale_10000 misses; BENCHMARKS.md).
        // (No byte of a word counts more than eight slashes, so a `left` above that is as
        // good as nine.)
        let counts = (every_slash_in(word) >> 7).wrapping_mul(BYTES_1);
        let reached = counts.wrapping_add((0x80 - left.min(9)) * BYTES_1) & BYTES_80;
        if reached != 0 {
            let below = (reached ^ (reached - 1)) >> 8;
            break (at + (reached.trailing_zeros() / 8) as usize, word & below);
        }
        // Byte 7 counts the word's slashes (bytes past the path's end read as zero, not as
        // slashes).
        left -= counts >> 56;
        if available < 8 {
            // The path ends in this word.
            if left == 1 {
                break (at + available, word);
            }
            return None;
        }
        head.get_or_insert(word);
        h = (h ^ word).wrapping_mul(K).rotate_left(31);
        at += 8;
    };
    // As in `scan_segment`: the last word has fewer than eight bytes of the prefix.
    let length = (end as u64) << 56;
    Some(Scan {
        end,
        hash: (h ^ last ^ length).wrapping_mul(K),
        head: head.unwrap_or(last),
    })
}

/// Where a walk is: the request and what it found so far.
struct Walk<'w, 'p> {
    path: &'p str,
    method: u64,
    /// Each capture slot's value, as where it starts and ends in `path`: the path is sliced
    /// only for the route found, and only its parameters ([`captures`]). A `&str` sliced at
    /// each parameter checked both ends for a character boundary, and whether an end was the
    /// path's end varied from path to path and mispredicted (callgrind, scale_10000 misses;
    /// BENCHMARKS.md); slicing every slot of the route found cost github as tables 80
    /// instructions a lookup.
    spans: &'w mut [(usize, usize)],
    allowed: &'w mut u64,
}

/// The outcome of trying a child of a node ([`Tree::follow`]) or all its parameter children
/// ([`Tree::parameter_child`]).
enum Next {
    /// The walk found this route.
    Found(u32),
    /// The walk goes on with this node (its number and record) on the next segment.
    Dispatch(usize, &'static Record),
    /// Nothing matched there: try the next candidate.
    Fail,
}

impl Tree {
    /// The tree of the generated arrays (see [`Tree`]); `nodes` holds one record past the last
    /// node.
    #[allow(clippy::too_many_arguments)]
    pub const fn __new(
        nodes: &'static [u32],
        literals: &'static [u32],
        displacements: &'static [u8],
        seed: u64,
        params: &'static [u32],
        leaves: &'static [(u32, u32)],
        text: &'static str,
        jump_depth: u32,
        jumps_cover: bool,
    ) -> Tree {
        // Records as fixed-size arrays: one bounds check each, on the record's number.
        Tree {
            nodes: nodes.as_chunks().0,
            literals: literals.as_chunks().0,
            displacements,
            seed,
            params: params.as_chunks().0,
            leaves,
            text,
            jump_depth,
            jumps_cover,
        }
    }

    /// The number (see [`Tree`]) of the first route, in priority order, whose pattern matches
    /// `path` and whose method mask meets `method`, in the tree of `T` (see [`Tables`]), with
    /// its parameters in `spans`: slot `i` of a route with `n` parameters (`i < n`) is where
    /// its parameter `i` starts and ends in `path`, which [`captures`] slices. The masks of
    /// routes whose pattern matches but whose method does not are or-ed into `allowed` (for a
    /// 405). A route compiled out by its `cfg` has an empty mask: it matches nothing and
    /// allows nothing.
    ///
    /// `_tables` is the value of `T`: taking one is what makes the generated unit struct
    /// constructed, hence not dead code.
    pub fn find<T: Tables, const SLOTS: usize>(
        _tables: T,
        path: &str,
        method: u64,
        spans: &mut [(usize, usize); SLOTS],
        allowed: &mut u64,
    ) -> Option<u32> {
        let tree = T::TREE;
        let walk = &mut Walk {
            path,
            method,
            spans,
            allowed,
        };
        let bytes = path.as_bytes();
        if tree.jump_depth != 0
            && let Some(scan) = scan_prefix(bytes, tree.jump_depth, tree.seed)
        {
            if let Some(node) = tree.literal_child(JUMP_PARENT, &scan, bytes, 0) {
                // Nothing above the node has anything else to try (see `Tree`).
                return match Tree::follow::<T>(node, scan.end, false, walk) {
                    Next::Found(route) => Some(route),
                    _ => None,
                };
            }
            if tree.jumps_cover {
                return None;
            }
        }
        Tree::dispatch::<T>(0, &tree.nodes[0], 0, walk)
    }

    /// The bytes of `text` from `start` to `end`.
    fn text(&self, start: u32, end: u32) -> &'static [u8] {
        &self.text.as_bytes()[start as usize..end as usize]
    }

    /// Tries the children of `node` (whose record is `fields`) on the segment starting at
    /// `start`: the literal child with the segment's text, then the parameter children in
    /// order, then the catch-alls. The last candidate of a node is followed in this loop
    /// rather than by a call, with the record already read: on a typical path only a literal
    /// tried before a parameter costs a call.
    fn dispatch<T: Tables>(
        mut node: usize,
        mut fields: &'static Record,
        mut start: usize,
        walk: &mut Walk<'_, '_>,
    ) -> Option<u32> {
        let tree = T::TREE;
        let bytes = walk.path.as_bytes();
        loop {
            let filter = fields[3];
            let end = if filter == 0 {
                segment_end_by_words(bytes, start)
            } else {
                // `node` fits in a `u32`: it is numbered through the `u32` fields.
                let scan = scan_segment(bytes, start, node as u32, tree.seed);
                if filter & filter_bit(scan.hash) != 0
                    && let Some(child) = tree.literal_child(node as u32, &scan, bytes, start)
                {
                    let last = !has_params(fields);
                    match Tree::follow::<T>(child, scan.end, last, walk) {
                        Next::Found(route) => return Some(route),
                        Next::Dispatch(child, record) => {
                            (node, fields, start) = (child, record, scan.end + 1);
                            continue;
                        }
                        Next::Fail => {}
                    }
                }
                scan.end
            };
            match Tree::parameter_child::<T>(node, fields, start, end, walk) {
                Next::Found(route) => return Some(route),
                Next::Dispatch(child, record) => (node, fields, start) = (child, record, end + 1),
                Next::Fail => return None,
            }
        }
    }

    /// Tries `child`, a child of the node being dispatched whose segment ends at `end` (the end
    /// of the path, or the `/` before the next segment). The last candidate of a node (`last`)
    /// is not followed by a call but handed back to the caller's loop, with its record: nothing
    /// remains to backtrack to, and a child without children of its own fails there on the
    /// next segment.
    #[inline(always)]
    fn follow<T: Tables>(child: usize, end: usize, last: bool, walk: &mut Walk<'_, '_>) -> Next {
        let record = &T::TREE.nodes[child];
        if end == walk.path.len() {
            let route = Tree::first_allowed::<T>(record[0], record[1], walk);
            return route.map_or(Next::Fail, Next::Found);
        }
        if last {
            return Next::Dispatch(child, record);
        }
        if has_children(record)
            && let Some(route) = Tree::dispatch::<T>(child, record, end + 1, walk)
        {
            return Next::Found(route);
        }
        Next::Fail
    }

    /// Tries the parameter children of `node` (whose record is `fields`), then its catch-alls,
    /// on the segment `start..end`.
    #[inline(always)]
    fn parameter_child<T: Tables>(
        node: usize,
        fields: &'static Record,
        start: usize,
        end: usize,
        walk: &mut Walk<'_, '_>,
    ) -> Next {
        let tree = T::TREE;
        // The ranges end where the next node's begin.
        let next = &tree.nodes[node + 1];
        let (catch_alls, leaves_end) = (fields[1], next[0]);
        let (params, params_end) = (fields[2] & !HAS_PARAMS, next[2] & !HAS_PARAMS);
        let (params, params_end) = (params as usize, params_end as usize);
        let has_catch_alls = catch_alls < leaves_end;
        let bytes = walk.path.as_bytes();
        let segment = bytes.get(start..end).unwrap_or_default();
        for param in params..params_end {
            let [prefix, prefix_end, suffix, suffix_end, child, slot] = tree.params[param];
            let value = if prefix == prefix_end && suffix == suffix_end {
                (!segment.is_empty()).then_some((start, end))
            } else {
                let (prefix, suffix) =
                    (tree.text(prefix, prefix_end), tree.text(suffix, suffix_end));
                (segment.len() > prefix.len() + suffix.len()
                    && segment.starts_with(prefix)
                    && segment.ends_with(suffix))
                .then(|| (start + prefix.len(), end - suffix.len()))
            };
            let Some(value) = value else { continue };
            walk.spans[slot as usize] = value;
            let last = param + 1 == params_end && !has_catch_alls;
            match Tree::follow::<T>(child as usize, end, last, walk) {
                Next::Fail => {}
                found_or_next => return found_or_next,
            }
        }
        if has_catch_alls && start < bytes.len() {
            let slot = leaf_slot(tree.leaves[catch_alls as usize].1);
            walk.spans[slot as usize] = (start, bytes.len());
            if let Some(route) = Tree::first_allowed::<T>(catch_alls, leaves_end, walk) {
                return Next::Found(route);
            }
        }
        Next::Fail
    }

    /// The literal child of `node` whose text is the segment of `bytes` from `start`, as `scan`
    /// read it: the one slot the segment's hash leads to, confirmed by its length and head word
    /// (and the rest of its text, for a segment longer than a word).
    #[inline(always)]
    fn literal_child(&self, node: u32, scan: &Scan, bytes: &[u8], start: usize) -> Option<usize> {
        let slot = slot(scan.hash, self.displacements, self.literals.len());
        let [tag, child, low, high] = self.literals[slot];
        let len = scan.end - start;
        if tag != literal_tag(node, len) {
            return None;
        }
        let same = if len < LONG_TEXT {
            joined(low, high) == scan.head
        } else {
            let (at, text_len) = (low as usize, high as usize);
            text_len == len
                && same_long_text(
                    self.text.as_bytes().get(at..at + len)?,
                    bytes.get(start..scan.end)?,
                )
        };
        same.then_some(child as usize)
    }

    /// The first route of `leaves[from..to]` whose mask meets the method; records the others'
    /// masks. Out of line: inlined at its two sites, it cost 22 instructions a lookup in spilled
    /// registers (callgrind, github as tables).
    #[inline(never)]
    fn first_allowed<T: Tables>(from: u32, to: u32, walk: &mut Walk<'_, '_>) -> Option<u32> {
        let leaves = T::TREE.leaves;
        for &(route, packed) in &leaves[from as usize..to as usize] {
            let (low, high) = leaves[leaf_mask_at(packed)];
            let mask = joined(low, high);
            if walk.method & mask != 0 {
                return Some(route);
            }
            *walk.allowed |= mask;
        }
        None
    }
}

/// Where the segment of `bytes` that starts at `start` ends: the next `/` or the end of the
/// path. Unlike the code form's `segment_end`, a word at a time to the last, as
/// [`scan_segment`] reads it: a byte loop at the path's end ran a varying count and
/// mispredicted (callgrind, scale_10000 misses; BENCHMARKS.md).
#[inline(always)]
fn segment_end_by_words(bytes: &[u8], start: usize) -> usize {
    let mut at = start;
    loop {
        let (_, taken) = word_at(bytes, at);
        at += taken;
        if taken < 8 {
            return at;
        }
    }
}

/// Whether `a` and `b`, texts longer than a word (a jump's prefix, a long literal), hold the
/// same bytes. Their first, middle and last words cover 24 bytes with no branch on the length:
/// a loop over the words ran a count that varies from path to path and mispredicted (callgrind,
/// scale_10000 misses; BENCHMARKS.md). Longer texts compare the rest after those.
#[inline(always)]
fn same_long_text(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() || len < 8 {
        return len == b.len() && same_bytes(a, b);
    }
    let word = |text: &[u8], at: usize| {
        let word = text.get(at..).and_then(<[u8]>::first_chunk::<8>);
        word.map_or(0, |word| u64::from_ne_bytes(*word))
    };
    let (middle, last) = ((len - 8).min(8), len - 8);
    let differ = (word(a, 0) ^ word(b, 0))
        | (word(a, middle) ^ word(b, middle))
        | (word(a, last) ^ word(b, last));
    differ == 0 && (len <= 24 || same_bytes(&a[16..], &b[16..]))
}

/// The first `N` captures of the route that [`Tree::find`] found (the generated code knows
/// how many the route has), sliced from `path` at their `spans`.
///
/// # Panics
/// If `N` is more than `SLOTS`, or a span is not one that `find` recorded in `path`: the walk
/// records spans on character boundaries only (a segment's ends are a `/` or the path's ends,
/// and a parameter's affixes are whole text).
#[inline(always)]
pub fn captures<'p, const N: usize, const SLOTS: usize>(
    path: &'p str,
    spans: &[(usize, usize); SLOTS],
) -> [&'p str; N] {
    core::array::from_fn(|slot| {
        let (start, end) = spans[slot];
        &path[start..end]
    })
}

/// Whether a node has parameter children or catch-alls ([`HAS_PARAMS`]): a node without has
/// nothing to come back to once its literal child is found.
#[inline(always)]
fn has_params(record: &Record) -> bool {
    record[2] & HAS_PARAMS != 0
}

/// Whether a node has anything to try on a further segment: a parameter child, a catch-all or
/// a literal child (a non-empty filter). A node without is a dead end for a longer path.
#[inline(always)]
fn has_children(record: &Record) -> bool {
    has_params(record) || record[3] != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the segment from `start` ends, a byte at a time: the reference for the word scans.
    fn byte_scan_end(path: &str, start: usize) -> usize {
        path[start..].find('/').map_or(path.len(), |at| start + at)
    }

    /// The first eight bytes of `text`, little-endian, zero above a shorter text.
    fn head_of(text: &str) -> u64 {
        let mut head = [0; 8];
        let len = text.len().min(8);
        head[..len].copy_from_slice(&text.as_bytes()[..len]);
        u64::from_le_bytes(head)
    }

    #[test]
    fn the_walk_reads_a_segment_as_the_generator_reads_its_text() {
        let path = "/api/v1/exactly8/x/longer-than-eight-bytes/a\0/a//";
        let mut start = 1;
        while start <= path.len() {
            let scan = scan_segment(path.as_bytes(), start, 7, 42);
            let segment = &path[start..scan.end];
            assert_eq!(
                scan.end,
                byte_scan_end(path, start),
                "{path:?} from {start}"
            );
            assert_eq!(
                (scan.hash, scan.head),
                literal_key(7, segment, 42),
                "{segment:?}"
            );
            assert_eq!(scan.head, head_of(segment), "{segment:?}");
            start = scan.end + 1;
        }
        // Short paths (under one word) take the byte-by-byte tail.
        for path in ["/", "/a", "/ab/c", "/abcdef"] {
            let scan = scan_segment(path.as_bytes(), 1, 0, 1);
            let segment = &path[1..scan.end];
            assert_eq!(
                (scan.hash, scan.head),
                literal_key(0, segment, 1),
                "{path:?}"
            );
            assert_eq!(scan.head, head_of(segment), "{segment:?}");
        }
    }

    #[test]
    fn the_walk_reads_a_prefix_as_the_generator_reads_its_text() {
        // Segments of every length around a word, empty ones, and multi-byte characters.
        let paths = [
            "",
            "/",
            "//",
            "/a",
            "/api/v1/users/x12/comments",
            "/exactly8/abcdefg/abcdefgh/",
            "/1234567/12345678/123456789/1234567890123456/x",
            "/\u{e9}t\u{e9}/\u{20ac}\u{20ac}\u{20ac}/a//b/",
            "no/leading/slash",
            // Deeper than a word has slashes, and past the window of the scan without a loop.
            "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u",
            "////////////////////////////////////////",
        ];
        for path in paths {
            let segments = path.bytes().filter(|&b| b == b'/').count() as u32 + 1;
            for depth in 1..=segments + 2 {
                let scan = scan_prefix(path.as_bytes(), depth, 42);
                let ends = (0..path.len()).filter(|&i| path.as_bytes()[i] == b'/');
                let Some(end) = ends.chain([path.len()]).nth(depth as usize - 1) else {
                    assert!(scan.is_none(), "{path:?} has fewer than {depth} segments");
                    continue;
                };
                let scan = scan.unwrap_or_else(|| panic!("{path:?} at depth {depth}"));
                let prefix = &path[..end];
                assert_eq!(scan.end, end, "{path:?} at depth {depth}");
                assert_eq!(
                    (scan.hash, scan.head),
                    jump_key(prefix, depth, 42),
                    "{prefix:?}"
                );
                assert_eq!(scan.head, head_of(prefix), "{prefix:?}");
            }
        }
    }

    #[test]
    fn the_walk_reads_every_segment_end_and_head_as_a_byte_scan_does() {
        // Paths of 0 to 40 bytes with slashes in pseudo-random places, from every start: the
        // segment's words, read up to the path's end, must hold exactly its bytes.
        let mut state = 0x0bad_cafe_u64;
        for case in 0..4000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = case % 41;
            let mut buffer = [0u8; 40];
            for (i, byte) in buffer.iter_mut().enumerate() {
                *byte = match state.rotate_left(5 * i as u32) & 3 {
                    0 => b'/',
                    _ => b'a' + i as u8 % 26,
                };
            }
            let path = core::str::from_utf8(&buffer[..len]).unwrap();
            for start in 0..=len {
                let expected = byte_scan_end(path, start);
                let scan = scan_segment(path.as_bytes(), start, 3, 5);
                assert_eq!(scan.end, expected, "{path:?} from {start}");
                assert_eq!(
                    segment_end_by_words(path.as_bytes(), start),
                    expected,
                    "{path:?} from {start}"
                );
                assert_eq!(
                    scan.head,
                    head_of(&path[start..expected]),
                    "{path:?} from {start}"
                );
            }
        }
    }

    #[test]
    fn captures_slices_the_routes_own_slots() {
        let path = "/users/x12/rev-3/files/a/b";
        let spans = [(7, 10), (15, 16), (23, 26), (0, 0)];
        assert_eq!(captures::<3, 4>(path, &spans), ["x12", "3", "a/b"]);
        assert_eq!(captures::<0, 4>(path, &spans), [""; 0]);
    }

    #[test]
    fn same_long_text_compares_length_and_every_byte() {
        // Lengths on both sides of one, two and three words, and a difference at every byte.
        let text = b"/api/v12/playlists/abcdefghijklmnopqrstuvwxyz/0123456789";
        for len in 0..text.len() {
            let a = &text[..len];
            let mut copy = [0; 64];
            copy[..len].copy_from_slice(a);
            assert!(same_long_text(a, &copy[..len]), "{len}");
            assert!(!same_long_text(a, &text[..len + 1]), "{len}");
            for at in 0..len {
                let mut b = *text;
                b[at] ^= 0x20;
                assert!(!same_long_text(a, &b[..len]), "{len}, byte {at}");
            }
        }
    }

    #[test]
    fn every_slash_in_marks_each_slash_exactly() {
        // `0x2f` next to the bytes that fool the lowest-bit test: `0x2e`, `0x30`, `0xaf`.
        for bytes in [
            *b"//./0/\xaf/",
            *b"a/b/c/d/",
            *b"////////",
            *b"\0\0\0\0\0\0\0\0",
        ] {
            let expected = (0..8)
                .filter(|&i| bytes[i] == b'/')
                .fold(0, |mask, i| mask | 0x80 << (8 * i));
            assert_eq!(
                every_slash_in(u64::from_le_bytes(bytes)),
                expected,
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn a_jump_key_tells_apart_depths_and_texts() {
        let key = |prefix, depth| jump_key(prefix, depth, 9).0;
        assert_ne!(key("/api/v1", 3), key("/api/v2", 3));
        assert_ne!(key("/api/v1", 3), key("/api/v1/", 4));
        assert_ne!(key("/api/v1", 3), jump_key("/api/v1", 3, 10).0);
    }

    #[test]
    fn the_hash_tells_apart_nodes_seeds_lengths_and_bytes() {
        let hash = |parent, text, seed| literal_key(parent, text, seed).0;
        let base = hash(3, "users", 9);
        assert_ne!(base, hash(4, "users", 9));
        assert_ne!(base, hash(3, "users", 10));
        assert_ne!(base, hash(3, "usert", 9));
        assert_ne!(hash(3, "", 9), hash(3, "\0", 9));
        assert_ne!(hash(3, "abcdefgh", 9), hash(3, "abcdefgh\0", 9));
        assert_ne!(hash(3, "abcdefgh-1", 9), hash(3, "abcdefgh-2", 9));
    }
}
