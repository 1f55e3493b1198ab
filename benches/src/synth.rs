//! Synthetic route sets for the scale benchmarks: a realistic, deterministic mix of routes.
//!
//! Shared by `build.rs` (through `#[path]`), the library and the `codegen-time` binary, so it uses
//! `std` only. The mix, by draw (duplicates are redrawn, so the realised mix drifts a little):
//!
//! | share | shape |
//! | --- | --- |
//! | 30% | static: `/api/v{n}/{res}`, `/api/v{n}/{res}/{sub}`, `/docs/{res}/{sub}`, `/assets/{res}/{sub}.css` |
//! | 20% | `/api/v{n}/{res}/{id}` |
//! | 20% | `/api/v{n}/{res}/{id}/{sub}` |
//! | 15% | `/api/v{n}/{res}/{id}/{sub}/{sub_id}` |
//! | 5% | `/api/v{n}/{res}/{id}/{sub}/{sub_id}/{sub2}` |
//! | 5% | suffix parameter: `/api/v{n}/{res}/{sub}/{name}.json` |
//! | 2% | prefix parameter: `/api/v{n}/{res}/{id}/rev-{rev}` |
//! | 3% | catch-all: `/api/v{n}/{res}/{id}/files/{*path}` |
//!
//! Parameter values in the request paths contain digits and literal words never do, so a hit
//! path reaches its route without backtracking in every router, and all routers agree.

use std::collections::HashSet;

/// A tiny deterministic PRNG (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[rustfmt::skip]
const RESOURCES: [&str; 48] = [
    "users", "orders", "items", "devices", "accounts", "invoices", "products", "carts",
    "payments", "shipments", "teams", "projects", "tasks", "issues", "repos", "builds",
    "deploys", "alerts", "metrics", "logs", "sensors", "gateways", "firmware", "zones",
    "rooms", "bookings", "tickets", "events", "venues", "artists", "albums", "tracks",
    "playlists", "videos", "channels", "messages", "threads", "groups", "roles", "policies",
    "keys", "secrets", "buckets", "objects", "queues", "topics", "jobs", "reports",
];

#[rustfmt::skip]
const SUBS: [&str; 32] = [
    "comments", "history", "members", "settings", "status", "tags", "labels", "owners",
    "children", "parents", "attachments", "notes", "audit", "stats", "usage", "limits",
    "permissions", "webhooks", "versions", "snapshots", "exports", "imports", "links",
    "reviews", "ratings", "followers", "likes", "shares", "schedule", "config", "health",
    "summary",
];

/// `n` distinct route patterns, deterministic for a given `n`.
pub fn routes(n: usize) -> Vec<String> {
    let mut rng = Rng::new(0x5eed_0000 ^ n as u64);
    let versions = (n / 400).max(1);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let v = 1 + rng.below(versions);
        let r = RESOURCES[rng.below(RESOURCES.len())];
        let s = SUBS[rng.below(SUBS.len())];
        let s2 = SUBS[rng.below(SUBS.len())];
        let pattern = match rng.below(100) {
            0..=7 => format!("/api/v{v}/{r}"),
            8..=17 => format!("/api/v{v}/{r}/{s}"),
            18..=25 => format!("/docs/{r}/{s}"),
            26..=29 => format!("/assets/{r}/{s}.css"),
            30..=49 => format!("/api/v{v}/{r}/{{id}}"),
            50..=69 => format!("/api/v{v}/{r}/{{id}}/{s}"),
            70..=84 => format!("/api/v{v}/{r}/{{id}}/{s}/{{sub_id}}"),
            85..=89 => format!("/api/v{v}/{r}/{{id}}/{s}/{{sub_id}}/{s2}"),
            90..=94 => format!("/api/v{v}/{r}/{s}/{{name}}.json"),
            95..=96 => format!("/api/v{v}/{r}/{{id}}/rev-{{rev}}"),
            _ => format!("/api/v{v}/{r}/{{id}}/files/{{*path}}"),
        };
        if seen.insert(pattern.clone()) {
            out.push(pattern);
        }
    }
    out
}

