//! The segment tree as static arrays, walked by the runtime's `Tree::find`: the shape for
//! large route sets, where the tree as code would cost rustc too much (BENCHMARKS.md, "Build
//! cost").
//!
//! The arrays follow the layout documented on `routegen::__private::Tree`, with the runtime's
//! own constants and literal hash. The e2e crate builds one route set both ways and checks that every
//! path gets the same answer.

use std::collections::{BTreeMap, HashMap};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use routegen::__private::{
    EMPTY_SLOT, HAS_PARAMS, JUMP_PARENT, LEAF_MASK_BITS, LITERAL_FIELDS, NODE_FIELDS, PARAM_FIELDS,
    filter_bit, halves, jump_key, leaf_packed, literal_key, literal_tag,
};

use super::{Interned, cfg_attr, cfg_predicate, lit, long_str, mask_lit, variant_with};
use crate::compile::Node;
use crate::model::{Route, Router};
use crate::phf::{self, Placement};
use crate::validate::MAX_SEGMENTS;

/// The tree's arrays.
#[derive(Default)]
struct Flat {
    nodes: Vec<u32>,
    /// Every literal child as `(parent, text, child)`, then every jump entry as
    /// `(JUMP_PARENT, prefix, node)`, placed in a hash table by [`Flat::literal_table`].
    literals: Vec<(u32, String, u32)>,
    /// The nodes a walk could jump to (`routegen::__private::Tree`, "Jumps"): those whose
    /// ancestors have no parameter children or catch-alls, as `(depth, prefix, node, routes)`,
    /// `routes` being how many routes end in the node's subtree.
    jump_targets: Vec<(u32, String, u32, usize)>,
    /// How many segments a jump reads; 0 for none.
    jump_depth: u32,
    /// The least depth of a node with a parameter child or a catch-all whose ancestors have
    /// none: jumps to that depth or above cover every path that has as many segments.
    first_branch: u32,
    params: Vec<u32>,
    /// Route indices (into `router.routes`) of every node's leaves, then its catch-alls, each
    /// with its capture slot (a catch-all's; 0 for a leaf, which captures nothing).
    routes: Vec<(usize, u32)>,
    /// Where `routes` begins in `LEAVES`: after the method masks.
    first_leaf: usize,
    /// Every literal text and affix, each once.
    text: String,
    interned: HashMap<String, (u32, u32)>,
}

impl Flat {
    /// Numbers the nodes depth-first from the root (node 0): a node, then the subtrees of its
    /// parameter children, then those of its literal children. A walk goes down one path, so
    /// depth-first order keeps the nodes it reads close together (scale_10000 with breadth-first
    /// numbering: see BENCHMARKS.md). Parameter children come first because a walk reaches a
    /// literal child through the hash table, a cache miss away anyway, but its first parameter
    /// child through the node's own record: numbered next, that child's record is usually in
    /// the same cache line (callgrind, scale_10000: 10.28 -> 10.03 D1 misses a hit).
    fn of(root: &Node, first_leaf: usize) -> Flat {
        let mut flat = Flat {
            first_leaf,
            first_branch: u32::MAX,
            ..Flat::default()
        };
        flat.add(root, Some((0, String::new())));
        // One record past the last node: it closes the last node's ranges.
        let (leaves, params) = (flat.next_leaf(), u32_of(flat.params.len() / PARAM_FIELDS));
        flat.nodes.extend([leaves, leaves, params, 0]);
        flat.choose_jumps();
        flat
    }

