//! Introspection: what the generated `ROUTES` table says about each route.

use core::fmt;

use crate::Method;

/// Every route of one generated module, in declaration order: the generated `ROUTES`.
///
/// A `Copy` handle on the module's `'static` tables. Its items are [`RouteInfo`]s, handed out
/// by value; the position of a route here is its `Route::index()`.
///
/// ```ignore
/// for info in routes::ROUTES {
///     println!("{:<24} {}", info.name(), info.pattern());
/// }
/// let status = routes::ROUTES.get(3);
/// ```
///
/// The entries are integers only (offsets into one text and indices into short lists): in a
/// position-independent binary a reference in a static costs a 24-byte relocation besides its
/// own 8 bytes, so an entry that pointed at its table took 64 bytes where this one takes 28.
/// The names are a table of their own, the only one that `Route::name()` reads: a binary that
/// names its routes but never reads the rest links that table alone, 8 bytes a route and the
/// text (BENCHMARKS.md, "Build cost").
#[derive(Clone, Copy)]
pub struct Routes {
    table: &'static RouteTable,
}

impl Routes {
    /// Used by generated code only.
    #[doc(hidden)]
    pub const fn __new(table: &'static RouteTable) -> Self {
        Routes { table }
    }

    /// How many routes there are.
    pub const fn len(&self) -> usize {
        self.table.entries.len()
    }

    /// Whether there are none.
    pub const fn is_empty(&self) -> bool {
        self.table.entries.is_empty()
    }

    /// The route at `index` (its `Route::index()`), if there is one.
    pub const fn get(&self, index: usize) -> Option<RouteInfo> {
        if index < self.table.entries.len() {
            Some(self.view(index))
        } else {
            None
        }
    }

    /// Used by generated code only: the route at `index`, which the caller knows is in range.
    #[doc(hidden)]
    pub const fn __at(&self, index: usize) -> RouteInfo {
        match self.get(index) {
            Some(info) => info,
            None => panic!("a route's index is below the number of routes"),
        }
    }

    /// The routes in declaration order.
    pub fn iter(&self) -> RoutesIter {
        RoutesIter {
            routes: *self,
            indices: 0..self.len(),
        }
    }

    /// The view of the route at `index`, which the caller has checked.
    const fn view(&self, index: usize) -> RouteInfo {
        RouteInfo {
            table: self.table,
            index,
        }
    }
}

impl IntoIterator for Routes {
    type Item = RouteInfo;
    type IntoIter = RoutesIter;

    fn into_iter(self) -> RoutesIter {
        self.iter()
    }
}

impl IntoIterator for &Routes {
    type Item = RouteInfo;
    type IntoIter = RoutesIter;

    fn into_iter(self) -> RoutesIter {
        self.iter()
    }
}

impl fmt::Debug for Routes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The iterator of [`Routes::iter`].
#[derive(Debug, Clone)]
pub struct RoutesIter {
    routes: Routes,
    indices: core::ops::Range<usize>,
}

impl Iterator for RoutesIter {
    type Item = RouteInfo;

    fn next(&mut self) -> Option<RouteInfo> {
        self.indices.next().map(|index| self.routes.view(index))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }
}

impl DoubleEndedIterator for RoutesIter {
    fn next_back(&mut self) -> Option<RouteInfo> {
        self.indices
            .next_back()
            .map(|index| self.routes.view(index))
    }
}

impl ExactSizeIterator for RoutesIter {}

impl core::iter::FusedIterator for RoutesIter {}

/// Everything the route files said about one route: an item of [`Routes`].
///
/// A `Copy` view (a reference and a position) of the route's entry in its module's tables;
/// `Route::info()` returns a matched route's.
#[derive(Clone, Copy)]
pub struct RouteInfo {
    table: &'static RouteTable,
    index: usize,
}

/// One route's entry in its module's [`RouteTable`]: integers only. Used by generated code only.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct RouteEntry {
    /// `table.patterns[pattern..end]` is the pattern.
    pattern: u32,
    end: u32,
    /// Index into `table.method_sets`.
    methods: u32,
    /// Index into `table.files`.
    file: u32,
    line: u32,
    column: u32,
    /// Index into `table.extras`, or [`NO_EXTRAS`] for a route without handler, middleware or
    /// meta (most routes).
    extras: u32,
}

