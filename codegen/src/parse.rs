//! Stage 2: route file text -> [`ast::RouteFile`], with every key and value located.
//!
//! The TOML is parsed into a spanned document tree (`toml::de::DeTable`), then walked by hand
//! rather than through `#[derive(Deserialize)]`: a derive stops at the first problem, while the
//! walk reports every unknown key and wrong type of a file in one go, each at its own place.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::ast::{Format, MetaValue, RouteDecl, RouteFile, Scope, Spanned, Transport};
use crate::diagnostic::{Diagnostics, FileId, Loc, Report};

/// Groups may nest this deep; the walk recurses once per level, and a limit turns a hostile
/// file into an error instead of a stack overflow.
const MAX_GROUP_DEPTH: usize = 128;

/// The keys of a file's top level, a group and a route, for one transport.
struct Keys {
    file: &'static [&'static str],
    group: &'static [&'static str],
    route: &'static [&'static str],
}

const fn keys(transport: Transport) -> Keys {
    match transport {
        Transport::Http => Keys {
            file: &[
                "transport",
                "prefix",
                "middleware",
                "cfg",
                "meta",
                "route",
                "group",
            ],
            group: &[
                "prefix",
                "middleware",
                "cfg",
                "inherit_middleware",
                "meta",
                "route",
                "group",
            ],
            route: &[
                "name",
                "path",
                "method",
                "handler",
                "middleware",
                "cfg",
                "meta",
            ],
        },
        Transport::Mqtt => Keys {
            file: &[
                "transport",
                "prefix",
                "qos",
                "shared",
                "middleware",
                "cfg",
                "meta",
                "route",
                "group",
            ],
            group: &[
                "prefix",
                "qos",
                "shared",
                "middleware",
                "cfg",
                "inherit_middleware",
                "meta",
                "route",
                "group",
            ],
            route: &[
                "name",
                "topic",
                "qos",
                "shared",
                "handler",
                "middleware",
                "cfg",
                "meta",
            ],
        },
        Transport::Message => Keys {
            file: &[
                "transport",
                "key",
                "middleware",
                "cfg",
                "meta",
                "route",
                "group",
            ],
            group: &[
                "value",
                "key",
                "middleware",
                "cfg",
                "inherit_middleware",
                "meta",
                "route",
                "group",
            ],
            route: &[
                "name",
                "value",
                "default",
                "handler",
                "middleware",
                "cfg",
                "meta",
            ],
        },
        Transport::WebSocket => Keys {
            file: &["transport", "middleware", "cfg", "meta", "route", "group"],
            group: &[
                "middleware",
                "cfg",
                "inherit_middleware",
                "meta",
                "route",
                "group",
            ],
            route: &[
                "name",
                "action",
                "channel",
                "handler",
                "middleware",
                "cfg",
                "meta",
            ],
        },
    }
}

/// A document value, whatever the file format, with the byte range it was written at: the walk
/// below reads TOML and JSON route files alike.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub value: NodeValue,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub(crate) enum NodeValue {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(String),
    /// JSON's `null`, which route files never use.
    Null,
    Array(Vec<Node>),
    Table(Table),
}

/// A table's entries in document order, each key with its own span.
pub(crate) type Table = Vec<(Spanned<String>, Node)>;

impl NodeValue {
    fn type_str(&self) -> &'static str {
        match self {
            NodeValue::String(_) => "string",
            NodeValue::Integer(_) => "integer",
            NodeValue::Float(_) => "float",
            NodeValue::Boolean(_) => "boolean",
            NodeValue::Datetime(_) => "datetime",
            NodeValue::Null => "null",
            NodeValue::Array(_) => "array",
            NodeValue::Table(_) => "table",
        }
    }
}

fn get<'t>(table: &'t Table, key: &str) -> Option<&'t Node> {
    table.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
}

