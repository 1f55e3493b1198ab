//! Stage 3: the parsed files -> a [`Router`], checking every rule a route set must obey.
//!
//! Each rule is stated in a comment above its check. Problems are collected, never returned
//! early, so one build reports all of them.

use std::collections::{BTreeMap, HashMap};

use crate::ast::{MetaValue, RouteDecl, RouteFile, Scope, Spanned, Transport};
use crate::diagnostic::{Diagnostics, Loc, Report, Sources};
use crate::model::{
    MAX_EXTENSIONS, MessageRouter, Route, RouteKind, Router, Routers, STANDARD_METHODS,
};
use crate::pattern::{self, Pattern, Piece, Segment};

/// The most `/`-separated segments a pattern may have.
pub(crate) const MAX_SEGMENTS: usize = 256;

/// The field a message router reads when its file does not say.
pub(crate) const DEFAULT_MESSAGE_KEY: &str = "type";

/// What a route inherits from its file and enclosing groups.
#[derive(Clone, Default)]
struct Inherited {
    prefixes: Vec<Spanned<String>>,
    middleware: Vec<String>,
    meta: BTreeMap<String, MetaValue>,
    qos: Option<Spanned<i64>>,
    shared: Option<Spanned<String>>,
    /// Message routers: the values that lead from the root router to this scope's router.
    values: Vec<String>,
    /// Message routers: the key of each router from the root to this scope's.
    keys: Vec<String>,
    /// The `cfg` predicates of the file and groups, normalized, with where each was written.
    cfgs: Vec<(String, Loc)>,
}

/// A value a message router takes (by a route or a subrouter), or a router's default, for the
/// duplicate checks.
struct Registration {
    router: Vec<String>,
    value: Option<String>,
    loc: Loc,
    what: &'static str,
}

pub(crate) fn validate(files: &[RouteFile], sources: &Sources, diags: &mut Diagnostics) -> Routers {
    let mut routes = Vec::new();
    let mut out = Flattened::default();
    let mut root_keys: Vec<(Spanned<String>, bool)> = Vec::new();
    for file in files {
        let mut outer = Inherited::default();
        if let Some(mount) = &file.mount {
            // A mount prefix comes from the build script, not from a file: it is literal text,
            // attributed to the start of the file for the rare error that mentions it.
            outer.prefixes.push(Spanned {
                value: mount.replace('{', "{{").replace('}', "}}"),
                loc: Loc::new(file.file, 0..0),
            });
        }
        if file.transport == Transport::Message {
            let written = file.scope.key.is_some();
            let key = file.scope.key.clone().unwrap_or_else(|| Spanned {
                value: DEFAULT_MESSAGE_KEY.to_owned(),
                loc: file.transport_loc.unwrap_or(Loc::new(file.file, 0..0)),
            });
            check_key(&key, diags);
            outer.keys.push(key.value.clone());
            if !file.scope.routes.is_empty() || !file.scope.groups.is_empty() {
                root_keys.push((key, written));
            }
        }
        flatten(&file.scope, file.transport, outer, sources, diags, &mut out);
        routes.append(&mut out.routes);
    }
    routes.sort_by_key(|(route, _): &(Route, Loc)| (route.loc.file, route.line, route.column));
    check_root_keys(&root_keys, diags);

    let mut by_transport: BTreeMap<Transport, Vec<Route>> = BTreeMap::new();
    for (route, _) in routes {
        by_transport.entry(route.transport).or_default().push(route);
    }
    let mut take = |t: Transport| by_transport.remove(&t).unwrap_or_default();
    let http = take(Transport::Http);
    let extensions = extension_methods(&http, diags);

    out.names.sort_by_key(|name: &Spanned<String>| name.loc);
    check_unique_names(&out.names, diags);
    let routers = Routers {
        http: Router {
            routes: http,
            extensions,
        },
        mqtt: Router {
            routes: take(Transport::Mqtt),
            extensions: Vec::new(),
        },
        message: Router {
            routes: take(Transport::Message),
            extensions: Vec::new(),
        },
        message_routers: out.message_routers,
        websocket: Router {
            routes: take(Transport::WebSocket),
            extensions: Vec::new(),
        },
    };
    check_conflicts(&routers.http, diags);
    check_conflicts(&routers.mqtt, diags);
    check_conflicts(&routers.websocket, diags);
    check_registrations(&out.registrations, diags);
    check_actions(&routers.websocket, diags);
    routers
}

