//! The route files as written: every value keeps the place it came from.

use std::collections::BTreeMap;

use crate::diagnostic::Loc;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned<T> {
    pub value: T,
    pub loc: Loc,
}

/// One route file: its top level is a scope like a group's, minus `inherit_middleware`.
#[derive(Debug, Clone)]
pub(crate) struct RouteFile {
    pub scope: Scope,
}

/// The keys shared by a file's top level and a `[[group]]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub prefix: Option<Spanned<String>>,
    pub middleware: Vec<Spanned<String>>,
    /// `None` at file level; groups default to `true`.
    pub inherit_middleware: Option<bool>,
    pub meta: BTreeMap<String, MetaValue>,
    pub routes: Vec<RouteDecl>,
    pub groups: Vec<Scope>,
}

/// One `[[route]]` table.
#[derive(Debug, Clone)]
pub(crate) struct RouteDecl {
    /// The table as a whole (its header for `[[route]]`), for errors about missing keys.
    pub loc: Loc,
    pub name: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    /// The method tokens; `None` (no `method` key) means any method. A `method` of the wrong
    /// type is reported and becomes an empty list, which accepts nothing and conflicts with
    /// nothing, rather than "any method".
    pub methods: Option<Vec<Spanned<String>>>,
    /// Required keys absent from the table (as opposed to present with a wrong type, which is
    /// reported as such).
    pub missing: Vec<&'static str>,
    pub handler: Option<Spanned<String>>,
    pub middleware: Vec<Spanned<String>>,
    pub meta: BTreeMap<String, MetaValue>,
}

/// A `meta` value: any TOML value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MetaValue {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(String),
    Array(Vec<MetaValue>),
    Table(BTreeMap<String, MetaValue>),
}
