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
    pub file: crate::diagnostic::FileId,
    pub transport: Transport,
    /// Where the file's `transport` key was written, if it has one.
    pub transport_loc: Option<Loc>,
    /// The prefix the file's source mounts it under (`Builder::mount`), outside any file.
    pub mount: Option<String>,
    pub scope: Scope,
}

/// The formats a route file can be written in; both have the same schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// TOML (`*.toml`).
    Toml,
    /// JSON (`*.json`): objects for tables, arrays of objects for `route` and `group`.
    Json,
}

/// What a route file routes: the `transport` key of its top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Transport {
    /// HTTP paths and methods (the default).
    #[default]
    Http,
    /// MQTT topics, with QoS and shared subscriptions.
    Mqtt,
    /// Messages routed by the value of a field (`type`), then by further fields.
    Message,
    /// WebSocket actions (by name) and channels (by pattern).
    WebSocket,
}

impl Transport {
    /// The name a route file writes in its `transport` key.
    pub const fn key(self) -> &'static str {
        match self {
            Transport::Http => "http",
            Transport::Mqtt => "mqtt",
            Transport::Message => "message",
            Transport::WebSocket => "websocket",
        }
    }

    /// Every transport, in the order of the generated modules.
    pub(crate) const ALL: [Transport; 4] = [
        Transport::Http,
        Transport::Mqtt,
        Transport::Message,
        Transport::WebSocket,
    ];
}

/// The keys shared by a file's top level and a `[[group]]`. Which keys a file may use depends
/// on its transport; the parser reports the others.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub prefix: Option<Spanned<String>>,
    /// Message routers: the field this scope's router reads (file level: the root router's;
    /// a group with a `value`: its subrouter's).
    pub key: Option<Spanned<String>>,
    /// Message routers: the value of the parent router's key that leads to this group.
    pub value: Option<Spanned<String>>,
    /// MQTT: the QoS of the routes below.
    pub qos: Option<Spanned<i64>>,
    /// MQTT: the shared-subscription group of the routes below.
    pub shared: Option<Spanned<String>>,
    /// A `cfg` predicate (`feature = "debug-routes"`) the routes below are compiled under.
    pub cfg: Option<Spanned<String>>,
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
    /// HTTP: the path pattern.
    pub path: Option<Spanned<String>>,
    /// MQTT: the topic pattern.
    pub topic: Option<Spanned<String>>,
    /// Message routers: the value of the router's key this route takes.
    pub value: Option<Spanned<String>>,
    /// Message routers: whether this route is its router's default.
    pub default: Option<Spanned<bool>>,
    /// WebSocket: the action name.
    pub action: Option<Spanned<String>>,
    /// WebSocket: the channel pattern.
    pub channel: Option<Spanned<String>>,
    pub qos: Option<Spanned<i64>>,
    pub shared: Option<Spanned<String>>,
    pub cfg: Option<Spanned<String>>,
    /// The method tokens; `None` (no `method` key) means any method. A `method` of the wrong
    /// type is reported and becomes an empty list, which accepts nothing and conflicts with
    /// nothing, rather than "any method".
    pub methods: Option<Vec<Spanned<String>>>,
    /// Keys absent from the table (as opposed to present with a wrong type, which is reported
    /// as such), among those a route may require.
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
