//! Stage 3: the parsed files -> a [`Router`], checking every rule a route set must obey.
//!
//! Each rule is stated in a comment above its check. Problems are collected, never returned
//! early, so one build reports all of them.

use std::collections::{BTreeMap, HashMap};

use crate::ast::{MetaValue, RouteDecl, RouteFile, Scope, Spanned};
use crate::diagnostic::{Diagnostics, Loc, Report, Sources};
use crate::model::{MAX_EXTENSIONS, Route, Router, STANDARD_METHODS};
use crate::pattern::{self, Piece, Segment};

/// The most `/`-separated segments a pattern may have.
pub(crate) const MAX_SEGMENTS: usize = 256;

/// What a route inherits from its file and enclosing groups.
#[derive(Clone, Default)]
struct Inherited {
    prefixes: Vec<Spanned<String>>,
    middleware: Vec<String>,
    meta: BTreeMap<String, MetaValue>,
}

pub(crate) fn validate(files: &[RouteFile], sources: &Sources, diags: &mut Diagnostics) -> Router {
    let mut routes = Vec::new();
    let mut names = Vec::new();
    for file in files {
        let mut out = Flattened {
            routes: &mut routes,
            names: &mut names,
        };
        flatten(&file.scope, Inherited::default(), sources, diags, &mut out);
    }
    routes.sort_by_key(|(route, _): &(Route, Loc)| (route.loc.file, route.line, route.column));

    let mut extensions: Vec<String> = routes
        .iter()
        .flat_map(|(route, _)| route.methods.iter().flatten())
        .filter(|method| !STANDARD_METHODS.contains(&method.as_str()))
        .cloned()
        .collect();
    extensions.sort();
    extensions.dedup();
    // Rule: a router names at most 54 extension methods, so that a method set fits one u64.
    if extensions.len() > MAX_EXTENSIONS {
        let (route, _) = routes
            .iter()
            .find(|(route, _)| {
                route
                    .methods
                    .iter()
                    .flatten()
                    .any(|m| *m == extensions[MAX_EXTENSIONS])
            })
            .expect("the extension method comes from a route");
        diags.error(
            route.loc,
            format!("more than {MAX_EXTENSIONS} distinct extension methods"),
            format!("`{}` is one too many", extensions[MAX_EXTENSIONS]),
        );
    }

    names.sort_by_key(|name: &Spanned<String>| name.loc);
    check_unique_names(&names, diags);
    let router = Router {
        routes: routes.into_iter().map(|(route, _)| route).collect(),
        extensions,
    };
    check_conflicts(&router, diags);
    router
}

/// Where flattening puts its results: the valid routes, and every route's name (checked for
/// uniqueness even when the rest of its route is invalid).
struct Flattened<'a> {
    routes: &'a mut Vec<(Route, Loc)>,
    names: &'a mut Vec<Spanned<String>>,
}

fn flatten(
    scope: &Scope,
    outer: Inherited,
    sources: &Sources,
    diags: &mut Diagnostics,
    out: &mut Flattened<'_>,
) {
    let mut here = outer;
    if let Some(prefix) = &scope.prefix {
        check_leading_slash(prefix, "prefix", diags);
        here.prefixes.push(prefix.clone());
    }
    // Rule: a group with `inherit_middleware = false` starts its middleware list afresh.
    if scope.inherit_middleware == Some(false) {
        here.middleware.clear();
    }
    here.middleware
        .extend(checked_middleware(&scope.middleware, diags));
    // Rule: inner meta keys override outer ones (a shallow merge, as a table is one value).
    here.meta
        .extend(scope.meta.iter().map(|(k, v)| (k.clone(), v.clone())));

    for decl in &scope.routes {
        out.names.extend(decl.name.clone());
        if let Some(route) = route(decl, &here, sources, diags) {
            out.routes.push(route);
        }
    }
    for group in &scope.groups {
        flatten(group, here.clone(), sources, diags, out);
    }
}

fn checked_middleware(names: &[Spanned<String>], diags: &mut Diagnostics) -> Vec<String> {
    let mut checked = Vec::new();
    for name in names {
        // Rule: a middleware name is a non-empty word.
        if name.value.trim().is_empty() {
            diags.error(name.loc, "empty middleware name", "expected a name");
        } else {
            checked.push(name.value.clone());
        }
    }
    checked
}

fn check_leading_slash(piece: &Spanned<String>, key: &str, diags: &mut Diagnostics) {
    // Rule: a non-empty prefix or path starts with `/`, so joining pieces never glues two words.
    if piece.value.is_empty() || piece.value.starts_with('/') {
        return;
    }
    diags.push(
        Report::at(
            piece.loc,
            format!("`{key}` must start with `/`"),
            "missing leading `/`",
        )
        .with_help(format!("write \"/{}\"", piece.value)),
    );
}

