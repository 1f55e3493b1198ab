//! HTTP request methods (and any other verb a transport routes on), without allocation.

use core::fmt;
use core::str::FromStr;

/// The longest extension (non-standard) method name a [`Method`] can hold.
pub const MAX_EXTENSION_LEN: usize = 22;

/// The standard methods, in the order of their bit in a method mask.
const STANDARD: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// A request method: one of the nine standard HTTP verbs or an extension token such as `PURGE`.
///
/// `Method` is `Copy` and stores extension names inline (up to 22 bytes), so it never allocates.
/// Method names are case-sensitive, as in HTTP: `get` is an extension method, not `GET`.
///
/// ```
/// use routegen::Method;
/// assert_eq!("GET".parse::<Method>(), Ok(Method::GET));
/// let purge: Method = "PURGE".parse().unwrap();
/// assert_eq!(purge.as_str(), "PURGE");
/// assert!(!purge.is_standard());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Method(Repr);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Repr {
    Standard(u8),
    Extension {
        len: u8,
        bytes: [u8; MAX_EXTENSION_LEN],
    },
}

/// The error returned when a string is not a valid method token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidMethod {
    /// The string is empty.
    Empty,
    /// The string contains a byte that is not an HTTP token character (RFC 9110, section 5.6.2).
    InvalidByte,
    /// The string is longer than [`MAX_EXTENSION_LEN`] bytes.
    TooLong,
}

impl fmt::Display for InvalidMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidMethod::Empty => "method is empty",
            InvalidMethod::InvalidByte => "method contains a byte that is not a token character",
            InvalidMethod::TooLong => "extension method is longer than 22 bytes",
        })
    }
}

impl core::error::Error for InvalidMethod {}

impl Method {
    /// `GET`
    pub const GET: Method = Method(Repr::Standard(0));
    /// `HEAD`
    pub const HEAD: Method = Method(Repr::Standard(1));
    /// `POST`
    pub const POST: Method = Method(Repr::Standard(2));
    /// `PUT`
    pub const PUT: Method = Method(Repr::Standard(3));
    /// `DELETE`
    pub const DELETE: Method = Method(Repr::Standard(4));
    /// `CONNECT`
    pub const CONNECT: Method = Method(Repr::Standard(5));
    /// `OPTIONS`
    pub const OPTIONS: Method = Method(Repr::Standard(6));
    /// `TRACE`
    pub const TRACE: Method = Method(Repr::Standard(7));
    /// `PATCH`
    pub const PATCH: Method = Method(Repr::Standard(8));

    /// The number of standard methods; they take bits `0..STANDARD_COUNT` of a method mask.
    #[doc(hidden)]
    pub const STANDARD_COUNT: u32 = STANDARD.len() as u32;

    /// Parses a method token; the same as [`str::parse`].
    pub const fn new(name: &str) -> Result<Method, InvalidMethod> {
        let bytes = name.as_bytes();
        if bytes.is_empty() {
            return Err(InvalidMethod::Empty);
        }
        let mut i = 0;
        while i < STANDARD.len() {
            if eq_bytes(bytes, STANDARD[i].as_bytes()) {
                return Ok(Method(Repr::Standard(i as u8)));
            }
            i += 1;
        }
        if bytes.len() > MAX_EXTENSION_LEN {
            return Err(InvalidMethod::TooLong);
        }
        let mut stored = [0u8; MAX_EXTENSION_LEN];
        let mut i = 0;
        while i < bytes.len() {
            if !is_token_byte(bytes[i]) {
                return Err(InvalidMethod::InvalidByte);
            }
            stored[i] = bytes[i];
            i += 1;
        }
        Ok(Method(Repr::Extension {
            len: bytes.len() as u8,
            bytes: stored,
        }))
    }

