//! Routers generated with `Lookup::Tables`: the tree as static arrays walked by the runtime.
//! (`matchit_diff.rs` and `alloc.rs` hold the tables form of `routes/` to the code form.)

use routegen::{MatchError, Method};
use routegen_e2e::large::{ROUTES, Route, recognize};

/// A path for a pattern: `{x}` becomes `v<N>` (`N` counting the params), `{*x}` becomes `a/b`.
fn path_for(pattern: &str) -> (String, Vec<String>) {
    let mut path = String::new();
    let mut values = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').unwrap();
        let value = if rest[open + 1..].starts_with('*') {
            "a/b".to_owned()
        } else {
            format!("v{}", values.len())
        };
        path.push_str(&value);
        values.push(value);
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    (path, values)
}

/// Checks that a router (its `recognize` for GET, giving the route's index) finds nothing for
/// each of `misses`.
fn assert_not_found(recognize: impl Fn(&str) -> Result<usize, MatchError>, misses: &[&str]) {
    for miss in misses {
        assert_eq!(recognize(miss), Err(MatchError::NotFound), "{miss:?}");
    }
}

#[test]
fn every_route_of_a_large_table_router_is_found_with_its_params() {
    assert_eq!(ROUTES.len(), 900);
    for (index, info) in ROUTES.iter().enumerate() {
        let (path, values) = path_for(info.pattern());
        let method = info.methods().first().copied().unwrap_or(Method::GET);
        let route = recognize(method, &path).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        assert_eq!(route.index(), index, "{path}: {route:?}");
        let got: Vec<&str> = route.params().map(|(_, v)| v).collect();
        assert_eq!(got, values, "{path}");
        assert_eq!(route.to_string(), path);
    }
    // The 300 routes with one `{id}` take two or-patterns in `params()` (256 alternatives at
    // most), and the loop above read the parameters of routes in both.
    let generated = include_str!(concat!(env!("OUT_DIR"), "/large.rs"));
    let id_arms = generated.matches(r#"Params::__new([("id", p0), ("", "")], 1)"#);
    assert_eq!(id_arms.count(), 2);
}

#[test]
fn a_large_table_router_answers_misses_and_405s() {
    // `r0` is `POST /g0/item0`.
    match recognize(Method::GET, "/g0/item0") {
        Err(MatchError::MethodNotAllowed { allowed }) => assert_eq!(allowed.to_string(), "POST"),
        other => panic!("{other:?}"),
    }
    assert_eq!(recognize(Method::POST, "/g0/item0"), Ok(Route::R0));
    assert_not_found(
        |path| recognize(Method::GET, path).map(|route| route.index()),
        &[
            "",
            "/",
            "/g0",
            "/g0/item1",
            "/g1/item1/",
            "/g1/item1/x/y",
            "/g9/item0",
        ],
    );
    // `/g2/item9/{id}/v-{rev}` (r9) is tried first and leads nowhere, so the walk backtracks to
    // `/g2/{id}/item2` (r2).
    assert_eq!(
        recognize(Method::GET, "/g2/item9/item2"),
        Ok(Route::R2 { id: "item9" })
    );
    assert_eq!(
        recognize(Method::GET, "/g2/item9/x/v-1"),
        Ok(Route::R9 { id: "x", rev: "1" })
    );
}

#[test]
fn a_conditional_route_left_out_of_tables_matches_nothing_and_allows_nothing() {
    use routegen_e2e::conditional_tables::{Route, recognize};
    assert_eq!(recognize(Method::GET, "/c/7"), Ok(Route::Kept { id: "7" }));
    assert_eq!(recognize(Method::PUT, "/c/7"), Ok(Route::Put { id: "7" }));
    // `dropped` (POST) is compiled out: POST is not allowed, and not in the 405's `Allow`.
    match recognize(Method::POST, "/c/7") {
        Err(MatchError::MethodNotAllowed { allowed }) => {
            let mut methods: Vec<Method> = allowed.iter().collect();
            methods.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            assert_eq!(methods, [Method::GET, Method::PUT]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(recognize(Method::GET, "/gone/7"), Err(MatchError::NotFound));
    // A catch-all's capture slot comes with its leaf.
    assert_eq!(
        recognize(Method::GET, "/c/7/files/a/b.txt"),
        Ok(Route::Files {
            id: "7",
            path: "a/b.txt"
        })
    );
    // The only route of its shape, conditional: built from the captures like any other.
    assert_eq!(
        recognize(Method::GET, "/t/x/y/z"),
        Ok(Route::DebugTriple {
            a: "x",
            b: "y",
            c: "z"
        })
    );
}

#[test]
fn a_walk_that_jumps_over_literal_prefixes_answers_as_one_from_the_root() {
    use routegen_e2e::jumps::{Route, recognize};
    let generated = include_str!(concat!(env!("OUT_DIR"), "/jumps.rs"));
    // The tables do jump four segments, and not for every path (the flag after the depth).
    let args: String = generated
        .split("Tree::__new(")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(args.ends_with(",4,false,"), "{args}");

    // Through a jump: to a leaf, into the subtree, past a prefix longer than a word.
    assert_eq!(recognize(Method::GET, "/api/v1/a"), Ok(Route::A));
    assert_eq!(
        recognize(Method::GET, "/api/v1/a/7"),
        Ok(Route::AItem { id: "7" })
    );
    assert_eq!(recognize(Method::GET, "/api/v1/b"), Ok(Route::B));
    assert_eq!(
        recognize(Method::GET, "/api/v1/a-segment-longer-than-a-word"),
        Ok(Route::Long)
    );
    match recognize(Method::POST, "/api/v1/a") {
        Err(MatchError::MethodNotAllowed { allowed }) => assert_eq!(allowed.to_string(), "GET"),
        other => panic!("{other:?}"),
    }
    // Paths with no jump entry walk from the root: too few segments, or a prefix under `/docs`.
    assert_eq!(
        recognize(Method::GET, "/docs/x"),
        Ok(Route::Page { page: "x" })
    );
    assert_eq!(
        recognize(Method::GET, "/docs/x/edit"),
        Ok(Route::Edit { page: "x" })
    );
    assert_eq!(
        recognize(Method::GET, "/docs/intro/a/b"),
        Ok(Route::StaticDoc)
    );
    // `/docs/intro/a` is a prefix in the tree, but below the parameter: not a jump entry.
    assert_eq!(
        recognize(Method::GET, "/docs/intro/edit"),
        Ok(Route::Edit { page: "intro" })
    );
    assert_not_found(
        |path| recognize(Method::GET, path).map(|route| route.index()),
        &[
            "/api/v1",
            "/api/v1/",
            "/api/v1/c",
            "/api/v1/a/7/8",
            "/api/v1/a-segment-longer-than-a-worD",
            "/api/v2/a",
            "api/v1/a",
            "/docs/x/y",
        ],
    );
}
