//! Table-driven checks of the generated API: `recognize`, `Route::{name, params, info, index}`,
//! `ROUTES`, 404 vs 405, and reverse routing (`Display`).

use std::collections::HashSet;
use std::path::Path;

use routegen::{MatchError, MetaValue, Method};
use routegen_e2e::routes::{ROUTES, Route, recognize};

fn m(name: &str) -> Method {
    name.parse().unwrap()
}

/// Every route, in enum order, with plain param values (`p1`, `p2`, ... and `c1/c2` for
/// catch-alls) that no static route shadows, and a method it accepts.
fn all_routes() -> Vec<(&'static str, Route<'static>)> {
    vec![
        ("GET", Route::ReposNew),
        ("GET", Route::RepoFromTemplate { template: "p1" }),
        (
            "DELETE",
            Route::RepoShow {
                owner: "p1",
                repo: "p2",
            },
        ),
        ("PATCH", Route::RepoSettings { owner: "p1" }),
        ("GET", Route::RepoMine { owner: "p1" }),
        (
            "POST",
            Route::RepoIssues {
                owner: "p1",
                repo: "p2",
            },
        ),
        (
            "GET",
            Route::RepoIssue {
                owner: "p1",
                repo: "p2",
                number: "p3",
            },
        ),
        (
            "GET",
            Route::RepoTree {
                owner: "p1",
                repo: "p2",
                path: "c1/c2",
            },
        ),
        ("GET", Route::OrgsMembersList { org: "p1" }),
        ("GET", Route::OrgsTeams { name: "p1" }),
        ("HEAD", Route::ApiStatus),
        ("GET", Route::DeviceStatus { device_id: "p1" }),
        ("PATCH", Route::DeviceUpdate { device_id: "p1" }),
        ("GET", Route::SensorList { device_id: "p1" }),
        (
            "POST",
            Route::SensorRead {
                device_id: "p1",
                sensor: "p2",
            },
        ),
        (
            "GET",
            Route::ReadingLatest {
                device_id: "p1",
                sensor: "p2",
            },
        ),
        (
            "GET",
            Route::ReadingAt {
                device_id: "p1",
                sensor: "p2",
                timestamp: "p3",
            },
        ),
        (
            "GET",
            Route::ReadingRaw {
                device_id: "p1",
                sensor: "p2",
                rest: "c1/c2",
            },
        ),
        ("UNLINK", Route::PublicDocs { slug: "p1" }),
        ("GET", Route::FeedRss { feed: "p1" }),
        ("GET", Route::FeedAtom { feed: "p1" }),
        ("GET", Route::CacheStats),
        ("PURGE", Route::CachePurge { key: "c1/c2" }),
        ("DELETE", Route::CacheEntry { key: "p1" }),
        ("POST", Route::FileNew),
        ("GET", Route::FileDownload { id: "p1" }),
        ("GET", Route::FileMeta { id: "p1" }),
        ("PUT", Route::FilePath { path: "c1/c2" }),
        ("GET", Route::Image { id: "p1" }),
        ("GET", Route::ImageThumb { id: "p1" }),
        ("DELETE", Route::ImageFile { file: "p1" }),
        ("PUT", Route::DataJson { name: "p1" }),
        ("GET", Route::DataTarGz { name: "p1" }),
        ("GET", Route::DataGz { name: "p1" }),
        ("DELETE", Route::DataRaw { name: "p1" }),
        ("GET", Route::TagVersion { version: "p1" }),
        ("GET", Route::TagVault),
        ("GET", Route::TagShow { tag: "p1" }),
        ("GET", Route::Index),
        ("BREW", Route::Health),
        ("POST", Route::UsersList),
        ("GET", Route::UsersListSlash),
        ("PATCH", Route::UserShow { user_id: "p1" }),
        ("GET", Route::UserShowSlash { user_id: "p1" }),
        ("GET", Route::ItemGet { id: "p1" }),
        ("DELETE", Route::ItemDelete { item_id: "p1" }),
        ("GET", Route::LiteralBraces),
        ("GET", Route::LiteralParam { name: "p1" }),
        (
            "GET",
            Route::Search {
                r#type: "p1",
                query: "c1/c2",
            },
        ),
        ("OPTIONS", Route::Webhook { rest: "c1/c2" }),
    ]
}

