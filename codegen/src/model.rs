//! The validated router: what every later stage (compile, expand, the reference matcher) reads.
//! Everything here has passed validation, so nothing downstream reports errors.

use std::collections::BTreeMap;

use crate::ast::{MetaValue, Transport};
use crate::diagnostic::Loc;
use crate::pattern::{Pattern, Segment};

/// Every router of a build: one per transport.
#[derive(Debug, Clone, Default)]
pub(crate) struct Routers {
    pub http: Router,
    pub mqtt: Router,
    pub message: Router,
    /// Every message router, by the values that lead to it from the root (the root router is
    /// at `[]`).
    pub message_routers: BTreeMap<Vec<String>, MessageRouter>,
    pub websocket: Router,
}

impl Routers {
    /// Whether the build has no route at all.
    pub fn is_empty(&self) -> bool {
        self.http.routes.is_empty()
            && self.mqtt.routes.is_empty()
            && self.message.routes.is_empty()
            && self.websocket.routes.is_empty()
    }

    pub fn route_count(&self) -> usize {
        self.http.routes.len()
            + self.mqtt.routes.len()
            + self.message.routes.len()
            + self.websocket.routes.len()
    }
}

/// A message router: the field it reads, and the `cfg` predicates its group is compiled under.
#[derive(Debug, Clone, Default)]
pub(crate) struct MessageRouter {
    pub key: String,
    pub cfg: Vec<String>,
}

/// The routes of one transport, in declaration order (files sorted by path, routes by
/// position).
#[derive(Debug, Clone, Default)]
pub(crate) struct Router {
    pub routes: Vec<Route>,
    /// The extension (non-standard) methods any route names, sorted; bit `9 + i` of a method
    /// mask is `extensions[i]`.
    pub extensions: Vec<String>,
}

/// One validated route.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub name: String,
    /// The enum variant: UpperCamelCase of the name.
    pub variant: String,
    /// The full pattern as written (prefixes joined, `{{` kept), for `RouteInfo::pattern`.
    pub pattern_text: String,
    pub pattern: Pattern,
    /// `None` accepts any method; otherwise standard methods in `Method` constant order, then
    /// extension methods sorted by name.
    pub methods: Option<Vec<String>>,
    pub handler: Option<String>,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub middleware: Vec<String>,
    pub meta: BTreeMap<String, MetaValue>,
    /// Where the route's pattern (`path`, `topic`, `value`, `action`, `channel`) was written,
    /// for diagnostics of later checks.
    pub loc: Loc,
    pub transport: Transport,
    pub kind: RouteKind,
    /// MQTT: the subscription QoS (0 to 2).
    pub qos: u8,
    /// MQTT: the shared-subscription group.
    pub shared: Option<String>,
    /// The `cfg` predicates (normalized token text) that must all hold for the route to be
    /// compiled in: its file's, its groups' and its own.
    pub cfg: Vec<String>,
}

/// What a route's pattern describes. For message routes, the pattern's static segments are
/// the values that lead to the route's router, then the route's own value (none for a
/// default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RouteKind {
    Path,
    Topic,
    Message { default: bool },
    Action,
    Channel,
}

/// The standard methods, in the bit order of `routegen::Method`.
pub(crate) const STANDARD_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// Bit 63 of a method mask stands for "any method": routes without `method` have every bit set,
/// and the request's mask always carries it, so one `&` decides every case.
pub(crate) const ANY_METHOD_BIT: u64 = 1 << 63;

/// The most extension methods one router can name (bits 9..63 of the mask).
pub(crate) const MAX_EXTENSIONS: usize = 54;

impl Router {
    /// The method mask of a route: which requests' methods it accepts.
    pub fn method_mask(&self, route: &Route) -> u64 {
        let Some(methods) = &route.methods else {
            return u64::MAX;
        };
        methods.iter().fold(0, |mask, method| {
            mask | match STANDARD_METHODS.iter().position(|m| m == method) {
                Some(bit) => 1 << bit,
                None => {
                    let position = self
                        .extensions
                        .iter()
                        .position(|e| e == method)
                        .expect("validation registers every extension method");
                    1 << (STANDARD_METHODS.len() + position)
                }
            }
        })
    }
}

impl Route {
    /// The single path a static route matches.
    pub fn static_path(&self) -> Option<String> {
        let mut path = String::new();
        for (i, segment) in self.pattern.segments.iter().enumerate() {
            let Segment::Static(text) = segment else {
                return None;
            };
            if i > 0 {
                path.push('/');
            }
            path.push_str(text);
        }
        Some(path)
    }
}
