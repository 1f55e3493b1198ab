//! Differential test: the generated `recognize` against matchit 0.9, whose matching semantics
//! routegen follows (at each segment static > prefix/suffix param > plain param > catch-all, with
//! backtracking; trailing slashes exact; no percent-decoding).
//!
//! For every method we build one matchit router per method from the patterns of the routes that
//! accept it (a route without `method` accepts every method), so "the highest-priority route whose
//! pattern *and* method match" is simply that router's answer. The expected `405` set is computed
//! independently: the methods (among those the route files name) whose router matches the path.
//!
//! # Where matchit cannot be the oracle as is
//!
//! matchit rejects a plain param and a catch-all at the same position (`/files/{id}` with
//! `/files/{*path}`: "insertion failed due to conflict"), which routegen accepts, trying the param
//! first and the catch-all only when everything below the param fails. For such a catch-all `C`
//! whose pattern is `S{*rest}` with `S` fully static (asserted below), the oracle is:
//!
//! * if `C` alone does not match the path, `C` cannot be the answer, and the router without `C`
//!   (what matchit accepted) gives the answer;
//! * if `C` matches, the path starts with `S`. Every route that does not start with `S` either
//!   cannot match or leaves `S` through a param in a segment where `S` is static, so it ranks
//!   below `C`; every route that does start with `S` ranks above `C` (static, affixed or plain param
//!   at `C`'s position). So the answer is the best match among the routes starting with `S` (a
//!   matchit router of just those), else `C`.
//!
//! Any other insertion error fails the test: the route files are designed to stay inside what
//! matchit accepts otherwise. (matchit's conflict checks for prefix params beside a static and a
//! plain param are insertion-order dependent, e.g. `/t/v{v}/i`, `/t/vault/i`, `/t/{t}/i`, so the
//! files avoid that shape.)

use std::fmt::Write as _;

use routegen::{MatchError, Method};
use routegen_e2e::routes::{ROUTES, recognize};
use routegen_e2e::tables;

/// `(route index in ROUTES, params in order)`.
type Expected = Option<(usize, Vec<(String, String)>)>;

struct Conflict {
    /// The catch-all route matchit refused.
    index: usize,
    /// Its static text before `{*`.
    prefix: String,
    alone: matchit::Router<usize>,
    /// The accepted routes whose pattern starts with `prefix`.
    guarded: matchit::Router<usize>,
}

/// What matchit says for one method.
struct Oracle {
    method: Method,
    primary: matchit::Router<usize>,
    conflicts: Vec<Conflict>,
}

fn is_catch_all(pattern: &str) -> bool {
    pattern.contains("{*")
}

impl Oracle {
    fn new(method: Method) -> Oracle {
        let mut primary = matchit::Router::new();
        let mut accepted = Vec::new();
        let mut refused = Vec::new();
        // Catch-alls last, so that matchit refuses the catch-all of a conflicting pair rather
        // than the param route.
        let mut order: Vec<usize> = (0..ROUTES.len())
            .filter(|&i| ROUTES.get(i).unwrap().allows(method))
            .collect();
        order.sort_by_key(|&i| is_catch_all(ROUTES.get(i).unwrap().pattern()));
        for index in order {
            let pattern = ROUTES.get(index).unwrap().pattern();
            match primary.insert(pattern, index) {
                Ok(()) => accepted.push(index),
                Err(error) => {
                    let prefix = pattern.split("{*").next().unwrap().to_owned();
                    assert!(
                        is_catch_all(pattern)
                            && prefix.ends_with('/')
                            && !prefix.contains(['{', '}']),
                        "matchit refused {pattern:?} ({method}): {error}; the oracle only handles a \
                         catch-all after a fully static prefix (see the module docs)"
                    );
                    refused.push((index, prefix));
                }
            }
        }
        // Rebuild from the accepted routes only, in case a refused insertion left traces.
        let mut primary = matchit::Router::new();
        for &i in &accepted {
            primary.insert(ROUTES.get(i).unwrap().pattern(), i).unwrap();
        }
        let conflicts = refused
            .into_iter()
            .map(|(index, prefix)| {
                let mut alone = matchit::Router::new();
                alone
                    .insert(ROUTES.get(index).unwrap().pattern(), index)
                    .unwrap();
                let mut guarded = matchit::Router::new();
                for &i in &accepted {
                    if ROUTES.get(i).unwrap().pattern().starts_with(&prefix) {
                        guarded.insert(ROUTES.get(i).unwrap().pattern(), i).unwrap();
                    }
                }
                Conflict {
                    index,
                    prefix,
                    alone,
                    guarded,
                }
            })
            .collect();
        Oracle {
            method,
            primary,
            conflicts,
        }
    }