/// Parses one route file. Returns `None` when the document itself is malformed (its syntax
/// errors are reported); schema errors are reported and the offending keys skipped.
/// `default_transport` is the transport of the file's source, which the file's own
/// `transport` key must agree with.
pub(crate) fn parse_file(
    file: FileId,
    text: &str,
    format: Format,
    default_transport: Option<Transport>,
    diags: &mut Diagnostics,
) -> Option<RouteFile> {
    let document = match format {
        Format::Toml => toml_document(file, text, diags)?,
        Format::Json => json_document(file, text, diags)?,
    };
    let NodeValue::Table(table) = &document.value else {
        diags.error(
            Loc::new(file, document.span.clone()),
            format!(
                "a route file is a table, found {}",
                document.value.type_str()
            ),
            "expected a table (a JSON object)",
        );
        return None;
    };
    let mut walker = Walker {
        file,
        diags,
        depth: 0,
    };
    let (transport, transport_loc) = walker.transport(table, default_transport);
    let keys = keys(transport);
    let scope = walker.scope(table, "route file", keys.file, &keys);
    Some(RouteFile {
        file,
        transport,
        transport_loc,
        mount: None,
        scope,
    })
}

fn toml_document(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    match DeTable::parse(text) {
        Ok(document) => Some(Node {
            span: 0..text.len(),
            value: NodeValue::Table(toml_table(document.get_ref())),
        }),
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            let message = error.message().trim_end().to_owned();
            let first_line = message.lines().next().unwrap_or("invalid TOML").to_owned();
            diags.push(
                Report::at(
                    Loc::new(file, span),
                    format!("invalid TOML: {first_line}"),
                    first_line,
                )
                .with_note("the rest of this file is not checked until it parses"),
            );
            None
        }
    }
}

fn toml_table(table: &DeTable<'_>) -> Table {
    table
        .iter()
        .map(|(key, value)| {
            (
                Spanned {
                    value: key.get_ref().to_string(),
                    loc: Loc::new(0, key.span()),
                },
                Node {
                    span: value.span(),
                    value: toml_value(value.get_ref()),
                },
            )
        })
        .collect()
}

fn toml_value(value: &DeValue<'_>) -> NodeValue {
    match value {
        DeValue::String(s) => NodeValue::String(s.to_string()),
        DeValue::Integer(i) => {
            let text = i.as_str().replace('_', "");
            let parsed = match i.radix() {
                10 => text.parse::<i64>().ok(),
                radix => i64::from_str_radix(&text[2..], radix).ok(),
            };
            // TOML allows only i64, so an unparsable integer is kept as its text (defensive).
            parsed.map_or_else(
                || NodeValue::String(i.as_str().to_owned()),
                NodeValue::Integer,
            )
        }
        DeValue::Float(f) => {
            let text = f.as_str().replace('_', "");
            NodeValue::Float(match text.as_str() {
                "inf" | "+inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                "nan" | "+nan" | "-nan" => f64::NAN,
                other => other.parse().unwrap_or(f64::NAN),
            })
        }
        DeValue::Boolean(b) => NodeValue::Boolean(*b),
        DeValue::Datetime(d) => NodeValue::Datetime(d.to_string()),
        DeValue::Array(items) => NodeValue::Array(
            items
                .iter()
                .map(|item| Node {
                    span: item.span(),
                    value: toml_value(item.get_ref()),
                })
                .collect(),
        ),
        DeValue::Table(t) => NodeValue::Table(toml_table(t)),
    }
}

fn json_document(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    match crate::json::parse(text) {
        Ok(json) => Some(json_node(json)),
        Err(error) => {
            let mut report = Report::at(
                Loc::new(file, error.span),
                format!("invalid JSON: {}", error.message),
                error.message.clone(),
            );
            if let Some(first) = error.first {
                report = report.with_secondary(Loc::new(file, first), "first written here");
            }
            diags.push(report.with_note("the rest of this file is not checked until it parses"));
            None
        }
    }
}

fn json_node(json: crate::json::Json) -> Node {
    use crate::json::JsonValue;
    let value = match json.value {
        JsonValue::Null => NodeValue::Null,
        JsonValue::Bool(b) => NodeValue::Boolean(b),
        JsonValue::Integer(i) => NodeValue::Integer(i),
        JsonValue::Float(f) => NodeValue::Float(f),
        JsonValue::String(s) => NodeValue::String(s),
        JsonValue::Array(items) => NodeValue::Array(items.into_iter().map(json_node).collect()),
        JsonValue::Object(members) => NodeValue::Table(
            members
                .into_iter()
                .map(|(key, value)| {
                    (
                        Spanned {
                            value: key.text,
                            loc: Loc::new(0, key.span),
                        },
                        json_node(value),
                    )
                })
                .collect(),
        ),
    };
    Node {
        value,
        span: json.span,
    }
}

