//! Route files that must be rejected at build time, with located, rustc-style diagnostics.
//!
//! Each crate under `tests/fixtures/<name>/` is a standalone package (own empty `[workspace]`)
//! whose `build.rs` runs `routegen_codegen::compile("routes")` on broken route files. For each one
//! this test:
//!
//! 1. copies the fixture to `$CARGO_TARGET_TMPDIR/fixtures/<name>/`, rewrites its relative path
//!    dependencies to absolute ones and copies the workspace `Cargo.lock` next to it (same versions,
//!    nothing new to download);
//! 2. runs `cargo build --offline` there, with one target dir shared by all fixtures
//!    (`$CARGO_TARGET_TMPDIR/fixtures-target`) so routegen-codegen compiles only once;
//! 3. checks that the build failed in the build script with exit status 1 (no panic, no
//!    backtrace hint), that cargo relayed `cargo::error=` lines, and that the diagnostics rendered
//!    on the build script's stderr name every planted `routes/...:LINE:COL` location (and none of
//!    the locations that must stay quiet);
//! 4. compares the rendered diagnostics (temp dir replaced by `$DIR`) with
//!    `tests/fixtures/<name>.expected.stderr`. `ROUTEGEN_BLESS=1` (re)writes that file instead.
//!
//! Columns are 1-based. Keys are located at the key, values at their first character (the opening
//! quote of a string). For errors about the *content* of a string (patterns, handlers) any column
//! inside the string literal is accepted, so a diagnostic may point at the offending character.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One location a diagnostic must name: `file:line:col` with `col` in `first_col..=last_col`.
struct Loc {
    file: &'static str,
    line: u32,
    first_col: u32,
    last_col: u32,
    what: &'static str,
}

/// A diagnostic located exactly at `file:line:col`.
const fn at(file: &'static str, line: u32, col: u32, what: &'static str) -> Loc {
    Loc {
        file,
        line,
        first_col: col,
        last_col: col,
        what,
    }
}

/// A diagnostic located anywhere inside the string literal spanning `first_col..=last_col`.
const fn inside(
    file: &'static str,
    line: u32,
    first_col: u32,
    last_col: u32,
    what: &'static str,
) -> Loc {
    Loc {
        file,
        line,
        first_col,
        last_col,
        what,
    }
}

struct Fixture {
    /// Directory name under `tests/fixtures/`.
    name: &'static str,
    /// Locations that must appear in the rendered diagnostics.
    expected: &'static [Loc],
    /// Location prefixes (`routes/x.toml` or `routes/x.toml:LINE:`) that must appear nowhere.
    forbidden: &'static [&'static str],
    /// Text the rendered diagnostics must contain (besides the locations).
    must_contain: &'static [&'static str],
    /// The number of distinct errors planted: the rendered block must hold at least this many
    /// `error` headers (all errors are reported in one build).
    min_errors: usize,
}

// ---------------------------------------------------------------------------------------------
// tests/fixtures/conflict/
//
//   routes/a.toml:5:8       `path = "/items/{id}"` (item_show, GET) conflicts with
//   routes/sub/b.toml:7:8   `path = "/{name}"` under `prefix = "/items"` (item_get, GET+HEAD):
//                           same shape `/items/{_}`, GET accepted by both. One error, both shown.
//   routes/a.toml:14:8      `name = "health"` and
//   routes/sub/b.toml:18:8  `name = "health"` again: duplicate route name. One error, both shown.
//
//   Must stay quiet: a.toml:9-11 (item_update, PUT+PATCH) and sub/b.toml:11-13 (item_delete,
//   DELETE) have the same shape but methods no other route of that shape accepts.
// ---------------------------------------------------------------------------------------------
const CONFLICT: Fixture = Fixture {
    name: "conflict",
    expected: &[
        at("routes/a.toml", 5, 8, "conflict: item_show GET /items/{id}"),
        at(
            "routes/sub/b.toml",
            7,
            8,
            "conflict: item_get GET /items/{name}",
        ),
        at("routes/a.toml", 14, 8, "duplicate name `health` (first)"),
        at(
            "routes/sub/b.toml",
            18,
            8,
            "duplicate name `health` (second)",
        ),
    ],
    forbidden: &[
        "routes/a.toml:9:",
        "routes/a.toml:10:",
        "routes/a.toml:11:",
        "routes/sub/b.toml:11:",
        "routes/sub/b.toml:12:",
        "routes/sub/b.toml:13:",
    ],
    must_contain: &["health"],
    min_errors: 2,
};

