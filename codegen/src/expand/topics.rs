//! Topic routers: MQTT topics and WebSocket channels, matched level by level.
//!
//! A topic tree is small next to an HTTP route set (a service subscribes to tens of filters),
//! so each tree node becomes one function: simple code, bounded function size, and a lookup
//! that costs a call per level.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{
    Variants, cfg_attr, cfg_attr_of, conjunction, count_expr, display_impl, field, handler_checks,
    lit, route_count, route_enum, route_impl, routes_static, variant,
};
use crate::compile::{self, LevelNode};
use crate::model::{Route, RouteKind, Router};

/// `pub mod mqtt`: the `Topic` enum, `recognize`, `ROUTES` and `SUBSCRIPTIONS`.
pub(crate) fn mqtt_module(router: &Router) -> TokenStream {
    let variants = Variants::new("Topic", &router.routes, true);
    let all: Vec<usize> = (0..router.routes.len()).collect();
    let tree = compile::level_tree(router, &all);
    let topic_enum = route_enum(
        &variants,
        "A matched MQTT topic, one variant per route, its parameters borrowed from the topic. \
         `Display` writes the topic back.",
    );
    let topic_impl = route_impl(&variants);
    let qos_values = router.routes.iter().map(|route| {
        let cfg = cfg_attr(route);
        let qos = qos_tokens(route.qos);
        quote!(#cfg #qos)
    });
    let count = route_count(&router.routes);
    let display = display_impl(&variants, false);
    let routes = routes_static(&router.routes);
    let matcher = LevelEmitter::emit(router, &variants, &tree, "topic", true);
    let subscriptions = compile::subscriptions(router);
    let subscription_count = count_expr(
        subscriptions.iter().filter(|s| s.cfg.is_empty()).count(),
        &(subscriptions.iter())
            .filter_map(|s| conjunction(&s.cfg))
            .collect::<Vec<_>>(),
    );
    let subscription_items = subscriptions.iter().map(|subscription| {
        let filter = subscription.full_filter();
        let cfg = cfg_attr_of(&subscription.cfg);
        // A conditional route the filter covers raises its QoS when compiled in.
        let qos =
            subscription
                .raises
                .iter()
                .fold(qos_tokens(subscription.qos), |qos, (cfg, raised)| {
                    let predicate = conjunction(cfg);
                    let raised = qos_tokens(*raised);
                    quote! {
                        #qos.__max(if ::core::cfg!(#predicate) {
                            #raised
                        } else {
                            ::routegen::QoS::AtMostOnce
                        })
                    }
                });
        let group = match &subscription.group {
            Some(group) => quote!(::core::option::Option::Some(#group)),
            None => quote!(::core::option::Option::None),
        };
        quote!(#cfg ::routegen::Subscription::__new(#filter, #qos, #group))
    });
    let handlers = handler_checks(&router.routes);
    quote! {
        /// The MQTT routes: [`recognize`](mqtt::recognize) a topic, and subscribe to
        /// [`SUBSCRIPTIONS`](mqtt::SUBSCRIPTIONS).
        #[allow(dead_code)]
        pub mod mqtt {
            #topic_enum
            #topic_impl

            /// The QoS of each route, by `index()`.
            static QOS: [::routegen::QoS; #count] = [#(#qos_values),*];

            #[allow(dead_code)]
            impl Topic<'_> {
                /// The QoS the route subscribes with.
                pub const fn qos(&self) -> ::routegen::QoS {
                    QOS[self.index()]
                }
            }

            #display
            #routes

            /// The topic filters to subscribe to, with their QoS: each route's topic with
            /// `{param}` as `+` and `{*tail}` as `#` (under `$share/<group>/` for shared
            /// routes), less the filters another one covers, so that no message arrives twice.
            pub static SUBSCRIPTIONS: [::routegen::Subscription; #subscription_count] =
                [#(#subscription_items),*];

            #matcher
            #handlers
        }
    }
}

/// `pub mod websocket`: actions by name (a perfect hash) and channels by pattern (a topic tree).
pub(crate) fn websocket_module(router: &Router) -> TokenStream {
    let of_kind = |kind: RouteKind| -> Vec<(usize, &Route)> {
        (router.routes.iter().enumerate())
            .filter(|(_, route)| route.kind == kind)
            .collect()
    };
    let actions = of_kind(RouteKind::Action);
    let channels = of_kind(RouteKind::Channel);
    let action_items = (!actions.is_empty()).then(|| {
        let variants = Variants::of("Action", &router.routes, actions, false);
        let action_enum = route_enum(
            &variants,
            "A WebSocket action, one variant per `action` route of the route files.",
        );
        let action_impl = route_impl(&variants);
        let keys: Vec<(String, TokenStream)> = (variants.routes.iter().enumerate())
            .map(|(i, (_, route))| {
                let i = Literal::u16_unsuffixed(i as u16);
                (route.pattern_text.clone(), quote!(#i))
            })
            .collect();
        let table = super::messages::perfect_lookup(&keys, quote!(u16), &format_ident!("name"));
        let lookup = match variants.routes.as_slice() {
            [(_, route)] if route.cfg.is_empty() => {
                let name = variant(route);
                quote! {
                    let target: ::core::option::Option<u16> = { #table };
                    target.map(|_| Action::#name)
                }
            }
            routes => {
                let arms = routes.iter().enumerate().map(|(i, (_, route))| {
                    let i = Literal::u16_unsuffixed(i as u16);
                    let name = variant(route);
                    let cfg = cfg_attr(route);
                    quote!(#cfg ::core::option::Option::Some(#i) => ::core::option::Option::Some(Action::#name),)
                });
                quote! {
                    let target: ::core::option::Option<u16> = { #table };
                    match target {
                        #(#arms)*
                        _ => ::core::option::Option::None,
                    }
                }
            }
        };
        quote! {
            #action_enum
            #action_impl

            /// The action called `name`, found through a perfect hash and confirmed with one
            /// comparison. Never allocates.
            pub fn action(name: &str) -> ::core::option::Option<Action> {
                #lookup
            }
        }
    });
    let channel_items = (!channels.is_empty()).then(|| {
        let indices: Vec<usize> = channels.iter().map(|(index, _)| *index).collect();
        let tree = compile::level_tree(router, &indices);
        let variants = Variants::of("Channel", &router.routes, channels, true);
        let channel_enum = route_enum(
            &variants,
            "A WebSocket channel, one variant per `channel` route, its parameters borrowed from \
             the channel name. `Display` writes the name back.",
        );
        let channel_impl = route_impl(&variants);
        let display = display_impl(&variants, false);
        let matcher = LevelEmitter::emit(router, &variants, &tree, "channel", false);
        quote! {
            #channel_enum
            #channel_impl
            #display
            #matcher
        }
    });
    let routes = routes_static(&router.routes);
    let handlers = handler_checks(&router.routes);
    let doc = match (action_items.is_some(), channel_items.is_some()) {
        (true, true) => {
            " The WebSocket routes: actions by name ([`action`](websocket::action)) and channels by pattern ([`channel`](websocket::channel))."
        }
        (true, false) => " The WebSocket routes: actions by name ([`action`](websocket::action)).",
        _ => " The WebSocket routes: channels by pattern ([`channel`](websocket::channel)).",
    };
    quote! {
        #[doc = #doc]
        #[allow(dead_code)]
        pub mod websocket {
            #action_items
            #channel_items
            #routes
            #handlers
        }
    }
}

fn qos_tokens(qos: u8) -> TokenStream {
    match qos {
        0 => quote!(::routegen::QoS::AtMostOnce),
        1 => quote!(::routegen::QoS::AtLeastOnce),
        _ => quote!(::routegen::QoS::ExactlyOnce),
    }
}

/// Turns a topic tree into one function per node, and the public lookup function.
struct LevelEmitter<'r> {
    router: &'r Router,
    enum_name: Ident,
    /// The lookup's name (`recognize` for topics, `channel` for channels) and the prefix of the
    /// node functions.
    what: &'static str,
    functions: Vec<TokenStream>,
    slots: usize,
}

impl LevelEmitter<'_> {
    fn emit(
        router: &Router,
        variants: &Variants<'_>,
        tree: &LevelNode,
        what: &'static str,
        mqtt: bool,
    ) -> TokenStream {
        let mut emitter = LevelEmitter {
            router,
            enum_name: variants.name.clone(),
            what,
            functions: Vec::new(),
            slots: variants.max_params(),
        };
        let root = emitter.node(tree, true, mqtt);
        let functions = &emitter.functions;
        let slots = lit(emitter.slots);
        let name = &emitter.enum_name;
        let (public, doc) = if mqtt {
            (
                format_ident!("recognize"),
                " The route of `topic`, if any. Levels are the text between `/`s and may be \
                 empty; at each level a literal beats a `{param}`, which beats a `{*tail}`, and a \
                 dead end backtracks. A `{*tail}` also matches its parent level (as `#` does), \
                 with an empty value, and a topic starting with `$` is not matched by a \
                 parameter or tail in its first level. Never allocates.",
            )
        } else {
            (
                format_ident!("channel"),
                " The channel `name` is, if any: levels as for MQTT topics (a literal beats a \
                 `{param}`, which beats a `{*tail}`; a dead end backtracks). Never allocates.",
            )
        };
        let input = format_ident!("{}", what);
        quote! {
            #(#functions)*

            #[doc = #doc]
            pub fn #public<'p>(#input: &'p str) -> ::core::option::Option<#name<'p>> {
                let mut caps = [""; #slots];
                #root(::core::option::Option::Some(#input), &mut caps)
            }
        }
    }

    /// Emits the function for `node` and returns its name.
    fn node(&mut self, node: &LevelNode, root: bool, mqtt: bool) -> Ident {
        let name = format_ident!("{}_node_{}", self.what, self.functions.len());
        self.functions.push(TokenStream::new());
        let position = self.functions.len() - 1;
        let enum_name = &self.enum_name.clone();
        let slots = lit(self.slots);
        let none = quote!(::core::option::Option::None);
        let some = quote!(::core::option::Option::Some);
        let slot_here = lit(node.captured);

        // The topic ends here: the route ending here, else the tail starting here, since `#`
        // matches its parent level (`a/#` matches `a`, with an empty tail). A conditional one
        // that the build leaves out falls through to the next.
        let ending = [
            node.leaf.map(|leaf| (leaf, None)),
            node.tail
                .map(|tail| (tail, Some(quote!(caps[#slot_here] = "";)))),
        ];
        let at_end = self.first_of(ending.into_iter().flatten());
        let static_arms: Vec<(&String, Ident)> = node
            .statics
            .iter()
            .map(|(text, child)| {
                let child = self.node(child, false, mqtt);
                (text, child)
            })
            .collect();
        let param = node.param.as_ref().map(|child| {
            let child = self.node(child, false, mqtt);
            let slot = lit(node.captured);
            quote! {
                caps[#slot] = level;
                if let #some(found) = #child(next, caps) {
                    return #some(found);
                }
            }
        });
        let tail = node
            .tail
            .map(|tail| self.first_of([(tail, Some(quote!(caps[#slot_here] = rest;)))]));
        let statics = match static_arms.as_slice() {
            [] => None,
            [(text, child)] => {
                let test = if text.is_empty() {
                    quote!(level.is_empty())
                } else {
                    quote!(level == #text)
                };
                Some(quote! {
                    if #test && let #some(found) = #child(next, caps) {
                        return #some(found);
                    }
                })
            }
            arms => {
                let arms = arms.iter().map(|(text, child)| {
                    quote! {
                        #text => {
                            if let #some(found) = #child(next, caps) {
                                return #some(found);
                            }
                        }
                    }
                });
                Some(quote! {
                    match level {
                        #(#arms)*
                        _ => {}
                    }
                })
            }
        };
        // The `$` rule: wildcards in a filter's first level never match `$SYS/...`.
        let system = (root && mqtt && (param.is_some() || tail.is_some())).then(|| {
            quote! {
                if rest.starts_with('$') {
                    return #none;
                }
            }
        });
        let last = tail.clone().unwrap_or_else(|| none.clone());
        // A conditional route returns from a block that only some builds compile: in those,
        // what follows is unreachable; in the others, the variables it reads are unused.
        let conditional = [node.leaf, node.tail]
            .into_iter()
            .flatten()
            .any(|index| !self.router.routes[index].cfg.is_empty());
        let allow = conditional.then(|| quote!(#[allow(unreachable_code, unused_variables)]));
        let splits = !node.statics.is_empty() || node.param.is_some();
        let uses_caps = splits
            || node.tail.is_some()
            || node
                .leaf
                .is_some_and(|leaf| !self.router.routes[leaf].pattern.params.is_empty());
        let caps = if uses_caps {
            format_ident!("caps")
        } else {
            format_ident!("_caps")
        };
        let more = if splits {
            quote! {
                #some(rest) => {
                    let (level, next) = match rest.split_once('/') {
                        #some((level, next)) => (level, #some(next)),
                        #none => (rest, #none),
                    };
                    #statics
                    #system
                    #param
                    #last
                }
            }
        } else if tail.is_some() {
            quote! {
                #some(rest) => {
                    #system
                    #last
                }
            }
        } else {
            quote!(#some(_) => #none,)
        };
        self.functions[position] = quote! {
            #allow
            fn #name<'p>(
                rest: ::core::option::Option<&'p str>,
                #caps: &mut [&'p str; #slots],
            ) -> ::core::option::Option<#enum_name<'p>> {
                match rest {
                    #none => { #at_end }
                    #more
                }
            }
        };
        name
    }

    /// Statements that give the first of `candidates` the build compiles in (each with what to
    /// do before reading its captures), or `None`.
    fn first_of(
        &self,
        candidates: impl IntoIterator<Item = (usize, Option<TokenStream>)>,
    ) -> TokenStream {
        let mut steps = Vec::new();
        for (index, before) in candidates {
            let value = self.construct(index);
            match cfg_attr(&self.router.routes[index]) {
                Some(cfg) => steps.push(quote! {
                    #cfg
                    {
                        #before
                        return ::core::option::Option::Some(#value);
                    }
                }),
                None => {
                    steps.push(quote! {
                        #before
                        ::core::option::Option::Some(#value)
                    });
                    return quote!(#(#steps)*);
                }
            }
        }
        steps.push(quote!(::core::option::Option::None));
        quote!(#(#steps)*)
    }

    /// The value of route `index`, its parameters read from the capture slots.
    fn construct(&self, index: usize) -> TokenStream {
        let route = &self.router.routes[index];
        let enum_name = &self.enum_name;
        let name = variant(route);
        if route.pattern.params.is_empty() {
            return quote!(#enum_name::#name);
        }
        let fields = route
            .pattern
            .params
            .iter()
            .enumerate()
            .map(|(slot, (param, _))| {
                let field = field(param);
                let slot = lit(slot);
                quote!(#field: caps[#slot])
            });
        quote!(#enum_name::#name { #(#fields),* })
    }
}