    fn lookup(&self, path: &str) -> Expected {
        let found = |router: &matchit::Router<usize>| {
            router.at(path).ok().map(|m| {
                let params = m
                    .params
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                (*m.value, params)
            })
        };
        let mut matching = self.conflicts.iter().filter(|c| c.alone.at(path).is_ok());
        if let Some(conflict) = matching.next() {
            assert!(
                matching.next().is_none(),
                "two refused catch-alls match {path:?}: the oracle cannot rank them"
            );
            assert!(path.starts_with(&conflict.prefix));
            return found(&conflict.guarded).or_else(|| found(&conflict.alone));
        }
        found(&self.primary)
    }
}

/// Values for `{param}`s: dots, dashes, digits, words that are static elsewhere, UTF-8, braces.
const SEGMENT_VALUES: &[&str] = &[
    "1",
    "42",
    "a.b",
    "x-y",
    "new",
    "all",
    "mine",
    "settings",
    "stats",
    "zürich",
    "img-1.png",
    "v2",
    "vault",
    "{x}",
    "a%20b",
    ".json",
    "x.tar.gz",
    "..",
    "E=mc²",
];

/// Values for `{*catch_all}`s: several segments, trailing slash, empty segment, static-looking.
const REST_VALUES: &[&str] = &[
    "a",
    "a/b",
    "docs/readme.md",
    "new",
    "new/meta",
    "x/meta",
    "stats",
    "zürich/ü",
    "a//b",
    "a/",
    "%2F",
    "1.png/thumb",
];