    /// Writes `node` and its subtree; returns its number and how many routes end in the
    /// subtree. `reached` is the node's depth and literal prefix when no ancestor has a
    /// parameter child or a catch-all.
    fn add(&mut self, node: &Node, reached: Option<(u32, String)>) -> (u32, usize) {
        let number = u32_of(self.nodes.len() / NODE_FIELDS);
        assert!(
            number < JUMP_PARENT,
            "a route table holds fewer than 2^24 - 1 nodes"
        );
        let record = self.nodes.len();
        self.nodes.extend([0; NODE_FIELDS]);
        let leaves = self.next_leaf();
        let slot = u32_of(node.captured);
        self.routes
            .extend(node.leaves.iter().map(|&route| (route, 0)));
        let catch_alls = self.next_leaf();
        self.routes
            .extend(node.catch_all.iter().map(|&route| (route, slot)));
        // The parameter children's records come first (contiguous), their child numbers as
        // each subtree is written.
        let params = self.params.len() / PARAM_FIELDS;
        for param in &node.params {
            let (prefix, prefix_end) = self.intern(&param.prefix);
            let (suffix, suffix_end) = self.intern(&param.suffix);
            self.params
                .extend([prefix, prefix_end, suffix, suffix_end, 0, slot]);
        }
        let mut routes = node.leaves.len() + node.catch_all.len();
        let only_literals = node.params.is_empty() && node.catch_all.is_empty();
        // The literal children are reached too when this node does not branch on a parameter.
        let reaches_children = reached.as_ref().filter(|_| only_literals);
        // A parameter child is `[prefix, prefix_end, suffix, suffix_end, child, slot]`.
        const CHILD: usize = 4;
        for (at, param) in (params..).zip(&node.params) {
            let (child, child_routes) = self.add(&param.node, None);
            routes += child_routes;
            self.params[at * PARAM_FIELDS + CHILD] = child;
        }
        for (text, child) in &node.statics {
            let child_reached = reaches_children
                .map(|(depth, prefix)| (depth + 1, longer_prefix(*depth, prefix, text)));
            let (child, child_routes) = self.add(child, child_reached);
            routes += child_routes;
            self.literals.push((number, text.clone(), child));
        }
        if let Some((depth, prefix)) = reached {
            if !only_literals {
                self.first_branch = self.first_branch.min(depth);
            }
            self.jump_targets.push((depth, prefix, number, routes));
        }
        // The ranges end where the next node's begin: its record is written next, and nothing
        // is added to `routes` or `params` in between. The literal filter (the last field)
        // waits for the hash's seed: `literal_table`.
        let params = u32_of(params);
        assert!(
            params < HAS_PARAMS,
            "a route table holds fewer than 2^31 parameter children"
        );
        let flag = if node.params.is_empty() && node.catch_all.is_empty() {
            0
        } else {
            HAS_PARAMS
        };
        self.nodes[record..record + NODE_FIELDS].copy_from_slice(&[
            leaves,
            catch_alls,
            params | flag,
            0,
        ]);
        (number, routes)
    }

    /// Whether a path with `jump_depth` segments or more and no jump entry matches nothing: no
    /// node above that depth branches on a parameter (`routegen::__private::Tree`, "Jumps").
    fn jumps_cover(&self) -> bool {
        self.jump_depth != 0 && self.jump_depth <= self.first_branch
    }

    /// Picks the depth of the walk's jumps and adds the entries of that depth to `literals`.
    /// A jump to depth `d` saves a path that has an entry `d - 1` segment lookups, and costs
    /// a path that has none about one more: the depth whose routes gain the most (counting
    /// each route's path once), if any gains.
    fn choose_jumps(&mut self) {
        let total = self.routes.len();
        let mut covered: std::collections::BTreeMap<u32, usize> = Default::default();
        for &(depth, _, _, routes) in &self.jump_targets {
            *covered.entry(depth).or_default() += routes;
        }
        let gain = |(&depth, &routes): (&u32, &usize)| {
            let saved = routes * (depth as usize).saturating_sub(1);
            saved as i64 - (total - routes) as i64
        };
        let best = covered
            .iter()
            .max_by_key(|&entry| (gain(entry), std::cmp::Reverse(*entry.0)));
        let Some((&depth, _)) = best.filter(|&entry| gain(entry) > 0) else {
            return;
        };
        self.jump_depth = depth;
        for (at, prefix, node, _) in std::mem::take(&mut self.jump_targets) {
            if at == depth {
                self.literals.push((JUMP_PARENT, prefix, node));
            }
        }
    }

    /// The position in `LEAVES` of the next route added.
    fn next_leaf(&self) -> u32 {
        u32_of(self.first_leaf + self.routes.len())
    }