#[test]
fn routes_table_and_enum_agree() {
    let all = all_routes();
    assert_eq!(ROUTES.len(), 50);
    assert_eq!(all.len(), ROUTES.len());
    let mut names = HashSet::new();
    for (position, (_, route)) in all.iter().enumerate() {
        assert_eq!(route.index(), position, "{route:?}");
        assert_eq!(Some(route.info()), ROUTES.get(position));
        assert_eq!(route.name(), ROUTES.get(position).unwrap().name());
        assert!(
            names.insert(route.name()),
            "duplicate name {}",
            route.name()
        );
    }
    // Files are discovered recursively and in sorted path order; routes keep file order.
    let files: Vec<&str> = ROUTES.iter().map(|r| r.file()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    let mut distinct = files.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        [
            "routes/api/repos.toml",
            "routes/api/v1.toml",
            "routes/files/cache.toml",
            "routes/files/files.toml",
            "routes/media.toml",
            "routes/root.toml",
        ]
    );
    // Names as written, including the ones whose variant name is converted.
    assert_eq!(
        Route::OrgsMembersList { org: "x" }.name(),
        "orgs-members.list"
    );
    assert_eq!(Route::OrgsTeams { name: "x" }.name(), "orgs.teams");
    assert_eq!(Route::FileDownload { id: "x" }.name(), "file_download");
    // The nested copy of the generated file is the same router.
    assert_eq!(routegen_e2e::nested_route_count(), ROUTES.len());
    assert_eq!(
        routegen_e2e::nested_recognize_name(Method::GET, "/files/new/meta"),
        Some("file_meta")
    );
}