/// [`RouteEntry`]'s `extras` of a route without handler, middleware or meta.
const NO_EXTRAS: u32 = u32::MAX;

impl RouteEntry {
    /// Used by generated code only. `fields` is `[pattern, end, methods, file, line, column]`:
    /// the offsets in the table's pattern text where the pattern starts and ends, the indices of
    /// the method set and the file, and the position of the declaration. The route has no
    /// extras until [`__with_extras`](Self::__with_extras).
    pub const fn __at(fields: [u32; 6]) -> Self {
        let [pattern, end, methods, file, line, column] = fields;
        RouteEntry {
            pattern,
            end,
            methods,
            file,
            line,
            column,
            extras: NO_EXTRAS,
        }
    }

    /// Used by generated code only: the entry, with the table's extras at `index`.
    pub const fn __with_extras(self, index: u32) -> Self {
        RouteEntry {
            extras: index,
            ..self
        }
    }
}

/// The names of one generated module's routes, in declaration order: `Route::name()` reads
/// this alone. Used by generated code only.
#[doc(hidden)]
#[derive(Debug)]
pub struct RouteNames {
    /// Every name, one after the other.
    text: &'static str,
    /// Where each route's name starts and ends in `text`.
    spans: &'static [[u32; 2]],
}

impl RouteNames {
    /// Used by generated code only.
    pub const fn __new(text: &'static str, spans: &'static [[u32; 2]]) -> Self {
        RouteNames { text, spans }
    }

    /// Used by generated code only: the name of the route at `index`.
    pub const fn __get(&self, index: usize) -> &'static str {
        let [start, end] = self.spans[index];
        text_between(self.text, start, end)
    }
}

/// What the generated `ROUTES` of one module reads: the routes' names, every route's entry, the
/// text of every pattern, one after the other, and the distinct method sets, files and extras
/// the entries index. Used by generated code only.
#[doc(hidden)]
#[derive(Debug)]
pub struct RouteTable {
    names: &'static RouteNames,
    patterns: &'static str,
    method_sets: &'static [&'static [Method]],
    files: &'static [&'static str],
    extras: &'static [RouteExtras],
    entries: &'static [RouteEntry],
}

impl RouteTable {
    /// Used by generated code only.
    #[doc(hidden)]
    pub const fn __new(
        names: &'static RouteNames,
        patterns: &'static str,
        method_sets: &'static [&'static [Method]],
        files: &'static [&'static str],
        extras: &'static [RouteExtras],
        entries: &'static [RouteEntry],
    ) -> Self {
        RouteTable {
            names,
            patterns,
            method_sets,
            files,
            extras,
            entries,
        }
    }
}

/// What few routes have: a handler path, middleware, meta. Used by generated code only.
#[doc(hidden)]
#[derive(Debug)]
pub struct RouteExtras {
    handler: Option<&'static str>,
    middleware: &'static [&'static str],
    meta: &'static [(&'static str, MetaValue)],
}

impl RouteExtras {
    /// Used by generated code only.
    #[doc(hidden)]
    pub const fn __new(
        handler: Option<&'static str>,
        middleware: &'static [&'static str],
        meta: &'static [(&'static str, MetaValue)],
    ) -> Self {
        RouteExtras {
            handler,
            middleware,
            meta,
        }
    }
}