/// A request path that `pattern` matches: each parameter replaced by a value with digits in it
/// (`{*p}` by a three-segment tail).
pub fn hit_path(pattern: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("balanced braces");
        let catch_all = rest[open + 1..].starts_with('*');
        let value = format!("x{}k{}", rng.below(1000), rng.below(100));
        if catch_all {
            out.push_str(&format!("{value}/dir{}/file.txt", rng.below(10)));
        } else {
            out.push_str(&value);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// One hit path per route (route `i` is the intended match of `paths[k].1 == i`), shuffled.
pub fn hits(patterns: &[String]) -> Vec<(String, usize)> {
    let mut rng = Rng::new(0x0417 ^ patterns.len() as u64);
    let mut out: Vec<(String, usize)> = (patterns.iter().enumerate())
        .map(|(i, p)| (hit_path(p, &mut rng), i))
        .collect();
    rng.shuffle(&mut out);
    out
}

/// As many hit paths as routes, drawn with a skew like a live service's traffic: the route of
/// popularity rank `r` (1 for the most requested) is drawn with weight `1 / r` (Zipf's law with
/// exponent 1), and the ranks are dealt to the routes at random, so the popular routes are
/// spread over the whole tree. Each draw gets parameter values of its own. At 1,000 routes the
/// 10 most requested take 39% of the draws and the 100 most requested 69%.
///
/// The uniform [`hits`] make every route equally cold, the worst case for a router whose tree
/// is code; these draws show how it does when, as in service traffic, a few routes dominate.
pub fn zipf_hits(patterns: &[String]) -> Vec<(String, usize)> {
    let mut rng = Rng::new(0x21bf ^ patterns.len() as u64);
    let mut by_rank: Vec<usize> = (0..patterns.len()).collect();
    rng.shuffle(&mut by_rank);
    // The cumulative weights by rank, so that a draw is one binary search.
    let mut total = 0.0f64;
    let cumulative: Vec<f64> = (1..=patterns.len())
        .map(|rank| {
            total += 1.0 / rank as f64;
            total
        })
        .collect();
    (0..patterns.len())
        .map(|_| {
            // 53 random bits: a uniform number in [0, total).
            let point = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
            let rank = cumulative.partition_point(|&c| c <= point);
            let route = by_rank[rank.min(patterns.len() - 1)];
            (hit_path(&patterns[route], &mut rng), route)
        })
        .collect()
}

/// Candidate miss paths, one per route: a hit path with one change that usually makes it match
/// nothing (an unknown version, a misspelt last literal, an extra segment, a cut-off path). The
/// benchmark keeps only those the reference router (matchit) does not match.
pub fn miss_candidates(patterns: &[String]) -> Vec<String> {
    let mut rng = Rng::new(0x0915 ^ patterns.len() as u64);
    let mut out = Vec::with_capacity(patterns.len());
    for p in patterns {
        let hit = hit_path(p, &mut rng);
        let miss = match rng.below(4) {
            0 => hit
                .replacen("/api/v", "/api/v9", 1)
                .replacen("/docs/", "/docz/", 1),
            1 => format!("{hit}z"),
            2 => format!("{hit}/extra9"),
            _ => {
                let cut = hit.rfind('/').unwrap_or(0);
                format!("{}/", &hit[..cut])
            }
        };
        out.push(miss);
    }
    rng.shuffle(&mut out);
    out
}

/// A route set as a route file: one `[[route]]` per pattern, named `r0`, `r1`, ..., any method.
pub fn to_toml(patterns: &[impl AsRef<str>]) -> String {
    let mut out = String::new();
    for (i, p) in patterns.iter().enumerate() {
        let p = p.as_ref();
        let escaped = p.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str(&format!(
            "[[route]]\nname = \"r{i}\"\npath = \"{escaped}\"\n\n"
        ));
    }
    out
}

/// The non-empty, trimmed lines of a route or path file.
pub fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}
