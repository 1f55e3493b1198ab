//! Message routers: a message is routed by the value of a field, then, in a subrouter, by the
//! value of another field, with defaults where no value matches.
//!
//! Each router becomes a function that reads its field, looks the value up in a perfect hash
//! built for that router's values, and either returns a route, calls the subrouter's function
//! or falls back to the nearest default.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{
    Variants, cfg_attr, cfg_attr_of, handler_checks, lit, route_enum, route_impl, routes_static,
    variant,
};
use crate::model::{MessageRouter, RouteKind, Router};
use crate::pattern::Segment;
use crate::phf;

/// `pub mod messages`: the `Message` enum, `recognize` and `ROUTES`.
pub(crate) fn module(
    router: &Router,
    routers: &BTreeMap<Vec<String>, MessageRouter>,
) -> TokenStream {
    let variants = Variants::new("Message", &router.routes, false);
    let message_enum = route_enum(
        &variants,
        "A routed message, one variant per message route of the route files.",
    );
    let message_impl = route_impl(&variants);
    let routes = routes_static(&router.routes);
    let handlers = handler_checks(&router.routes);
    let ids: BTreeMap<&Vec<String>, usize> = routers
        .keys()
        .enumerate()
        .map(|(id, path)| (path, id))
        .collect();
    let levels = routers
        .iter()
        .map(|(path, sub)| level(router, routers, &ids, path, &sub.key));
    quote! {
        /// The message routes: [`recognize`](messages::recognize) a message by the values of its
        /// fields.
        #[allow(dead_code)]
        pub mod messages {
            #message_enum
            #message_impl
            #routes

            /// Routes a message: `field(key)` returns the string value of the message's field
            /// `key`, if it has one. The router reads its key; a value that names a route gives
            /// that route, one that names a subrouter continues there; anything else (an unknown
            /// value, a missing field) gives the router's default, else the nearest enclosing
            /// router's. Never allocates.
            ///
            /// # Errors
            /// [`Unmatched`](::routegen::Unmatched), with the key and the value that no route
            /// and no default takes.
            pub fn recognize<'m>(
                mut field: impl FnMut(&str) -> ::core::option::Option<&'m str>,
            ) -> ::core::result::Result<Message, ::routegen::Unmatched<'m>> {
                router_0(&mut field)
            }

            #(#levels)*
            #handlers
        }
    }
}

/// Whether `segments` are exactly the static values `path`.
fn is_path(segments: &[Segment], path: &[String]) -> bool {
    segments.len() == path.len()
        && segments
            .iter()
            .zip(path)
            .all(|(segment, value)| matches!(segment, Segment::Static(s) if s == value))
}