#[test]
fn recognize_table() {
    use Route::*;
    let cases: &[(&str, &str, Route<'static>)] = &[
        ("GET", "/", Index),
        ("POST", "/health", Health),
        ("BREW", "/health", Health),
        ("get", "/health", Health),
        ("GET", "/users", UsersList),
        ("GET", "/users/", UsersListSlash),
        ("GET", "/users/42", UserShow { user_id: "42" }),
        ("PUT", "/users/zürich", UserShow { user_id: "zürich" }),
        ("GET", "/users/42/", UserShowSlash { user_id: "42" }),
        ("GET", "/items/7", ItemGet { id: "7" }),
        ("DELETE", "/items/7", ItemDelete { item_id: "7" }),
        ("GET", "/literal/{x}", LiteralBraces),
        ("GET", "/literal/x", LiteralParam { name: "x" }),
        ("GET", "/literal/{y}", LiteralParam { name: "{y}" }),
        (
            "GET",
            "/search/users/a/b",
            Search {
                r#type: "users",
                query: "a/b",
            },
        ),
        (
            "PUT",
            "/hooks/github/push",
            Webhook {
                rest: "github/push",
            },
        ),
        ("HEAD", "/api/v1/status", ApiStatus),
        (
            "GET",
            "/api/v1/devices/d-1/status",
            DeviceStatus { device_id: "d-1" },
        ),
        (
            "PATCH",
            "/api/v1/devices/d.1",
            DeviceUpdate { device_id: "d.1" },
        ),
        (
            "GET",
            "/api/v1/devices/d/sensors/all",
            SensorList { device_id: "d" },
        ),
        (
            "GET",
            "/api/v1/devices/d/sensors/t",
            SensorRead {
                device_id: "d",
                sensor: "t",
            },
        ),
        (
            "GET",
            "/api/v1/devices/d/sensors/all/readings/latest",
            ReadingLatest {
                device_id: "d",
                sensor: "all",
            },
        ),
        (
            "GET",
            "/api/v1/devices/d/sensors/s/readings/at/12:00",
            ReadingAt {
                device_id: "d",
                sensor: "s",
                timestamp: "12:00",
            },
        ),
        (
            "GET",
            "/api/v1/devices/d/sensors/s/readings/raw/2024/01.csv",
            ReadingRaw {
                device_id: "d",
                sensor: "s",
                rest: "2024/01.csv",
            },
        ),
        (
            "LINK",
            "/api/v1/public/docs/intro",
            PublicDocs { slug: "intro" },
        ),
        (
            "GET",
            "/api/v1/public/feeds/news.rss",
            FeedRss { feed: "news" },
        ),
        (
            "GET",
            "/api/v1/public/feeds/a.rss.atom",
            FeedAtom { feed: "a.rss" },
        ),
        // A catch-all of another method behind a static route.
        ("GET", "/cache/stats", CacheStats),
        ("PURGE", "/cache/stats", CachePurge { key: "stats" }),
        ("PURGE", "/cache/a/b", CachePurge { key: "a/b" }),
        ("PURGE", "/cache/entry/k", CacheEntry { key: "k" }),
        ("PURGE", "/cache/entry/k/x", CachePurge { key: "entry/k/x" }),
        // Static > param > catch-all, with backtracking and per-method choice.
        ("GET", "/files/new", FileNew),
        ("PUT", "/files/new", FilePath { path: "new" }),
        ("GET", "/files/new/meta", FileMeta { id: "new" }),
        ("GET", "/files/a", FileDownload { id: "a" }),
        ("GET", "/files/a/b", FilePath { path: "a/b" }),
        ("GET", "/files/a/meta/b", FilePath { path: "a/meta/b" }),
        ("GET", "/files/a%2Fb", FileDownload { id: "a%2Fb" }),
        // Prefix/suffix params: the most specific wins, values may contain dots.
        ("GET", "/media/images/img-1.png", Image { id: "1" }),
        ("GET", "/media/images/img-a.b.png", Image { id: "a.b" }),
        (
            "GET",
            "/media/images/img-1.png/thumb",
            ImageThumb { id: "1" },
        ),
        (
            "GET",
            "/media/images/img-.png",
            ImageFile { file: "img-.png" },
        ),
        (
            "GET",
            "/media/images/logo.png",
            ImageFile { file: "logo.png" },
        ),
        ("GET", "/media/data/a.b.tar.gz", DataTarGz { name: "a.b" }),
        ("GET", "/media/data/a.gz", DataGz { name: "a" }),
        ("PUT", "/media/data/a.json", DataJson { name: "a" }),
        ("DELETE", "/media/data/a.json", DataRaw { name: "a.json" }),
        ("GET", "/media/data/.json", DataRaw { name: ".json" }),
        ("GET", "/media/data/a", DataRaw { name: "a" }),
        ("GET", "/media/tags/v2/info", TagVersion { version: "2" }),
        ("GET", "/media/tags/vault/info", TagVault),
        (
            "GET",
            "/media/tags/vaul/info",
            TagVersion { version: "aul" },
        ),
        ("GET", "/media/tags/vault/", TagShow { tag: "vault" }),
        // Backtracking out of static segments.
        ("GET", "/repos/new", ReposNew),
        (
            "GET",
            "/repos/new/t/pulls",
            RepoFromTemplate { template: "t" },
        ),
        (
            "GET",
            "/repos/new/x/issues",
            RepoIssues {
                owner: "new",
                repo: "x",
            },
        ),
        ("GET", "/repos/new/settings", RepoSettings { owner: "new" }),
        (
            "DELETE",
            "/repos/new/settings",
            RepoShow {
                owner: "new",
                repo: "settings",
            },
        ),
        ("GET", "/repos/x/mine/pulls", RepoMine { owner: "x" }),
        (
            "GET",
            "/repos/new/mine/pulls",
            RepoFromTemplate { template: "mine" },
        ),
        (
            "GET",
            "/repos/x/mine/issues",
            RepoIssues {
                owner: "x",
                repo: "mine",
            },
        ),
        (
            "GET",
            "/repos/x/y/issues/3",
            RepoIssue {
                owner: "x",
                repo: "y",
                number: "3",
            },
        ),
        (
            "GET",
            "/repos/o/r/tree/src/main.rs",
            RepoTree {
                owner: "o",
                repo: "r",
                path: "src/main.rs",
            },
        ),
        (
            "GET",
            "/repos/orgs/acme/members",
            OrgsMembersList { org: "acme" },
        ),
        ("GET", "/repos/orgs/acme/teams", OrgsTeams { name: "acme" }),
        (
            "GET",
            "/repos/orgs/acme",
            RepoShow {
                owner: "orgs",
                repo: "acme",
            },
        ),
    ];
    for &(method, path, expected) in cases {
        assert_eq!(recognize(m(method), path), Ok(expected), "{method} {path}");
    }
    for (method, route) in all_routes() {
        let path = route.to_string();
        assert_eq!(
            recognize(m(method), &path),
            Ok(route),
            "round trip {method} {path}"
        );
    }
}

#[test]
fn params_in_pattern_order() {
    let route = recognize(Method::GET, "/api/v1/devices/d1/sensors/s2/readings/at/t3").unwrap();
    assert_eq!(
        route.params().collect::<Vec<_>>(),
        [("device_id", "d1"), ("sensor", "s2"), ("timestamp", "t3")]
    );
    assert_eq!(route.params().len(), 3);
    assert_eq!(route.params().get("sensor"), Some("s2"));
    assert_eq!(route.params().get("nope"), None);
    let route = recognize(Method::GET, "/search/users/a/b").unwrap();
    assert_eq!(
        route.params().collect::<Vec<_>>(),
        [("type", "users"), ("query", "a/b")]
    );
    let route = recognize(Method::GET, "/media/data/x.tar.gz").unwrap();
    assert_eq!(route.params().as_slice(), [("name", "x")]);
    assert_eq!(Route::Index.params().count(), 0);
    assert_eq!(
        Route::ItemDelete { item_id: "9" }
            .params()
            .collect::<Vec<_>>(),
        [("item_id", "9")]
    );
}

#[test]
fn not_found_vs_method_not_allowed() {
    let not_found = [
        ("GET", ""),
        ("GET", "/nope"),
        ("GET", "/users//"),
        ("GET", "/USERS"),
        ("GET", "/files/"),
        ("PUT", "/files/"),
        ("GET", "/files"),
        ("PURGE", "/cache/"),
        ("GET", "/hooks/"),
        ("GET", "/media/tags/v/info"),
        ("GET", "/media/images/img-1.png/"),
        ("OPTIONS", "/repos/a/b/c/d"),
    ];
    for (method, path) in not_found {
        assert_eq!(
            recognize(m(method), path),
            Err(MatchError::NotFound),
            "{method} {path}"
        );
    }
    let not_allowed = [
        ("POST", "/items/1", "GET, DELETE"),
        ("PATCH", "/items/1", "GET, DELETE"),
        ("HEAD", "/", "GET"),
        ("get", "/", "GET"),
        ("POST", "/api/v1/status", "GET, HEAD"),
        ("DELETE", "/files/x", "GET, PUT"),
        ("DELETE", "/files/new", "GET, POST, PUT"),
        ("DELETE", "/files/x/meta", "GET, PUT"),
        ("POST", "/api/v1/public/docs/x", "GET, LINK, UNLINK"),
        ("GET", "/cache/a", "PURGE"),
        ("POST", "/cache/entry/k", "GET, DELETE, PURGE"),
        ("UNLINK", "/users", "GET, POST"),
        ("DELETE", "/repos/new", "GET"),
        ("PUT", "/repos/new/settings", "GET, DELETE, PATCH"),
        ("POST", "/media/images/img-1.png", "GET, DELETE"),
        ("POST", "/media/data/a.json", "GET, PUT, DELETE"),
        ("BREW", "/users/1", "GET, PUT, PATCH"),
    ];
    for (method, path, allowed) in not_allowed {
        match recognize(m(method), path) {
            Err(error @ MatchError::MethodNotAllowed { allowed: got }) => {
                assert_eq!(got.to_string(), allowed, "{method} {path}");
                assert_eq!(got.len(), allowed.split(", ").count());
                for name in allowed.split(", ") {
                    assert!(got.contains(m(name)));
                }
                assert!(!got.contains(m(method)));
                assert_eq!(
                    error.to_string(),
                    format!("method not allowed (allowed: {allowed})")
                );
            }
            other => panic!("{method} {path}: expected 405 {allowed}, got {other:?}"),
        }
    }
}

#[test]
fn info_of_routes() {
    let status = Route::DeviceStatus { device_id: "d" }.info();
    assert_eq!(status.name(), "device_status");
    assert_eq!(status.pattern(), "/api/v1/devices/{device_id}/status");
    assert_eq!(status.methods(), [Method::GET]);
    assert_eq!(status.handler(), Some("crate::handlers::devices::status"));
    assert_eq!(status.file(), "routes/api/v1.toml");
    assert_eq!((status.line(), status.column()), (19, 1));
    assert_eq!(status.middleware(), ["cors", "auth", "device_scope"]);

    let sensors = Route::SensorList { device_id: "d" }.info();
    assert_eq!(sensors.pattern(), "/api/v1/devices/{device_id}/sensors/all");
    assert_eq!((sensors.line(), sensors.column()), (36, 3));
    let raw = Route::ReadingRaw {
        device_id: "d",
        sensor: "s",
        rest: "r",
    }
    .info();
    assert_eq!(
        raw.pattern(),
        "/api/v1/devices/{device_id}/sensors/{sensor}/readings/raw/{*rest}"
    );
    assert_eq!((raw.line(), raw.column()), (68, 7));
    let index = Route::Index.info();
    assert_eq!((index.file(), index.line()), ("routes/root.toml", 12));
    assert_eq!(index.handler(), Some("crate::handlers::index"));
    assert_eq!(
        Route::FileDownload { id: "x" }.info().handler(),
        Some("crate::handlers::files::download")
    );
    assert_eq!(
        Route::FileDownload { id: "x" }.info().file(),
        "routes/files/files.toml"
    );
    assert_eq!(Route::FileDownload { id: "x" }.info().line(), 13);
    assert_eq!(Route::UsersList.info().handler(), None);
    assert_eq!(Route::LiteralBraces.info().pattern(), "/literal/{{x}}");

    // Methods.
    let sorted = |methods: &'static [Method]| {
        let mut names: Vec<&'static str> = methods.iter().map(|m| m.as_str()).collect();
        names.sort();
        names
    };
    assert!(Route::Health.info().methods().is_empty());
    assert!(Route::Health.info().allows(m("BREW")));
    assert!(Route::Webhook { rest: "x" }.info().methods().is_empty());
    assert_eq!(
        sorted(Route::DeviceUpdate { device_id: "d" }.info().methods()),
        ["PATCH", "PUT"]
    );
    assert_eq!(
        sorted(Route::PublicDocs { slug: "s" }.info().methods()),
        ["GET", "LINK", "UNLINK"]
    );
    assert_eq!(
        Route::CachePurge { key: "k" }.info().methods(),
        [m("PURGE")]
    );
    assert!(!Route::CachePurge { key: "k" }.info().allows(Method::GET));

    // Middleware: file, then groups outer to inner, then the route; inherit_middleware = false.
    let middleware = |route: Route<'static>| route.info().middleware();
    assert_eq!(
        middleware(Route::ReadingLatest {
            device_id: "d",
            sensor: "s"
        }),
        [
            "cors",
            "auth",
            "device_scope",
            "rate_limit",
            "metrics",
            "no_cache"
        ]
    );
    assert_eq!(
        middleware(Route::ReadingAt {
            device_id: "d",
            sensor: "s",
            timestamp: "t"
        }),
        ["cors", "auth", "device_scope", "rate_limit", "metrics"]
    );
    assert_eq!(
        middleware(Route::ReadingRaw {
            device_id: "d",
            sensor: "s",
            rest: "r"
        }),
        ["raw_auth"]
    );
    assert_eq!(middleware(Route::PublicDocs { slug: "s" }), ["cache"]);
    assert_eq!(
        middleware(Route::FeedRss { feed: "f" }),
        ["cache", "feed_format"]
    );
    assert_eq!(middleware(Route::ApiStatus), ["cors", "auth"]);
    assert_eq!(
        middleware(Route::UserShow { user_id: "u" }),
        ["trace", "load_user"]
    );
    assert_eq!(middleware(Route::FilePath { path: "p" }), ["storage"]);
    assert!(middleware(Route::ReposNew).is_empty());
}