// ---------------------------------------------------------------------------------------------
// tests/fixtures/malformed/   (one problem family per file; valid.toml must stay quiet)
//
// routes/syntax_error.toml
//   10:17  `method = ["GET" "POST"]`          TOML syntax error: missing comma, at `"POST"`
// routes/unknown_keys.toml
//    3:1   `prefx = "/typo"`                  unknown file-level key
//    7:1   `pth = "/typo/path"`               unknown route key (the route then also lacks
//                                             `path`; that may be reported as well)
//   12:1   `methods = ["GET"]`                unknown route key
//   16:1   `middelware = ["auth"]`            unknown group key
// routes/bad_patterns.toml                    (any column inside the string literal)
//    5:8..=19  `"/users/{id"`                 unbalanced `{`
//    9:8..=19  `"/users/id}"`                 unbalanced `}`
//   13:8..=24  `"/users/{}/posts"`            empty `{}`
//   17:8..=21  `"/orders/{1x}"`               invalid param name
//   21:8..=33  `"/teams/{id}/members/{id}"`   param `id` twice
//   25:8..=28  `"/files/{*rest}/edit"`        catch-all not last
//   29:8..=22  `"/pairs/{a}{b}"`              two params in one segment
//   33:8..=28  `"/ranges/{from}-{to}"`        two params in one segment
// routes/bad_method.toml
//    6:10  `method = "get"`                   lowercase token
//   11:18  `method = ["GET", "fetch"]`        unknown token in a list, at `"fetch"`
// routes/bad_handler.toml                     (any column inside the string literal)
//    6:11..=22  `handler = "crate::::x"`      not a Rust path
//   11:11..=22  `handler = "not a path"`      not a Rust path
// routes/wrong_types.toml                    (and nothing at 3:1: `path` is there, just mistyped)
//    5:8   `path = 5`                         integer, expected a string
//   10:14  `middleware = "auth"`              string, expected a list
//   15:10  `method = 3`                       integer, expected a string or a list
//   19:22  `inherit_middleware = "yes"`       string, expected a boolean
// routes/valid.toml                           no diagnostic at all
// ---------------------------------------------------------------------------------------------
const MALFORMED: Fixture = Fixture {
    name: "malformed",
    expected: &[
        at("routes/syntax_error.toml", 10, 17, "syntax: missing comma"),
        at("routes/unknown_keys.toml", 3, 1, "unknown key `prefx`"),
        at("routes/unknown_keys.toml", 7, 1, "unknown key `pth`"),
        at("routes/unknown_keys.toml", 12, 1, "unknown key `methods`"),
        at(
            "routes/unknown_keys.toml",
            16,
            1,
            "unknown group key `middelware`",
        ),
        inside("routes/bad_patterns.toml", 5, 8, 19, "unbalanced `{`"),
        inside("routes/bad_patterns.toml", 9, 8, 19, "unbalanced `}`"),
        inside("routes/bad_patterns.toml", 13, 8, 24, "empty `{}`"),
        inside("routes/bad_patterns.toml", 17, 8, 21, "bad param name `1x`"),
        inside(
            "routes/bad_patterns.toml",
            21,
            8,
            33,
            "duplicate param `id`",
        ),
        inside("routes/bad_patterns.toml", 25, 8, 28, "catch-all not last"),
        inside(
            "routes/bad_patterns.toml",
            29,
            8,
            22,
            "two params in a segment `{a}{b}`",
        ),
        inside(
            "routes/bad_patterns.toml",
            33,
            8,
            28,
            "two params in a segment `{from}-{to}`",
        ),
        at("routes/bad_method.toml", 6, 10, "method `get`"),
        at("routes/bad_method.toml", 11, 18, "method `fetch`"),
        inside("routes/bad_handler.toml", 6, 11, 22, "handler `crate::::x`"),
        inside(
            "routes/bad_handler.toml",
            11,
            11,
            22,
            "handler `not a path`",
        ),
        at("routes/wrong_types.toml", 5, 8, "path = 5"),
        at("routes/wrong_types.toml", 10, 14, "middleware = \"auth\""),
        at("routes/wrong_types.toml", 15, 10, "method = 3"),
        at(
            "routes/wrong_types.toml",
            19,
            22,
            "inherit_middleware = \"yes\"",
        ),
    ],
    forbidden: &[
        "routes/valid.toml",
        // `path = 5` is a wrong type, not a missing key: no cascaded "route is missing required
        // key `path`" error at its `[[route]]` header.
        "routes/wrong_types.toml:3:",
    ],
    must_contain: &[],
    min_errors: 21,
};

