fn main() {
    routegen_codegen::compile("routes");
    // The same routes with the lookup as tables (the shape large route sets get), held to the
    // same answers by the tests.
    routegen_codegen::Builder::new()
        .route_dir("routes")
        .lookup(routegen_codegen::Lookup::Tables)
        .output_file("tables.rs")
        .compile();
    // A second router from other sources: MQTT, message and WebSocket routes, a JSON file, and
    // plugins mounted one prefix each.
    routegen_codegen::Builder::new()
        .route_dir("transports")
        .mount_each("/plugins", "plugins")
        .output_file("transports.rs")
        .compile();
    // A build with no route at all still generates a router that compiles warning-free.
    routegen_codegen::Builder::new()
        .route_source("empty.toml", "")
        .output_file("empty.rs")
        .compile();
    // Only static routes, one path with two: a direct static table, no tree.
    routegen_codegen::Builder::new()
        .route_source(
            "static_only.toml",
            "[[route]]\nname = \"home\"\npath = \"/\"\n\n\
             [[route]]\nname = \"about\"\npath = \"/about\"\nmethod = \"GET\"\n\n\
             [[route]]\nname = \"about_post\"\npath = \"/about\"\nmethod = \"POST\"\n\n\
             [[route]]\nname = \"abort\"\npath = \"/abort\"\nmethod = \"GET\"\n\n\
             [[route]]\nname = \"health\"\npath = \"/health\"\n",
        )
        .output_file("static_only.rs")
        .compile();
    // Twelve static paths that share a first byte, too many for the tree to compare one by one:
    // a static table beside the tree. Direct when the paths' ends tell them apart, hash and
    // displace when they do not.
    routegen_codegen::Builder::new()
        .route_source("direct.toml", wide_routes(|i| format!("/static/p{i:02}")))
        .output_file("direct.rs")
        .compile();
    routegen_codegen::Builder::new()
        .route_source(
            "displaced.toml",
            wide_routes(|i| format!("/static/p{i:02}-shared-tail")),
        )
        .output_file("displaced.rs")
        .compile();
    // Static routes of every length class of the direct table (up to 4, 8, 16, 32 bytes and
    // beyond), one route each: taking any method, the slot's route is the answer; taking one
    // method, the answer after one method test.
    // More parameter segments than the code inlines scans for: one shared scan function.
    routegen_codegen::Builder::new()
        .route_source("many_params.toml", many_params_routes())
        .output_file("many_params.rs")
        .compile();
    routegen_codegen::Builder::new()
        .route_source("static_any.toml", static_routes(None))
        .output_file("static_any.rs")
        .compile();
    routegen_codegen::Builder::new()
        .route_source("static_get.toml", static_routes(Some("GET")))
        .output_file("static_get.rs")
        .compile();
    // Conditional routes as tables: a route the build leaves out keeps its place in the tables
    // with an empty method mask. Tests run with debug assertions. The only route with three
    // parameters is conditional: its constructor must compile warning-free with or without it.
    routegen_codegen::Builder::new()
        .route_source(
            "conditional.toml",
            "[[route]]\nname = \"kept\"\npath = \"/c/{id}\"\nmethod = \"GET\"\ncfg = \"debug_assertions\"\n\n\
             [[route]]\nname = \"dropped\"\npath = \"/c/{id}\"\nmethod = \"POST\"\n\
             cfg = \"not(debug_assertions)\"\n\n\
             [[route]]\nname = \"put\"\npath = \"/c/{id}\"\nmethod = \"PUT\"\n\n\
             [[route]]\nname = \"gone\"\npath = \"/gone/{id}\"\ncfg = 'feature = \"debug-routes\"'\n\n\
             [[route]]\nname = \"files\"\npath = \"/c/{id}/files/{*path}\"\nmethod = \"GET\"\n\n\
             [[route]]\nname = \"debug_triple\"\npath = \"/t/{a}/{b}/{c}\"\n\
             cfg = \"debug_assertions\"\n",
        )
        .lookup(routegen_codegen::Lookup::Tables)
        .output_file("conditional_tables.rs")
        .compile();
    // Tables whose walk jumps over the first four segments of the paths under `/api/v1`, while
    // `/docs` has a parameter child above that depth, so other paths walk from the root.
    routegen_codegen::Builder::new()
        .route_source(
            "jumps.toml",
            "[[route]]\nname = \"a\"\npath = \"/api/v1/a\"\nmethod = \"GET\"\n\n\
             [[route]]\nname = \"a_item\"\npath = \"/api/v1/a/{id}\"\n\n\
             [[route]]\nname = \"b\"\npath = \"/api/v1/b\"\n\n\
             [[route]]\nname = \"long\"\npath = \"/api/v1/a-segment-longer-than-a-word\"\n\n\
             [[route]]\nname = \"page\"\npath = \"/docs/{page}\"\n\n\
             [[route]]\nname = \"edit\"\npath = \"/docs/{page}/edit\"\n\n\
             [[route]]\nname = \"static_doc\"\npath = \"/docs/intro/a/b\"\n",
        )
        .lookup(routegen_codegen::Lookup::Tables)
        .output_file("jumps.rs")
        .compile();
    // More routes than one `route_of` function takes (256), as tables, and more routes of one
    // shape (300 with one `{id}`) than one or-pattern of `params()` holds (256).
    routegen_codegen::Builder::new()
        .route_source("large.toml", large_routes())
        .lookup(routegen_codegen::Lookup::Tables)
        .output_file("large.rs")
        .compile();
}