    /// Builds a method from a name known at compile time; used for extension methods in `static`s.
    ///
    /// # Panics
    /// If `name` is not a valid method token (at compile time when used in a `const`).
    pub const fn from_static(name: &'static str) -> Method {
        match Method::new(name) {
            Ok(method) => method,
            Err(_) => panic!("invalid method name"),
        }
    }

    /// The method's name, as it appears in a request line.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Standard(index) => STANDARD[*index as usize],
            Repr::Extension { len, bytes } => {
                // Only token bytes (ASCII) are ever stored, so this cannot fail.
                core::str::from_utf8(&bytes[..*len as usize]).unwrap_or("")
            }
        }
    }

    /// Whether this is one of the nine standard methods.
    pub const fn is_standard(&self) -> bool {
        matches!(self.0, Repr::Standard(_))
    }

    /// The bit of this method in a router's method mask: bits 0..9 are the standard methods in
    /// the order of the constants above, bit `9 + i` is `extensions[i]`. An extension method the
    /// router does not know has no bit (0), so only routes that accept any method match it.
    #[doc(hidden)]
    #[inline]
    pub fn __mask_bit(&self, extensions: &[Method]) -> u64 {
        match self.0 {
            Repr::Standard(index) => 1 << index,
            Repr::Extension { .. } => match extensions.iter().position(|known| known == self) {
                Some(position) => 1 << (Self::STANDARD_COUNT as usize + position),
                None => 0,
            },
        }
    }
}

const fn eq_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `tchar` of RFC 9110: `!#$%&'*+-.^_`|~`, digits and letters.
const fn is_token_byte(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`'
        | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

impl FromStr for Method {
    type Err = InvalidMethod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::new(s)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "http")]
impl TryFrom<&http::Method> for Method {
    type Error = InvalidMethod;

    /// Converts an `http::Method`. Fails only for an extension method longer than 22 bytes, which
    /// no route can name; answer such a request with `501 Not Implemented`.
    fn try_from(method: &http::Method) -> Result<Self, Self::Error> {
        Method::new(method.as_str())
    }
}

#[cfg(feature = "http")]
impl TryFrom<http::Method> for Method {
    type Error = InvalidMethod;

    fn try_from(method: http::Method) -> Result<Self, Self::Error> {
        Method::new(method.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_methods_round_trip() {
        for (index, name) in STANDARD.iter().enumerate() {
            let method: Method = name.parse().unwrap();
            assert!(method.is_standard());
            assert_eq!(method.as_str(), *name);
            assert_eq!(method.__mask_bit(&[]), 1 << index);
        }
        assert_eq!(Method::PATCH.as_str(), "PATCH");
    }

    #[test]
    fn extension_methods() {
        let purge = Method::from_static("PURGE");
        assert_eq!(purge.as_str(), "PURGE");
        assert!(!purge.is_standard());
        let known = [Method::from_static("LINK"), purge];
        assert_eq!(purge.__mask_bit(&known), 1 << 10);
        assert_eq!(Method::from_static("OTHER").__mask_bit(&known), 0);
        assert_eq!("get".parse::<Method>().unwrap().as_str(), "get");
    }

    #[test]
    fn invalid_methods() {
        assert_eq!(Method::new(""), Err(InvalidMethod::Empty));
        assert_eq!(Method::new("GE T"), Err(InvalidMethod::InvalidByte));
        assert_eq!(Method::new("Ä"), Err(InvalidMethod::InvalidByte));
        assert_eq!(
            Method::new("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            Err(InvalidMethod::TooLong)
        );
        assert!(Method::new("ABCDEFGHIJKLMNOPQRSTUV").is_ok());
    }

    #[cfg(feature = "http")]
    #[test]
    fn from_http() {
        assert_eq!(Method::try_from(&http::Method::DELETE), Ok(Method::DELETE));
        let ext = http::Method::from_bytes(b"PURGE").unwrap();
        assert_eq!(Method::try_from(ext).unwrap().as_str(), "PURGE");
    }
}