    /// The hash table of the literal children (layout: `routegen::__private::Tree`), with the
    /// placement's seed and displacements; sets each node's literal filter for that seed.
    fn literal_table(&mut self) -> (Vec<u32>, Placement) {
        let jump_depth = self.jump_depth;
        let key = move |parent: u32, text: &str, seed| match parent {
            JUMP_PARENT => jump_key(text, jump_depth, seed),
            _ => literal_key(parent, text, seed),
        };
        let placement = phf::place(self.literals.len(), |seed| {
            (self.literals.iter())
                .map(|(parent, text, _)| key(*parent, text, seed).0)
                .collect()
        });
        let mut slots = Vec::with_capacity(placement.slots.len() * LITERAL_FIELDS);
        for slot in &placement.slots {
            let Some(index) = *slot else {
                slots.extend([EMPTY_SLOT, 0, 0, 0]);
                continue;
            };
            // Each literal fills one slot, so its text is not needed in `literals` again.
            let (parent, text, child) = std::mem::take(&mut self.literals[index]);
            let (hash, head) = key(parent, &text, placement.seed);
            if parent != JUMP_PARENT {
                self.nodes[parent as usize * NODE_FIELDS + NODE_FIELDS - 1] |= filter_bit(hash);
            }
            // A text of up to a word is in the slot; a longer one in the text blob.
            let (low, high) = if text.len() <= 8 {
                halves(head)
            } else {
                (self.intern(&text).0, u32_of(text.len()))
            };
            slots.extend([literal_tag(parent, text.len()), child, low, high]);
        }
        (slots, placement)
    }

    /// The range of `text` in the text blob, added on first use.
    fn intern(&mut self, text: &str) -> (u32, u32) {
        if let Some(&range) = self.interned.get(text) {
            return range;
        }
        let start = u32_of(self.text.len());
        self.text.push_str(text);
        let range = (start, u32_of(self.text.len()));
        self.interned.insert(text.to_owned(), range);
        range
    }
}

/// The literal prefix of a node `depth` segments down whose prefix is `prefix`, extended by its
/// child `text`: segments joined by `/`, the root's segment (at `depth` 0) starting the path.
fn longer_prefix(depth: u32, prefix: &str, text: &str) -> String {
    if depth == 0 {
        text.to_owned()
    } else {
        format!("{prefix}/{text}")
    }
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).expect("a route table holds fewer than 2^32 entries")
}

// A leaf's capture slot (below `MAX_SEGMENTS`, the most parameters a pattern has) fits above
// its mask index.
const _: () = assert!(MAX_SEGMENTS <= 1 << (32 - LEAF_MASK_BITS));

