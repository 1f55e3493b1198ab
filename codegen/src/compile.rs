//! Stage 4: the validated router -> the matching structures the code is generated from.
//!
//! Static routes (no parameters) go to a perfect-hash table keyed on the whole path. Routes with
//! parameters go to a segment tree whose children are kept in priority order, so that a
//! depth-first walk that backtracks on failure finds the same route as matchit: at each segment,
//! static text, then parameters with literal text in their segment (longest prefix first, then
//! longest suffix), then a plain parameter, then a catch-all.

use std::collections::BTreeMap;

use crate::model::Router;
use crate::pattern::Segment;
use crate::phf::{self, PerfectHash};

/// Everything expand needs.
pub(crate) struct Compiled {
    pub statics: StaticTable,
    pub tree: Node,
    /// Capture slots the tree needs: the most parameters of any dynamic route.
    pub capture_slots: usize,
    /// Whether any route is in the tree (a conditional static route may be, with no slots).
    pub has_tree: bool,
    /// Whether the tree is generated as static tables walked by the runtime, rather than as
    /// code: for large route sets, where code costs rustc too much.
    pub tables: bool,
}

/// The static routes, grouped by path (routes with disjoint methods may share one).
pub(crate) struct StaticTable {
    pub entries: Vec<StaticEntry>,
    pub hash: StaticHash,
}

/// How a path finds its entry of a [`StaticTable`]. Every entry key is distinct.
pub(crate) enum StaticHash {
    /// One multiplication to a slot of its own, when a small table separates the paths (a few
    /// dozen paths at most). The fastest (BENCHMARKS.md, static set).
    Direct(phf::Direct),
    /// Hash and displace: any number of paths, one more table read.
    Displaced(PerfectHash),
}

pub(crate) struct StaticEntry {
    pub path: String,
    /// Route indices in declaration order.
    pub routes: Vec<usize>,
}

/// A node of the segment tree: the routes that consumed the same segments so far.
#[derive(Debug, Default)]
pub(crate) struct Node {
    /// Routes whose pattern ends here (same shape, so disjoint methods).
    pub leaves: Vec<usize>,
    /// Children by exact segment text, sorted.
    pub statics: Vec<(String, Node)>,
    /// `{param}` children in priority order; a plain parameter has an empty prefix and suffix
    /// and so comes last.
    pub params: Vec<ParamChild>,
    /// Routes ending with a catch-all at this segment.
    pub catch_all: Vec<usize>,
    /// How many parameters the routes through this node captured before it: the capture slot
    /// of a parameter of its children.
    pub captured: usize,
}

#[derive(Debug)]
pub(crate) struct ParamChild {
    pub prefix: String,
    pub suffix: String,
    pub node: Node,
}

/// The most literals of one tree node that may share a first byte when static routes go into
/// the tree: the generated code compares them one after the other.
const LITERALS_PER_FIRST_BYTE: usize = 8;

/// Splits the router's routes between the static table and the segment tree.
///
/// When some route needs the tree anyway, the static routes go into it too, as literal
/// segments: a path then costs one walk, where a separate table is probed for every path, dynamic
/// ones included (callgrind, scale_1000: 322 -> 215 instructions a lookup). The table is kept when
/// every route is static, and when the tree would compare too many literals one after the other
/// (numbered paths like `/items/item0001` .. `/items/item9999`), where its perfect hash is O(1).
///
/// With `tables`, every route goes into the tree, which becomes static tables: the runtime's
/// walk finds a literal child in one hash table shared by all nodes, so wide nodes cost it O(1).
pub(crate) fn compile(router: &Router, tables: bool) -> Compiled {
    if tables {
        return Compiled {
            tables: true,
            ..split(router, false)
        };
    }
    let needs_tree = (router.routes.iter()).any(|r| r.static_path().is_none() || !r.cfg.is_empty());
    if needs_tree {
        let compiled = split(router, false);
        if compiled.tree.widest_literal_group() <= LITERALS_PER_FIRST_BYTE {
            return compiled;
        }
    }
    split(router, true)
}

