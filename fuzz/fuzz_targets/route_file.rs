//! Fuzz target `route_file`: arbitrary bytes as one route file.
//!
//! If the bytes are UTF-8, the whole pipeline runs on them as an in-memory route file
//! (`Builder::route_source(..).generate()`): it must never panic, whatever the input; errors are
//! fine. When it succeeds, the reference matcher is built from the same text (it must succeed too
//! and count the same routes) and asked about a few paths taken from the input (its quoted
//! strings that start with `/`, raw and with every `{...}` replaced by a value, and prefix + path
//! pairs), with a few methods: `recognize` must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routegen::{MatchError, Method};
use routegen_codegen::Builder;

/// Caps the work per input: the number of paths tried.
const MAX_PATHS: usize = 24;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let builder = Builder::new().route_source("fuzz.toml", text);
    let Ok(generated) = builder.generate() else {
        return;
    };
    let reference = match builder.reference() {
        Ok(reference) => reference,
        Err(errors) => panic!("generate() succeeded but reference() failed:\n{errors}"),
    };
    assert_eq!(
        generated.route_count,
        reference.len(),
        "generate() and reference() disagree on the number of routes"
    );
    let methods = [
        Method::GET,
        Method::POST,
        Method::HEAD,
        Method::from_static("PURGE"),
        Method::from_static("FROBNICATE"),
    ];
    for path in paths_from(text) {
        for method in methods {
            match reference.recognize(method, &path) {
                Ok(matched) => assert!(
                    matched.index < reference.len(),
                    "matched index {} out of range ({} routes)",
                    matched.index,
                    reference.len()
                ),
                Err(MatchError::NotFound | MatchError::MethodNotAllowed { .. }) => {}
                Err(_) => {}
            }
        }
    }
});

/// Paths derived from the input text.
fn paths_from(text: &str) -> Vec<String> {
    let quoted: Vec<&str> = text
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with('/') || s.is_empty())
        .collect();
    let mut paths = vec![String::new(), "/".to_owned(), "//".to_owned()];
    for s in &quoted {
        paths.push((*s).to_owned());
        paths.push(fill_params(s));
    }
    for pair in quoted.windows(2) {
        paths.push(fill_params(&format!("{}{}", pair[0], pair[1])));
    }
    // The last line as a raw path: arbitrary text reaches the matcher too.
    if let Some(last) = text.lines().last() {
        paths.push(last.to_owned());
    }
    paths.truncate(MAX_PATHS);
    paths
}

/// Replaces every `{...}` (not `{{`/`}}`) by a value: `x` for `{name}`, `a/b` for `{*name}`;
/// `{{` and `}}` become `{` and `}`.
fn fill_params(pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("{{") || rest.starts_with("}}") {
            out.push(c);
            rest = &rest[2..];
        } else if c == '{' {
            match rest.find('}') {
                Some(end) => {
                    out.push_str(if rest[1..].starts_with('*') {
                        "a/b"
                    } else {
                        "x"
                    });
                    rest = &rest[end + 1..];
                }
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            }
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}