/// 900 routes of a few shapes under shared prefixes, some with methods.
fn large_routes() -> String {
    let mut toml = String::new();
    for i in 0..900 {
        let path = match i % 6 {
            0 => format!("/g{}/item{i}", i % 7),
            1 => format!("/g{}/item{i}/{{id}}", i % 7),
            2 => format!("/g{}/{{id}}/item{i}", i % 7),
            3 => format!("/g{}/item{i}/{{id}}/v-{{rev}}", i % 7),
            4 => format!("/g{}/item{i}/{{id}}/files/{{*path}}", i % 7),
            _ => format!("/g{}/item{i}/{{name}}.json", i % 7),
        };
        let method = if i % 4 == 0 {
            "method = \"POST\"\n"
        } else {
            ""
        };
        toml += &format!("[[route]]\nname = \"r{i}\"\npath = \"{path}\"\n{method}\n");
    }
    toml
}

/// Twelve static paths (`path(0)`.. `path(11)`, one with two methods) and a parameter route
/// beside them, `/static/{id}`.
fn wide_routes(path: impl Fn(usize) -> String) -> String {
    let mut toml = String::new();
    for i in 0..12 {
        let path = path(i);
        toml += &format!("[[route]]\nname = \"s{i:02}\"\npath = \"{path}\"\nmethod = \"GET\"\n\n");
    }
    let first = path(0);
    toml +=
        &format!("[[route]]\nname = \"s00_delete\"\npath = \"{first}\"\nmethod = \"DELETE\"\n\n");
    toml += "[[route]]\nname = \"item\"\npath = \"/static/{id}\"\nmethod = \"GET\"\n";
    toml
}

/// 160 routes `/p{i}/{id}` and as many `/p{i}/{id}/{file}.txt`: 320 segment reads. Then 160
/// routes `/t/{tenant}/r{i}/{id}`, a subtree below a parameter too large for one function: the
/// functions it is split into take their caller's captures.
fn many_params_routes() -> String {
    let mut toml = String::new();
    for i in 0..160 {
        toml += &format!("[[route]]\nname = \"item{i}\"\npath = \"/p{i}/{{id}}\"\n\n");
        toml += &format!("[[route]]\nname = \"file{i}\"\npath = \"/p{i}/{{id}}/{{file}}.txt\"\n\n");
    }
    for i in 0..160 {
        toml +=
            &format!("[[route]]\nname = \"tenant{i}\"\npath = \"/t/{{tenant}}/r{i}/{{id}}\"\n\n");
    }
    toml
}

/// The static paths of `STATIC_PATHS` (in `src/lib.rs`), route `s{i}` for the `i`th, each
/// taking `method` (any when `None`).
fn static_routes(method: Option<&str>) -> String {
    let method = method
        .map(|m| format!("method = \"{m}\"\n"))
        .unwrap_or_default();
    let paths = include_str!("src/static_paths.txt");
    let mut toml = String::new();
    for (i, path) in paths.lines().enumerate() {
        toml += &format!("[[route]]\nname = \"s{i}\"\npath = \"{path}\"\n{method}\n");
    }
    toml
}
