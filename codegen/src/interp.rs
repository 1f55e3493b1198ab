//! The reference matcher: the matching rules applied as plainly as possible, straight from the
//! validated routes, with none of the generated matcher's machinery (no tree, no hash, no
//! backtracking). Differential tests and fuzzers hold the generated code to it.
//!
//! The rule it states: among the routes whose pattern matches the path, the winner is the one
//! whose segments rank first, compared segment by segment from the left; at one segment, literal
//! text ranks before a parameter with literal text around it (longer prefix first, then longer
//! suffix), before a plain parameter, before a catch-all. Of the routes that match the path, only
//! those that accept the method compete; if there are none, the others' methods are the
//! `MethodNotAllowed` set. (Depth-first search with backtracking over children in that order, as
//! the generated code and matchit do, finds exactly this route.)

use std::cmp::Reverse;

use routegen::{AllowedMethods, MatchError, Method};

use crate::model::{ANY_METHOD_BIT, Router};
use crate::pattern::Segment;

/// A matcher over validated routes that follows the matching rules literally; slow but plainly
/// right. Build one with [`Builder::reference`](crate::Builder::reference).
///
/// ```
/// use routegen::Method;
/// let reference = routegen_codegen::Builder::new()
///     .route_source("a.toml", r#"
///         [[route]]
///         name = "by_id"
///         path = "/items/{id}"
///         [[route]]
///         name = "new_item"
///         path = "/items/new"
///     "#)
///     .reference()
///     .unwrap();
/// let matched = reference.recognize(Method::GET, "/items/42").unwrap();
/// assert_eq!(matched.name, "by_id");
/// assert_eq!(matched.params, [("id".to_owned(), "42")]);
/// assert_eq!(reference.recognize(Method::GET, "/items/new").unwrap().name, "new_item");
/// ```
#[derive(Debug)]
pub struct Reference {
    router: Router,
    /// Leaked once per reference matcher: `AllowedMethods` borrows the extension methods for
    /// `'static`, as it does from the generated code's static table.
    extensions: &'static [Method],
}

/// A route found by the reference matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched<'p> {
    /// The route's position in declaration order (the generated `Route::index()`).
    pub index: usize,
    /// The route's name.
    pub name: String,
    /// The route's full pattern.
    pub pattern: String,
    /// The parameters in pattern order.
    pub params: Vec<(String, &'p str)>,
}

/// How a pattern segment ranks against the others that match the same path segment; smaller
/// ranks first.
type Rank = (u8, Reverse<usize>, Reverse<usize>);

impl Reference {
    /// The validated routes, for the code generator's unit tests.
    #[cfg(test)]
    pub(crate) fn router(&self) -> &Router {
        &self.router
    }

    pub(crate) fn new(router: Router) -> Reference {
        let extensions: Vec<Method> = router
            .extensions
            .iter()
            .map(|name| Method::new(name).expect("validated method token"))
            .collect();
        Reference {
            router,
            extensions: Box::leak(extensions.into_boxed_slice()),
        }
    }

    /// The number of routes.
    pub fn len(&self) -> usize {
        self.router.routes.len()
    }

    /// Whether there are no routes.
    pub fn is_empty(&self) -> bool {
        self.router.routes.is_empty()
    }

    /// The route the generated `recognize` must return for this request, by the rules above.
    ///
    /// # Errors
    /// `NotFound` when no pattern matches the path; `MethodNotAllowed` with the union of the
    /// methods of the routes whose pattern matches, when none of them accepts `method`.
    pub fn recognize<'p>(&self, method: Method, path: &'p str) -> Result<Matched<'p>, MatchError> {
        let request = method.__mask_bit(self.extensions) | ANY_METHOD_BIT;
        let mut allowed = 0;
        let mut best: Option<(Vec<Rank>, usize, Vec<&'p str>)> = None;
        for (index, route) in self.router.routes.iter().enumerate() {
            let Some((rank, values)) = match_segments(&route.pattern.segments, path) else {
                continue;
            };
            let accepts = self.router.method_mask(route);
            if request & accepts == 0 {
                allowed |= accepts;
                continue;
            }
            if best
                .as_ref()
                .is_none_or(|(best_rank, _, _)| rank < *best_rank)
            {
                best = Some((rank, index, values));
            }
        }
        match best {
            Some((_, index, values)) => {
                let route = &self.router.routes[index];
                Ok(Matched {
                    index,
                    name: route.name.clone(),
                    pattern: route.pattern_text.clone(),
                    params: route
                        .pattern
                        .params
                        .iter()
                        .map(|(name, _)| name.clone())
                        .zip(values)
                        .collect(),
                })
            }
            None if allowed == 0 => Err(MatchError::NotFound),
            None => Err(MatchError::MethodNotAllowed {
                allowed: AllowedMethods::__new(allowed & !ANY_METHOD_BIT, self.extensions),
            }),
        }
    }
}