// ---------------------------------------------------------------------------------------------
// tests/fixtures/missing_dir/
//
//   build.rs compiles `routes`, which does not exist: one error naming the directory, no
//   `file:line:col` location.
// ---------------------------------------------------------------------------------------------
const MISSING_DIR: Fixture = Fixture {
    name: "missing_dir",
    expected: &[],
    forbidden: &[".toml:"],
    must_contain: &["routes"],
    min_errors: 1,
};

#[test]
fn conflict() {
    check(&CONFLICT);
}

#[test]
fn malformed() {
    check(&MALFORMED);
}

#[test]
fn missing_dir() {
    check(&MISSING_DIR);
}

// ---------------------------------------------------------------------------------------------

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tmp_root() -> &'static Path {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
}

fn check(fixture: &Fixture) {
    let package = format!("routegen-fixture-{}", fixture.name.replace('_', "-"));
    let dir = prepare(fixture.name);
    let output = build(&dir);
    let output = normalize(&output, &dir);

    let mut problems = Vec::new();
    let mut fail = |problem: String| problems.push(problem);

    // The build must fail, in the fixture's build script, with exit status 1: not in the
    // dependency resolution, not while compiling routegen-codegen, not with a panic.
    if !output.contains(&format!(
        "failed to run custom build command for `{package} v0.0.0"
    )) {
        fail(format!(
            "the build did not fail in the build script of `{package}` (did routegen-codegen \
             compile?)"
        ));
    }
    if !output.contains("(exit status: 1)") {
        fail("the build script did not exit with status 1".to_owned());
    }
    for needle in ["panicked", "RUST_BACKTRACE"] {
        if output.contains(needle) {
            fail(format!(
                "the output mentions `{needle}`: the generator panicked"
            ));
        }
    }

    // cargo relays each `cargo::error=MSG` line as `error: <package>@<version>: MSG`.
    let relayed: Vec<&str> = output
        .lines()
        .filter(|line| line.starts_with(&format!("error: {package}@")))
        .collect();
    if relayed.is_empty() {
        fail("no `cargo::error=` line was relayed by cargo as `error: ...`".to_owned());
    }

    // The rendered diagnostics: the build script's stderr.
    let rendered = rendered_block(&output);
    match &rendered {
        None => fail("the output has no `--- stderr` section: nothing was rendered".to_owned()),
        Some(rendered) => {
            if rendered.contains('\u{1b}') {
                fail(
                    "the rendered diagnostics contain ANSI escapes despite CARGO_TERM_COLOR=never"
                        .to_owned(),
                );
            }
            let headers = rendered
                .lines()
                .filter(|line| line.starts_with("error:") || line.starts_with("error["))
                .count();
            if headers < fixture.min_errors {
                fail(format!(
                    "expected at least {} `error:` headers in the rendered diagnostics, found \
                     {headers}",
                    fixture.min_errors
                ));
            }
            if !fixture.expected.is_empty() && !rendered.contains(" --> ") {
                fail("the rendered diagnostics have no ` --> file:line:col` line".to_owned());
            }
            for loc in fixture.expected {
                if find_loc(rendered, loc).is_none() {
                    let elsewhere = match find_loc(&output, loc) {
                        Some(found) => format!(" (it is only elsewhere in the output: `{found}`)"),
                        None => match located_lines(rendered, loc) {
                            found if found.is_empty() => String::new(),
                            found => format!(" (the line is located at: {})", found.join(", ")),
                        },
                    };
                    let cols = if loc.first_col == loc.last_col {
                        loc.first_col.to_string()
                    } else {
                        format!("{}..={}", loc.first_col, loc.last_col)
                    };
                    fail(format!(
                        "missing diagnostic at {}:{}:{cols} ({}){elsewhere}",
                        loc.file, loc.line, loc.what
                    ));
                }
            }
            for text in fixture.must_contain {
                if !rendered.contains(text) {
                    fail(format!("the rendered diagnostics do not mention `{text}`"));
                }
            }
        }
    }
    for forbidden in fixture.forbidden {
        if output.contains(forbidden) {
            fail(format!(
                "the output mentions `{forbidden}`, which must produce no diagnostic"
            ));
        }
    }

    // Snapshot of the rendered diagnostics.
    let snapshot_path = workspace_root()
        .join("tests/fixtures")
        .join(format!("{}.expected.stderr", fixture.name));
    let actual = rendered.as_deref().unwrap_or("");
    let actual = format!("{}\n", actual.trim_end());
    if std::env::var_os("ROUTEGEN_BLESS").is_some_and(|v| v == "1") {
        fs::write(&snapshot_path, &actual)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", snapshot_path.display()));
    } else {
        match fs::read_to_string(&snapshot_path) {
            Ok(expected) => {
                let expected = expected.replace("\r\n", "\n");
                if expected != actual {
                    fail(format!(
                        "the rendered diagnostics differ from {} (`-` expected, `+` actual); \
                         if the new output is right, run `ROUTEGEN_BLESS=1 cargo test --test \
                         build_failures`\n{}",
                        snapshot_path.display(),
                        diff(&expected, &actual)
                    ));
                }
            }
            Err(e) => fail(format!(
                "cannot read the snapshot {} ({e}); create it with `ROUTEGEN_BLESS=1 cargo test \
                 --test build_failures` and review it",
                snapshot_path.display()
            )),
        }
    }

    if !problems.is_empty() {
        let mut report = format!("fixture `{}`:\n", fixture.name);
        for problem in &problems {
            let _ = writeln!(report, "  - {problem}");
        }
        let _ = write!(report, "\n---- full cargo output ----\n{output}");
        panic!("{report}");
    }
}