struct Walker<'d> {
    file: FileId,
    diags: &'d mut Diagnostics,
    /// How many groups enclose the table being read.
    depth: usize,
}

impl Walker<'_> {
    fn loc(&self, span: &Range<usize>) -> Loc {
        Loc::new(self.file, span.clone())
    }

    fn key_loc(&self, key: &Spanned<String>) -> Loc {
        Loc {
            file: self.file,
            ..key.loc
        }
    }

    /// The file's transport: its `transport` key, which must agree with its source's.
    fn transport(&mut self, table: &Table, default: Option<Transport>) -> (Transport, Option<Loc>) {
        let Some(written) = self.string(table, "transport") else {
            return (default.unwrap_or_default(), None);
        };
        let Some(transport) = Transport::ALL
            .into_iter()
            .find(|t| t.key() == written.value)
        else {
            self.diags.push(
                Report::at(
                    written.loc,
                    format!("unknown transport `{}`", written.value),
                    "not a transport",
                )
                .with_note("expected one of `http`, `mqtt`, `message`, `websocket`"),
            );
            return (default.unwrap_or_default(), Some(written.loc));
        };
        if let Some(default) = default
            && default != transport
        {
            self.diags.push(
                Report::at(
                    written.loc,
                    format!(
                        "this file routes `{}` but its directory holds `{}` routes",
                        transport.key(),
                        default.key()
                    ),
                    "conflicts with the directory's transport",
                )
                .with_help("move the file to a directory of its transport, or drop this key"),
            );
        }
        (transport, Some(written.loc))
    }

    /// Reports every key of `table` that is not in `allowed`.
    fn check_keys(&mut self, table: &Table, context: &str, allowed: &[&str]) {
        for (key, _) in table {
            let name = key.value.as_str();
            if allowed.contains(&name) {
                continue;
            }
            let expected = allowed
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut report = Report::at(
                self.key_loc(key),
                format!("unknown key `{name}` in {context}"),
                "unknown key",
            )
            .with_note(format!("expected one of {expected}"));
            if let Some(close) = closest(name, allowed) {
                report = report.with_help(format!("did you mean `{close}`?"));
            }
            self.diags.push(report);
        }
    }

    fn scope(&mut self, table: &Table, context: &str, allowed: &[&str], keys: &Keys) -> Scope {
        self.check_keys(table, context, allowed);
        let mut scope = Scope {
            prefix: self.string(table, "prefix"),
            key: self.string(table, "key"),
            value: self.string(table, "value"),
            qos: self.integer(table, "qos"),
            shared: self.string(table, "shared"),
            cfg: self.string(table, "cfg"),
            middleware: self.string_list(table, "middleware"),
            inherit_middleware: None,
            meta: self.meta(table),
            routes: Vec::new(),
            groups: Vec::new(),
        };
        if allowed.contains(&"inherit_middleware") {
            scope.inherit_middleware = Some(
                self.boolean(table, "inherit_middleware")
                    .is_none_or(|b| b.value),
            );
        }
        for (route, loc) in self.tables(table, "route") {
            let decl = self.route(route, loc, keys.route);
            scope.routes.push(decl);
        }
        for (group, loc) in self.tables(table, "group") {
            if self.depth == MAX_GROUP_DEPTH {
                self.diags.error(
                    loc,
                    format!("groups nested more than {MAX_GROUP_DEPTH} deep"),
                    "this group is too deep",
                );
                break;
            }
            self.depth += 1;
            let group = self.scope(group, "group", keys.group, keys);
            self.depth -= 1;
            scope.groups.push(group);
        }
        scope
    }

    fn route(&mut self, table: &Table, loc: Loc, allowed: &[&str]) -> RouteDecl {
        self.check_keys(table, "route", allowed);
        RouteDecl {
            loc,
            missing: ["name", "path", "topic", "value", "action", "channel"]
                .into_iter()
                .filter(|key| get(table, key).is_none())
                .collect(),
            name: self.string(table, "name"),
            path: self.string(table, "path"),
            topic: self.string(table, "topic"),
            value: self.string(table, "value"),
            default: self.boolean(table, "default"),
            action: self.string(table, "action"),
            channel: self.string(table, "channel"),
            qos: self.integer(table, "qos"),
            shared: self.string(table, "shared"),
            cfg: self.string(table, "cfg"),
            methods: self.string_or_list(table, "method"),
            handler: self.string(table, "handler"),
            middleware: self.string_list(table, "middleware"),
            meta: self.meta(table),
        }
    }

    fn type_error(&mut self, value: &Node, key: &str, expected: &str) {
        let found = value.value.type_str();
        self.diags.error(
            self.loc(&value.span),
            format!("`{key}` must be {expected}, found {found}"),
            format!("expected {expected}"),
        );
    }

    /// The value of `key` as read by `read`, or `None` (reporting a value of another type).
    fn scalar<T>(
        &mut self,
        table: &Table,
        key: &str,
        expected: &str,
        read: impl Fn(&NodeValue) -> Option<T>,
    ) -> Option<Spanned<T>> {
        let value = get(table, key)?;
        match read(&value.value) {
            Some(read) => Some(Spanned {
                value: read,
                loc: self.loc(&value.span),
            }),
            None => {
                self.type_error(value, key, expected);
                None
            }
        }
    }

    fn string(&mut self, table: &Table, key: &str) -> Option<Spanned<String>> {
        self.scalar(table, key, "a string", |value| match value {
            NodeValue::String(s) => Some(s.clone()),
            _ => None,
        })
    }

    fn integer(&mut self, table: &Table, key: &str) -> Option<Spanned<i64>> {
        self.scalar(table, key, "an integer", |value| match value {
            NodeValue::Integer(i) => Some(*i),
            _ => None,
        })
    }

    fn boolean(&mut self, table: &Table, key: &str) -> Option<Spanned<bool>> {
        self.scalar(table, key, "a boolean", |value| match value {
            NodeValue::Boolean(b) => Some(*b),
            _ => None,
        })
    }

    fn string_items(&mut self, items: &[Node], key: &str) -> Vec<Spanned<String>> {
        let mut strings = Vec::new();
        for item in items {
            match &item.value {
                NodeValue::String(s) => strings.push(Spanned {
                    value: s.clone(),
                    loc: self.loc(&item.span),
                }),
                _ => self.type_error(item, key, "a list of strings"),
            }
        }
        strings
    }

    fn string_list(&mut self, table: &Table, key: &str) -> Vec<Spanned<String>> {
        let Some(value) = get(table, key) else {
            return Vec::new();
        };
        match &value.value {
            NodeValue::Array(items) => self.string_items(items, key),
            _ => {
                self.type_error(value, key, "a list of strings");
                Vec::new()
            }
        }
    }

    fn string_or_list(&mut self, table: &Table, key: &str) -> Option<Vec<Spanned<String>>> {
        let value = get(table, key)?;
        Some(match &value.value {
            NodeValue::String(s) => vec![Spanned {
                value: s.clone(),
                loc: self.loc(&value.span),
            }],
            NodeValue::Array(items) => {
                if items.is_empty() {
                    self.diags.error(
                        self.loc(&value.span),
                        format!("`{key}` is an empty list"),
                        "list at least one method, or leave out the key to accept any method",
                    );
                }
                self.string_items(items, key)
            }
            _ => {
                self.type_error(value, key, "a string or a list of strings");
                Vec::new()
            }
        })
    }

    /// The tables of an array of tables (`[[route]]`), each with its location.
    fn tables<'t>(&mut self, table: &'t Table, key: &str) -> Vec<(&'t Table, Loc)> {
        let Some(value) = get(table, key) else {
            return Vec::new();
        };
        let NodeValue::Array(items) = &value.value else {
            self.type_error(value, key, &format!("an array of tables (`[[{key}]]`)"));
            return Vec::new();
        };
        let mut tables = Vec::new();
        for item in items {
            match &item.value {
                NodeValue::Table(t) => tables.push((t, self.loc(&item.span))),
                _ => self.type_error(item, key, "a table"),
            }
        }
        tables
    }

    fn meta(&mut self, table: &Table) -> BTreeMap<String, MetaValue> {
        let Some(value) = get(table, "meta") else {
            return BTreeMap::new();
        };
        match &value.value {
            NodeValue::Table(t) => self.meta_table(t),
            _ => {
                self.type_error(value, "meta", "a table");
                BTreeMap::new()
            }
        }
    }

    fn meta_table(&mut self, table: &Table) -> BTreeMap<String, MetaValue> {
        table
            .iter()
            .filter_map(|(k, v)| Some((k.value.clone(), self.meta_value(v)?)))
            .collect()
    }

    fn meta_value(&mut self, node: &Node) -> Option<MetaValue> {
        Some(match &node.value {
            NodeValue::String(s) => MetaValue::String(s.clone()),
            NodeValue::Integer(i) => MetaValue::Integer(*i),
            NodeValue::Float(f) => MetaValue::Float(*f),
            NodeValue::Boolean(b) => MetaValue::Boolean(*b),
            NodeValue::Datetime(d) => MetaValue::Datetime(d.clone()),
            NodeValue::Null => {
                self.diags.error(
                    self.loc(&node.span),
                    "`null` is not a meta value",
                    "leave the key out instead",
                );
                return None;
            }
            NodeValue::Array(items) => {
                MetaValue::Array(items.iter().filter_map(|v| self.meta_value(v)).collect())
            }
            NodeValue::Table(t) => MetaValue::Table(self.meta_table(t)),
        })
    }
}