/// Matches one pattern against the whole path: the rank of each segment and the parameter
/// values, or `None`.
fn match_segments<'p>(segments: &[Segment], path: &'p str) -> Option<(Vec<Rank>, Vec<&'p str>)> {
    // The path's segments with their byte offsets: "/a/b" -> (0, ""), (1, "a"), (3, "b").
    let mut parts: Vec<(usize, &'p str)> = Vec::new();
    let mut offset = 0;
    for part in path.split('/') {
        parts.push((offset, part));
        offset += part.len() + 1;
    }
    let mut ranks = Vec::new();
    let mut values = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        if let Segment::CatchAll { .. } = segment {
            // The non-empty rest of the path, from the start of this segment.
            let (start, _) = *parts.get(i)?;
            let rest = &path[start..];
            if rest.is_empty() {
                return None;
            }
            ranks.push((3, Reverse(0), Reverse(0)));
            values.push(rest);
            return Some((ranks, values));
        }
        let (_, part) = *parts.get(i)?;
        match segment {
            Segment::Static(text) => {
                if part != text {
                    return None;
                }
                ranks.push((0, Reverse(0), Reverse(0)));
            }
            Segment::Param { prefix, suffix, .. } => {
                let value = part
                    .strip_prefix(prefix.as_str())?
                    .strip_suffix(suffix.as_str())?;
                if value.is_empty() {
                    return None;
                }
                let class = if prefix.is_empty() && suffix.is_empty() {
                    2
                } else {
                    1
                };
                ranks.push((class, Reverse(prefix.len()), Reverse(suffix.len())));
                values.push(value);
            }
            Segment::CatchAll { .. } => unreachable!("handled above"),
        }
    }
    // Every path segment must be used.
    (parts.len() == segments.len()).then_some((ranks, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(routes: &[(&str, &str, Option<&str>)]) -> Reference {
        let mut text = String::new();
        for (name, path, method) in routes {
            text.push_str(&format!(
                "[[route]]\nname = \"{name}\"\npath = \"{path}\"\n"
            ));
            if let Some(method) = method {
                text.push_str(&format!("method = \"{method}\"\n"));
            }
        }
        crate::Builder::new()
            .route_source("t.toml", text)
            .reference()
            .unwrap()
    }

    fn name(reference: &Reference, method: Method, path: &str) -> Result<String, String> {
        reference
            .recognize(method, path)
            .map(|m| m.name)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn priority_at_each_segment() {
        let r = reference(&[
            ("catch_all", "/f/{*rest}", None),
            ("plain", "/f/{x}", None),
            ("suffix", "/f/{x}.png", None),
            ("prefix", "/f/img-{x}", None),
            ("both", "/f/img-{x}.png", None),
            ("literal", "/f/img-1.png", None),
        ]);
        let get = |p| name(&r, Method::GET, p).unwrap();
        assert_eq!(get("/f/img-1.png"), "literal");
        assert_eq!(get("/f/img-2.png"), "both");
        assert_eq!(get("/f/img-2.jpg"), "prefix");
        assert_eq!(get("/f/2.png"), "suffix");
        assert_eq!(get("/f/2"), "plain");
        assert_eq!(get("/f/2/3"), "catch_all");
        assert_eq!(get("/f/.png"), "plain", "a parameter is never empty");
    }

    #[test]
    fn backtracks_past_a_dead_end() {
        let r = reference(&[("a", "/a/b/c", None), ("b", "/a/{x}/d", None)]);
        let matched = r.recognize(Method::GET, "/a/b/d").unwrap();
        assert_eq!(matched.name, "b");
        assert_eq!(matched.params, [("x".to_owned(), "b")]);
    }

    #[test]
    fn methods_take_part_in_matching() {
        let r = reference(&[("get_x", "/x", Some("GET")), ("any", "/{p}", None)]);
        assert_eq!(name(&r, Method::GET, "/x").unwrap(), "get_x");
        assert_eq!(name(&r, Method::POST, "/x").unwrap(), "any");
        let r = reference(&[
            ("get_x", "/x", Some("GET")),
            ("del_x", "/{p}", Some("DELETE")),
        ]);
        assert_eq!(
            name(&r, Method::POST, "/x").unwrap_err(),
            "method not allowed (allowed: GET, DELETE)"
        );
        assert_eq!(
            name(&r, Method::POST, "/x/y").unwrap_err(),
            "no route matches the path"
        );
    }
}
