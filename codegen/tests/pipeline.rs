//! The pipeline end to end, through the public `Builder` API: what users see on bad input, that
//! output is deterministic, and the generated code itself (a snapshot).

mod common;

use common::{lines, temp_dir, write};

use std::fs;
use std::path::Path;

use routegen_codegen::Builder;

/// `file:line:col: message` of every diagnostic.
fn diagnostics(base: &Path) -> Vec<String> {
    let errors = Builder::new()
        .base_dir(base)
        .route_dir("routes")
        .generate()
        .expect_err("the routes are invalid");
    lines(&errors)
}

#[test]
fn every_error_of_every_file_is_reported_with_its_place() {
    let base = temp_dir("errors");
    write(
        &base,
        "routes/a.toml",
        r#"prefix = "/items"

[[route]]
name = "get_item"
path = "/{id}"
method = ["GET", "get"]
handler = "crate::::x"

[[route]]
name = "get_item"
pth = "/x"
path = "/{a}{b}/{*rest}/x"
"#,
    );
    write(
        &base,
        "routes/sub/b.toml",
        "[[route]]\nname = \"item_by_name\"\npath = \"/items/{name}\"\nmethod = \"GET\"\n",
    );
    write(&base, "routes/c.toml", "[[route]\nname = \"x\"\n");
    // A mistyped key is a type error, not also "missing"; a mistyped method accepts nothing
    // rather than any method, so it starts no conflict.
    write(
        &base,
        "routes/e.toml",
        "[[route]]\nname = \"w\"\npath = 5\n\n[[route]]\nname = \"m1\"\npath = \"/m\"\nmethod = 3\n\n\
         [[route]]\nname = \"m2\"\npath = \"/m\"\n",
    );
    write(
        &base,
        "routes/d.toml",
        "[[route]]\nname = \"no_path\"\n\n[[route]]\npath = \"relative\"\nname = \"1bad\"\n",
    );
    assert_eq!(
        diagnostics(&base),
        [
            "routes/a.toml:6:18: unknown method `get`",
            "routes/a.toml:7:11: `crate::::x` is not a Rust path",
            "routes/a.toml:10:8: duplicate route name `get_item`",
            "routes/a.toml:11:1: unknown key `pth` in route",
            "routes/a.toml:12:13: two parameters in one segment",
            "routes/a.toml:12:24: a catch-all parameter must end the pattern",
            "routes/c.toml:1:9: invalid TOML: unclosed array table, expected `]`",
            "routes/d.toml:1:1: route is missing required key `path`",
            "routes/d.toml:5:8: `path` must start with `/`",
            "routes/d.toml:6:8: invalid route name `1bad`",
            "routes/e.toml:3:8: `path` must be a string, found integer",
            "routes/e.toml:8:10: `method` must be a string or a list of strings, found integer",
            "routes/sub/b.toml:3:8: route `item_by_name` conflicts with route `get_item`",
        ]
    );
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn a_conflict_shows_both_routes() {
    let base = temp_dir("conflict");
    write(
        &base,
        "routes/a.toml",
        "[[route]]\nname = \"a\"\npath = \"/x/{id}\"\nmethod = [\"GET\", \"PUT\"]\n",
    );
    write(
        &base,
        "routes/b.toml",
        "[[route]]\nname = \"b\"\npath = \"/x/{name}\"\nmethod = \"PUT\"\n",
    );
    let errors = Builder::new()
        .base_dir(&base)
        .route_dir("routes")
        .generate()
        .unwrap_err();
    assert_eq!(errors.len(), 1);
    let rendered = errors.diagnostics()[0].rendered();
    assert!(
        rendered.contains("error: route `b` conflicts with route `a`"),
        "{rendered}"
    );
    assert!(rendered.contains("--> routes/b.toml:3:8"), "{rendered}");
    assert!(rendered.contains("::: routes/a.toml:3:8"), "{rendered}");
    assert!(rendered.contains("both accept PUT"), "{rendered}");
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn a_missing_route_directory_is_an_error() {
    let base = temp_dir("missing");
    assert_eq!(
        diagnostics(&base),
        ["route directory `routes` does not exist"]
    );
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn methods_that_do_not_overlap_do_not_conflict() {
    let base = temp_dir("disjoint");
    write(
        &base,
        "routes/a.toml",
        "[[route]]\nname = \"a\"\npath = \"/x/{id}\"\nmethod = \"GET\"\n\n\
         [[route]]\nname = \"b\"\npath = \"/x/{name}\"\nmethod = \"DELETE\"\n\n\
         [[route]]\nname = \"c\"\npath = \"/x/{name}/{*rest}\"\n\n\
         [[route]]\nname = \"d\"\npath = \"/x/{name}/{other}\"\n",
    );
    let generated = Builder::new()
        .base_dir(&base)
        .route_dir("routes")
        .generate()
        .unwrap();
    assert_eq!(generated.route_count, 4);
    fs::remove_dir_all(base).unwrap();
}

const FILES: [(&str, &str); 4] = [
    (
        "routes/b.toml",
        "[[route]]\nname = \"b\"\npath = \"/b/{x}\"\n",
    ),
    ("routes/a.toml", "[[route]]\nname = \"a\"\npath = \"/a\"\n"),
    (
        "routes/z/c.toml",
        "[[route]]\nname = \"c\"\npath = \"/c/{*rest}\"\n",
    ),
    (
        "routes/m.toml",
        "[[route]]\nname = \"m\"\npath = \"/m/{y}.json\"\nmethod = \"GET\"\n",
    ),
];

#[test]
fn output_does_not_depend_on_file_system_order() {
    let forward = temp_dir("order-forward");
    let backward = temp_dir("order-backward");
    for (file, text) in FILES {
        write(&forward, file, text);
    }
    for (file, text) in FILES.iter().rev() {
        write(&backward, file, text);
    }
    let generate = |base: &Path| {
        Builder::new()
            .base_dir(base)
            .route_dir("routes")
            .generate()
            .unwrap()
            .code
    };
    let code = generate(&forward);
    assert_eq!(code, generate(&backward));
    assert_eq!(code, generate(&forward));
    // Declaration order follows the sorted file paths, whatever order the files were made in.
    let order: Vec<usize> = ["a", "b", "m", "c"]
        .iter()
        .map(|name| code.find(&format!("route `{name}` at")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    fs::remove_dir_all(forward).unwrap();
    fs::remove_dir_all(backward).unwrap();
}

#[test]
fn files_that_are_not_route_files_are_reported() {
    let base = temp_dir("ignored");
    write(
        &base,
        "routes/a.toml",
        "[[route]]\nname = \"a\"\npath = \"/a\"\n",
    );
    write(&base, "routes/notes.txt", "not routes");
    write(&base, "routes/.hidden.toml", "junk");
    let generated = Builder::new()
        .base_dir(&base)
        .route_dir("routes")
        .generate()
        .unwrap();
    assert_eq!(generated.route_count, 1);
    assert_eq!(generated.ignored_files.len(), 1);
    assert!(generated.ignored_files[0].ends_with("notes.txt"));
    fs::remove_dir_all(base).unwrap();
}

/// A router of static paths only offers `recognize` for inlining in other crates (a few dozen
/// instructions, the route built in the caller's slot); one with a tree does not, where the
/// caller would copy the route its tree built (BENCHMARKS.md: "a router of static paths inlined").
#[test]
fn only_a_static_router_has_an_inline_recognize() {
    let generate = |name: &str, path: &str| {
        let base = temp_dir(name);
        let route = format!(
            "[[route]]\nname = \"a\"\npath = \"/a\"\n\n[[route]]\nname = \"b\"\npath = \"{path}\"\n"
        );
        write(&base, "routes/r.toml", &route);
        let generated = Builder::new()
            .base_dir(&base)
            .route_dir("routes")
            .generate();
        let code = generated.unwrap().code;
        fs::remove_dir_all(base).unwrap();
        code
    };
    let inline = "#[inline]\npub fn recognize<'p>(";
    let plain = "#[allow(dead_code)]\npub fn recognize<'p>(";
    let statics = generate("inline-static", "/b");
    assert!(statics.contains(inline), "{statics}");
    let tree = generate("inline-tree", "/b/{id}");
    assert!(tree.contains(plain) && !tree.contains(inline), "{tree}");
}

/// The generated code for `tests/routes/basic`, compared with `tests/snapshots/basic.rs`.
/// Run with `ROUTEGEN_BLESS=1` to accept a deliberate change.
#[test]
fn generated_code_snapshot() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let code = Builder::new()
        .base_dir(manifest.join("tests"))
        .route_dir("routes/basic")
        .generate()
        .unwrap()
        .code;
    let snapshot = manifest.join("tests/snapshots/basic.rs");
    if std::env::var_os("ROUTEGEN_BLESS").is_some() {
        fs::write(&snapshot, &code).unwrap();
        return;
    }
    let expected = fs::read_to_string(&snapshot)
        .expect("missing snapshot: run with ROUTEGEN_BLESS=1 to create it");
    if code != expected {
        let first_difference = code
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(code.lines().count().min(expected.lines().count()));
        panic!(
            "generated code differs from {} at line {}:\n  got:      {:?}\n  expected: {:?}\n\
             (run with ROUTEGEN_BLESS=1 if the change is intended)",
            snapshot.display(),
            first_difference + 1,
            code.lines().nth(first_difference),
            expected.lines().nth(first_difference),
        );
    }
}