impl RouteInfo {
    /// The route's `name`, as written in its route file.
    pub const fn name(&self) -> &'static str {
        self.table.names.__get(self.index)
    }

    /// The full pattern, with the prefixes of its file and groups applied (`/devices/{id}`).
    pub const fn pattern(&self) -> &'static str {
        let entry = self.entry();
        text_between(self.table.patterns, entry.pattern, entry.end)
    }

    /// The methods the route accepts; empty when it accepts any method.
    pub const fn methods(&self) -> &'static [Method] {
        self.table.method_sets[self.entry().methods as usize]
    }

    /// Whether the route accepts `method`.
    pub fn allows(&self, method: Method) -> bool {
        let methods = self.methods();
        methods.is_empty() || methods.contains(&method)
    }

    /// The route's `handler` path as written (`crate::handlers::status`), if it has one.
    pub const fn handler(&self) -> Option<&'static str> {
        match self.extras() {
            Some(extras) => extras.handler,
            None => None,
        }
    }

    /// The route file that declares the route, relative to the crate's manifest directory when
    /// it lies inside it.
    pub const fn file(&self) -> &'static str {
        self.table.files[self.entry().file as usize]
    }

    /// The line (1-based) of the route's declaration in [`file`](Self::file).
    pub const fn line(&self) -> u32 {
        self.entry().line
    }

    /// The column (1-based) of the route's declaration in [`file`](Self::file).
    pub const fn column(&self) -> u32 {
        self.entry().column
    }

    /// The middleware names, outermost first: the file's, then each enclosing group's, then the
    /// route's own (a group with `inherit_middleware = false` drops what came before it).
    pub const fn middleware(&self) -> &'static [&'static str] {
        match self.extras() {
            Some(extras) => extras.middleware,
            None => &[],
        }
    }

    /// The merged `meta` table: file, then groups, then the route (inner keys override outer
    /// ones), sorted by key.
    pub const fn meta(&self) -> &'static [(&'static str, MetaValue)] {
        match self.extras() {
            Some(extras) => extras.meta,
            None => &[],
        }
    }

    /// The value of one `meta` key.
    pub fn meta_value(&self, key: &str) -> Option<&'static MetaValue> {
        self.meta().iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    const fn entry(&self) -> &'static RouteEntry {
        &self.table.entries[self.index]
    }

    const fn extras(&self) -> Option<&'static RouteExtras> {
        match self.entry().extras {
            NO_EXTRAS => None,
            index => Some(&self.table.extras[index as usize]),
        }
    }
}

/// `text[start..end]`, in a `const fn`: the generator puts every offset on a character boundary.
const fn text_between(text: &'static str, start: u32, end: u32) -> &'static str {
    text.split_at(end as usize).0.split_at(start as usize).1
}

/// Two entries are equal when everything they say is, whichever tables they point into.
impl PartialEq for RouteInfo {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
            && self.pattern() == other.pattern()
            && self.methods() == other.methods()
            && self.handler() == other.handler()
            && self.file() == other.file()
            && self.line() == other.line()
            && self.column() == other.column()
            && self.middleware() == other.middleware()
            && self.meta() == other.meta()
    }
}

