//! Stage 2: route file text -> [`ast::RouteFile`], with every key and value located.
//!
//! The TOML is parsed into a spanned document tree (`toml::de::DeTable`), then walked by hand
//! rather than through `#[derive(Deserialize)]`: a derive stops at the first problem, while the
//! walk reports every unknown key and wrong type of a file in one go, each at its own place.

use std::collections::BTreeMap;

use toml::Spanned as TomlSpanned;
use toml::de::{DeTable, DeValue};

use crate::ast::{MetaValue, RouteDecl, RouteFile, Scope, Spanned};
use crate::diagnostic::{Diagnostics, FileId, Loc, Report};

const FILE_KEYS: &[&str] = &["prefix", "middleware", "meta", "route", "group"];
const GROUP_KEYS: &[&str] = &[
    "prefix",
    "middleware",
    "inherit_middleware",
    "meta",
    "route",
    "group",
];
/// Groups may nest this deep; the walk recurses once per level, and a limit turns a hostile
/// file into an error instead of a stack overflow.
const MAX_GROUP_DEPTH: usize = 128;

const ROUTE_KEYS: &[&str] = &["name", "path", "method", "handler", "middleware", "meta"];

/// Parses one route file. Returns `None` when the TOML itself is malformed (its syntax errors are
/// reported); schema errors are reported and the offending keys skipped.
pub(crate) fn parse_file(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<RouteFile> {
    let document = match DeTable::parse(text) {
        Ok(document) => document,
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
            return None;
        }
    };
    let mut walker = Walker {
        file,
        diags,
        depth: 0,
    };
    let scope = walker.scope(document.get_ref(), "route file", FILE_KEYS);
    Some(RouteFile { scope })
}

struct Walker<'d> {
    file: FileId,
    diags: &'d mut Diagnostics,
    /// How many groups enclose the table being read.
    depth: usize,
}

type Value<'i> = TomlSpanned<DeValue<'i>>;