/// The distinct method masks of the router's routes, each once in order of first use, as the
/// `(low, high)` halves that begin `LEAVES`; and each route's position among them. A
/// conditional route that the build leaves out gets an empty mask: it then matches no method and
/// adds none to a 405's `Allow`, as if it were not in the tree.
fn method_masks(router: &Router) -> (Vec<TokenStream>, Vec<u32>) {
    let mut interned = Interned::default();
    let mut masks = Vec::new();
    let mut mask_of = Vec::with_capacity(router.routes.len());
    for route in &router.routes {
        let mask = router.method_mask(route);
        let predicate = cfg_predicate(route);
        let at = interned.index_of((mask, predicate.as_ref().map(ToString::to_string)));
        if at == masks.len() {
            let half = |half: u32| {
                let value = mask_lit(half.into());
                match &predicate {
                    // Not `if cfg!(p) { 0 } else { 0 }`: clippy's `if_same_then_else`.
                    Some(p) if half != 0 => quote!(if ::core::cfg!(#p) { #value } else { 0 }),
                    _ => quote!(#value),
                }
            };
            let (low, high) = halves(mask);
            let (low, high) = (half(low), half(high));
            masks.push(quote!((#low, #high)));
        }
        let at = u32_of(at);
        assert!(
            at < 1 << LEAF_MASK_BITS,
            "a route table holds fewer than 2^24 distinct method sets"
        );
        mask_of.push(at);
    }
    (masks, mask_of)
}

/// The items `recognize` needs to walk the tree as tables (`TREE` and `route_of`), and the
/// statement that walks it: returns the route found, or falls through with `allowed` updated.
pub(super) fn tree(
    router: &Router,
    root: &Node,
    capture_slots: usize,
) -> (TokenStream, TokenStream) {
    let (masks, mask_of) = method_masks(router);
    let mut flat = Flat::of(root, masks.len());
    let (literal_slots, placement) = flat.literal_table();
    let ints = |values: &[u32]| -> Vec<Literal> {
        values.iter().map(|&v| Literal::u32_unsuffixed(v)).collect()
    };
    let (nodes, literals, params) = (ints(&flat.nodes), ints(&literal_slots), ints(&flat.params));
    let displacements: Vec<Literal> = (placement.displacements.iter())
        .map(|&d| Literal::u8_unsuffixed(d))
        .collect();
    let (node_count, literal_count, param_count, bucket_count) = (
        lit(nodes.len()),
        lit(literals.len()),
        lit(params.len()),
        lit(displacements.len()),
    );
    let seed = placement.seed;
    let jump_depth = Literal::u32_unsuffixed(flat.jump_depth);
    let jumps_cover = flat.jumps_cover();
    let numbers = route_numbers(router);
    let leaves = flat.routes.iter().map(|&(index, slot)| {
        let id = Literal::u32_unsuffixed(numbers[index]);
        // A capture slot is below MAX_SEGMENTS, so it fits the high bits (asserted above).
        let packed = Literal::u32_unsuffixed(leaf_packed(mask_of[index], slot));
        quote!((#id, #packed))
    });
    let leaves: Vec<TokenStream> = masks.into_iter().chain(leaves).collect();
    let leaf_count = lit(leaves.len());
    let text = long_str(&flat.text);
    let slots = lit(capture_slots);

    let mut constructed: Vec<usize> = flat.routes.iter().map(|&(route, _)| route).collect();
    constructed.sort_unstable();
    constructed.dedup();
    let (route_of, constructors) = constructors(router, &constructed, &numbers, capture_slots);
    let items = quote! {
        static NODES: [u32; #node_count] = [#(#nodes),*];
        static LITERALS: [u32; #literal_count] = [#(#literals),*];
        static DISPLACEMENTS: [u8; #bucket_count] = [#(#displacements),*];
        static PARAMS: [u32; #param_count] = [#(#params),*];
        static LEAVES: [(u32, u32); #leaf_count] = [#(#leaves),*];
        /// The segment tree as tables (layout: `routegen::__private::Tree`).
        static TREE: ::routegen::__private::Tree = ::routegen::__private::Tree::__new(
            &NODES, &LITERALS, &DISPLACEMENTS, #seed, &PARAMS, &LEAVES, #text, #jump_depth,
            #jumps_cover,
        );
        /// `TREE` as a type, so that the walk is compiled for these tables.
        struct Tables;
        impl ::routegen::__private::Tables for Tables {
            const TREE: &'static ::routegen::__private::Tree = &TREE;
        }
        #route_of
        #(#constructors)*
    };
    let call = quote! {
        let mut spans = [(0, 0); #slots];
        if let ::core::option::Option::Some(route) = ::routegen::__private::Tree::find(Tables, path, m, &mut spans, &mut allowed) {
            return ::core::result::Result::Ok(route_of(route, path, &spans));
        }
    };
    (items, call)
}

/// The bits of a leaf's route number (see [`route_numbers`]) that hold the route's place among
/// the routes with as many parameters; the ones above hold that count.
const CONSTRUCTOR_BITS: u32 = 24;
/// A route number's place (see [`CONSTRUCTOR_BITS`]).
const PLACE_MASK: u32 = (1 << CONSTRUCTOR_BITS) - 1;

/// The order in which the `Route` enum of a router walked as tables declares its variants:
/// by parameter count, then as in the route files. The variants that `route_of_N` builds (those
/// with `N` parameters) then have consecutive discriminants, and each of its arms stores the
/// same fields: LLVM turns its `match` into an addition, where one arm per route in a jump
/// table cost two mispredicted indirect jumps a lookup at 10,000 routes (BENCHMARKS.md).
pub(super) fn declaration_order(routes: &mut [(usize, &Route)]) {
    routes.sort_by_key(|&(index, route)| (route.pattern.params.len(), index));
}

/// The number the tree's leaves give each route (by index), which `route_of` reads: its
/// parameter count above [`CONSTRUCTOR_BITS`], its place among the routes with that count
/// below, read off [`declaration_order`] so that the two cannot disagree.
fn route_numbers(router: &Router) -> Vec<u32> {
    let mut declared: Vec<(usize, &Route)> = router.routes.iter().enumerate().collect();
    declaration_order(&mut declared);
    let mut numbers = vec![0; declared.len()];
    let mut first_of_shape = 0;
    for (position, &(index, route)) in declared.iter().enumerate() {
        let params = route.pattern.params.len();
        if position > 0 && declared[position - 1].1.pattern.params.len() != params {
            first_of_shape = position;
        }
        let place = u32_of(position - first_of_shape);
        assert!(
            place < 1 << CONSTRUCTOR_BITS,
            "a route table holds fewer than 2^24 routes"
        );
        numbers[index] = place | u32_of(params) << CONSTRUCTOR_BITS;
    }
    numbers
}

/// `route_of(route, path, spans)`, which builds the variant of the route that `TREE` found
/// (by its number, [`route_numbers`]) from the captures' spans, and the function for each
/// parameter count it hands the work to.
fn constructors(
    router: &Router,
    routes: &[usize],
    numbers: &[u32],
    capture_slots: usize,
) -> (TokenStream, Vec<TokenStream>) {
    let slots = lit(capture_slots);
    let mut by_count: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for &index in routes {
        let count = numbers[index] >> CONSTRUCTOR_BITS;
        by_count.entry(count).or_default().push(index);
    }
    let mask = Literal::u32_unsuffixed(PLACE_MASK);
    let mut arms = Vec::new();
    let mut functions = Vec::new();
    for (count, members) in &by_count {
        let name = format_ident!("route_of_{}", count);
        // The captures are bound to one name each (`c0`, `c1`, ...), and each arm builds its
        // variant from those names. Arms that indexed an array (`caps[0]`) made the release
        // build of 10,000 routes take 14.4 s instead of 5.8 s, and the debug build about 1 s
        // more (BENCHMARKS.md, "Build cost"). A name is `_c0` when no route of every build
        // reads it (a conditional route may read it or not).
        let reads_caps = members.iter().any(|&i| router.routes[i].cfg.is_empty());
        let prefix = if reads_caps { "c" } else { "_c" };
        let names: Vec<Ident> = (0..*count)
            .map(|slot| format_ident!("{prefix}{slot}"))
            .collect();
        let member_arms = members.iter().map(|&index| {
            let route = &router.routes[index];
            let route_value = variant_with(route, &names);
            let place = Literal::u32_unsuffixed(numbers[index] & PLACE_MASK);
            let cfg = cfg_attr(route);
            quote!(#cfg #place => #route_value,)
        });
        // Kept apart, so that each `match` holds variants of one shape. The path is sliced
        // here, once for the shape's parameters: the walk recorded where they are.
        let count_lit = Literal::u32_unsuffixed(*count);
        let (path, spans, sliced) = if *count == 0 {
            (format_ident!("_path"), format_ident!("_spans"), None)
        } else {
            let sliced = quote! {
                let [#(#names),*]: [&'p str; #count_lit] =
                    ::routegen::__private::captures(path, spans);
            };
            (format_ident!("path"), format_ident!("spans"), Some(sliced))
        };
        functions.push(quote! {
            #[inline(never)]
            fn #name<'p>(place: u32, #path: &'p str, #spans: &[(usize, usize); #slots]) -> Route<'p> {
                #sliced
                match place {
                    #(#member_arms)*
                    _ => ::core::unreachable!(),
                }
            }
        });
        arms.push(quote!(#count_lit => #name(route & #mask, path, spans),));
    }
    let shift = Literal::u32_unsuffixed(CONSTRUCTOR_BITS);
    let route_of = quote! {
        /// The route that `TREE` found in `path`, by its number (its parameter count, then
        /// its place among the routes with that count), with its parameters.
        fn route_of<'p>(route: u32, path: &'p str, spans: &[(usize, usize); #slots]) -> Route<'p> {
            match route >> #shift {
                #(#arms)*
                _ => ::core::unreachable!(),
            }
        }
    };
    (route_of, functions)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables of these patterns, as the generator lays them out.
    fn flat_of(patterns: &[&str]) -> Flat {
        let text: String = (patterns.iter().enumerate())
            .map(|(i, path)| format!("[[route]]\nname = \"r{i}\"\npath = \"{path}\"\n"))
            .collect();
        let reference = crate::Builder::new()
            .route_source("t.toml", text)
            .reference()
            .expect("valid routes");
        let compiled = crate::compile::compile(reference.router(), true);
        Flat::of(&compiled.tree, 0)
    }

    fn jump_entries(flat: &Flat) -> Vec<&str> {
        let jumps = flat
            .literals
            .iter()
            .filter(|(parent, ..)| *parent == JUMP_PARENT);
        let mut texts: Vec<&str> = jumps.map(|(_, text, _)| text.as_str()).collect();
        texts.sort_unstable();
        texts
    }

    #[test]
    fn jumps_go_as_deep_as_the_literal_prefixes_that_most_routes_share() {
        let flat = flat_of(&[
            "/api/v1/users",
            "/api/v1/users/{id}",
            "/api/v1/items/{id}",
            "/api/v2/users/{id}",
            "/health",
        ]);
        // Depth 4 (`""`, `api`, `v1`, `users`) saves two probes on three routes' paths and costs
        // one on two others; depth 3 saves one on four and costs one on one.
        assert_eq!(flat.jump_depth, 4);
        assert_eq!(
            jump_entries(&flat),
            ["/api/v1/items", "/api/v1/users", "/api/v2/users"]
        );
        // No node above depth 4 has a parameter: a path of four segments or more with no entry
        // matches nothing.
        assert_eq!(flat.first_branch, 4);
    }

    #[test]
    fn a_parameter_above_the_jumps_makes_them_a_shortcut_only() {
        let flat = flat_of(&["/api/v1/a", "/api/v1/b", "/api/v1/c", "/docs/{page}"]);
        assert_eq!(flat.jump_depth, 4);
        assert_eq!(jump_entries(&flat), ["/api/v1/a", "/api/v1/b", "/api/v1/c"]);
        // `docs` (depth 2) has a parameter child: paths under it walk from the root.
        assert_eq!(flat.first_branch, 2);
    }

    #[test]
    fn a_route_number_is_its_place_among_the_declared_variants_of_its_shape() {
        let text = ["/a/{x}", "/b", "/c/{x}/{y}", "/d/{x}", "/e", "/f/{*rest}"]
            .iter()
            .enumerate()
            .map(|(i, path)| format!("[[route]]\nname = \"r{i}\"\npath = \"{path}\"\n"))
            .collect::<String>();
        let reference = crate::Builder::new()
            .route_source("t.toml", text)
            .reference()
            .expect("valid routes");
        let router = reference.router();
        let numbers = route_numbers(router);
        let one = 1 << CONSTRUCTOR_BITS;
        assert_eq!(numbers, [one, 0, 2 * one, one + 1, 1, one + 2]);
        // `route_of_N` turns a place into a variant by adding the discriminant of the first
        // variant with N parameters: the declared order must agree with the places.
        let mut declared: Vec<(usize, &Route)> = router.routes.iter().enumerate().collect();
        declaration_order(&mut declared);
        let order: Vec<usize> = declared.iter().map(|&(index, _)| index).collect();
        assert_eq!(order, [1, 4, 0, 3, 5, 2]);
        for (position, &(index, route)) in declared.iter().enumerate() {
            let count = route.pattern.params.len();
            let first = (declared.iter())
                .position(|(_, r)| r.pattern.params.len() == count)
                .expect("the route itself");
            let place = numbers[index] & PLACE_MASK;
            assert_eq!(place as usize, position - first, "route {index}");
        }
    }

    #[test]
    fn no_jumps_when_the_root_branches_on_a_parameter() {
        let flat = flat_of(&["/{tenant}/a/b/c", "/{tenant}/a/b/d", "/x/a/b/c"]);
        assert_eq!(flat.jump_depth, 0);
        assert!(jump_entries(&flat).is_empty());
    }
}
