//! Stage 5: the compiled router -> Rust tokens (`quote!`), formatted later.
//!
//! The generated file is `include!`d, so it has no inner attributes and names everything by
//! absolute path (`::routegen::...`, `::core::...`): it compiles inside any module of any crate,
//! under `#![deny(warnings)]` and `#![deny(missing_docs)]`.
//!
//! The matcher is code where code pays and data where data is large: static routes are a
//! perfect-hash table (data), the segment tree becomes nested `if`/`match` code split into
//! functions of bounded size, because rustc's time grows far faster than linearly with the size
//! of one function.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{ToTokens, format_ident, quote};

/// A method mask in hex, so its bits can be read.
fn mask_lit(mask: u64) -> syn::LitInt {
    syn::LitInt::new(&format!("0x{mask:x}"), Span::call_site())
}

/// A `usize` as an unsuffixed literal (`3`, not `3usize`), for readable generated code.
fn lit(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

use crate::ast::MetaValue;
use crate::compile::{Compiled, Node, StaticHash, StaticTable};
use crate::model::{ANY_METHOD_BIT, Route, RouteKind, Router, Routers, STANDARD_METHODS};
use crate::phf::{Direct, PerfectHash};

/// Tree nodes inlined into one generated function before a subtree moves to a function of its
/// own: large enough that a lookup rarely crosses a call, small enough to keep rustc linear.
/// A call costs more than its entry and exit: the callee no longer knows what its caller proved
/// about the path's bounds. At 256 (96 before), github, github_v3 and scale_100 are one or two
/// functions each and take 8%, 13% and 10% fewer instructions a lookup, and 1,000 routes build
/// in the same time; at 1,024 they build 1.5x slower (BENCHMARKS.md).
const NODES_PER_FUNCTION: usize = 256;

mod messages;
mod table;
mod topics;

pub(crate) fn expand(routers: &Routers, compiled: &Compiled) -> TokenStream {
    let http = (!routers.http.routes.is_empty() || routers.is_empty()).then(|| {
        let router = &routers.http;
        let mut variants = Variants::new("Route", &router.routes, true);
        if compiled.tables {
            table::declaration_order(&mut variants.routes);
            variants.reordered = true;
        }
        let route_enum = route_enum(
            &variants,
            "A matched route, one variant per route of the route files, its parameters borrowed \
             from the path. `Display` writes the route's path back (reverse routing).",
        );
        let route_impl = route_impl(&variants);
        let display_impl = display_impl(&variants, true);
        let routes_static = routes_static(&router.routes);
        let recognize = recognize(router, compiled);
        let handler_checks = handler_checks(&router.routes);
        quote! {
            #route_enum
            #route_impl
            #display_impl
            #routes_static
            #recognize
            #handler_checks
        }
    });
    let mqtt = (!routers.mqtt.routes.is_empty()).then(|| topics::mqtt_module(&routers.mqtt));
    let message = (!routers.message.routes.is_empty())
        .then(|| messages::module(&routers.message, &routers.message_routers));
    let websocket = (!routers.websocket.routes.is_empty())
        .then(|| topics::websocket_module(&routers.websocket));
    quote! {
        #http
        #mqtt
        #message
        #websocket
    }
}

/// The enum a router's lookups return: its name, and the routes it has a variant for, each
/// with its position in the module's `ROUTES`.
pub(crate) struct Variants<'r> {
    pub name: Ident,
    pub routes: Vec<(usize, &'r Route)>,
    /// Whether variants borrow their parameters from the input (`Topic<'p>`); the enums of
    /// message and action routes have no parameters and no lifetime.
    pub borrows: bool,
    /// The position in `ROUTES` of every route of the module, as a constant expression: with
    /// conditional routes before it, a route's position depends on the build's `cfg`.
    positions: Vec<TokenStream>,
    /// Whether `routes` is not in the order of the route files (`table::declaration_order`).
    pub reordered: bool,
}

impl<'r> Variants<'r> {
    pub fn new(name: &str, routes: &'r [Route], borrows: bool) -> Variants<'r> {
        Variants::of(name, routes, routes.iter().enumerate().collect(), borrows)
    }

    /// The variants of `selected`, a subset of the module's routes `all`.
    pub fn of(
        name: &str,
        all: &'r [Route],
        selected: Vec<(usize, &'r Route)>,
        borrows: bool,
    ) -> Variants<'r> {
        Variants {
            name: Ident::new(name, Span::call_site()),
            routes: selected,
            borrows,
            positions: positions(all),
            reordered: false,
        }
    }

    /// Whether a route that every build compiles in has parameters, and so uses `'p`.
    fn has_params(&self) -> bool {
        (self.routes.iter()).any(|(_, r)| !r.pattern.params.is_empty() && r.cfg.is_empty())
    }

    fn max_params(&self) -> usize {
        (self.routes.iter())
            .map(|(_, r)| r.pattern.params.len())
            .max()
            .unwrap_or(0)
    }

    /// The enum's type with its lifetime, if it has one.
    fn ty(&self) -> TokenStream {
        let name = &self.name;
        if self.borrows {
            quote!(#name<'p>)
        } else {
            quote!(#name)
        }
    }

    /// When no route compiled into every build has parameters, `'p` could be unused: a hidden
    /// uninhabited variant uses it.
    fn phantom_variant(&self) -> Option<TokenStream> {
        (self.borrows && !self.has_params()).then(|| {
            quote! {
                #[doc(hidden)]
                __Unreachable(::core::convert::Infallible, ::core::marker::PhantomData<&'p ()>)
            }
        })
    }

    fn phantom_arm(&self) -> Option<TokenStream> {
        let name = &self.name;
        (self.borrows && !self.has_params())
            .then(|| quote! { #name::__Unreachable(never, _) => match never {}, })
    }

    /// The pattern that matches a route's variant, binding its params to `p0`, `p1`, ...
    fn pattern(&self, route: &Route) -> TokenStream {
        let name = &self.name;
        let variant = variant(route);
        if route.pattern.params.is_empty() {
            quote!(#name::#variant)
        } else {
            let patterns = bind_params(route);
            quote!(#name::#variant { #(#patterns),* })
        }
    }
}

/// `#[cfg(...)]` for a conditional route: the conjunction of its file's, groups' and own
/// predicates.
fn cfg_attr(route: &Route) -> Option<TokenStream> {
    cfg_attr_of(&route.cfg)
}

/// `#[cfg(...)]` for the conjunction of `predicates`, if there are any.
fn cfg_attr_of(predicates: &[String]) -> Option<TokenStream> {
    conjunction(predicates).map(|predicate| quote!(#[cfg(#predicate)]))
}

fn cfg_predicate(route: &Route) -> Option<TokenStream> {
    conjunction(&route.cfg)
}

fn conjunction(predicates: &[String]) -> Option<TokenStream> {
    let predicates: Vec<TokenStream> = predicates
        .iter()
        .map(|p| p.parse().expect("validated as a cfg predicate"))
        .collect();
    match predicates.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        all => Some(quote!(all(#(#all),*))),
    }
}

/// Each route's position in `ROUTES` as a constant: the unconditional routes before it, plus
/// one for each conditional route before it that the build enables.
fn positions(routes: &[Route]) -> Vec<TokenStream> {
    let mut fixed = 0;
    let mut conditional: Vec<TokenStream> = Vec::new();
    let mut out = Vec::new();
    for route in routes {
        out.push(count_expr(fixed, &conditional));
        match cfg_predicate(route) {
            Some(predicate) => conditional.push(predicate),
            None => fixed += 1,
        }
    }
    out
}

/// The length of `ROUTES`, as [`positions`] counts.
fn route_count(routes: &[Route]) -> TokenStream {
    let fixed = routes.iter().filter(|r| r.cfg.is_empty()).count();
    let conditional: Vec<TokenStream> = routes.iter().filter_map(cfg_predicate).collect();
    count_expr(fixed, &conditional)
}

/// `fixed + cfg!(a) as usize + ...`, without a `0 +` (clippy's `identity_op`).
fn count_expr(fixed: usize, conditional: &[TokenStream]) -> TokenStream {
    let mut terms: Vec<TokenStream> = Vec::new();
    if fixed > 0 || conditional.is_empty() {
        let fixed = lit(fixed);
        terms.push(quote!(#fixed));
    }
    terms.extend(
        conditional
            .iter()
            .map(|predicate| quote!(::core::cfg!(#predicate) as usize)),
    );
    quote!(#(#terms)+*)
}

fn variant(route: &Route) -> Ident {
    Ident::new(&route.variant, Span::call_site())
}

/// A parameter name as a field: keywords become raw identifiers (`r#type`).
fn field(name: &str) -> Ident {
    if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, Span::call_site())
    } else {
        Ident::new_raw(name, Span::call_site())
    }
}

/// The field patterns that bind a route's params to `p0`, `p1`, ... (names that cannot clash with
/// the formatter or other locals); a param already called `pN` at index N binds in shorthand, as
/// the `non_shorthand_field_patterns` lint asks.
fn bind_params(route: &Route) -> Vec<TokenStream> {
    route
        .pattern
        .params
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let binding = format_ident!("p{}", i);
            if binding == name {
                quote!(#binding)
            } else {
                let field = field(name);
                quote!(#field: #binding)
            }
        })
        .collect()
}

fn describe(route: &Route) -> String {
    let what = match route.kind {
        RouteKind::Path => {
            let methods = route
                .methods
                .as_ref()
                .map_or_else(|| "any method".to_owned(), |m| m.join(", "));
            format!("`{}` ({methods})", route.pattern_text)
        }
        RouteKind::Topic => format!("`{}` (QoS {})", route.pattern_text, route.qos),
        RouteKind::Message { .. } => route.pattern_text.clone(),
        RouteKind::Action => format!("action `{}`", route.pattern_text),
        RouteKind::Channel => format!("channel `{}`", route.pattern_text),
    };
    format!(
        " {what}, route `{}` at {}:{}",
        route.name, route.file, route.line
    )
}

fn route_enum(variants: &Variants<'_>, doc: &str) -> TokenStream {
    let items = variants.routes.iter().map(|(_, route)| {
        let doc = describe(route);
        let name = variant(route);
        let cfg = cfg_attr(route);
        if route.pattern.params.is_empty() {
            quote! { #cfg #[doc = #doc] #name }
        } else {
            let fields = route.pattern.params.iter().map(|(param, catch_all)| {
                let ident = field(param);
                let doc = match (catch_all, route.kind) {
                    (false, _) => format!(" `{{{param}}}`"),
                    (true, RouteKind::Path) => format!(" `{{*{param}}}`: the rest of the path"),
                    (true, _) => format!(" `{{*{param}}}`: the remaining levels"),
                };
                quote! { #[doc = #doc] #ident: &'p str }
            });
            quote! { #cfg #[doc = #doc] #name { #(#fields),* } }
        }
    });
    let phantom = variants.phantom_variant();
    let ty = variants.ty();
    let doc = format!(" {doc}");
    if !variants.borrows {
        return quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #[allow(dead_code)]
            pub enum #ty {
                #(#items,)*
            }
        };
    }
    // `Debug`, equality and hashing go through `name()`, `index()` and `params()`, which exist
    // anyway: derived, each is another `match` with an arm per route, and at 10,000 routes those
    // arms cost rustc seconds (derived `Debug` alone: 10 s of a 33 s debug build; BENCHMARKS.md,
    // "Build cost").
    let name = &variants.name;
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy)]
        #[allow(dead_code)]
        pub enum #ty {
            #(#items,)*
            #phantom
        }

        /// Prints what `#[derive(Debug)]` would: the variant and its fields.
        impl ::core::fmt::Debug for #name<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::routegen::__private::debug_route(f, self.name(), self.params().as_slice())
            }
        }

        /// Equal when they are the same route with the same parameter values.
        impl ::core::cmp::PartialEq for #name<'_> {
            fn eq(&self, other: &Self) -> bool {
                self.index() == other.index()
                    && self.params().as_slice() == other.params().as_slice()
            }
        }

        impl ::core::cmp::Eq for #name<'_> {}

        /// Hashes what equality compares: the route and its parameter values.
        impl ::core::hash::Hash for #name<'_> {
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                self.index().hash(state);
                self.params().as_slice().hash(state);
            }
        }
    }
}

fn route_impl(variants: &Variants<'_>) -> TokenStream {
    let max_count = variants.max_params();
    let max_params = lit(max_count);
    let arm = |declared: usize, (index, route): &(usize, &Route)| {
        let name = &variants.name;
        let variant = variant(route);
        let pattern = if route.pattern.params.is_empty() {
            quote!(#name::#variant)
        } else {
            quote!(#name::#variant { .. })
        };
        let value = if variants.reordered {
            let declared = lit(declared);
            quote!(#declared)
        } else {
            variants.positions[*index].clone()
        };
        let cfg = cfg_attr(route);
        quote! { #cfg #pattern => #value, }
    };
    let index_arms = variants
        .routes
        .iter()
        .enumerate()
        .map(|(declared, r)| arm(declared, r));
    let phantom = variants.phantom_arm();
    // In declaration order, a variant's number is its discriminant, and LLVM turns the `match`
    // into nothing; a `match` that gives the routes' positions in another order became a
    // 10,000-arm jump table that cost a release build 10 s (BENCHMARKS.md). So a reordered enum
    // numbers its variants in declaration order, and a table gives their positions.
    let index_body = if variants.reordered {
        let count = lit(variants.routes.len());
        let positions = variants.routes.iter().map(|(index, _)| {
            let position = &variants.positions[*index];
            // A literal is typed by the array; one that counts conditional routes is a `usize`.
            match syn::parse2::<syn::LitInt>(position.clone()) {
                Ok(_) => position.clone(),
                Err(_) => quote!((#position) as u32),
            }
        });
        quote! {
            /// Each variant's position in `ROUTES`, in the order the enum declares them. A
            /// `static`: one copy, and clippy's `large_const_arrays` stays quiet at 10,000 routes.
            static POSITIONS: [u32; #count] = [#(#positions),*];
            POSITIONS[match *self {
                #(#index_arms)*
                #phantom
            }] as usize
        }
    } else {
        quote! {
            match *self {
                #(#index_arms)*
                #phantom
            }
        }
    };
    let params = variants.borrows.then(|| {
        let param_arms = params_arms(variants, max_count);
        quote! {
            /// The captured parameters as `(name, value)` pairs, in pattern order.
            pub fn params(&self) -> ::routegen::Params<'p, #max_params> {
                match *self {
                    #(#param_arms)*
                    #phantom
                }
            }
        }
    });
    let (ty, generics) = if variants.borrows {
        (variants.ty(), quote!(<'p>))
    } else {
        (variants.ty(), TokenStream::new())
    };
    quote! {
        #[allow(dead_code)]
        impl #generics #ty {
            /// The position of this route in [`ROUTES`] (declaration order).
            pub const fn index(&self) -> usize {
                #index_body
            }

            /// The route's `name`, as written in its route file.
            pub const fn name(&self) -> &'static str {
                ROUTE_NAMES.__get(self.index())
            }

            /// Everything the route files say about this route.
            pub const fn info(&self) -> ::routegen::RouteInfo {
                ROUTES.__at(self.index())
            }

            #params
        }
    }
}

/// The most alternatives one or-pattern of `params()` holds. rustc checks that every alternative
/// binds the same names in time that grows faster than their number: one or-pattern for the
/// 3,500 routes with one `{id}` cost 0.4-0.8 s of a 10,000-route debug build (BENCHMARKS.md).
const ALTERNATIVES_PER_ARM: usize = 256;

/// The arms of `params()`. Routes with the same parameter names share arms, or-patterns of
/// their variants ([`ALTERNATIVES_PER_ARM`] at most): an arm per route made LLVM take 25 s over
/// `params()` alone at 10,000 routes (release; 4 s with shared arms, BENCHMARKS.md, "Build
/// cost"). A conditional route keeps an arm of its own, as an alternative of an or-pattern cannot
/// carry a `#[cfg]`.
fn params_arms(variants: &Variants<'_>, max_count: usize) -> Vec<TokenStream> {
    let max_params = lit(max_count);
    let mut shared: Vec<(Vec<&str>, Vec<TokenStream>)> = Vec::new();
    let mut arms = Vec::new();
    let body = |names: &[&str]| {
        let used = names.len();
        if used == 0 {
            return quote!(::routegen::Params::__new([("", ""); #max_params], 0));
        }
        let bindings = (0..used).map(|i| format_ident!("p{}", i));
        let padding = (used..max_count).map(|_| quote!(("", "")));
        let used = lit(used);
        quote!(::routegen::Params::__new([#((#names, #bindings),)* #(#padding,)*], #used))
    };
    for (_, route) in &variants.routes {
        let pattern = variants.pattern(route);
        let names: Vec<&str> = route
            .pattern
            .params
            .iter()
            .map(|(p, _)| p.as_str())
            .collect();
        if let Some(cfg) = cfg_attr(route) {
            let body = body(&names);
            arms.push(quote!(#cfg #pattern => #body,));
            continue;
        }
        match shared.iter_mut().find(|(shape, _)| *shape == names) {
            Some((_, patterns)) => patterns.push(pattern),
            None => shared.push((names, vec![pattern])),
        }
    }
    for (names, patterns) in &shared {
        let body = body(names);
        for patterns in patterns.chunks(ALTERNATIVES_PER_ARM) {
            arms.push(quote!(#(#patterns)|* => #body,));
        }
    }
    arms
}

/// Reverse routing. HTTP paths percent-encode parameter values (a `{param}` value stays one
/// segment; a `{*catch_all}` value keeps its `/`); topics and channels write them as they are.
fn display_impl(variants: &Variants<'_>, encode: bool) -> TokenStream {
    let name = &variants.name;
    let doc = if encode {
        " Reverse routing: writes the path of the route, percent-encoding parameter values (a \
         `{param}` value stays one segment; a `{*catch_all}` value keeps its `/`)."
    } else if variants.name == "Channel" {
        " Reverse routing: writes the channel name, with the parameter values as they are."
    } else {
        " Reverse routing: writes the topic of the route, with the parameter values as they are."
    };
    // The pattern is walked at run time rather than written out per route: a `match` with an
    // arm of writes per route was the most expensive function for rustc at 10,000 routes.
    quote! {
        #[doc = #doc]
        impl ::core::fmt::Display for #name<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::routegen::__private::write_pattern(
                    f,
                    self.info().pattern(),
                    self.params().as_slice(),
                    #encode,
                )
            }
        }
    }
}

fn method_tokens(method: &str) -> TokenStream {
    if STANDARD_METHODS.contains(&method) {
        let ident = Ident::new(method, Span::call_site());
        quote!(::routegen::Method::#ident)
    } else {
        quote!(::routegen::Method::from_static(#method))
    }
}

fn meta_tokens(value: &MetaValue) -> TokenStream {
    match value {
        MetaValue::String(s) => quote!(::routegen::MetaValue::String(#s)),
        MetaValue::Integer(i) => {
            let number = if *i == i64::MIN {
                quote!(i64::MIN)
            } else if *i < 0 {
                let magnitude = Literal::i64_unsuffixed(-*i);
                quote!(-#magnitude)
            } else {
                let magnitude = Literal::i64_unsuffixed(*i);
                quote!(#magnitude)
            };
            quote!(::routegen::MetaValue::Integer(#number))
        }
        MetaValue::Float(x) => {
            let number = if x.is_nan() {
                quote!(f64::NAN)
            } else if x.is_infinite() {
                if *x > 0.0 {
                    quote!(f64::INFINITY)
                } else {
                    quote!(f64::NEG_INFINITY)
                }
            } else if *x < 0.0 {
                let magnitude = Literal::f64_suffixed(-*x);
                quote!(-#magnitude)
            } else {
                let magnitude = Literal::f64_suffixed(*x);
                quote!(#magnitude)
            };
            quote!(::routegen::MetaValue::Float(#number))
        }
        MetaValue::Boolean(b) => quote!(::routegen::MetaValue::Boolean(#b)),
        MetaValue::Datetime(d) => quote!(::routegen::MetaValue::Datetime(#d)),
        MetaValue::Array(items) => {
            let items = items.iter().map(meta_tokens);
            quote!(::routegen::MetaValue::Array(&[#(#items),*]))
        }
        MetaValue::Table(table) => {
            let entries = table.iter().map(|(k, v)| {
                let v = meta_tokens(v);
                quote!((#k, #v))
            });
            quote!(::routegen::MetaValue::Table(&[#(#entries),*]))
        }
    }
}

/// `ROUTES`, a handle on the `ROUTE_TABLE` that holds an entry per route and what the entries
/// index into: every pattern in one string, the distinct method sets and files once each, and
/// the few routes' handler, middleware and meta in a list of their own. An entry is then 28
/// bytes of integers; with a reference per string it took about 190 bytes of binary a route,
/// relocations included, at 10,000 routes, and 64 with one reference to the table
/// (BENCHMARKS.md, "Build cost"). The names are `ROUTE_NAMES`, apart: `Route::name()` reads
/// them alone, so a binary that logs route names but never reads the rest links only them.
fn routes_static(routes: &[Route]) -> TokenStream {
    let count = route_count(routes);
    let mut names = String::new();
    let mut name_spans = Vec::with_capacity(routes.len());
    let mut patterns = String::new();
    let mut method_sets = Interned::default();
    let mut files = Interned::default();
    let mut extras = Interned::default();
    let mut extras_tokens = Vec::new();
    let mut entries = Vec::with_capacity(routes.len());
    for route in routes {
        let cfg = cfg_attr(route);
        let name = u32_lit(names.len());
        names.push_str(&route.name);
        let name_end = u32_lit(names.len());
        name_spans.push(quote!(#cfg [#name, #name_end]));
        let pattern = u32_lit(patterns.len());
        patterns.push_str(&route.pattern_text);
        let end = u32_lit(patterns.len());
        let methods = route.methods.as_deref().unwrap_or_default();
        let methods = u32_lit(method_sets.index_of(methods));
        let file = u32_lit(files.index_of(route.file.as_str()));
        let line = u32_lit(route.line);
        let column = u32_lit(route.column);
        let entry = quote! {
            ::routegen::__private::RouteEntry::__at([#pattern, #end, #methods, #file, #line, #column])
        };
        if route.handler.is_none() && route.middleware.is_empty() && route.meta.is_empty() {
            entries.push(quote!(#cfg #entry));
            continue;
        }
        let handler = match &route.handler {
            Some(h) => quote!(::core::option::Option::Some(#h)),
            None => quote!(::core::option::Option::None),
        };
        let middleware = &route.middleware;
        let meta = route.meta.iter().map(|(k, v)| {
            let v = meta_tokens(v);
            quote!((#k, #v))
        });
        // Routes of one group often share their middleware and meta: those share an entry.
        let route_extras = quote! {
            ::routegen::__private::RouteExtras::__new(#handler, &[#(#middleware),*], &[#(#meta),*])
        };
        let index = extras.index_of(route_extras.to_string());
        if index == extras_tokens.len() {
            extras_tokens.push(route_extras);
        }
        let index = u32_lit(index);
        entries.push(quote!(#cfg #entry.__with_extras(#index)));
    }
    let names = long_str(&names);
    let patterns = long_str(&patterns);
    let files = files.items;
    let method_sets = method_sets.items.iter().map(|methods| {
        if methods.is_empty() {
            quote!(::routegen::__private::ANY_METHOD)
        } else {
            let methods = methods.iter().map(|m| method_tokens(m));
            quote!(&[#(#methods),*])
        }
    });
    quote! {
        /// Each route's name, in declaration order: what `name()` reads.
        #[allow(dead_code)]
        static ROUTE_NAMES: ::routegen::__private::RouteNames = ::routegen::__private::RouteNames::__new(
            #names,
            &[#(#name_spans),*],
        );

        /// What [`ROUTES`] reads.
        #[allow(dead_code)]
        static ROUTE_TABLE: ::routegen::__private::RouteTable = ::routegen::__private::RouteTable::__new(
            &ROUTE_NAMES,
            #patterns,
            &[#(#method_sets),*],
            &[#(#files),*],
            &[#(#extras_tokens),*],
            &ROUTE_ENTRIES,
        );

        /// One entry per route, in declaration order.
        #[allow(dead_code)]
        static ROUTE_ENTRIES: [::routegen::__private::RouteEntry; #count] = [#(#entries),*];

        /// Every route of the route files, in declaration order: the position of a route here is
        /// its `index()`.
        #[allow(dead_code)]
        pub static ROUTES: ::routegen::Routes = ::routegen::Routes::__new(&ROUTE_TABLE);
    }
}

/// Distinct items in the order first seen, each with its index.
struct Interned<T> {
    items: Vec<T>,
    index: BTreeMap<T, usize>,
}

impl<T> Default for Interned<T> {
    fn default() -> Self {
        Interned {
            items: Vec::new(),
            index: BTreeMap::new(),
        }
    }
}

impl<T: Ord + Clone> Interned<T> {
    fn index_of(&mut self, item: T) -> usize {
        *self.index.entry(item.clone()).or_insert_with(|| {
            self.items.push(item);
            self.items.len() - 1
        })
    }
}

/// A long string as `concat!` of pieces of about 1 KB, so the plain printer keeps lines short (it
/// breaks after the commas of a bracketed macro call).
fn long_str(text: &str) -> TokenStream {
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(1024);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        pieces.push(&rest[..end]);
        rest = &rest[end..];
    }
    quote!(::core::concat![#(#pieces),*])
}

/// An offset or index into `ROUTE_TABLE`, a line or a column, as the `u32` an entry stores it in.
fn u32_lit(n: usize) -> Literal {
    Literal::u32_unsuffixed(u32::try_from(n).expect("route files hold less than 4 GiB of text"))
}

fn handler_checks(routes: &[Route]) -> TokenStream {
    // One check per handler and condition: a handler of conditional routes may itself exist
    // only under that condition.
    let mut handlers: Vec<(&str, &[String], Option<TokenStream>)> = routes
        .iter()
        .filter_map(|r| Some((r.handler.as_deref()?, r.cfg.as_slice(), cfg_attr(r))))
        .collect();
    handlers.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    handlers.dedup_by(|a, b| (a.0, a.1) == (b.0, b.1));
    if handlers.is_empty() {
        return TokenStream::new();
    }
    let uses = handlers.iter().map(|(h, _, cfg)| {
        let path: syn::Path = syn::parse_str(h).expect("validated as a path");
        quote!(#cfg #[allow(unused_imports)] use #path as _;)
    });
    quote! {
        // Names every handler so that rustc reports one that does not exist.
        const _: () = {
            #(#uses)*
        };
    }
}

/// What the lookup functions of `recognize` return: `recognize`'s own type, so that the route
/// found is built in `recognize`'s return slot. With an `Option`, it was built in a temporary
/// and copied word by word into the `Ok` (callgrind, github: 210 -> 191 instructions a lookup).
fn found_or_not() -> TokenStream {
    quote!(::core::result::Result<Route<'p>, ::routegen::MatchError>)
}

/// A lookup function's "nothing here" (see [`found_or_not`]): the caller tries what comes
/// next, and `recognize` turns it into a 405 when a route matched the path but not the method.
fn not_here() -> TokenStream {
    quote!(::core::result::Result::Err(
        ::routegen::MatchError::NotFound
    ))
}

fn recognize(router: &Router, compiled: &Compiled) -> TokenStream {
    let extensions = router.extensions.iter().map(|m| method_tokens(m));
    let extension_count = lit(router.extensions.len());
    let any_bit = mask_lit(ANY_METHOD_BIT);
    let has_statics = !compiled.statics.entries.is_empty();
    let has_tree = compiled.has_tree;

    let (found_or_not, not_here) = (found_or_not(), not_here());
    let (static_fn, static_call) = if has_statics {
        (static_lookup(router, &compiled.statics), {
            // Without a tree, nothing comes after: a miss is the answer unless a 405 is.
            let last = (!has_tree).then(|| quote!(|| allowed == 0));
            quote! {
                let found = lookup_static(path, m, &mut allowed);
                if found.is_ok() #last {
                    return found;
                }
            }
        })
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    let (tree_fns, tree_call) = if has_tree && compiled.tables {
        table::tree(router, &compiled.tree, compiled.capture_slots)
    } else if has_tree {
        let mut emitter = TreeEmitter {
            router,
            functions: Vec::new(),
            uses_methods: false,
            uses_captures: false,
            conditional: false,
            capture_slots: compiled.capture_slots,
            scan: if compiled.tree.segment_scans() <= INLINE_SCANS_UP_TO {
                format_ident!("segment")
            } else {
                format_ident!("segment_shared")
            },
        };
        let (root_body, _) = emitter.dispatch(&compiled.tree);
        let (m, allowed) = method_args(emitter.uses_methods);
        let caps = emitter.own_captures(emitter.uses_captures);
        let functions = &emitter.functions;
        let allow = emitter
            .conditional
            .then(|| quote!(#[allow(unused_variables)]));
        (
            quote! {
                #(#functions)*
                #allow
                // Its one caller: `recognize` (scale_1000: 210 -> 205 instructions a hit, and
                // 0.92x the time in alternate runs; BENCHMARKS.md).
                #[inline(always)]
                fn node_root<'p>(
                    path: &'p str,
                    #m: u64,
                    #allowed: &mut u64,
                ) -> #found_or_not {
                    #caps
                    let start = 0;
                    #root_body
                    #not_here
                }
            },
            quote! {
                let found = node_root(path, m, &mut allowed);
                if found.is_ok() || allowed == 0 {
                    return found;
                }
            },
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };

    let body = if has_statics || has_tree {
        quote! {
            let m = method.__mask_bit(&EXTENSIONS) | #any_bit;
            let mut allowed: u64 = 0;
            #static_call
            #tree_call
            if allowed == 0 {
                ::core::result::Result::Err(::routegen::MatchError::NotFound)
            } else {
                ::core::result::Result::Err(::routegen::MatchError::MethodNotAllowed {
                    allowed: ::routegen::AllowedMethods::__new(allowed & !#any_bit, &EXTENSIONS),
                })
            }
        }
    } else {
        quote! {
            let _ = (method, path, &EXTENSIONS);
            ::core::result::Result::Err(::routegen::MatchError::NotFound)
        }
    };

    // A router of static paths only is a few dozen instructions. Inlined where it is called, in
    // another crate too, it builds the route in the caller's own slot, with no call (callgrind,
    // static: 50 -> 39 instructions a lookup with the benchmark's loop). A tree's `recognize`
    // stays out of line: it holds the tree's code (`node_root` is inlined into it), which every
    // caller would get a copy of; and inlined, its caller copied the route that the tree built
    // (github: 180 -> 190 instructions).
    let inline = (!has_tree).then(|| quote!(#[inline]));
    quote! {
        /// Finds the highest-priority route whose pattern matches `path` and that accepts
        /// `method`. Priority at each segment: static text, then a parameter with literal text
        /// around it (longest prefix first, then longest suffix), then a plain parameter, then a
        /// catch-all; a dead end backtracks to the next candidate. Never allocates.
        ///
        /// # Errors
        /// [`MatchError::NotFound`](::routegen::MatchError::NotFound) when no pattern matches,
        /// [`MatchError::MethodNotAllowed`](::routegen::MatchError::MethodNotAllowed) with the
        /// allowed methods when patterns match but none accepts `method`.
        #[allow(dead_code)]
        #inline
        pub fn recognize<'p>(
            method: ::routegen::Method,
            path: &'p str,
        ) -> ::core::result::Result<Route<'p>, ::routegen::MatchError> {
            static EXTENSIONS: [::routegen::Method; #extension_count] = [#(#extensions),*];
            #static_fn
            #tree_fns
            #body
        }
    }
}

fn static_lookup(router: &Router, table: &StaticTable) -> TokenStream {
    match &table.hash {
        StaticHash::Direct(direct) => direct_lookup(router, table, direct),
        StaticHash::Displaced(hash) => displaced_lookup(router, table, hash),
    }
}

/// `lookup_static` as a direct table (`routegen::__private::find_static`): one multiplication
/// finds the only slot the path can be in, and the slot's words confirm it. When every static
/// path has one route, the slot's route is the answer (after its method test, unless it takes
/// any method): no loop over the path's routes.
fn direct_lookup(router: &Router, table: &StaticTable, direct: &Direct) -> TokenStream {
    let (found_or_not, not_here) = (found_or_not(), not_here());
    let (routes, starts) = routes_by_path(router, table);
    let route_count = lit(routes.len());
    let (slots, text) = direct_slots(table, direct, &starts);
    let slot_count = lit(slots.len());
    let seed = direct.seed;
    let single = table.entries.iter().all(|entry| entry.routes.len() == 1);
    // Every path's one route takes any method.
    let any_method = single
        && (table.entries.iter())
            .all(|entry| router.method_mask(&router.routes[entry.routes[0]]) == u64::MAX);
    let (m, allowed) = method_args(!any_method);
    let (routes_ty, routes, answer) = if any_method {
        let routes = routes.iter().map(|(_, route)| route);
        (
            quote!(Route<'static>),
            quote!(#(#routes),*),
            quote!(::core::result::Result::Ok(ROUTES_BY_PATH[start])),
        )
    } else {
        let answer = if single {
            quote! {
                let (mask, route) = ROUTES_BY_PATH[start];
                if m & mask != 0 {
                    return ::core::result::Result::Ok(route);
                }
                *allowed |= mask;
                #not_here
            }
        } else {
            first_route_taking_method(quote!(ROUTES_BY_PATH.get(start..end).unwrap_or_default()))
        };
        let routes = routes.iter().map(|(mask, route)| quote!((#mask, #route)));
        (quote!((u64, Route<'static>)), quote!(#(#routes),*), answer)
    };
    let end = if single { quote!(_) } else { quote!(end) };
    quote! {
        /// Static routes: a direct table, one slot per path and a multiplication to find it.
        #[inline(always)]
        fn lookup_static<'p>(
            path: &'p str,
            #m: u64,
            #allowed: &mut u64,
        ) -> #found_or_not {
            static ROUTES_BY_PATH: [#routes_ty; #route_count] = [#routes];
            static SLOTS: [::routegen::__private::StaticSlot; #slot_count] = [#(#slots),*];
            let Some((start, #end)) =
                ::routegen::__private::find_static(path, &SLOTS, #text, #seed)
            else {
                return #not_here;
            };
            #answer
        }
    }
}

/// A direct table's `StaticSlot`s, and the text that holds the bytes that the slots' words leave
/// out of paths longer than 16 bytes (`__private::middle_text`), one path after the other.
/// `starts[i]` is where the routes of `table.entries[i]` start in `ROUTES_BY_PATH`.
fn direct_slots(
    table: &StaticTable,
    direct: &Direct,
    starts: &[usize],
) -> (Vec<TokenStream>, Literal) {
    let index = |n: usize| {
        Literal::u16_unsuffixed(u16::try_from(n).expect("a direct table has few routes"))
    };
    let mut text: Vec<u8> = Vec::new();
    let slots = direct
        .slots
        .iter()
        .map(|slot| match slot {
            Some(entry) => {
                let path = &table.entries[*entry].path;
                let middle = u32_lit(text.len());
                for part in routegen::__private::middle_text(path.as_bytes()) {
                    text.extend_from_slice(part);
                }
                let start = index(starts[*entry]);
                let end = index(starts[*entry] + table.entries[*entry].routes.len());
                quote!(::routegen::__private::StaticSlot::new(#path, #middle, #start, #end))
            }
            None => quote!(::routegen::__private::StaticSlot::EMPTY),
        })
        .collect();
    (slots, Literal::byte_string(&text))
}

/// Code that returns the first of `routes` (an expression of type `&[(u64, Route)]`, one
/// static path's routes) that takes the method `m`, or adds their methods to `allowed` and
/// returns not found.
fn first_route_taking_method(routes: TokenStream) -> TokenStream {
    let not_here = not_here();
    quote! {
        for &(mask, route) in #routes {
            if m & mask != 0 {
                return ::core::result::Result::Ok(route);
            }
            *allowed |= mask;
        }
        #not_here
    }
}

/// Each static route as its method mask and its variant, the routes of one path together, and
/// where each path's routes start.
fn routes_by_path(
    router: &Router,
    table: &StaticTable,
) -> (Vec<(syn::LitInt, TokenStream)>, Vec<usize>) {
    let mut routes = Vec::new();
    let mut starts = Vec::new();
    for entry in &table.entries {
        starts.push(routes.len());
        for &index in &entry.routes {
            let route = &router.routes[index];
            let mask = mask_lit(router.method_mask(route));
            let name = variant(route);
            routes.push((mask, quote!(Route::#name)));
        }
    }
    (routes, starts)
}

/// `lookup_static` as a hash-and-displace table of the whole path, confirmed by one
/// comparison, for the paths whose length some static route has; the routes of the path are a
/// range of a table.
fn displaced_lookup(router: &Router, table: &StaticTable, hash: &PerfectHash) -> TokenStream {
    let found_or_not = found_or_not();
    let (routes, starts) = routes_by_path(router, table);
    let route_count = lit(routes.len());
    let routes = routes.iter().map(|(mask, route)| quote!((#mask, #route)));
    // The routes of `entries[i]` are `ROUTES_BY_PATH[start..end]`.
    let range = |entry: usize| {
        let start = starts[entry];
        (lit(start), lit(start + table.entries[entry].routes.len()))
    };
    let find = perfect_hash_probe(table, hash, range);
    let answer = first_route_taking_method(quote!(&ROUTES_BY_PATH[start as usize..end as usize]));
    quote! {
        /// Static routes: a perfect hash of the whole path, confirmed by one comparison, for
        /// the paths whose length some static route has.
        #[inline(always)]
        fn lookup_static<'p>(
            path: &'p str,
            m: u64,
            allowed: &mut u64,
        ) -> #found_or_not {
            static ROUTES_BY_PATH: [(u64, Route<'static>); #route_count] = [#(#routes),*];
            #find
            #answer
        }
    }
}

/// Code that sets `(start, end)` to the static path's range of `ROUTES_BY_PATH`, or returns:
/// a perfect hash of the path, for the lengths that some static path has.
fn perfect_hash_probe(
    table: &StaticTable,
    hash: &PerfectHash,
    range: impl Fn(usize) -> (Literal, Literal),
) -> TokenStream {
    let not_here = not_here();
    let seed = hash.placement.seed;
    let hash_fn = if hash.sampled {
        format_ident!("hash_sampled")
    } else {
        format_ident!("hash")
    };
    let displacements: Vec<Literal> = hash
        .placement
        .displacements
        .iter()
        .map(|&d| Literal::u8_unsuffixed(d))
        .collect();
    let bucket_count = lit(displacements.len());
    let slot_count = lit(hash.placement.slots.len());
    let slots = hash.placement.slots.iter().map(|slot| match slot {
        Some(entry) => {
            let path = &table.entries[*entry].path;
            let (start, end) = range(*entry);
            quote!((#path, #start, #end))
        }
        None => quote!(("", 0, 0)),
    });
    // Most paths that reach a router with parameters are not static: a mask of the static paths'
    // lengths turns most of them away before the hash (a few instructions against ~90).
    let mut short_lengths: u64 = 0;
    let mut long = false;
    for entry in &table.entries {
        match entry.path.len() {
            len @ 0..64 => short_lengths |= 1 << len,
            _ => long = true,
        }
    }
    let length_mask = mask_lit(short_lengths);
    let length_test = if long {
        quote!(len >= 64 || (STATIC_LENGTHS >> len) & 1 != 0)
    } else {
        quote!(len < 64 && (STATIC_LENGTHS >> len) & 1 != 0)
    };
    quote! {
        /// Bit `n` is set when some static path is `n` bytes long.
        const STATIC_LENGTHS: u64 = #length_mask;
        let len = path.len();
        if !(#length_test) {
            return #not_here;
        }
        static DISPLACEMENTS: [u8; #bucket_count] = [#(#displacements),*];
        static SLOTS: [(&str, u32, u32); #slot_count] = [#(#slots),*];
        let hash = ::routegen::__private::#hash_fn(path.as_bytes(), #seed);
        let (key, start, end) =
            SLOTS[::routegen::__private::slot(hash, &DISPLACEMENTS, #slot_count)];
        if key != path {
            return #not_here;
        }
    }
}

/// The names of a tree function's method arguments: `_`-prefixed when its body does not read
/// them.
fn method_args(used: bool) -> (Ident, Ident) {
    if used {
        (format_ident!("m"), format_ident!("allowed"))
    } else {
        (format_ident!("_m"), format_ident!("_allowed"))
    }
}

/// Code that runs the child of the literal segment at `start`, if any, with `seg_end` set to
/// where it ends. A literal is compared in place (a fixed-size array compare and a check that a
/// `/` or the end follows), so no literal segment is scanned for its end. With several first
/// bytes among the literals, a `match` on the byte at `start` picks the candidates first.
fn literal_dispatch(statics: &[(&String, TokenStream)]) -> TokenStream {
    let chain = |group: &[&(&String, TokenStream)]| {
        let tests = group.iter().map(|(text, child_code)| {
            let bytes = Literal::byte_string(text.as_bytes());
            quote! {
                if let ::core::option::Option::Some(seg_end) =
                    ::routegen::__private::literal_at(path, start, #bytes)
                #child_code
            }
        });
        quote!(#(#tests)else*)
    };
    let mut by_first_byte: BTreeMap<Option<u8>, Vec<&(&String, TokenStream)>> = BTreeMap::new();
    for entry in statics {
        by_first_byte
            .entry(entry.0.bytes().next())
            .or_default()
            .push(entry);
    }
    if by_first_byte.len() <= 1 || statics.len() <= 3 {
        let all: Vec<_> = statics.iter().collect();
        return chain(&all);
    }
    // The empty literal (a `//` or a trailing `/`) has no first byte: tested before the match.
    let empty = by_first_byte.remove(&None).map(|group| chain(&group));
    let arms = by_first_byte.iter().map(|(byte, group)| {
        let byte = Literal::byte_character(byte.expect("the empty literal was removed"));
        let body = chain(group);
        quote!(::core::option::Option::Some(#byte) => { #body })
    });
    quote! {
        #empty
        match path.as_bytes().get(start).copied() {
            #(#arms)*
            _ => {}
        }
    }
}

/// The route's `Route` variant, its fields set to `values` in pattern order: how the tree as
/// code (from its capture array, [`from_captures`]) and the tables' `route_of_N` (from the
/// captures bound to names) build what they found.
fn variant_with<V: ToTokens>(route: &Route, values: impl IntoIterator<Item = V>) -> TokenStream {
    let name = variant(route);
    let fields = route.pattern.params.iter().map(|(p, _)| field(p));
    let values = values.into_iter();
    quote!(Route::#name { #(#fields: #values),* })
}

/// The route's `Route` variant, its fields read from the capture array `caps` in pattern order.
fn from_captures(route: &Route, caps: &Ident) -> TokenStream {
    let slots = (0..route.pattern.params.len()).map(lit);
    variant_with(route, slots.map(|slot| quote!(#caps[#slot])))
}

/// The name of a tree function's capture array argument: `_caps` when its body does not use it.
fn captures_arg(used: bool) -> Ident {
    if used {
        format_ident!("caps")
    } else {
        format_ident!("_caps")
    }
}

/// Turns the segment tree into code. Node bodies are inlined into their parent until a function
/// holds [`NODES_PER_FUNCTION`] nodes; further subtrees become functions of their own.
struct TreeEmitter<'r> {
    router: &'r Router,
    functions: Vec<TokenStream>,
    /// Whether the code emitted since the current function began reads the request's method
    /// mask (`m`) or the 405 set (`allowed`): a function whose routes all accept any method
    /// does not, and names those arguments `_m` and `_allowed` to stay warning-free.
    uses_methods: bool,
    /// Whether the code emitted since the current function began reads or writes the capture
    /// array: a function whose routes have no parameters names its argument `_caps`, or
    /// declares no array when it owns one (`own_captures`).
    uses_captures: bool,
    /// Whether the code emitted since the current function began has a conditional route,
    /// which may leave the function's arguments unused in some builds.
    conditional: bool,
    /// The length of every tree function's capture array, owned or taken.
    capture_slots: usize,
    /// The runtime function that reads a parameter's segment: `segment`, inlined, or
    /// `segment_shared` in a tree with more than [`INLINE_SCANS_UP_TO`] segment reads.
    scan: Ident,
}

/// The most segment reads a tree's code inlines. Each is about 220 bytes of machine code; past
/// 32 KiB of them (the L1 instruction cache) the lookups miss the cache more than a call costs.
/// Measured: github (50 reads), github_v3 (112) and scale_100 (77) ran faster inlined
/// (scale_100: 5.5x matchit inlined, 3.9x shared). scale_1000 (429) misses the instruction
/// cache less with the shared function (9.2 -> 5.9 I1 misses a lookup), and builds in half the
/// time (BENCHMARKS.md).
const INLINE_SCANS_UP_TO: usize = 150;

impl TreeEmitter<'_> {
    /// Code that checks the routes ending here: returns the first that accepts the method, and
    /// records the methods of the others for a 405.
    fn leaves(&mut self, routes: &[usize]) -> TokenStream {
        let checks = routes.iter().map(|&index| {
            let route = &self.router.routes[index];
            let mask = self.router.method_mask(route);
            if !route.pattern.params.is_empty() {
                self.uses_captures = true;
            }
            let route_value = from_captures(route, &format_ident!("caps"));
            let found = quote! {
                return ::core::result::Result::Ok(#route_value);
            };
            let check = if route.methods.is_none() {
                // Accepts any method; validation keeps it alone at its place in the tree.
                found
            } else {
                self.uses_methods = true;
                let mask = mask_lit(mask);
                quote! {
                    if m & #mask != 0 {
                        #found
                    }
                    *allowed |= #mask;
                }
            };
            // A conditional route is not there at all when its `cfg` is off: the walk goes on
            // to the routes after it.
            match cfg_attr(route) {
                Some(cfg) => {
                    self.conditional = true;
                    quote! { #cfg { #check } }
                }
                None => check,
            }
        });
        quote!(#(#checks)*)
    }

    /// The body of a node entered with `end`: where the previous segment ended (the end of the
    /// path, or the index of the `/` before the next segment). Returns the code and the number
    /// of tree nodes it inlines.
    fn node(&mut self, node: &Node) -> (TokenStream, usize) {
        let has_children =
            !node.statics.is_empty() || !node.params.is_empty() || !node.catch_all.is_empty();
        let leaves = self.leaves(&node.leaves);
        if !has_children {
            return (quote! { if end == path.len() { #leaves } }, 1);
        }
        let (dispatch, cost) = self.dispatch(node);
        let code = if node.leaves.is_empty() {
            quote! {
                if end < path.len() {
                    let start = end + 1;
                    #dispatch
                }
            }
        } else {
            quote! {
                if end == path.len() {
                    #leaves
                } else {
                    let start = end + 1;
                    #dispatch
                }
            }
        };
        (code, cost)
    }

    /// A child node, entered with the current segment's end: inlined, or a call.
    fn child(&mut self, node: &Node, budget_left: usize) -> (TokenStream, usize) {
        let outer_uses_methods = std::mem::replace(&mut self.uses_methods, false);
        let outer_uses_captures = std::mem::replace(&mut self.uses_captures, false);
        let outer_conditional = std::mem::replace(&mut self.conditional, false);
        let (body, cost) = self.node(node);
        let inner_uses_methods = self.uses_methods;
        let inner_uses_captures = self.uses_captures;
        let inner_conditional = self.conditional;
        self.conditional = outer_conditional || inner_conditional;
        if cost <= budget_left {
            self.uses_methods = outer_uses_methods || inner_uses_methods;
            self.uses_captures = outer_uses_captures || inner_uses_captures;
            return (quote! { { let end = seg_end; #body } }, cost);
        }
        self.conditional = outer_conditional;
        let allow = inner_conditional.then(|| quote!(#[allow(unused_variables)]));
        // The call passes `m` and `allowed` on, so the caller uses them either way.
        self.uses_methods = true;
        let (m, allowed) = method_args(inner_uses_methods);
        let name = format_ident!("node_{}", self.functions.len());
        let (found_or_not, not_here) = (found_or_not(), not_here());
        // A function entered before any capture owns its capture array (see `own_captures`);
        // one entered below a parameter takes its caller's.
        let (caps_param, caps_local, caps_arg) = if node.captured == 0 {
            self.uses_captures = outer_uses_captures;
            let local = self.own_captures(inner_uses_captures);
            (quote!(), local, quote!())
        } else {
            self.uses_captures = true;
            let caps = captures_arg(inner_uses_captures);
            let slots = lit(self.capture_slots);
            (
                quote!(#caps: &mut [&'p str; #slots],),
                quote!(),
                quote!(caps,),
            )
        };
        self.functions.push(quote! {
            #allow
            fn #name<'p>(
                path: &'p str,
                end: usize,
                #m: u64,
                #caps_param
                #allowed: &mut u64,
            ) -> #found_or_not {
                #caps_local
                #body
                #not_here
            }
        });
        // A `let` first, so the block is not a lone `if` that clippy asks to collapse into the
        // enclosing one.
        let call = quote! {{
            let found = #name(path, seg_end, m, #caps_arg allowed);
            if found.is_ok() {
                return found;
            }
        }};
        (call, 1)
    }

    /// The capture array of a tree function entered before any parameter was captured, as a
    /// local of its own (nothing when its body uses none): its caller has nothing to pass, and
    /// unless the function hands the array on to a call, the compiler keeps each slot in a
    /// register, with no stores to memory and no initialisation (github: 191 -> 180
    /// instructions a lookup, scale_1000: 223 -> 210).
    fn own_captures(&self, used: bool) -> TokenStream {
        if !used {
            return TokenStream::new();
        }
        let slots = lit(self.capture_slots);
        quote! {
            let caps: &mut [&'p str; #slots] = &mut [""; #slots];
        }
    }

    /// Code that reads the segment starting at `start` and tries the children in priority order.
    fn dispatch(&mut self, node: &Node) -> (TokenStream, usize) {
        let mut cost = 1;
        let mut code = TokenStream::new();
        let mut statics = Vec::new();
        for (text, child) in &node.statics {
            let (child_code, child_cost) =
                self.child(child, NODES_PER_FUNCTION.saturating_sub(cost));
            cost += child_cost;
            statics.push((text, child_code));
        }
        code.extend(literal_dispatch(&statics));
        if !node.params.is_empty() {
            let scan = &self.scan;
            code.extend(quote! {
                let (seg, seg_end) = ::routegen::__private::#scan(path, start);
            });
        }
        let slot = lit(node.captured);
        if !node.params.is_empty() || !node.catch_all.is_empty() {
            self.uses_captures = true;
        }
        for param in &node.params {
            let (child_code, child_cost) =
                self.child(&param.node, NODES_PER_FUNCTION.saturating_sub(cost));
            cost += child_cost;
            let (prefix, suffix) = (&param.prefix, &param.suffix);
            let code_for_param = if prefix.is_empty() && suffix.is_empty() {
                quote! {
                    if !seg.is_empty() {
                        caps[#slot] = seg;
                        #child_code
                    }
                }
            } else {
                // `strip_prefix` and `strip_suffix` slice without checking character boundaries
                // again: a matched affix is whole characters.
                let value = match (prefix.is_empty(), suffix.is_empty()) {
                    (false, true) => quote!(seg.strip_prefix(#prefix)),
                    (true, false) => quote!(seg.strip_suffix(#suffix)),
                    _ => quote!(seg.strip_prefix(#prefix).and_then(|v| v.strip_suffix(#suffix))),
                };
                quote! {
                    if let ::core::option::Option::Some(value) = #value.filter(|v| !v.is_empty()) {
                        caps[#slot] = value;
                        #child_code
                    }
                }
            };
            code.extend(code_for_param);
        }
        if !node.catch_all.is_empty() {
            cost += 1;
            let leaves = self.leaves(&node.catch_all);
            code.extend(quote! {
                if start < path.len() {
                    caps[#slot] = &path[start..];
                    #leaves
                }
            });
        }
        (code, cost)
    }
}