/// Copies `tests/fixtures/<name>` to a fresh temp dir, with absolute path dependencies and the
/// workspace's `Cargo.lock`.
fn prepare(name: &str) -> PathBuf {
    let src = workspace_root().join("tests/fixtures").join(name);
    let dst = tmp_root().join("fixtures").join(name);
    if dst.exists() {
        fs::remove_dir_all(&dst).unwrap_or_else(|e| panic!("cannot remove {}: {e}", dst.display()));
    }
    copy_dir(&src, &dst);

    let manifest_path = dst.join("Cargo.toml");
    let mut manifest = fs::read_to_string(&manifest_path).expect("fixture Cargo.toml");
    for krate in ["runtime", "codegen"] {
        let relative = format!("path = \"../../../{krate}\"");
        assert!(
            manifest.contains(&relative),
            "{} must depend on `{relative}`",
            src.join("Cargo.toml").display()
        );
        let absolute = workspace_root().join(krate);
        let absolute = toml_string(absolute.to_str().expect("UTF-8 workspace path"));
        manifest = manifest.replace(&relative, &format!("path = {absolute}"));
    }
    fs::write(&manifest_path, manifest).expect("write fixture Cargo.toml");
    fs::copy(workspace_root().join("Cargo.lock"), dst.join("Cargo.lock"))
        .expect("copy the workspace Cargo.lock");
    dst
}