/// The allowed key closest to a misspelt one, if it is close enough to be a likely typo.
fn closest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|candidate| (edit_distance(name, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 3))
        .min()
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{SourceFile, Sources};

    fn parse(text: &str) -> (Option<RouteFile>, Vec<String>) {
        let mut diags = Diagnostics::default();
        let parsed = parse_file(0, text, Format::Toml, None, &mut diags);
        let sources = Sources {
            files: vec![SourceFile::new("routes/x.toml".into(), text.into())],
        };
        let errors = if diags.has_errors() {
            diags
                .into_errors(&sources)
                .diagnostics()
                .iter()
                .map(|d| format!("{}: {}", d.location().unwrap(), d.message()))
                .collect()
        } else {
            Vec::new()
        };
        (parsed, errors)
    }

    #[test]
    fn reads_nested_groups_and_routes() {
        let (file, errors) = parse(
            r#"
prefix = "/api"
middleware = ["auth"]
[meta]
qos = 1

[[route]]
name = "a"
path = "/a"
method = ["GET", "POST"]

[[group]]
prefix = "/g"
inherit_middleware = false
  [[group.group]]
  prefix = "/h"
    [[group.group.route]]
    name = "b"
    path = "/{x}"
    meta = { qos = 2, tags = ["x"] }
"#,
        );
        assert_eq!(errors, Vec::<String>::new());
        let scope = file.unwrap().scope;
        assert_eq!(scope.prefix.unwrap().value, "/api");
        assert_eq!(scope.meta["qos"], MetaValue::Integer(1));
        assert_eq!(scope.routes[0].methods.as_ref().unwrap().len(), 2);
        assert_eq!(scope.groups[0].inherit_middleware, Some(false));
        let inner = &scope.groups[0].groups[0];
        assert_eq!(inner.inherit_middleware, Some(true));
        assert_eq!(inner.routes[0].name.as_ref().unwrap().value, "b");
        assert_eq!(
            inner.routes[0].meta["tags"],
            MetaValue::Array(vec![MetaValue::String("x".into())])
        );
    }

    #[test]
    fn reports_every_schema_error_with_its_place() {
        let (_, errors) = parse(
            "pth = 1\n[[route]]\nname = 5\npath = \"/a\"\nmethods = \"GET\"\nmiddleware = \"auth\"\n",
        );
        assert_eq!(
            errors,
            [
                "routes/x.toml:1:1: unknown key `pth` in route file",
                "routes/x.toml:3:8: `name` must be a string, found integer",
                "routes/x.toml:5:1: unknown key `methods` in route",
                "routes/x.toml:6:14: `middleware` must be a list of strings, found string",
            ]
        );
    }

    #[test]
    fn reports_toml_syntax_errors() {
        let (file, errors) = parse("[[route]]\nname = \"a\npath = \"/a\"\n");
        assert!(file.is_none());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("routes/x.toml:2:"), "{errors:?}");
        assert!(errors[0].contains("invalid TOML"), "{errors:?}");
    }

    #[test]
    fn suggests_close_keys() {
        let route_keys = keys(Transport::Http).route;
        assert_eq!(closest("pth", route_keys), Some("path"));
        assert_eq!(closest("methods", route_keys), Some("method"));
        assert_eq!(closest("zzzzzz", route_keys), None);
    }
}