impl Walker<'_> {
    fn loc<T>(&self, spanned: &TomlSpanned<T>) -> Loc {
        Loc::new(self.file, spanned.span())
    }

    /// Reports every key of `table` that is not in `allowed`.
    fn check_keys(&mut self, table: &DeTable<'_>, context: &str, allowed: &[&str]) {
        for (key, _) in table.iter() {
            let name: &str = key.get_ref();
            if allowed.contains(&name) {
                continue;
            }
            let expected = allowed
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut report = Report::at(
                self.loc(key),
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

    fn scope(&mut self, table: &DeTable<'_>, context: &str, allowed: &[&str]) -> Scope {
        self.check_keys(table, context, allowed);
        let mut scope = Scope {
            prefix: self.string(table, "prefix"),
            middleware: self.string_list(table, "middleware"),
            inherit_middleware: None,
            meta: self.meta(table),
            routes: Vec::new(),
            groups: Vec::new(),
        };
        if allowed.contains(&"inherit_middleware") {
            scope.inherit_middleware =
                Some(self.boolean(table, "inherit_middleware").unwrap_or(true));
        }
        for (route, loc) in self.tables(table, "route") {
            let decl = self.route(route, loc);
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
            let group = self.scope(group, "group", GROUP_KEYS);
            self.depth -= 1;
            scope.groups.push(group);
        }
        scope
    }

    fn route(&mut self, table: &DeTable<'_>, loc: Loc) -> RouteDecl {
        self.check_keys(table, "route", ROUTE_KEYS);
        RouteDecl {
            loc,
            missing: ["name", "path"]
                .into_iter()
                .filter(|key| table.get(*key).is_none())
                .collect(),
            name: self.string(table, "name"),
            path: self.string(table, "path"),
            methods: self.string_or_list(table, "method"),
            handler: self.string(table, "handler"),
            middleware: self.string_list(table, "middleware"),
            meta: self.meta(table),
        }
    }

    fn type_error(&mut self, value: &Value<'_>, key: &str, expected: &str) {
        let found = value.get_ref().type_str();
        self.diags.error(
            self.loc(value),
            format!("`{key}` must be {expected}, found {found}"),
            format!("expected {expected}"),
        );
    }

    fn string(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<String>> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(Spanned {
                value: s.to_string(),
                loc: self.loc(value),
            }),
            _ => {
                self.type_error(value, key, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, table: &DeTable<'_>, key: &str) -> Option<bool> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.type_error(value, key, "a boolean");
                None
            }
        }
    }

    fn string_items(&mut self, items: &[Value<'_>], key: &str) -> Vec<Spanned<String>> {
        let mut strings = Vec::new();
        for item in items {
            match item.get_ref() {
                DeValue::String(s) => strings.push(Spanned {
                    value: s.to_string(),
                    loc: self.loc(item),
                }),
                _ => self.type_error(item, key, "a list of strings"),
            }
        }
        strings
    }

    fn string_list(&mut self, table: &DeTable<'_>, key: &str) -> Vec<Spanned<String>> {
        let Some(value) = table.get(key) else {
            return Vec::new();
        };
        match value.get_ref() {
            DeValue::Array(items) => self.string_items(items, key),
            _ => {
                self.type_error(value, key, "a list of strings");
                Vec::new()
            }
        }
    }

    fn string_or_list(&mut self, table: &DeTable<'_>, key: &str) -> Option<Vec<Spanned<String>>> {
        let value = table.get(key)?;
        Some(match value.get_ref() {
            DeValue::String(s) => vec![Spanned {
                value: s.to_string(),
                loc: self.loc(value),
            }],
            DeValue::Array(items) => {
                if items.is_empty() {
                    self.diags.error(
                        self.loc(value),
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
    fn tables<'t, 'i>(&mut self, table: &'t DeTable<'i>, key: &str) -> Vec<(&'t DeTable<'i>, Loc)> {
        let Some(value) = table.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.type_error(value, key, &format!("an array of tables (`[[{key}]]`)"));
            return Vec::new();
        };
        let mut tables = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => tables.push((t, self.loc(item))),
                _ => self.type_error(item, key, "a table"),
            }
        }
        tables
    }

    fn meta(&mut self, table: &DeTable<'_>) -> BTreeMap<String, MetaValue> {
        let Some(value) = table.get("meta") else {
            return BTreeMap::new();
        };
        match value.get_ref() {
            DeValue::Table(t) => meta_table(t),
            _ => {
                self.type_error(value, "meta", "a table");
                BTreeMap::new()
            }
        }
    }
}

fn meta_table(table: &DeTable<'_>) -> BTreeMap<String, MetaValue> {
    table
        .iter()
        .map(|(k, v)| (k.get_ref().to_string(), meta_value(v.get_ref())))
        .collect()
}

fn meta_value(value: &DeValue<'_>) -> MetaValue {
    match value {
        DeValue::String(s) => MetaValue::String(s.to_string()),
        // An integer that does not fit an i64 (TOML allows only i64, so this is defensive).
        DeValue::Integer(i) => {
            let text = i.as_str().replace('_', "");
            let parsed = match i.radix() {
                10 => text.parse::<i64>().ok(),
                radix => i64::from_str_radix(&text[2..], radix).ok(),
            };
            parsed.map_or_else(
                || MetaValue::String(i.as_str().to_owned()),
                MetaValue::Integer,
            )
        }
        DeValue::Float(f) => {
            let text = f.as_str().replace('_', "");
            let value = match text.as_str() {
                "inf" | "+inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                "nan" | "+nan" | "-nan" => f64::NAN,
                other => other.parse().unwrap_or(f64::NAN),
            };
            MetaValue::Float(value)
        }
        DeValue::Boolean(b) => MetaValue::Boolean(*b),
        DeValue::Datetime(d) => MetaValue::Datetime(d.to_string()),
        DeValue::Array(items) => {
            MetaValue::Array(items.iter().map(|v| meta_value(v.get_ref())).collect())
        }
        DeValue::Table(t) => MetaValue::Table(meta_table(t)),
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
        let parsed = parse_file(0, text, &mut diags);
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
        assert_eq!(closest("pth", ROUTE_KEYS), Some("path"));
        assert_eq!(closest("methods", ROUTE_KEYS), Some("method"));
        assert_eq!(closest("zzzzzz", ROUTE_KEYS), None);
    }
}
