//! Fuzz target `generated_vs_reference`: the generated router of the e2e crate
//! (`routegen_e2e::routes::recognize`, built from `tests/e2e/routes/`) against the reference
//! matcher built from the same route files (`routegen_codegen::Builder::reference`).
//!
//! Input layout:
//! * byte 0: the method, an index into [`METHODS`] (standard verbs, the extension verbs the route
//!   files use, and one they do not);
//! * byte 1: the mode; bit 0 clear: the rest of the input is the path (lossily decoded as UTF-8);
//!   bit 0 set: byte 2 picks a route of `ROUTES`, and a path is built from its pattern with each
//!   parameter replaced by the next `\0`-separated chunk of the rest of the input (lossy UTF-8,
//!   possibly empty or containing `/`); then bit 1 appends `/`, bit 2 drops the last character and
//!   bit 3 doubles the first `/` after the first segment.
//!
//! Both matchers must agree: the same route index and the same parameters in order, or the same
//! error (`NotFound`, or `MethodNotAllowed` with the same `Allow` text). A disagreement panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use routegen::{MatchError, Method};
use routegen_codegen::Reference;
use routegen_e2e::routes::{ROUTES, recognize};

const METHODS: [&str; 11] = [
    "GET",
    "POST",
    "PUT",
    "DELETE",
    "PATCH",
    "HEAD",
    "OPTIONS",
    "PURGE",
    "LINK",
    "UNLINK",
    "FROBNICATE",
];

fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let e2e = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/e2e");
        let reference = routegen_codegen::Builder::new()
            .route_dir("routes")
            .base_dir(e2e)
            .reference()
            .unwrap_or_else(|errors| panic!("the e2e route files are invalid:\n{errors}"));
        assert_eq!(
            reference.len(),
            ROUTES.len(),
            "reference and ROUTES differ in size"
        );
        reference
    })
}

fuzz_target!(|data: &[u8]| {
    let reference = reference();
    let [method_byte, mode, rest @ ..] = data else {
        return;
    };
    let method = Method::new(METHODS[*method_byte as usize % METHODS.len()]).unwrap();
    let path = if mode & 1 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let [route_byte, chunks @ ..] = rest else {
            return;
        };
        let pattern = ROUTES.get(*route_byte as usize % ROUTES.len()).unwrap().pattern();
        let mut path = fill(pattern, &mut chunks.split(|&b| b == 0));
        if mode & 2 != 0 {
            path.push('/');
        }
        if mode & 4 != 0 {
            path.pop();
        }
        if mode & 8 != 0 {
            if let Some(at) = path.get(1..).and_then(|p| p.find('/')) {
                path.insert(at + 1, '/');
            }
        }
        path
    };
    check(reference, method, &path);
});

/// Builds a path from a full pattern: literal text as is (`{{`/`}}` as `{`/`}`), each `{name}` or
/// `{*name}` replaced by the next chunk.
fn fill<'a>(pattern: &str, chunks: &mut impl Iterator<Item = &'a [u8]>) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("{{") || rest.starts_with("}}") {
            out.push(c);
            rest = &rest[2..];
        } else if c == '{' {
            let end = rest
                .find('}')
                .expect("a validated pattern closes its braces");
            out.push_str(&String::from_utf8_lossy(chunks.next().unwrap_or(b"x")));
            rest = &rest[end + 1..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn check(reference: &Reference, method: Method, path: &str) {
    let generated = recognize(method, path);
    let expected = reference.recognize(method, path);
    let agree = match (&generated, &expected) {
        (Ok(route), Ok(matched)) => {
            route.index() == matched.index
                && route
                    .params()
                    .map(|(name, value)| (name.to_owned(), value))
                    .eq(matched.params.iter().cloned())
        }
        (Err(MatchError::NotFound), Err(MatchError::NotFound)) => true,
        (
            Err(MatchError::MethodNotAllowed { allowed: a }),
            Err(MatchError::MethodNotAllowed { allowed: b }),
        ) => a.to_string() == b.to_string(),
        _ => false,
    };
    if !agree {
        let generated = match &generated {
            Ok(route) => format!(
                "Ok({} #{} params {:?})",
                route.name(),
                route.index(),
                route.params().collect::<Vec<_>>()
            ),
            Err(error) => format!("Err({error})"),
        };
        let expected = match &expected {
            Ok(m) => format!(
                "Ok({} #{} {:?} params {:?})",
                m.name, m.index, m.pattern, m.params
            ),
            Err(error) => format!("Err({error})"),
        };
        panic!(
            "generated recognize disagrees with the reference matcher\n  request:   {} {:?}\n  generated: {}\n  reference: {}",
            method.as_str(),
            path,
            generated,
            expected
        );
    }
}