/// Runs `cargo build --offline` in `dir`; returns stderr followed by stdout.
fn build(dir: &Path) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["build", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", tmp_root().join("fixtures-target"))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .expect("run cargo");
    let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stdout));
    assert!(
        !output.status.success(),
        "the fixture {} built successfully, it must fail:\n{text}",
        dir.display()
    );
    text
}

/// Replaces the fixture's temp dir with `$DIR` (and other machine-specific paths).
fn normalize(output: &str, dir: &Path) -> String {
    let mut output = output.replace("\r\n", "\n");
    let paths = [
        (dir.to_path_buf(), "$DIR"),
        (tmp_root().join("fixtures-target"), "$TARGET"),
        (workspace_root().to_path_buf(), "$ROOT"),
    ];
    for (path, name) in paths {
        let mut spellings = vec![path.display().to_string()];
        if let Ok(canonical) = path.canonicalize() {
            spellings.push(canonical.display().to_string());
        }
        for spelling in spellings {
            output = output.replace(&spelling, name);
        }
    }
    output
}

/// The build script's stderr as cargo relays it: the lines after `--- stderr`, unindented.
fn rendered_block(output: &str) -> Option<String> {
    let mut lines = output.lines();
    lines.find(|line| line.trim() == "--- stderr")?;
    let mut block = String::new();
    for line in lines {
        if line.is_empty() {
            block.push('\n');
        } else if let Some(line) = line.strip_prefix("  ") {
            block.push_str(line);
            block.push('\n');
        } else {
            break;
        }
    }
    Some(block.trim_end().to_owned())
}

/// The first `file:line:col` of `loc` (col in range, not followed by a digit) found in `text`.
fn find_loc(text: &str, loc: &Loc) -> Option<String> {
    (loc.first_col..=loc.last_col)
        .map(|col| format!("{}:{}:{col}", loc.file, loc.line))
        .find(|needle| {
            text.match_indices(needle.as_str()).any(|(start, _)| {
                !text[start + needle.len()..].starts_with(|c: char| c.is_ascii_digit())
            })
        })
}

/// Every `file:line:COL` that `text` names for the line of `loc`, to explain a mis-location.
fn located_lines(text: &str, loc: &Loc) -> Vec<String> {
    let prefix = format!("{}:{}:", loc.file, loc.line);
    text.match_indices(prefix.as_str())
        .map(|(start, _)| {
            let rest = &text[start + prefix.len()..];
            let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
            format!("`{prefix}{col}`")
        })
        .collect()
}

fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap_or_else(|e| panic!("cannot create {}: {e}", dst.display()));
    let entries =
        fs::read_dir(src).unwrap_or_else(|e| panic!("cannot read {}: {e}", src.display()));
    for entry in entries {
        let entry = entry.expect("directory entry");
        let to = dst.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            fs::copy(entry.path(), &to)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", entry.path().display()));
        }
    }
}

/// A TOML basic string holding `s`.
fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A minimal line diff: common lines with two spaces, others with `-` (expected) / `+` (actual).
fn diff(expected: &str, actual: &str) -> String {
    let (expected, actual): (Vec<&str>, Vec<&str>) =
        (expected.lines().collect(), actual.lines().collect());
    // Longest common subsequence, enough for snapshots of a few hundred lines.
    let (n, m) = (expected.len(), actual.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            let _ = writeln!(out, "  {}", expected[i]);
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "- {}", expected[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "+ {}", actual[j]);
            j += 1;
        }
    }
    out
}
