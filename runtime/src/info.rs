//! Introspection: what the generated `ROUTES` table says about each route.

use crate::Method;

/// Everything the route files said about one route, as a `'static` table entry.
///
/// The generated `static ROUTES: [routegen::RouteInfo; N]` holds one per route, in the order of
/// the `Route` enum; `Route::info()` returns a matched route's entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouteInfo {
    name: &'static str,
    pattern: &'static str,
    methods: &'static [Method],
    handler: Option<&'static str>,
    file: &'static str,
    line: u32,
    column: u32,
    middleware: &'static [&'static str],
    meta: &'static [(&'static str, MetaValue)],
}

impl RouteInfo {
    /// Used by generated code only; the arguments follow the accessor methods' order.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __new(
        name: &'static str,
        pattern: &'static str,
        methods: &'static [Method],
        handler: Option<&'static str>,
        file: &'static str,
        line: u32,
        column: u32,
        middleware: &'static [&'static str],
        meta: &'static [(&'static str, MetaValue)],
    ) -> Self {
        RouteInfo {
            name,
            pattern,
            methods,
            handler,
            file,
            line,
            column,
            middleware,
            meta,
        }
    }

    /// [`__new`](Self::__new) for a route without handler, middleware or meta: generated code
    /// only.
    #[doc(hidden)]
    pub const fn __route(
        name: &'static str,
        pattern: &'static str,
        methods: &'static [Method],
        file: &'static str,
        line: u32,
        column: u32,
    ) -> Self {
        RouteInfo::__new(name, pattern, methods, None, file, line, column, &[], &[])
    }

    /// The route's `name`, as written in its route file.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The full pattern, with the prefixes of its file and groups applied (`/devices/{id}`).
    pub const fn pattern(&self) -> &'static str {
        self.pattern
    }

    /// The methods the route accepts; empty when it accepts any method.
    pub const fn methods(&self) -> &'static [Method] {
        self.methods
    }

    /// Whether the route accepts `method`.
    pub fn allows(&self, method: Method) -> bool {
        self.methods.is_empty() || self.methods.contains(&method)
    }

    /// The route's `handler` path as written (`crate::handlers::status`), if it has one.
    pub const fn handler(&self) -> Option<&'static str> {
        self.handler
    }

    /// The route file that declares the route, relative to the crate's manifest directory when
    /// it lies inside it.
    pub const fn file(&self) -> &'static str {
        self.file
    }

    /// The line (1-based) of the route's declaration in [`file`](Self::file).
    pub const fn line(&self) -> u32 {
        self.line
    }

    /// The column (1-based) of the route's declaration in [`file`](Self::file).
    pub const fn column(&self) -> u32 {
        self.column
    }

    /// The middleware names, outermost first: the file's, then each enclosing group's, then the
    /// route's own (a group with `inherit_middleware = false` drops what came before it).
    pub const fn middleware(&self) -> &'static [&'static str] {
        self.middleware
    }

    /// The merged `meta` table: file, then groups, then the route (inner keys override outer
    /// ones), sorted by key.
    pub const fn meta(&self) -> &'static [(&'static str, MetaValue)] {
        self.meta
    }

    /// The value of one `meta` key.
    pub fn meta_value(&self, key: &str) -> Option<&'static MetaValue> {
        self.meta.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

/// A `meta` value from a route file, as a `'static` constant.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum MetaValue {
    /// A TOML string.
    String(&'static str),
    /// A TOML integer.
    Integer(i64),
    /// A TOML float.
    Float(f64),
    /// A TOML boolean.
    Boolean(bool),
    /// A TOML date-time, as written.
    Datetime(&'static str),
    /// A TOML array.
    Array(&'static [MetaValue]),
    /// A TOML table, sorted by key.
    Table(&'static [(&'static str, MetaValue)]),
}

impl MetaValue {
    /// The string, if this is a string.
    pub const fn as_str(&self) -> Option<&'static str> {
        match self {
            MetaValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an integer.
    pub const fn as_integer(&self) -> Option<i64> {
        match self {
            MetaValue::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean.
    pub const fn as_bool(&self) -> Option<bool> {
        match self {
            MetaValue::Boolean(b) => Some(*b),
            _ => None,
        }
    }
}