/// Static routes into the table when `static_table` (unless conditional), the others into the
/// tree.
fn split(router: &Router, static_table: bool) -> Compiled {
    let mut by_path: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut tree = Node::default();
    let mut capture_slots = 0;
    let mut has_tree = false;
    for (index, route) in router.routes.iter().enumerate() {
        // A conditional route goes to the tree even when static: a static table cannot leave
        // out an entry by `cfg`, while tree code can.
        let table_path = route
            .static_path()
            .filter(|_| static_table && route.cfg.is_empty());
        if let Some(path) = table_path {
            by_path.entry(path).or_default().push(index);
        } else {
            tree.insert(&route.pattern.segments, index);
            capture_slots = capture_slots.max(route.pattern.params.len());
            has_tree = true;
        }
    }
    let entries: Vec<StaticEntry> = by_path
        .into_iter()
        .map(|(path, routes)| StaticEntry { path, routes })
        .collect();
    let keys: Vec<&[u8]> = entries.iter().map(|e| e.path.as_bytes()).collect();
    let hash = match phf::direct(&keys) {
        Some(direct) => StaticHash::Direct(direct),
        None => StaticHash::Displaced(phf::build(&keys)),
    };
    tree.sort();
    Compiled {
        statics: StaticTable { entries, hash },
        tree,
        capture_slots,
        has_tree,
        tables: false,
    }
}

impl Node {
    /// How many nodes of the tree have parameter children: each reads its segment once.
    pub fn segment_scans(&self) -> usize {
        let here = usize::from(!self.params.is_empty());
        let children = (self.statics.iter().map(|(_, child)| child))
            .chain(self.params.iter().map(|param| &param.node));
        here + children.map(Node::segment_scans).sum::<usize>()
    }

    /// The most literal children that share a first byte, at any node of the tree.
    fn widest_literal_group(&self) -> usize {
        let mut by_first_byte: BTreeMap<Option<u8>, usize> = BTreeMap::new();
        for (text, _) in &self.statics {
            *by_first_byte.entry(text.bytes().next()).or_default() += 1;
        }
        let here = by_first_byte.values().copied().max().unwrap_or(0);
        let children = (self.statics.iter().map(|(_, child)| child))
            .chain(self.params.iter().map(|param| &param.node));
        children
            .map(Node::widest_literal_group)
            .fold(here, usize::max)
    }

    fn insert(&mut self, segments: &[Segment], route: usize) {
        let Some((first, rest)) = segments.split_first() else {
            self.leaves.push(route);
            return;
        };
        let captured = self.captured;
        let child = match first {
            Segment::Static(text) => match self.statics.iter().position(|(t, _)| t == text) {
                Some(i) => &mut self.statics[i].1,
                None => {
                    self.statics.push((text.clone(), Node::child_of(captured)));
                    &mut self.statics.last_mut().expect("just pushed").1
                }
            },
            Segment::Param { prefix, suffix, .. } => {
                let i = match self
                    .params
                    .iter()
                    .position(|p| p.prefix == *prefix && p.suffix == *suffix)
                {
                    Some(i) => i,
                    None => {
                        self.params.push(ParamChild {
                            prefix: prefix.clone(),
                            suffix: suffix.clone(),
                            node: Node::child_of(captured + 1),
                        });
                        self.params.len() - 1
                    }
                };
                &mut self.params[i].node
            }
            Segment::CatchAll { .. } => {
                self.catch_all.push(route);
                return;
            }
        };
        child.insert(rest, route);
    }

    fn child_of(captured: usize) -> Node {
        Node {
            captured,
            ..Node::default()
        }
    }

    /// Puts children in priority order (and statics in text order, for deterministic output).
    fn sort(&mut self) {
        self.statics.sort_by(|a, b| a.0.cmp(&b.0));
        self.params.sort_by(|a, b| {
            (b.prefix.len(), b.suffix.len(), &a.prefix, &a.suffix).cmp(&(
                a.prefix.len(),
                a.suffix.len(),
                &b.prefix,
                &b.suffix,
            ))
        });
        for (_, child) in &mut self.statics {
            child.sort();
        }
        for param in &mut self.params {
            param.node.sort();
        }
    }
}

/// A node of a topic tree (MQTT topics, WebSocket channels): the routes that consumed the same
/// levels so far. Same-shape routes conflict, so a node ends at most one route and has at most
/// one tail.
#[derive(Debug, Default)]
pub(crate) struct LevelNode {
    /// The route whose pattern ends at this node.
    pub leaf: Option<usize>,
    /// Children by exact level text, sorted.
    pub statics: Vec<(String, LevelNode)>,
    /// The `{param}` child.
    pub param: Option<Box<LevelNode>>,
    /// The route whose `{*tail}` starts at this node's next level.
    pub tail: Option<usize>,
    /// How many parameters the routes through this node captured before it.
    pub captured: usize,
}