/// Checks one route declaration; `None` when it has a problem that leaves nothing to generate.
fn route(
    decl: &RouteDecl,
    inherited: &Inherited,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<(Route, Loc)> {
    // Rule: `name` and `path` are required. (A key written with the wrong type was reported
    // by the parser and is not "missing".)
    for key in &decl.missing {
        diags.error(
            decl.loc,
            format!("route is missing required key `{key}`"),
            format!("this route has no `{key}`"),
        );
    }
    let variant = decl.name.as_ref().and_then(|name| {
        let variant = variant_name(&name.value);
        if variant.is_none() {
            diags.push(
                Report::at(name.loc, format!("invalid route name `{}`", name.value), "not a valid route name")
                    .with_note("a route name starts with a letter and has only ASCII letters, digits, `_`, `-` and `.`; it becomes an enum variant in UpperCamelCase"),
            );
        }
        variant
    });
    let methods = check_methods(&decl.methods, diags);
    if let Some(handler) = &decl.handler {
        check_handler(handler, diags);
    }
    let middleware = {
        let mut all = inherited.middleware.clone();
        all.extend(checked_middleware(&decl.middleware, diags));
        all
    };
    let mut meta = inherited.meta.clone();
    meta.extend(decl.meta.iter().map(|(k, v)| (k.clone(), v.clone())));

    let path = decl.path.as_ref()?;
    check_leading_slash(path, "path", diags);
    let pieces: Vec<&Spanned<String>> = inherited.prefixes.iter().chain([path]).collect();
    let pattern = match pattern::parse(
        &pieces
            .iter()
            .map(|piece| Piece {
                text: &piece.value,
                loc: piece.loc,
                verbatim: is_verbatim(piece, sources),
            })
            .collect::<Vec<_>>(),
    ) {
        Ok(pattern) => Some(pattern),
        Err(reports) => {
            for report in reports {
                diags.push(report);
            }
            None
        }
    };
    // Rule: a pattern has at most MAX_SEGMENTS segments. The tree stages recurse once per
    // segment; the limit keeps a hostile route file from overflowing the build script's stack.
    if let Some(pattern) = &pattern
        && pattern.segments.len() > MAX_SEGMENTS
    {
        diags.error(
            path.loc,
            format!(
                "pattern has {} segments, more than the {MAX_SEGMENTS} allowed",
                pattern.segments.len()
            ),
            "too many segments",
        );
        return None;
    }
    // A route with other problems (a bad handler, one bad method) still takes part in the
    // name and conflict checks, so those are reported in the same build; nothing is generated
    // from a build with errors anyway.
    let (pattern, name, variant) = (pattern?, decl.name.as_ref()?, variant?);
    let (line, column) = sources.line_col(decl.loc.file, decl.loc.start);
    Some((
        Route {
            name: name.value.clone(),
            variant,
            pattern_text: pieces.iter().map(|p| p.value.as_str()).collect(),
            pattern,
            methods,
            handler: decl.handler.as_ref().map(|h| h.value.clone()),
            file: sources.files[decl.loc.file].display.clone(),
            line,
            column,
            middleware,
            meta,
            loc: path.loc,
        },
        name.loc,
    ))
}

/// Whether the file holds a string value verbatim between its quotes (no escapes), so offsets
/// inside the value map straight onto the file.
fn is_verbatim(piece: &Spanned<String>, sources: &Sources) -> bool {
    let text = &sources.files[piece.loc.file].text;
    let Some(raw) = text.get(piece.loc.start..piece.loc.end) else {
        return false;
    };
    raw.len() == piece.value.len() + 2 && raw[1..raw.len() - 1] == piece.value
}

/// `device_status` -> `DeviceStatus`; `None` if the name cannot become a variant.
pub(crate) fn variant_name(name: &str) -> Option<String> {
    let first = name.chars().next()?;
    if !first.is_ascii_alphabetic()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return None;
    }
    let mut variant = String::new();
    for word in name.split(['_', '-', '.']).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            variant.push(first.to_ascii_uppercase());
            variant.extend(chars);
        }
    }
    (variant != "Self").then_some(variant)
}

/// The valid methods of a route (`None`: any method). Invalid tokens are reported and left
/// out; a list of only invalid tokens gives an empty set, which conflicts with nothing.
fn check_methods(
    methods: &Option<Vec<Spanned<String>>>,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let methods = methods.as_ref()?;
    let mut seen: Vec<&Spanned<String>> = Vec::new();
    for method in methods {
        let token = method.value.as_str();
        // Rule: a method is a standard verb, or an extension verb in upper case (`PURGE`);
        // `get` is a typo for `GET`, not a new verb.
        let problem = if STANDARD_METHODS.contains(&token) {
            None
        } else if let Some(standard) = STANDARD_METHODS
            .iter()
            .find(|m| m.eq_ignore_ascii_case(token))
        {
            Some(format!("did you mean `{standard}`?"))
        } else if token.is_empty()
            || token.len() > routegen::MAX_EXTENSION_LEN
            || !token
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            Some("methods are standard verbs (`GET`, `POST`, ...) or upper-case extension verbs of at most 22 characters (`PURGE`)".to_owned())
        } else {
            None
        };
        if let Some(help) = problem {
            diags.push(
                Report::at(
                    method.loc,
                    format!("unknown method `{token}`"),
                    "not a method",
                )
                .with_help(help),
            );
            continue;
        }
        // Rule: a method is listed once per route.
        if let Some(first) = seen.iter().find(|m| m.value == method.value) {
            diags.push(
                Report::at(
                    method.loc,
                    format!("method `{token}` listed twice"),
                    "listed again",
                )
                .with_secondary(first.loc, "first listed here"),
            );
            continue;
        }
        seen.push(method);
    }
    let mut sorted: Vec<String> = seen.iter().map(|m| m.value.clone()).collect();
    sorted.sort_by_key(|m| {
        (
            STANDARD_METHODS
                .iter()
                .position(|s| s == m)
                .unwrap_or(STANDARD_METHODS.len()),
            m.clone(),
        )
    });
    Some(sorted)
}