#[test]
fn merged_meta() {
    // File `[meta]`, then groups, then the route; inner keys override outer ones.
    let latest = Route::ReadingLatest {
        device_id: "d",
        sensor: "s",
    }
    .info();
    assert_eq!(latest.meta_value("depth"), Some(&MetaValue::Integer(4)));
    assert_eq!(
        latest.meta_value("audited"),
        Some(&MetaValue::Boolean(false))
    );
    assert_eq!(
        latest.meta_value("owner").and_then(|v| v.as_str()),
        Some("sensors")
    );
    assert_eq!(
        latest.meta_value("version").and_then(|v| v.as_integer()),
        Some(1)
    );
    assert_eq!(latest.meta_value("cache_seconds"), None);
    let at = Route::ReadingAt {
        device_id: "d",
        sensor: "s",
        timestamp: "t",
    }
    .info();
    assert_eq!(at.meta_value("depth"), Some(&MetaValue::Integer(3)));
    let status = Route::DeviceStatus { device_id: "d" }.info();
    assert_eq!(
        status.meta_value("owner"),
        Some(&MetaValue::String("devices"))
    );
    assert_eq!(
        status.meta_value("audited").and_then(|v| v.as_bool()),
        Some(true)
    );
    assert_eq!(
        status.meta_value("cache_seconds"),
        Some(&MetaValue::Integer(30))
    );
    assert_eq!(
        Route::ApiStatus.info().meta_value("owner"),
        Some(&MetaValue::String("platform"))
    );
    assert_eq!(
        Route::FeedAtom { feed: "f" }.info().meta_value("public"),
        Some(&MetaValue::Boolean(true))
    );
    assert_eq!(
        Route::FileNew.info().meta_value("bucket"),
        Some(&MetaValue::String("main"))
    );
    assert_eq!(
        Route::FilePath { path: "p" }.info().meta_value("bucket"),
        Some(&MetaValue::String("paths"))
    );
    assert!(Route::ReposNew.info().meta().is_empty());

    // Every TOML value kind, and keys sorted.
    let health = Route::Health.info();
    let keys: Vec<&str> = health.meta().iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        ["area", "limits", "public", "since", "tags", "weight"]
    );
    assert_eq!(health.meta_value("area"), Some(&MetaValue::String("ops")));
    assert_eq!(health.meta_value("weight"), Some(&MetaValue::Float(1.5)));
    assert_eq!(
        health.meta_value("tags"),
        Some(&MetaValue::Array(&[
            MetaValue::String("public"),
            MetaValue::String("v1")
        ]))
    );
    assert_eq!(
        health.meta_value("since"),
        Some(&MetaValue::Datetime("2024-01-15"))
    );
    assert_eq!(
        health.meta_value("limits"),
        Some(&MetaValue::Table(&[
            ("burst", MetaValue::Integer(10)),
            ("per", MetaValue::String("second")),
        ]))
    );
    assert_eq!(
        Route::Index.info().meta_value("area"),
        Some(&MetaValue::String("root"))
    );
    assert_eq!(Route::Index.info().meta_value("public"), None);
}