/// The topic tree of `routes` (indices into `router.routes`).
pub(crate) fn level_tree(router: &Router, routes: &[usize]) -> LevelNode {
    let mut root = LevelNode::default();
    for &index in routes {
        let mut node = &mut root;
        for segment in &router.routes[index].pattern.segments {
            let captured = node.captured;
            node = match segment {
                Segment::Static(text) => {
                    let position =
                        match node.statics.binary_search_by(|(t, _)| t.as_str().cmp(text)) {
                            Ok(position) => position,
                            Err(position) => {
                                let child = LevelNode {
                                    captured,
                                    ..LevelNode::default()
                                };
                                node.statics.insert(position, (text.clone(), child));
                                position
                            }
                        };
                    &mut node.statics[position].1
                }
                Segment::Param { .. } => node.param.get_or_insert_with(|| {
                    Box::new(LevelNode {
                        captured: captured + 1,
                        ..LevelNode::default()
                    })
                }),
                Segment::CatchAll { .. } => {
                    node.tail = Some(index);
                    break;
                }
            };
        }
        if !matches!(
            router.routes[index].pattern.segments.last(),
            Some(Segment::CatchAll { .. })
        ) {
            node.leaf = Some(index);
        }
    }
    root
}

/// One MQTT subscription the generated `SUBSCRIPTIONS` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subscription {
    /// The topic filter, without the `$share/<group>/` part.
    pub filter: String,
    /// The QoS of the routes it serves that are compiled in whenever it is.
    pub qos: u8,
    /// Higher QoS levels of conditional routes it serves, each with their `cfg`.
    pub raises: Vec<(Vec<String>, u8)>,
    pub group: Option<String>,
    /// The `cfg` predicates of the route it comes from.
    pub cfg: Vec<String>,
}

impl Subscription {
    /// The string to subscribe with.
    pub fn full_filter(&self) -> String {
        match &self.group {
            Some(group) => format!("$share/{group}/{}", self.filter),
            None => self.filter.clone(),
        }
    }
}

/// The topic filter a route subscribes with: a `{param}` is `+`, a `{*tail}` is `#`.
pub(crate) fn topic_filter(segments: &[Segment]) -> String {
    let levels: Vec<&str> = segments
        .iter()
        .map(|segment| match segment {
            Segment::Static(text) => text.as_str(),
            Segment::Param { .. } => "+",
            Segment::CatchAll { .. } => "#",
        })
        .collect();
    levels.join("/")
}

/// Whether every topic that `inner` matches is matched by `outer` (MQTT 3.1.1, 4.7): `#` matches
/// any remaining levels and the parent level, `+` one level, and neither matches a first level
/// starting with `$`.
pub(crate) fn filter_covers(outer: &str, inner: &str) -> bool {
    let outer: Vec<&str> = outer.split('/').collect();
    let inner: Vec<&str> = inner.split('/').collect();
    for i in 0.. {
        let system = i == 0 && inner.first().is_some_and(|level| level.starts_with('$'));
        match (outer.get(i).copied(), inner.get(i).copied()) {
            (Some("#"), _) => return !system,
            (Some("+"), Some(level)) if level != "#" && !system => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
    unreachable!("the loop returns once a filter ends")
}

/// The subscriptions for the MQTT routes: one filter per route, less those covered by another
/// filter of the same share group (a client would get such messages twice), each kept filter
/// taking the highest QoS of those it covers. With conditional routes, a filter only absorbs
/// one whose route is compiled in only when its own is (its `cfg` predicates are a subset), so
/// no build loses a subscription; a conditional route's higher QoS becomes a conditional raise.
/// Sorted by group, then filter. Quadratic in the number of MQTT routes, which is small.
pub(crate) fn subscriptions(router: &Router) -> Vec<Subscription> {
    let mut all: Vec<Subscription> = router
        .routes
        .iter()
        .map(|route| Subscription {
            filter: topic_filter(&route.pattern.segments),
            qos: route.qos,
            raises: Vec::new(),
            group: route.shared.clone(),
            cfg: route.cfg.clone(),
        })
        .collect();
    all.sort_by(|a, b| (&a.group, &a.filter, &a.cfg).cmp(&(&b.group, &b.filter, &b.cfg)));
    let absorbs = |outer: &Subscription, inner: &Subscription| {
        outer.group == inner.group
            && filter_covers(&outer.filter, &inner.filter)
            && outer.cfg.iter().all(|p| inner.cfg.contains(p))
    };
    let mut kept: Vec<Subscription> = Vec::new();
    for (i, candidate) in all.iter().enumerate() {
        let covered = all.iter().enumerate().any(|(j, other)| {
            j != i && absorbs(other, candidate) && (!absorbs(candidate, other) || j < i)
        });
        if covered {
            continue;
        }
        let mut subscription = candidate.clone();
        for other in all.iter().filter(|other| absorbs(candidate, other)) {
            let together = other.cfg.iter().all(|p| candidate.cfg.contains(p));
            if together {
                subscription.qos = subscription.qos.max(other.qos);
            } else if other.qos > candidate.qos {
                subscription.raises.push((other.cfg.clone(), other.qos));
            }
        }
        kept.push(subscription);
    }
    kept
}