/// Fills a pattern's params: `{x}` with `segment(i)` for the i-th param, `{*x}` with `rest`.
/// `{{`/`}}` become literal braces.
fn fill(pattern: &str, segment: impl Fn(usize) -> &'static str, rest: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    let mut param = 0;
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                if name.starts_with('*') {
                    out.push_str(rest);
                } else {
                    out.push_str(segment(param));
                    param += 1;
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Near misses of a matching path.
fn near_misses(path: &str, out: &mut Vec<String>) {
    // Trailing slash toggled.
    match path.strip_suffix('/') {
        Some(stripped) => out.push(stripped.to_owned()),
        None => out.push(format!("{path}/")),
    }
    // A segment added at the end, in the middle, at the start.
    out.push(format!("{}/extra", path.trim_end_matches('/')));
    if let Some(slash) = path[1..].find('/') {
        let at = slash + 1;
        out.push(format!("{}/extra{}", &path[..at], &path[at..]));
        // An empty segment.
        out.push(format!("{}/{}", &path[..at], &path[at..]));
        // The first segment dropped.
        out.push(path[at..].to_owned());
    }
    out.push(format!("/extra{path}"));
    // The last segment dropped.
    if let Some(last) = path.trim_end_matches('/').rfind('/') {
        out.push(path[..last].to_owned());
        out.push(path[..=last].to_owned());
    }
    // An empty segment at the end.
    out.push(format!("{path}//"));
    // Case changed.
    out.push(path.to_uppercase());
    if let Some(first) = path.find(|c: char| c.is_ascii_lowercase()) {
        let mut changed = path.to_owned();
        changed[first..=first].make_ascii_uppercase();
        out.push(changed);
    }
    // Last character dropped / doubled.
    if let Some(c) = path.chars().last() {
        out.push(path[..path.len() - c.len_utf8()].to_owned());
        out.push(format!("{path}{c}"));
    }
}

fn paths() -> Vec<String> {
    let mut paths: Vec<String> = [
        "",
        "/",
        "//",
        "users",
        "/users//",
        "/files",
        "/files/",
        "/files//",
        "/files/new/",
        "/files/new/meta",
        "/files//meta",
        "/files/x/meta/",
        "/cache",
        "/cache/",
        "/cache/stats/",
        "/hooks",
        "/hooks/",
        "/literal/{x}",
        "/literal/{{x}}",
        "/literal/{y}",
        "/search/a",
        "/search/a/",
        "/search//b",
        "/media/data/.json",
        "/media/data/.tar.gz",
        "/media/data/a.gz.json",
        "/media/data/a.json.gz",
        "/media/data/a.json/",
        "/media/images/img-.png",
        "/media/images/img-.png/thumb",
        "/media/images/img-1.png/",
        "/media/images/img-1.png/thumb/",
        "/media/images/img-1.jpg",
        "/media/tags/v/info",
        "/media/tags/vaul/info",
        "/media/tags/vault/",
        "/media/tags/vaults/info",
        "/repos/new/x/issues",
        "/repos/new/mine/pulls",
        "/repos/new/settings",
        "/repos/x/mine/issues",
        "/repos/new/mine/issues/1",
        "/repos/orgs/x",
        "/repos/orgs/x/teams",
        "/repos/orgs/members",
        "/repos/orgs/x/tree/a/b",
        "/api/v1/devices/d/sensors/all/readings/latest",
        "/api/v1/devices/d/sensors/s/readings/raw",
        "/api/v1/devices/d/sensors/s/readings/raw/",
        "/api/v1/public/feeds/.rss",
        "/api/v1/public/feeds/a.rss.atom",
        "/users?page=2",
        "/files/a?b=c",
        "/files/a#top",
        "/files/a/b?c=d/e",
        "/users/%2F",
        "/%75sers",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (route, info) in ROUTES.iter().enumerate() {
        let pattern = info.pattern();
        let mut filled = Vec::new();
        for (i, _) in SEGMENT_VALUES.iter().enumerate() {
            let segment = |p: usize| SEGMENT_VALUES[(i + 5 * p) % SEGMENT_VALUES.len()];
            filled.push(fill(
                pattern,
                segment,
                REST_VALUES[(i + route) % REST_VALUES.len()],
            ));
        }
        for rest in REST_VALUES {
            filled.push(fill(pattern, |p| SEGMENT_VALUES[p], rest));
        }
        filled.sort();
        filled.dedup();
        for path in filled {
            near_misses(&path, &mut paths);
            paths.push(path);
        }
    }
    random_paths(&mut paths);
    paths.sort();
    paths.dedup();
    paths
}

/// Pseudo-random paths (fixed seed, so failures reproduce) built from the pieces of the patterns:
/// their static segments, the static text around affixed params, and the param values, combined
/// so as to land near the routes (and in between them) far more often than random bytes would.
fn random_paths(paths: &mut Vec<String>) {
    let mut segments: Vec<String> = Vec::new();
    let mut affixes: Vec<String> = vec![String::new()];
    for info in &ROUTES {
        for segment in info.pattern().split('/') {
            let segment = segment.replace("{{", "\u{1}").replace("}}", "\u{2}");
            match (segment.find('{'), segment.find('}')) {
                (Some(open), Some(close)) => {
                    affixes.push(segment[..open].to_owned());
                    affixes.push(segment[close + 1..].to_owned());
                }
                _ => segments.push(segment.replace('\u{1}', "{").replace('\u{2}', "}")),
            }
        }
    }
    segments.sort();
    segments.dedup();
    affixes.sort();
    affixes.dedup();

    // xorshift64*
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    };
    for _ in 0..20_000 {
        let mut path = String::new();
        for _ in 0..1 + next(7) {
            path.push('/');
            match next(10) {
                0..=3 => path.push_str(&segments[next(segments.len())]),
                4 | 5 => {
                    path.push_str(&affixes[next(affixes.len())]);
                    path.push_str(SEGMENT_VALUES[next(SEGMENT_VALUES.len())]);
                    path.push_str(&affixes[next(affixes.len())]);
                }
                6 | 7 => path.push_str(SEGMENT_VALUES[next(SEGMENT_VALUES.len())]),
                8 => {
                    path.push_str(&segments[next(segments.len())]);
                    path.push_str(&affixes[next(affixes.len())]);
                }
                _ => {}
            }
        }
        if next(8) == 0 {
            path.push('/');
        }
        paths.push(path);
    }
}

fn methods() -> Vec<Method> {
    let mut methods: Vec<Method> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
        .iter()
        .map(|m| m.parse().unwrap())
        .collect();
    // Every extension method the route files name (PURGE, LINK, UNLINK), plus one they do not
    // name and a lowercase `get`, which is an extension method, not GET.
    for info in &ROUTES {
        for method in info.methods() {
            if !methods.contains(method) {
                methods.push(*method);
            }
        }
    }
    methods.push("BREW".parse().unwrap());
    methods.push("get".parse().unwrap());
    methods
}

/// The order `AllowedMethods` iterates: standard methods in the order of the constants, then
/// extension methods sorted by name.
fn allowed_order(method: &Method) -> (usize, String) {
    const STANDARD: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::CONNECT,
        Method::OPTIONS,
        Method::TRACE,
        Method::PATCH,
    ];
    match STANDARD.iter().position(|m| m == method) {
        Some(i) => (i, String::new()),
        None => (STANDARD.len(), method.as_str().to_owned()),
    }
}

fn describe(expected: &Expected) -> String {
    match expected {
        Some((index, params)) => format!(
            "{} `{}` {:?}",
            ROUTES.get(*index).unwrap().name(),
            ROUTES.get(*index).unwrap().pattern(),
            params
        ),
        None => "no route".to_owned(),
    }
}

#[test]
fn recognize_agrees_with_matchit() {
    let methods = methods();
    let oracles: Vec<Oracle> = methods.iter().map(|&m| Oracle::new(m)).collect();
    // Methods named by some route: the only ones that can appear in a 405's `allowed`.
    let named: Vec<&Oracle> = oracles
        .iter()
        .filter(|o| ROUTES.iter().any(|r| r.methods().contains(&o.method)))
        .collect();
    assert!(
        oracles.iter().any(|o| !o.conflicts.is_empty()),
        "expected matchit to refuse at least one catch-all beside a param (the files routes)"
    );

    let paths = paths();
    let mut failures = Vec::new();
    let (mut hits, mut not_found, mut not_allowed) = (0, 0, 0);
    for path in &paths {
        let mut allowed: Vec<Method> = named
            .iter()
            .filter(|o| o.lookup(path).is_some())
            .map(|o| o.method)
            .collect();
        allowed.sort_by_key(allowed_order);
        for oracle in &oracles {
            let method = oracle.method;
            let expected = oracle.lookup(path);
            match (&expected, allowed.is_empty()) {
                (Some(_), _) => hits += 1,
                (None, true) => not_found += 1,
                (None, false) => not_allowed += 1,
            }
            let got = recognize(method, path);
            let got_text = match &got {
                Ok(route) => format!(
                    "{} `{}` {:?}",
                    route.name(),
                    route.info().pattern(),
                    route.params().collect::<Vec<_>>()
                ),
                Err(error) => format!("Err({error:?})"),
            };
            // The tables-driven router must give the very same answer.
            let tables_agree = match (&got, tables::recognize(method, path)) {
                (Ok(route), Ok(table_route)) => {
                    route.index() == table_route.index()
                        && route.params().as_slice() == table_route.params().as_slice()
                }
                (Err(error), Err(table_error)) => *error == table_error,
                _ => false,
            };
            let ok = tables_agree
                && match (&expected, &got) {
                    (Some((index, params)), Ok(route)) => {
                        let got_params: Vec<(String, String)> = route
                            .params()
                            .map(|(k, v)| (k.to_owned(), v.to_owned()))
                            .collect();
                        route.index() == *index
                            && route.info().pattern() == ROUTES.get(*index).unwrap().pattern()
                            && Some(route.info()) == ROUTES.get(*index)
                            && route.name() == ROUTES.get(*index).unwrap().name()
                            && got_params == *params
                    }
                    (None, Err(MatchError::NotFound)) => allowed.is_empty(),
                    (None, Err(MatchError::MethodNotAllowed { allowed: got })) => {
                        !allowed.is_empty() && got.iter().collect::<Vec<_>>() == allowed
                    }
                    _ => false,
                };
            if !ok {
                let expected_text = match (&expected, allowed.is_empty()) {
                    (Some(_), _) | (None, true) => describe(&expected),
                    (None, false) => format!("405, allowed {allowed:?}"),
                };
                failures.push(format!(
                    "{method} {path:?}\n    expected: {expected_text}\n    got:      {got_text}"
                ));
            }
        }
    }

    if !failures.is_empty() {
        let mut report = format!(
            "{} of {} (method, path) pairs disagree with matchit:\n",
            failures.len(),
            paths.len() * oracles.len()
        );
        for failure in failures.iter().take(60) {
            writeln!(report, "  {failure}").unwrap();
        }
        panic!("{report}");
    }
    // The path set must exercise all three outcomes, or it proves little.
    assert!(
        hits > 1000 && not_found > 1000 && not_allowed > 100,
        "weak path set: {hits} hits, {not_found} 404s, {not_allowed} 405s over {} paths",
        paths.len()
    );
    println!(
        "{} paths x {} methods: {hits} hits, {not_found} 404s, {not_allowed} 405s",
        paths.len(),
        oracles.len()
    );
}

/// The oracle itself, on hand-checked cases, so that a bug in it cannot hide one in routegen.
#[test]
fn oracle_sanity() {
    let get = Oracle::new(Method::GET);
    let name = |path: &str| get.lookup(path).map(|(i, _)| ROUTES.get(i).unwrap().name());
    assert_eq!(name("/files/new"), Some("file_new"));
    assert_eq!(name("/files/x"), Some("file_download"));
    assert_eq!(name("/files/x/meta"), Some("file_meta"));
    assert_eq!(name("/files/new/meta"), Some("file_meta"));
    assert_eq!(name("/files/x/y"), Some("file_path"));
    assert_eq!(name("/files/x/meta/y"), Some("file_path"));
    assert_eq!(name("/files/"), None);
    assert_eq!(name("/repos/new/x/issues"), Some("repo_issues"));
    assert_eq!(name("/repos/x/mine/issues"), Some("repo_issues"));
    assert_eq!(name("/media/tags/vaul/info"), Some("tag_version"));
    assert_eq!(name("/literal/{x}"), Some("literal_braces"));
    assert_eq!(
        get.lookup("/media/data/a.b.tar.gz").unwrap().1,
        [("name".to_owned(), "a.b".to_owned())]
    );
    let put = Oracle::new(Method::PUT);
    assert_eq!(
        put.lookup("/files/new")
            .map(|(i, _)| ROUTES.get(i).unwrap().name()),
        Some("file_path")
    );
    let purge = Oracle::new("PURGE".parse().unwrap());
    assert_eq!(
        purge
            .lookup("/cache/stats")
            .map(|(i, _)| ROUTES.get(i).unwrap().name()),
        Some("cache_purge")
    );
    let conflicts: Vec<&str> = get
        .conflicts
        .iter()
        .map(|c| ROUTES.get(c.index).unwrap().name())
        .collect();
    assert_eq!(conflicts, ["file_path"]);
}