fn extension_methods(routes: &[Route], diags: &mut Diagnostics) -> Vec<String> {
    let mut extensions: Vec<String> = routes
        .iter()
        .flat_map(|route| route.methods.iter().flatten())
        .filter(|method| !STANDARD_METHODS.contains(&method.as_str()))
        .cloned()
        .collect();
    extensions.sort();
    extensions.dedup();
    // Rule: a router names at most 54 extension methods, so that a method set fits one u64.
    if extensions.len() > MAX_EXTENSIONS {
        let route = routes
            .iter()
            .find(|route| {
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
    extensions
}

/// Where flattening puts its results: the valid routes, every route's name (checked for
/// uniqueness even when the rest of its route is invalid), and what the message routers take.
#[derive(Default)]
struct Flattened {
    routes: Vec<(Route, Loc)>,
    names: Vec<Spanned<String>>,
    message_routers: BTreeMap<Vec<String>, MessageRouter>,
    registrations: Vec<Registration>,
}

fn flatten(
    scope: &Scope,
    transport: Transport,
    outer: Inherited,
    sources: &Sources,
    diags: &mut Diagnostics,
    out: &mut Flattened,
) {
    let mut here = outer;
    if let Some(prefix) = &scope.prefix {
        if transport == Transport::Http {
            check_leading_slash(prefix, "prefix", diags);
        } else {
            check_no_leading_slash(prefix, "prefix", !here.prefixes.is_empty(), diags);
        }
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
    if let Some(qos) = &scope.qos {
        check_qos(qos, diags);
        here.qos = Some(qos.clone());
    }
    if let Some(shared) = &scope.shared {
        check_share_group(shared, diags);
        here.shared = Some(shared.clone());
    }
    if let Some(cfg) = &scope.cfg
        && let Some(predicate) = check_cfg(cfg, diags)
    {
        here.cfgs.push((predicate, cfg.loc));
    }
    // The file's own `key` is the root router's, read by `validate`.
    let is_group = scope.inherit_middleware.is_some();
    if transport == Transport::Message && is_group {
        // Rule: a group with a `value` is a subrouter: the parent router takes the value, and
        // the group's `key` names the field the subrouter reads. A group without one only
        // shares middleware and meta, and routes on its parent's key.
        match (&scope.value, &scope.key) {
            (Some(value), Some(key)) => {
                check_key(key, diags);
                out.registrations.push(Registration {
                    router: here.values.clone(),
                    value: Some(value.value.clone()),
                    loc: value.loc,
                    what: "subrouter",
                });
                here.values.push(value.value.clone());
                here.keys.push(key.value.clone());
                out.message_routers.insert(
                    here.values.clone(),
                    MessageRouter {
                        key: key.value.clone(),
                        cfg: here.cfgs.iter().map(|(p, _)| p.clone()).collect(),
                    },
                );
            }
            (Some(value), None) => diags.push(
                Report::at(
                    value.loc,
                    "a subrouter needs a `key`",
                    "routes on which field?",
                )
                .with_help("add `key = \"...\"`: the field this group's routes are chosen by"),
            ),
            (None, Some(key)) => diags.push(
                Report::at(
                    key.loc,
                    "`key` without `value` in a group",
                    "this group is no subrouter",
                )
                .with_help("add `value = \"...\"`: the value of the parent's key that leads here"),
            ),
            _ => {}
        }
    }
    if transport == Transport::Message && !is_group {
        out.message_routers.insert(
            Vec::new(),
            MessageRouter {
                key: here.keys.first().cloned().unwrap_or_default(),
                cfg: Vec::new(),
            },
        );
    }

    for decl in &scope.routes {
        out.names.extend(decl.name.clone());
        if let Some(route) = route(decl, transport, &here, sources, diags, out) {
            out.routes.push(route);
        }
    }
    for group in &scope.groups {
        flatten(group, transport, here.clone(), sources, diags, out);
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
    transport: Transport,
    inherited: &Inherited,
    sources: &Sources,
    diags: &mut Diagnostics,
    out: &mut Flattened,
) -> Option<(Route, Loc)> {
    // Rule: every route has a `name`, and the key its transport routes by. (A key written with
    // the wrong type was reported by the parser and is not "missing".)
    let required: &[&str] = match transport {
        Transport::Http => &["name", "path"],
        Transport::Mqtt => &["name", "topic"],
        Transport::Message | Transport::WebSocket => &["name"],
    };
    for key in decl.missing.iter().filter(|key| required.contains(key)) {
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
    let qos = decl.qos.as_ref().or(inherited.qos.as_ref());
    if let Some(qos) = &decl.qos {
        check_qos(qos, diags);
    }
    if let Some(shared) = &decl.shared {
        check_share_group(shared, diags);
    }
    let shared = decl.shared.as_ref().or(inherited.shared.as_ref());
    let mut cfgs = inherited.cfgs.clone();
    if let Some(cfg) = &decl.cfg
        && let Some(predicate) = check_cfg(cfg, diags)
    {
        cfgs.push((predicate, cfg.loc));
    }
    let target = match transport {
        Transport::Http => {
            let path = decl.path.as_ref()?;
            check_leading_slash(path, "path", diags);
            let pieces: Vec<&Spanned<String>> = inherited.prefixes.iter().chain([path]).collect();
            let pattern = parse_pattern(&pieces, sources, diags);
            let text = pieces.iter().map(|p| p.value.as_str()).collect();
            (RouteKind::Path, pattern, text, path.loc)
        }
        Transport::Mqtt => {
            let topic = decl.topic.as_ref()?;
            check_no_leading_slash(topic, "topic", !inherited.prefixes.is_empty(), diags);
            let (pattern, text) = level_pattern(&inherited.prefixes, topic, sources, diags);
            (RouteKind::Topic, pattern, text, topic.loc)
        }
        Transport::WebSocket => match (&decl.action, &decl.channel) {
            (Some(action), None) => {
                check_action(action, diags);
                let pattern = Pattern {
                    segments: vec![Segment::Static(action.value.clone())],
                    params: Vec::new(),
                };
                (
                    RouteKind::Action,
                    Some(pattern),
                    action.value.clone(),
                    action.loc,
                )
            }
            (None, Some(channel)) => {
                check_no_leading_slash(channel, "channel", false, diags);
                let (pattern, text) = level_pattern(&[], channel, sources, diags);
                (RouteKind::Channel, pattern, text, channel.loc)
            }
            (Some(action), Some(channel)) => {
                diags.push(
                    Report::at(
                        channel.loc,
                        "a route is an action or a channel, not both",
                        "second target",
                    )
                    .with_secondary(action.loc, "this route is an action"),
                );
                return None;
            }
            (None, None) => {
                diags.push(
                    Report::at(
                        decl.loc,
                        "websocket route has no `action` or `channel`",
                        "routes nothing",
                    )
                    .with_help("add `action = \"chat.send\"` or `channel = \"rooms/{room}\"`"),
                );
                return None;
            }
        },
        Transport::Message => {
            let default = decl.default.as_ref().filter(|d| d.value);
            let router = inherited.values.clone();
            let keys = &inherited.keys;
            let mut text: Vec<String> = keys
                .iter()
                .zip(&router)
                .map(|(key, value)| format!("{key} = {value:?}"))
                .collect();
            let key = keys.last().map_or(DEFAULT_MESSAGE_KEY, String::as_str);
            let (kind, values, loc) = match (&decl.value, default) {
                (Some(value), None) => {
                    out.registrations.push(Registration {
                        router: router.clone(),
                        value: Some(value.value.clone()),
                        loc: value.loc,
                        what: "route",
                    });
                    text.push(format!("{key} = {:?}", value.value));
                    let mut values = router;
                    values.push(value.value.clone());
                    (RouteKind::Message { default: false }, values, value.loc)
                }
                (None, Some(default)) => {
                    out.registrations.push(Registration {
                        router: router.clone(),
                        value: None,
                        loc: default.loc,
                        what: "default",
                    });
                    text.push(format!("{key} = *"));
                    (RouteKind::Message { default: true }, router, default.loc)
                }
                (Some(value), Some(default)) => {
                    diags.push(
                        Report::at(
                            default.loc,
                            "a route has a `value` or is the `default`, not both",
                            "the default",
                        )
                        .with_secondary(value.loc, "takes this value"),
                    );
                    return None;
                }
                (None, None) => {
                    diags.push(
                        Report::at(decl.loc, "message route has no `value` and is not the `default`", "routes nothing")
                            .with_help(format!("add `value = \"...\"` (the value of `{key}` it takes) or `default = true`")),
                    );
                    return None;
                }
            };
            let pattern = Pattern {
                segments: values.into_iter().map(Segment::Static).collect(),
                params: Vec::new(),
            };
            (kind, Some(pattern), text.join(", "), loc)
        }
    };
    let (kind, pattern, pattern_text, loc) = target;
    // Rule: a pattern has at most MAX_SEGMENTS segments. The tree stages recurse once per
    // segment; the limit keeps a hostile route file from overflowing the build script's stack.
    if let Some(pattern) = &pattern
        && pattern.segments.len() > MAX_SEGMENTS
    {
        diags.error(
            loc,
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
            pattern_text,
            pattern,
            methods,
            handler: decl.handler.as_ref().map(|h| h.value.clone()),
            file: sources.files[decl.loc.file].display.clone(),
            line,
            column,
            middleware,
            meta,
            loc,
            transport,
            kind,
            qos: qos.map_or(0, |q| q.value.clamp(0, 2) as u8),
            shared: shared.map(|s| s.value.clone()),
            cfg: cfgs.into_iter().map(|(predicate, _)| predicate).collect(),
        },
        name.loc,
    ))
}

fn parse_pattern(
    pieces: &[&Spanned<String>],
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<Pattern> {
    let pieces: Vec<Piece<'_>> = pieces
        .iter()
        .map(|piece| Piece {
            text: &piece.value,
            loc: piece.loc,
            verbatim: is_verbatim(piece, sources),
        })
        .collect();
    match pattern::parse(&pieces) {
        Ok(pattern) => Some(pattern),
        Err(reports) => {
            for report in reports {
                diags.push(report);
            }
            None
        }
    }
}

/// A topic or channel pattern: its pieces joined with `/` (MQTT levels), each level a literal,
/// a whole `{param}` or a final `{*tail}`. Returns the pattern and its text.
fn level_pattern(
    prefixes: &[Spanned<String>],
    last: &Spanned<String>,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> (Option<Pattern>, String) {
    let slash = |piece: &Spanned<String>| Spanned {
        value: "/".to_owned(),
        loc: piece.loc,
    };
    let mut joined: Vec<Spanned<String>> = Vec::new();
    for piece in prefixes.iter().chain([last]) {
        if !joined.is_empty() {
            joined.push(slash(piece));
        }
        joined.push(piece.clone());
    }
    let text: String = joined.iter().map(|p| p.value.as_str()).collect();
    let pattern = parse_pattern(&joined.iter().collect::<Vec<_>>(), sources, diags);
    let Some(pattern) = pattern else {
        return (None, text);
    };
    let mut ok = true;
    for segment in &pattern.segments {
        match segment {
            // Rule: MQTT wildcards are not written in a pattern: a `{param}` becomes `+` and a
            // `{*tail}` becomes `#` in the subscription filter, and names the captured level.
            Segment::Static(level) if level.contains(['+', '#']) => {
                ok = false;
                let wildcard = if level.contains('#') { '#' } else { '+' };
                let (help, what) = if wildcard == '#' {
                    (
                        "write `{*rest}` for the remaining levels (subscribed as `#`)",
                        "multi-level",
                    )
                } else {
                    (
                        "write `{name}` for one level (subscribed as `+`)",
                        "single-level",
                    )
                };
                let at = locate(last, level, sources).unwrap_or(last.loc);
                diags.push(
                    Report::at(at, format!("MQTT wildcard `{wildcard}` in a route pattern"), format!("a {what} wildcard where a parameter is meant"))
                        .with_help(help)
                        .with_note("the generated SUBSCRIPTIONS turn parameters into wildcards, and the router hands you their values"),
                );
            }
            // Rule: a parameter fills a whole level, as a wildcard of a subscription filter does.
            Segment::Param {
                name,
                prefix,
                suffix,
            } if !prefix.is_empty() || !suffix.is_empty() => {
                ok = false;
                let at = locate(last, &format!("{{{name}}}"), sources).unwrap_or(last.loc);
                diags.push(
                    Report::at(at, format!("parameter `{name}` shares its level with text"), "not a whole level")
                        .with_note("a topic filter's `+` matches whole levels only, so a level is a literal or a parameter"),
                );
            }
            _ => {}
        }
    }
    (ok.then_some(pattern), text)
}

/// Where `needle` was written inside the string value `piece`, when the file holds it verbatim.
fn locate(piece: &Spanned<String>, needle: &str, sources: &Sources) -> Option<Loc> {
    if !is_verbatim(piece, sources) {
        return None;
    }
    let offset = piece.value.find(needle)?;
    Some(Loc {
        file: piece.loc.file,
        start: piece.loc.start + 1 + offset,
        end: piece.loc.start + 1 + offset + needle.len(),
    })
}

fn check_no_leading_slash(
    piece: &Spanned<String>,
    key: &str,
    joined: bool,
    diags: &mut Diagnostics,
) {
    // Rule: topic pieces are joined with one `/`; a piece that starts with `/` after another
    // would make an empty level nobody meant (a leading `/` on its own is a valid, if rare,
    // empty first level).
    if joined && piece.value.starts_with('/') {
        diags.push(
            Report::at(
                piece.loc,
                format!("`{key}` starts with `/`"),
                "joined to the prefix with `/` already",
            )
            .with_help(format!("write \"{}\"", piece.value.trim_start_matches('/'))),
        );
    }
}

/// The predicate in normalized token text (`feature = "x"`), or `None` after reporting it.
fn check_cfg(cfg: &Spanned<String>, diags: &mut Diagnostics) -> Option<String> {
    // Rule: a `cfg` is a predicate as `#[cfg(...)]` takes it: `feature = "debug-routes"`,
    // `debug_assertions`, `not(test)`, `all(unix, feature = "x")`.
    match syn::parse_str::<syn::Meta>(&cfg.value) {
        Ok(meta) => Some(quote::quote!(#meta).to_string()),
        Err(_) => {
            diags.push(
                Report::at(
                    cfg.loc,
                    format!("invalid `cfg` predicate {:?}", cfg.value),
                    "not a cfg predicate",
                )
                .with_help("write it as inside `#[cfg(...)]`, as in `feature = \"debug-routes\"`"),
            );
            None
        }
    }
}

/// Whether no build enables both routes: one of them requires a predicate whose negation the
/// other requires (`feature = "x"` and `not(feature = "x")`). Anything subtler is taken to be
/// possibly enabled together, so conflicts are never missed.
pub(crate) fn cfgs_exclusive(a: &[String], b: &[String]) -> bool {
    a.iter().any(|p| {
        b.iter()
            .any(|q| *q == format!("not ({p})") || *p == format!("not ({q})"))
    })
}

fn check_qos(qos: &Spanned<i64>, diags: &mut Diagnostics) {
    // Rule: MQTT has three QoS levels.
    if !(0..=2).contains(&qos.value) {
        diags.error(
            qos.loc,
            format!("QoS {} does not exist", qos.value),
            "expected 0, 1 or 2",
        );
    }
}

fn check_share_group(group: &Spanned<String>, diags: &mut Diagnostics) {
    // Rule: a share name is a non-empty level without wildcards (MQTT 5, 4.8.2).
    if group.value.is_empty() || group.value.contains(['/', '+', '#']) {
        diags.error(
            group.loc,
            format!("invalid shared-subscription group `{}`", group.value),
            "a group name is one non-empty level without `/`, `+` or `#`",
        );
    }
}

fn check_key(key: &Spanned<String>, diags: &mut Diagnostics) {
    // Rule: a message router reads a named field.
    if key.value.is_empty() {
        diags.error(key.loc, "empty message `key`", "name the field to route by");
    }
}

fn check_action(action: &Spanned<String>, diags: &mut Diagnostics) {
    // Rule: an action name is non-empty text without surrounding spaces: clients send it as is.
    if action.value.is_empty() || action.value.trim() != action.value {
        diags.error(
            action.loc,
            format!("invalid action name {:?}", action.value),
            "an action is a non-empty name without surrounding spaces",
        );
    }
}

fn check_root_keys(root_keys: &[(Spanned<String>, bool)], diags: &mut Diagnostics) {
    // Rule: every message file's top level is the root router, so they read the same field.
    let Some((first, first_written)) = root_keys.first() else {
        return;
    };
    for (key, written) in &root_keys[1..] {
        if key.value == first.value {
            continue;
        }
        let describe = |key: &Spanned<String>, written: bool| {
            if written {
                format!("routes on `{}`", key.value)
            } else {
                format!("routes on `{}` (the default)", key.value)
            }
        };
        diags.push(
            Report::at(
                key.loc,
                format!(
                    "message files disagree on the root key: `{}` and `{}`",
                    first.value, key.value
                ),
                describe(key, *written),
            )
            .with_secondary(first.loc, describe(first, *first_written))
            .with_note("the top level of every message file is the same root router"),
        );
    }
}

fn check_registrations(registrations: &[Registration], diags: &mut Diagnostics) {
    // Rule: a message router takes each value once, by one route or one subrouter, and has at
    // most one default.
    let mut first: HashMap<(&[String], Option<&str>), &Registration> = HashMap::new();
    let mut sorted: Vec<&Registration> = registrations.iter().collect();
    sorted.sort_by_key(|r| r.loc);
    for registration in sorted {
        let key = (
            registration.router.as_slice(),
            registration.value.as_deref(),
        );
        let Some(earlier) = first.get(&key) else {
            first.insert(key, registration);
            continue;
        };
        let (message, label) = match &registration.value {
            Some(value) => (
                format!("value {value:?} is registered twice in one message router"),
                format!("this {} takes it again", registration.what),
            ),
            None => (
                "a message router has two defaults".to_owned(),
                "second default".to_owned(),
            ),
        };
        diags.push(
            Report::at(registration.loc, message, label)
                .with_secondary(earlier.loc, format!("first taken by this {}", earlier.what)),
        );
    }
}

fn check_actions(router: &Router, diags: &mut Diagnostics) {
    // Rule: the actions of all websocket files share one namespace.
    let mut first: HashMap<&str, &Route> = HashMap::new();
    for route in router.routes.iter().filter(|r| r.kind == RouteKind::Action) {
        let Some(earlier) = first.get(route.pattern_text.as_str()) else {
            first.insert(&route.pattern_text, route);
            continue;
        };
        diags.push(
            Report::at(
                route.loc,
                format!("action `{}` is defined twice", route.pattern_text),
                format!("defined again by `{}`", route.name),
            )
            .with_secondary(earlier.loc, format!("first defined by `{}`", earlier.name))
            .with_note("the actions of every websocket route file share one namespace"),
        );
    }
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
    // Topics and channels have no methods: the same shape is a conflict.
    let mut by_shape: BTreeMap<(bool, Vec<Segment>), Vec<usize>> = BTreeMap::new();
    for (index, route) in router.routes.iter().enumerate() {
        if !matches!(
            route.kind,
            RouteKind::Path | RouteKind::Topic | RouteKind::Channel
        ) {
            continue;
        }
        let shape = route.pattern.segments.iter().map(Segment::shape).collect();
        by_shape
            .entry((route.kind == RouteKind::Channel, shape))
            .or_default()
            .push(index);
    }
    for indices in by_shape.values() {
        for (i, &later) in indices.iter().enumerate() {
            for &earlier in &indices[..i] {
                let (a, b) = (&router.routes[earlier], &router.routes[later]);
                let shared = router.method_mask(a) & router.method_mask(b);
                if shared == 0 || cfgs_exclusive(&a.cfg, &b.cfg) {
                    continue;
                }
                let what = match b.kind {
                    RouteKind::Path => "paths",
                    RouteKind::Channel => "channels",
                    _ => "topics",
                };
                let mut report = Report::at(
                    b.loc,
                    format!("route `{}` conflicts with route `{}`", b.name, a.name),
                    format!("`{}` matches the same {what}", b.pattern_text),
                )
                .with_secondary(a.loc, format!("`{}` is declared here", a.name));
                if b.kind == RouteKind::Path {
                    report = report.with_note(format!("both accept {}", shared_methods(a, b)));
                }
                if a.pattern_text != b.pattern_text {
                    report = report.with_note(format!(
                        "patterns that differ only in parameter names match the same {what}"
                    ));
                }
                let help = if b.kind == RouteKind::Path {
                    "give them different methods, or patterns of different shapes"
                } else {
                    "give them patterns of different shapes"
                };
                diags.push(report.with_help(help));
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