/// `line`/`column` of every route point at its `[[...route]]` header, found by scanning the file.
#[test]
fn every_route_points_at_its_declaration() {
    for info in &ROUTES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(info.file());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let lines: Vec<&str> = text.lines().collect();
        let name_line = format!("name = \"{}\"", info.name());
        let at = lines
            .iter()
            .position(|l| l.trim() == name_line)
            .unwrap_or_else(|| panic!("{} not in {}", info.name(), info.file()));
        let header = (0..at)
            .rev()
            .find(|&i| {
                let l = lines[i].trim();
                l.starts_with("[[") && l.ends_with("route]]")
            })
            .unwrap();
        let column = lines[header].len() - lines[header].trim_start().len() + 1;
        assert_eq!(
            (info.line(), info.column()),
            (header as u32 + 1, column as u32),
            "{}",
            info.name()
        );
    }
}

#[test]
fn reverse_routing() {
    let cases: &[(Route<'static>, &str)] = &[
        (Route::Index, "/"),
        (Route::UsersListSlash, "/users/"),
        (Route::UserShowSlash { user_id: "u" }, "/users/u/"),
        (
            Route::DeviceStatus { device_id: "d 1" },
            "/api/v1/devices/d%201/status",
        ),
        (Route::ItemGet { id: "a b" }, "/items/a%20b"),
        (Route::FileDownload { id: "a/b" }, "/files/a%2Fb"),
        (Route::FileDownload { id: "100%" }, "/files/100%25"),
        (Route::FileDownload { id: "q?x#y" }, "/files/q%3Fx%23y"),
        (Route::FileDownload { id: "zürich" }, "/files/z%C3%BCrich"),
        // pchar is kept as is.
        (
            Route::FileDownload {
                id: "a:b@c!$&'()*+,;=-._~",
            },
            "/files/a:b@c!$&'()*+,;=-._~",
        ),
        (Route::FilePath { path: "a b/c" }, "/files/a%20b/c"),
        (Route::Webhook { rest: "x/y%z" }, "/hooks/x/y%25z"),
        (
            Route::ReadingRaw {
                device_id: "d/1",
                sensor: "s",
                rest: "2024/01.csv",
            },
            "/api/v1/devices/d%2F1/sensors/s/readings/raw/2024/01.csv",
        ),
        (Route::Image { id: "a b" }, "/media/images/img-a%20b.png"),
        (
            Route::ImageThumb { id: "1" },
            "/media/images/img-1.png/thumb",
        ),
        (Route::DataTarGz { name: "x" }, "/media/data/x.tar.gz"),
        (Route::TagVersion { version: "2" }, "/media/tags/v2/info"),
        (
            Route::Search {
                r#type: "t",
                query: "a/b c",
            },
            "/search/t/a/b%20c",
        ),
        (Route::LiteralBraces, "/literal/{x}"),
        (Route::LiteralParam { name: "{x}" }, "/literal/%7Bx%7D"),
    ];
    for (route, path) in cases {
        assert_eq!(route.to_string(), *path, "{route:?}");
    }
    // Encoded values come back encoded: recognize does not percent-decode.
    assert_eq!(
        recognize(Method::GET, "/files/a%2Fb"),
        Ok(Route::FileDownload { id: "a%2Fb" })
    );
    assert_eq!(
        recognize(Method::GET, &Route::LiteralBraces.to_string()),
        Ok(Route::LiteralBraces)
    );
    // format! with width etc. goes through the same Display.
    assert_eq!(format!("{}", Route::ReposNew), "/repos/new");
}

/// Asserts a 405 whose `Allow` set is `methods`, in order.
fn assert_allows(result: Result<&str, MatchError>, methods: &[Method]) {
    match result {
        Err(MatchError::MethodNotAllowed { allowed }) => {
            assert_eq!(allowed.iter().collect::<Vec<_>>(), methods);
        }
        other => panic!("expected a 405 allowing {methods:?}, got {other:?}"),
    }
}

/// The homes of static routes: in the tree with the parameter routes (the route files), a
/// direct table (`static_only`: no parameter route; `direct`: twelve static paths of one first
/// byte, too many for the tree to compare one by one) and a hash-and-displace table
/// (`displaced`: as `direct`, but paths whose ends a direct table cannot tell apart). Each must
/// find every static path, leave same-length misses to the tree, and report 405s.
#[test]
fn static_routes_in_the_tree_in_a_direct_table_and_displaced() {
    let routes_code = include_str!(concat!(env!("OUT_DIR"), "/routes.rs"));
    let static_code = include_str!(concat!(env!("OUT_DIR"), "/static_only.rs"));
    let direct_code = include_str!(concat!(env!("OUT_DIR"), "/direct.rs"));
    let displaced_code = include_str!(concat!(env!("OUT_DIR"), "/displaced.rs"));
    assert!(!routes_code.contains("fn lookup_static"));
    assert!(static_code.contains("find_static(") && !static_code.contains("fn node_root"));
    assert!(direct_code.contains("find_static(") && direct_code.contains("fn node_root"));
    assert!(displaced_code.contains("DISPLACEMENTS") && !displaced_code.contains("find_static("));

    use routegen_e2e::static_only;
    for (method, path, name) in [
        (Method::GET, "/", "home"),
        (Method::DELETE, "/", "home"),
        (Method::GET, "/about", "about"),
        (Method::POST, "/about", "about_post"),
        (Method::GET, "/abort", "abort"),
        (Method::GET, "/health", "health"),
    ] {
        let route = static_only::recognize(method, path).unwrap();
        assert_eq!(route.name(), name, "{method} {path}");
    }
    for miss in ["", "/abou", "/aboutt", "/abouT", "/health/", "//"] {
        assert_eq!(
            static_only::recognize(Method::GET, miss),
            Err(MatchError::NotFound),
            "{miss:?}"
        );
    }
    assert_allows(
        static_only::recognize(Method::PUT, "/about").map(|r| r.name()),
        &[Method::GET, Method::POST],
    );

    macro_rules! wide {
        ($router:ident, $path:expr) => {{
            use routegen_e2e::$router as router;
            let path = $path;
            for i in 0..12 {
                let static_path = path(i);
                let route = router::recognize(Method::GET, &static_path).unwrap();
                assert_eq!(route.name(), format!("s{i:02}"), "{static_path}");
            }
            assert_eq!(
                router::recognize(Method::DELETE, &path(0)).unwrap().name(),
                "s00_delete"
            );
            // Same length (and ends) as the static paths, but none of them: the parameter route.
            let other = path(12);
            let item = router::recognize(Method::GET, &other).unwrap();
            assert_eq!(item.name(), "item");
            assert_eq!(item.params().collect::<Vec<_>>(), [("id", &other[8..])]);
            assert_allows(
                router::recognize(Method::PUT, &path(0)).map(|r| r.name()),
                &[Method::GET, Method::DELETE],
            );
            assert_eq!(
                router::recognize(Method::GET, &format!("{}/x", path(0))),
                Err(MatchError::NotFound)
            );
        }};
    }
    wide!(direct, |i| format!("/static/p{i:02}"));
    wide!(displaced, |i| format!("/static/p{i:02}-shared-tail"));
}

/// A tree with more parameter segments than the code inlines scans for reads them with one
/// shared function, and finds the same routes and values.
#[test]
fn many_parameter_segments_share_one_scan() {
    use routegen_e2e::many_params;
    let code = include_str!(concat!(env!("OUT_DIR"), "/many_params.rs"));
    let routes_code = include_str!(concat!(env!("OUT_DIR"), "/routes.rs"));
    assert!(code.contains("__private::segment_shared(") && !code.contains("__private::segment("));
    assert!(routes_code.contains("__private::segment(") && !routes_code.contains("segment_shared"));
    // Tree functions entered before any capture own their capture array; those below
    // `{tenant}` take their caller's.
    let owned = code.matches("let caps: &mut [&'p str; ").count();
    let taken = code.matches("caps: &mut [&'p str; ").count() - owned;
    assert!(owned > 0 && taken > 0, "{owned} owned, {taken} taken");
    for i in 0..160 {
        // Below `{tenant}`, in a function that takes its caller's captures.
        let tenant_path = format!("/t/acme-{i}/r{i}/{i}");
        let route = many_params::recognize(Method::GET, &tenant_path).unwrap();
        assert_eq!(route.name(), format!("tenant{i}"));
        let (tenant, id) = (format!("acme-{i}"), i.to_string());
        assert_eq!(
            route.params().collect::<Vec<_>>(),
            [("tenant", tenant.as_str()), ("id", id.as_str())]
        );
        let (item_path, file_path) = (format!("/p{i}/a-b"), format!("/p{i}/ü/report.txt"));
        let item = many_params::recognize(Method::GET, &item_path).unwrap();
        assert_eq!(item.name(), format!("item{i}"));
        assert_eq!(item.params().collect::<Vec<_>>(), [("id", "a-b")]);
        let file = many_params::recognize(Method::GET, &file_path).unwrap();
        assert_eq!(file.name(), format!("file{i}"));
        assert_eq!(
            file.params().collect::<Vec<_>>(),
            [("id", "ü"), ("file", "report")]
        );
        // Values of every length up to three words, so that the shared scan ends a segment in
        // its word loop and in the word that ends the path, with multi-byte characters across
        // word boundaries.
        let value: String = "abcdéfgh-ijklmnöpq-rstuvw"
            .chars()
            .take(i % 26 + 1)
            .collect();
        let item_path = format!("/p{i}/{value}");
        let item = many_params::recognize(Method::GET, &item_path).unwrap();
        assert_eq!(item.params().collect::<Vec<_>>(), [("id", value.as_str())]);
        let file_path = format!("/p{i}/{value}/{value}.txt");
        let file = many_params::recognize(Method::GET, &file_path).unwrap();
        assert_eq!(
            file.params().collect::<Vec<_>>(),
            [("id", value.as_str()), ("file", value.as_str())]
        );
        for miss in [
            format!("/p{i}/"),
            format!("/p{i}/x/y"),
            format!("/p{i}/x/.txt"),
            format!("/p{i}/{value}/"),
            format!("/p{i}/{value}/{value}.tx"),
            format!("/t/acme/r{i}/"),
            format!("/t//r{i}/1"),
            format!("/t/a/r{i}x/1"),
        ] {
            assert_eq!(
                many_params::recognize(Method::GET, &miss),
                Err(MatchError::NotFound),
                "{miss}"
            );
        }
    }
}

/// A direct static table whose every path has one route: taking any method, the slot gives the
/// route; taking GET only, one method test follows. Every path is found, and every path that
/// differs from one by a byte, a byte more or a byte less is not, whatever its length class
/// (the middle bytes of a path longer than 16 bytes are compared apart from its ends).
#[test]
fn direct_static_tables_find_each_path_and_only_it() {
    use routegen_e2e::{STATIC_PATHS, static_any, static_get};
    let any_code = include_str!(concat!(env!("OUT_DIR"), "/static_any.rs"));
    let get_code = include_str!(concat!(env!("OUT_DIR"), "/static_get.rs"));
    // The two shapes of the answer: the slot's route, or its method test.
    assert!(any_code.contains("Ok(ROUTES_BY_PATH[start])"));
    assert!(get_code.contains("let (mask, route) = ROUTES_BY_PATH[start]"));
    let paths: Vec<&str> = STATIC_PATHS.lines().collect();
    for (i, path) in paths.iter().enumerate() {
        let name = format!("s{i}");
        for method in [Method::GET, Method::DELETE] {
            assert_eq!(static_any::recognize(method, path).unwrap().name(), name);
        }
        assert_eq!(
            static_get::recognize(Method::GET, path).unwrap().name(),
            name
        );
        assert_allows(
            static_get::recognize(Method::POST, path).map(|r| r.name()),
            &[Method::GET],
        );
        let bytes = path.as_bytes();
        let shorter = path.char_indices().last().map_or("", |(at, _)| &path[..at]);
        let mut misses = vec![format!("{path}x"), shorter.to_owned()];
        for at in 0..bytes.len() {
            let mut changed = bytes.to_vec();
            changed[at] ^= 0x01;
            if let Ok(changed) = String::from_utf8(changed) {
                misses.push(changed);
            }
        }
        for miss in misses.iter().filter(|miss| !paths.contains(&miss.as_str())) {
            assert_eq!(
                static_any::recognize(Method::GET, miss),
                Err(MatchError::NotFound),
                "{miss:?}"
            );
            assert_eq!(
                static_get::recognize(Method::GET, miss),
                Err(MatchError::NotFound),
                "{miss:?}"
            );
        }
    }
}

/// `Route` equality and hashing (written on `index()` and `params()`, not derived) compare the
/// route and its parameter values, and agree with each other.
#[test]
fn routes_are_equal_when_route_and_values_are() {
    let template = |t| Route::RepoFromTemplate { template: t };
    assert_eq!(template("a"), template("a"));
    assert_ne!(template("a"), template("b"));
    assert_ne!(template("a"), Route::ReposNew);
    assert_eq!(Route::ReposNew, Route::ReposNew);
    let all = all_routes();
    for (i, (_, a)) in all.iter().enumerate() {
        for (j, (_, b)) in all.iter().enumerate() {
            assert_eq!(a == b, i == j, "{a:?} against {b:?}");
        }
    }
    let set: HashSet<Route<'_>> = [template("a"), template("a"), template("b"), Route::ReposNew]
        .into_iter()
        .collect();
    assert_eq!(set.len(), 3);
    assert!(set.contains(&template("b")) && !set.contains(&template("c")));
}

/// `Route`'s `Debug` (written on `name()` and `params()`, not derived) prints what the derive
/// would: the variant, then its fields by name (a keyword field without its `r#`).
#[test]
fn routes_debug_print_like_a_derive() {
    let search = Route::Search {
        r#type: "t\"1",
        query: "a/b",
    };
    assert_eq!(
        format!("{search:?}"),
        r#"Search { type: "t\"1", query: "a/b" }"#
    );
    assert_eq!(
        format!("{search:#?}"),
        "Search {\n    type: \"t\\\"1\",\n    query: \"a/b\",\n}"
    );
    assert_eq!(format!("{:?}", Route::ReposNew), "ReposNew");
    assert_eq!(
        format!("{:?}", Some(Route::ItemGet { id: "7" })),
        r#"Some(ItemGet { id: "7" })"#
    );
    for (_, route) in all_routes() {
        let debug = format!("{route:?}");
        let variant = debug.split([' ', '(']).next().unwrap();
        assert!(
            variant.chars().next().unwrap().is_ascii_uppercase()
                && !variant.contains(['_', '-', '.']),
            "{debug}"
        );
    }
}