fn check_handler(handler: &Spanned<String>, diags: &mut Diagnostics) {
    // Rule: a handler is a plain Rust path (`crate::handlers::status`), without generics: the
    // generated code names it in a `use`, so rustc checks that it exists.
    let plain_path = syn::parse_str::<syn::Path>(&handler.value)
        .ok()
        .filter(|path| {
            path.segments
                .iter()
                .all(|segment| segment.arguments.is_none())
        });
    if plain_path.is_some() {
        return;
    }
    diags.push(
        Report::at(
            handler.loc,
            format!("`{}` is not a Rust path", handler.value),
            "expected a path such as `crate::handlers::status`",
        )
        .with_note("a handler is a path without generic arguments; rustc checks that it exists"),
    );
}

fn check_unique_names(names: &[Spanned<String>], diags: &mut Diagnostics) {
    // Rule: a route name is unique across all files, and so is the variant it becomes
    // (`device_status` and `device-status` would both be `DeviceStatus`).
    let mut first_names: HashMap<&str, Loc> = HashMap::new();
    let mut variants: HashMap<String, (&str, Loc)> = HashMap::new();
    for name in names {
        if let Some(first) = first_names.get(name.value.as_str()) {
            diags.push(
                Report::at(
                    name.loc,
                    format!("duplicate route name `{}`", name.value),
                    "defined again here",
                )
                .with_secondary(*first, "first defined here")
                .with_note("route names are unique across all route files"),
            );
            continue;
        }
        first_names.insert(&name.value, name.loc);
        let Some(variant) = variant_name(&name.value) else {
            continue;
        };
        if let Some((other, first)) = variants.get(&variant) {
            diags.push(
                Report::at(
                    name.loc,
                    format!(
                        "route names `{other}` and `{}` both become the variant `{variant}`",
                        name.value
                    ),
                    "second name",
                )
                .with_secondary(*first, "first name"),
            );
            continue;
        }
        variants.insert(variant, (&name.value, name.loc));
    }
}

fn check_conflicts(router: &Router, diags: &mut Diagnostics) {
    // Rule: two routes conflict when their patterns have the same shape (equal but for parameter
    // names, so they match exactly the same paths) and they share a method. Priority cannot
    // order them. Patterns of different shapes are always ordered by priority (static, then
    // longest prefix and suffix, then plain parameter, then catch-all), so they never conflict.
    let mut by_shape: BTreeMap<Vec<Segment>, Vec<usize>> = BTreeMap::new();
    for (index, route) in router.routes.iter().enumerate() {
        let shape = route.pattern.segments.iter().map(Segment::shape).collect();
        by_shape.entry(shape).or_default().push(index);
    }
    for indices in by_shape.values() {
        for (i, &later) in indices.iter().enumerate() {
            for &earlier in &indices[..i] {
                let (a, b) = (&router.routes[earlier], &router.routes[later]);
                let shared = router.method_mask(a) & router.method_mask(b);
                if shared == 0 {
                    continue;
                }
                let methods = shared_methods(a, b);
                let mut report = Report::at(
                    b.loc,
                    format!("route `{}` conflicts with route `{}`", b.name, a.name),
                    format!("`{}` matches the same paths", b.pattern_text),
                )
                .with_secondary(a.loc, format!("`{}` is declared here", a.name))
                .with_note(format!("both accept {methods}"));
                if a.pattern_text != b.pattern_text {
                    report = report.with_note(
                        "patterns that differ only in parameter names match the same paths",
                    );
                }
                diags.push(
                    report
                        .with_help("give them different methods, or patterns of different shapes"),
                );
                break;
            }
        }
    }
}

fn shared_methods(a: &Route, b: &Route) -> String {
    match (&a.methods, &b.methods) {
        (None, None) => "any method".to_owned(),
        (Some(m), None) | (None, Some(m)) => m.join(", "),
        (Some(x), Some(y)) => x
            .iter()
            .filter(|m| y.contains(m))
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names() {
        assert_eq!(
            variant_name("device_status").as_deref(),
            Some("DeviceStatus")
        );
        assert_eq!(
            variant_name("admin.users-list").as_deref(),
            Some("AdminUsersList")
        );
        assert_eq!(variant_name("v2_api").as_deref(), Some("V2Api"));
        assert_eq!(variant_name("self"), None);
        assert_eq!(variant_name("1x"), None);
        assert_eq!(variant_name("a b"), None);
    }
}
