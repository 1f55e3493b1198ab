//! Why a lookup found no route.

use core::fmt;

use crate::Method;

/// Why `recognize` returned no route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchError {
    /// No route's pattern matches the path.
    NotFound,
    /// Some routes' patterns match the path, but none of them accepts the request's method.
    /// `allowed` lists the methods they accept: the value of a 405 response's `Allow` header.
    MethodNotAllowed {
        /// The union of the methods of every route whose pattern matches the path.
        allowed: AllowedMethods,
    },
}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchError::NotFound => f.write_str("no route matches the path"),
            MatchError::MethodNotAllowed { allowed } => {
                write!(f, "method not allowed (allowed: {allowed})")
            }
        }
    }
}

impl core::error::Error for MatchError {}

/// A set of methods, without allocation: a bit mask over the nine standard methods and the
/// extension methods one router knows.
///
/// Its `Display` writes the methods comma-separated, ready for an `Allow` header.
///
/// ```
/// # use routegen::{AllowedMethods, Method};
/// let allowed = AllowedMethods::__new(0b101, &[]); // as generated code builds it
/// assert_eq!(allowed.to_string(), "GET, POST");
/// assert!(allowed.contains(Method::POST));
/// assert_eq!(allowed.iter().collect::<Vec<_>>(), [Method::GET, Method::POST]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AllowedMethods {
    mask: u64,
    extensions: &'static [Method],
}

impl AllowedMethods {
    /// Builds a set from a mask as described on [`Method::__mask_bit`].
    #[doc(hidden)]
    pub const fn __new(mask: u64, extensions: &'static [Method]) -> Self {
        AllowedMethods { mask, extensions }
    }

    /// Whether the set contains `method`.
    pub fn contains(&self, method: Method) -> bool {
        self.mask & method.__mask_bit(self.extensions) != 0
    }

    /// The number of methods in the set.
    pub fn len(&self) -> usize {
        self.mask.count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.mask == 0
    }

    /// The methods, standard ones first in the order of the `Method` constants, then extension
    /// methods in the router's order (sorted by name).
    pub fn iter(&self) -> AllowedMethodsIter {
        AllowedMethodsIter {
            remaining: self.mask,
            extensions: self.extensions,
        }
    }
}

impl fmt::Display for AllowedMethods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, method) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(method.as_str())?;
        }
        Ok(())
    }
}

impl fmt::Debug for AllowedMethods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl IntoIterator for AllowedMethods {
    type Item = Method;
    type IntoIter = AllowedMethodsIter;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Iterator over an [`AllowedMethods`] set.
#[derive(Debug, Clone)]
pub struct AllowedMethodsIter {
    remaining: u64,
    extensions: &'static [Method],
}

const STANDARD_METHODS: [Method; 9] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::CONNECT,
    Method::OPTIONS,
    Method::TRACE,
    Method::PATCH,
];

impl Iterator for AllowedMethodsIter {
    type Item = Method;

    fn next(&mut self) -> Option<Method> {
        while self.remaining != 0 {
            let bit = self.remaining.trailing_zeros() as usize;
            self.remaining &= self.remaining - 1;
            let method = match bit.checked_sub(STANDARD_METHODS.len()) {
                None => Some(STANDARD_METHODS[bit]),
                Some(extension) => self.extensions.get(extension).copied(),
            };
            if method.is_some() {
                return method;
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining.count_ones() as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static EXTENSIONS: [Method; 2] = [Method::from_static("LINK"), Method::from_static("PURGE")];

    #[test]
    fn display_lists_standard_then_extension_methods() {
        let mask = (1 << 4) | (1 << 0) | (1 << 10);
        let allowed = AllowedMethods::__new(mask, &EXTENSIONS);
        let mut text = [0u8; 64];
        let written = {
            use core::fmt::Write;
            struct Buf<'a>(&'a mut [u8], usize);
            impl Write for Buf<'_> {
                fn write_str(&mut self, s: &str) -> fmt::Result {
                    self.0[self.1..self.1 + s.len()].copy_from_slice(s.as_bytes());
                    self.1 += s.len();
                    Ok(())
                }
            }
            let mut buf = Buf(&mut text, 0);
            write!(buf, "{allowed}").unwrap();
            buf.1
        };
        assert_eq!(&text[..written], b"GET, DELETE, PURGE");
        assert_eq!(allowed.len(), 3);
        assert!(allowed.contains(Method::DELETE));
        assert!(allowed.contains(Method::from_static("PURGE")));
        assert!(!allowed.contains(Method::from_static("LINK")));
        assert!(!allowed.contains(Method::POST));
    }
}