/// The function of the router reached by the values `path`.
fn level(
    router: &Router,
    routers: &BTreeMap<Vec<String>, MessageRouter>,
    ids: &BTreeMap<&Vec<String>, usize>,
    path: &Vec<String>,
    key: &str,
) -> TokenStream {
    let name = format_ident!("router_{}", ids[path]);
    let some = quote!(::core::option::Option::Some);
    let ok = quote!(::core::result::Result::Ok);
    // What each value of this router leads to: a route or a subrouter, under its `cfg`.
    let mut targets: Vec<(String, Option<TokenStream>, TokenStream)> = Vec::new();
    for route in &router.routes {
        let segments = &route.pattern.segments;
        if route.kind == (RouteKind::Message { default: false })
            && segments.len() == path.len() + 1
            && is_path(&segments[..path.len()], path)
            && let Some(Segment::Static(value)) = segments.last()
        {
            let variant = variant(route);
            targets.push((
                value.clone(),
                cfg_attr(route),
                quote!(return #ok(Message::#variant)),
            ));
        }
    }
    for (sub, subrouter) in routers.range(path.clone()..) {
        if sub.len() == path.len() + 1 && sub.starts_with(path) {
            let function = format_ident!("router_{}", ids[sub]);
            targets.push((
                sub.last().expect("a subrouter has a value").clone(),
                cfg_attr_of(&subrouter.cfg),
                quote!(return #function(field)),
            ));
        }
    }
    targets.sort_by(|a, b| a.0.cmp(&b.0));
    let lookup = (!targets.is_empty()).then(|| {
        let numbered: Vec<(String, TokenStream)> = targets
            .iter()
            .enumerate()
            .map(|(i, (value, _, _))| {
                let i = Literal::u16_unsuffixed(i as u16);
                (value.clone(), quote!(#i))
            })
            .collect();
        let table = perfect_lookup(&numbered, quote!(u16), &format_ident!("value"));
        let dispatch = if let [(_, cfg, action)] = targets.as_slice() {
            quote! {
                #cfg
                {
                    if target.is_some() {
                        #action;
                    }
                }
            }
        } else {
            let arms = targets.iter().enumerate().map(|(i, (_, cfg, action))| {
                let i = Literal::u16_unsuffixed(i as u16);
                quote!(#cfg #some(#i) => #action,)
            });
            quote! {
                match target {
                    #(#arms)*
                    _ => {}
                }
            }
        };
        quote! {
            if let #some(value) = value {
                // Unused when the build leaves out the only route it could lead to.
                #[allow(unused_variables)]
                let target: ::core::option::Option<u16> = { #table };
                #dispatch
            }
        }
    });
    let fallback = fallback(router, path);
    // A conditional default returns from a block that only some builds compile: in those,
    // what follows is unreachable.
    let conditional_default = router.routes.iter().any(|route| {
        route.kind == (RouteKind::Message { default: true })
            && !route.cfg.is_empty()
            && route.pattern.segments.len() <= path.len()
    });
    let allow = conditional_default.then(|| quote!(#[allow(unreachable_code)]));
    quote! {
        #allow
        fn #name<'m>(
            field: &mut impl FnMut(&str) -> ::core::option::Option<&'m str>,
        ) -> ::core::result::Result<Message, ::routegen::Unmatched<'m>> {
            const KEY: &str = #key;
            let value = field(KEY);
            #lookup
            #fallback
        }
    }
}

/// What a router gives for a value it does not take: its default, else the nearest enclosing
/// router's, else `Unmatched`. Conditional defaults are tried in that order under their `cfg`,
/// up to the first unconditional one.
fn fallback(router: &Router, path: &[String]) -> TokenStream {
    let mut steps = Vec::new();
    for depth in (0..=path.len()).rev() {
        let default = router.routes.iter().find(|route| {
            route.kind == (RouteKind::Message { default: true })
                && is_path(&route.pattern.segments, &path[..depth])
        });
        let Some(default) = default else {
            continue;
        };
        let variant = variant(default);
        match cfg_attr(default) {
            Some(cfg) => steps.push(quote! {
                #cfg
                {
                    return ::core::result::Result::Ok(Message::#variant);
                }
            }),
            None => {
                steps.push(quote!(::core::result::Result::Ok(Message::#variant)));
                return quote!(#(#steps)*);
            }
        }
    }
    steps.push(quote!(::core::result::Result::Err(::routegen::Unmatched {
        key: KEY,
        value
    })));
    quote!(#(#steps)*)
}

/// A perfect-hash lookup of `input` (a `&str` in scope) among `keys`, evaluating to
/// `Option<ty>`: the value stored with the key, when `input` is one of them.
pub(crate) fn perfect_lookup(
    keys: &[(String, TokenStream)],
    ty: TokenStream,
    input: &Ident,
) -> TokenStream {
    let bytes: Vec<&[u8]> = keys.iter().map(|(key, _)| key.as_bytes()).collect();
    let table = phf::build(&bytes);
    let hash_fn = if table.sampled {
        format_ident!("hash_sampled")
    } else {
        format_ident!("hash")
    };
    let placement = &table.placement;
    let seed = placement.seed;
    let displacements = (placement.displacements.iter()).map(|&d| Literal::u8_unsuffixed(d));
    let bucket_count = lit(placement.displacements.len());
    let slot_count = lit(placement.slots.len());
    let slots = placement.slots.iter().map(|slot| match slot {
        Some(index) => {
            let (key, value) = &keys[*index];
            quote!((#key, ::core::option::Option::Some(#value)))
        }
        None => quote!(("", ::core::option::Option::None)),
    });
    quote! {
        static DISPLACEMENTS: [u8; #bucket_count] = [#(#displacements),*];
        static SLOTS: [(&str, ::core::option::Option<#ty>); #slot_count] = [#(#slots),*];
        let hash = ::routegen::__private::#hash_fn(#input.as_bytes(), #seed);
        let (key, found) = SLOTS[::routegen::__private::slot(hash, &DISPLACEMENTS, #slot_count)];
        if key == #input { found } else { ::core::option::Option::None }
    }
}
