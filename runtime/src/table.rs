//! The table-driven form of a generated router's segment tree, for large route sets.
//!
//! Up to a few thousand routes the code generator writes the tree as nested code, the fastest
//! walk. Above that, rustc's time and the binary grow with that code (33 s of debug build and
//! 2.5 MB of machine code at 10,000 routes), so the tree is written as the static arrays below
//! and [`Tree::find`] walks them: the same priority and backtracking, built in a fraction of the
//! time. The arrays hold integers only, so they need no relocations and cost no start-up.

use core::cmp::Ordering;

use crate::__private::segment_end;

/// `u32`s per node in [`Tree::nodes`].
pub const NODE_FIELDS: usize = 8;
/// `u32`s per literal child in [`Tree::edges`].
pub const EDGE_FIELDS: usize = 3;
/// `u32`s per parameter child in [`Tree::params`].
pub const PARAM_FIELDS: usize = 5;

/// A segment tree as static arrays. Node 0 is the root; its first segment starts at byte 0.
///
/// Each node is [`NODE_FIELDS`] `u32`s of `nodes`:
/// `[leaves, catch_alls, leaves_end, edges, edges_end, params, params_end, captured]`, where
/// `leaves..catch_alls` are the routes that end at the node, `catch_alls..leaves_end` the routes
/// whose catch-all takes the rest of the path from the node's next segment (both index `routes`
/// and `masks`), `edges..edges_end` index the literal children (in `edges`, sorted by text),
/// `params..params_end` the parameter children in priority order (in `params`), and `captured`
/// is the capture slot of the node's parameter or catch-all child.
///
/// A literal child is `[text start, text end, child node]` with the text in `text`; a parameter
/// child is `[prefix start, prefix end, suffix start, suffix end, child node]`, a plain parameter
/// having an empty prefix and suffix.
#[derive(Debug)]
pub struct Tree {
    nodes: &'static [u32],
    edges: &'static [u32],
    params: &'static [u32],
    routes: &'static [u32],
    masks: &'static [u64],
    text: &'static str,
}

/// Where a walk is: the request and what it found so far.
struct Walk<'w, 'p> {
    path: &'p str,
    method: u64,
    caps: &'w mut [&'p str],
    allowed: &'w mut u64,
}

impl Tree {
    /// The tree of the generated arrays (see [`Tree`]).
    pub const fn __new(
        nodes: &'static [u32],
        edges: &'static [u32],
        params: &'static [u32],
        routes: &'static [u32],
        masks: &'static [u64],
        text: &'static str,
    ) -> Tree {
        Tree {
            nodes,
            edges,
            params,
            routes,
            masks,
            text,
        }
    }

    /// The first route, in priority order, whose pattern matches `path` and whose method mask
    /// meets `method`, with its parameters in `caps`. The masks of routes whose pattern
    /// matches but whose method does not are or-ed into `allowed` (for a 405). A route compiled
    /// out by its `cfg` has an empty mask: it matches nothing and allows nothing.
    pub fn find<'p>(
        &self,
        path: &'p str,
        method: u64,
        caps: &mut [&'p str],
        allowed: &mut u64,
    ) -> Option<u32> {
        let mut walk = Walk {
            path,
            method,
            caps,
            allowed,
        };
        self.dispatch(0, 0, &mut walk)
    }

    fn node(&self, node: usize) -> &'static [u32] {
        let start = node * NODE_FIELDS;
        &self.nodes[start..start + NODE_FIELDS]
    }

    fn text(&self, start: u32, end: u32) -> &'static str {
        &self.text[start as usize..end as usize]
    }

    /// Enters `node` with the previous segment ending at `end`: the end of the path, or the `/`
    /// before the next segment.
    fn enter(&self, node: usize, end: usize, walk: &mut Walk<'_, '_>) -> Option<u32> {
        let fields = self.node(node);
        if end == walk.path.len() {
            return self.first_allowed(fields[0], fields[1], walk);
        }
        if fields[1] == fields[2] && fields[3] == fields[4] && fields[5] == fields[6] {
            return None;
        }
        self.dispatch(node, end + 1, walk)
    }

    /// Tries the children of `node` on the segment starting at `start`: the literal child with
    /// the segment's text, then the parameter children in order, then the catch-alls.
    fn dispatch(&self, node: usize, start: usize, walk: &mut Walk<'_, '_>) -> Option<u32> {
        let fields = self.node(node);
        let path = walk.path;
        let seg_end = segment_end(path, start);
        let segment = &path[start..seg_end];
        let edges = &self.edges[fields[3] as usize * EDGE_FIELDS..fields[4] as usize * EDGE_FIELDS];
        if let Some(child) = self.literal_child(edges, segment)
            && let Some(route) = self.enter(child, seg_end, walk)
        {
            return Some(route);
        }
        let slot = fields[7] as usize;
        let params =
            &self.params[fields[5] as usize * PARAM_FIELDS..fields[6] as usize * PARAM_FIELDS];
        for param in params.chunks_exact(PARAM_FIELDS) {
            let (prefix, suffix) = (self.text(param[0], param[1]), self.text(param[2], param[3]));
            let value = if prefix.is_empty() && suffix.is_empty() {
                (!segment.is_empty()).then_some(segment)
            } else if segment.len() > prefix.len() + suffix.len()
                && segment.starts_with(prefix)
                && segment.ends_with(suffix)
            {
                Some(&segment[prefix.len()..segment.len() - suffix.len()])
            } else {
                None
            };
            if let Some(value) = value {
                walk.caps[slot] = value;
                if let Some(route) = self.enter(param[4] as usize, seg_end, walk) {
                    return Some(route);
                }
            }
        }
        if fields[1] < fields[2] && start < path.len() {
            walk.caps[slot] = &path[start..];
            return self.first_allowed(fields[1], fields[2], walk);
        }
        None
    }

    /// The child of the literal edge whose text is `segment`: a binary search, the edges being
    /// sorted by text.
    fn literal_child(&self, edges: &[u32], segment: &str) -> Option<usize> {
        let (mut low, mut high) = (0, edges.len() / EDGE_FIELDS);
        while low < high {
            let middle = low + (high - low) / 2;
            let edge = &edges[middle * EDGE_FIELDS..(middle + 1) * EDGE_FIELDS];
            match self.text(edge[0], edge[1]).cmp(segment) {
                Ordering::Less => low = middle + 1,
                Ordering::Greater => high = middle,
                Ordering::Equal => return Some(edge[2] as usize),
            }
        }
        None
    }

    /// The first of `routes[from..to]` whose mask meets the method; records the others' masks.
    fn first_allowed(&self, from: u32, to: u32, walk: &mut Walk<'_, '_>) -> Option<u32> {
        let (from, to) = (from as usize, to as usize);
        for (&route, &mask) in self.routes[from..to].iter().zip(&self.masks[from..to]) {
            if walk.method & mask != 0 {
                return Some(route);
            }
            *walk.allowed |= mask;
        }
        None
    }
}