/// The fields a derive would show if the entry held its values itself.
impl fmt::Debug for RouteInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouteInfo")
            .field("name", &self.name())
            .field("pattern", &self.pattern())
            .field("methods", &self.methods())
            .field("handler", &self.handler())
            .field("file", &self.file())
            .field("line", &self.line())
            .field("column", &self.column())
            .field("middleware", &self.middleware())
            .field("meta", &self.meta())
            .finish()
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

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::vec::Vec;

    use super::*;

    static EXTRAS: [RouteExtras; 1] = [RouteExtras::__new(
        Some("crate::h"),
        &["auth"],
        &[("qos", MetaValue::Integer(1))],
    )];
    static TABLE: RouteTable = RouteTable::__new(
        &RouteNames::__new("healthstatus", &[[0, 6], [6, 12]]),
        "/health/devices/{id}",
        &[&[], &[Method::GET]],
        &["routes/a.toml"],
        &EXTRAS,
        &[
            RouteEntry::__at([0, 7, 0, 0, 1, 1]),
            RouteEntry::__at([7, 20, 1, 0, 7, 3]).__with_extras(0),
        ],
    );
    // The same routes in the other order, their text in another order and with something before
    // it, and the first one's twin without its extras and with another file.
    static OTHER: RouteTable = RouteTable::__new(
        &RouteNames::__new("xstatushealth", &[[1, 7], [7, 13], [1, 7], [1, 7]]),
        "x/devices/{id}/health",
        &[&[Method::GET], &[]],
        &["routes/b.toml", "routes/a.toml"],
        &EXTRAS,
        &[
            RouteEntry::__at([1, 14, 0, 1, 7, 3]).__with_extras(0),
            RouteEntry::__at([14, 21, 1, 1, 1, 1]),
            RouteEntry::__at([1, 14, 0, 1, 7, 3]),
            RouteEntry::__at([1, 14, 0, 0, 7, 3]).__with_extras(0),
        ],
    );
    const ROUTES: Routes = Routes::__new(&TABLE);

    #[test]
    fn an_entry_reads_its_fields_from_the_table() {
        let status = ROUTES.__at(1);
        assert_eq!(status.name(), "status");
        assert_eq!(status.pattern(), "/devices/{id}");
        assert_eq!(status.methods(), &[Method::GET]);
        assert!(status.allows(Method::GET) && !status.allows(Method::POST));
        assert_eq!(status.file(), "routes/a.toml");
        assert_eq!((status.line(), status.column()), (7, 3));
        assert_eq!(status.handler(), Some("crate::h"));
        assert_eq!(status.middleware(), &["auth"]);
        assert_eq!(status.meta_value("qos"), Some(&MetaValue::Integer(1)));

        let health = ROUTES.__at(0);
        assert_eq!((health.name(), health.pattern()), ("health", "/health"));
        assert!(health.methods().is_empty() && health.allows(Method::DELETE));
        assert_eq!(health.handler(), None);
        assert!(health.middleware().is_empty() && health.meta().is_empty());
    }

    #[test]
    fn an_entry_is_seven_integers_and_a_view_two_words() {
        // BENCHMARKS.md's per-route size counts on these.
        assert_eq!(core::mem::size_of::<RouteEntry>(), 28);
        assert_eq!(core::mem::size_of::<RouteInfo>(), 16);
    }

    #[test]
    fn routes_are_listed_in_order_both_ways_and_by_position() {
        assert_eq!((ROUTES.len(), ROUTES.is_empty()), (2, false));
        let names: Vec<&str> = ROUTES.iter().map(|r| r.name()).collect();
        assert_eq!(names, ["health", "status"]);
        let backwards: Vec<&str> = ROUTES.iter().rev().map(|r| r.pattern()).collect();
        assert_eq!(backwards, ["/devices/{id}", "/health"]);
        assert_eq!(ROUTES.iter().len(), 2);
        assert_eq!(ROUTES.get(1).map(|r| r.name()), Some("status"));
        assert!(ROUTES.get(2).is_none());
        let mut seen = 0;
        for info in &ROUTES {
            assert_eq!(Some(info), ROUTES.get(seen));
            seen += 1;
        }
        assert_eq!(seen, 2);
        static EMPTY: RouteTable =
            RouteTable::__new(&RouteNames::__new("", &[]), "", &[], &[], &[], &[]);
        assert!(Routes::__new(&EMPTY).is_empty() && Routes::__new(&EMPTY).get(0).is_none());
    }

    #[test]
    fn equality_and_debug_see_the_values_not_the_offsets() {
        let other = Routes::__new(&OTHER);
        let (here, there) = (ROUTES.__at(1), other.__at(0));
        assert_eq!(here, there);
        assert_eq!(ROUTES.__at(0), other.__at(1));
        assert_ne!(here, other.__at(2), "no extras");
        assert_ne!(here, other.__at(3), "another file");
        assert_eq!(format!("{here:?}"), format!("{there:?}"));
        assert_eq!(
            format!("{here:?}"),
            "RouteInfo { name: \"status\", pattern: \"/devices/{id}\", methods: [GET], \
             handler: Some(\"crate::h\"), file: \"routes/a.toml\", line: 7, column: 3, \
             middleware: [\"auth\"], meta: [(\"qos\", Integer(1))] }"
        );
        assert_eq!(
            format!("{ROUTES:?}"),
            format!("[{:?}, {here:?}]", ROUTES.__at(0))
        );
    }
}
