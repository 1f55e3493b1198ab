//! Percent-encoding of parameter values for reverse routing, written straight into a formatter.

use core::fmt;

/// Writes a value for a `{param}` segment: every byte outside RFC 3986's `pchar` set, and `/`
/// and `%`, is percent-encoded, so the value stays one segment.
///
/// ```
/// assert_eq!(routegen::SegmentEncoded("a b/c").to_string(), "a%20b%2Fc");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SegmentEncoded<'a>(pub &'a str);

/// Writes a value for a `{*catch_all}` parameter: like [`SegmentEncoded`] but `/` is kept.
///
/// ```
/// assert_eq!(routegen::CatchAllEncoded("docs/a b.md").to_string(), "docs/a%20b.md");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CatchAllEncoded<'a>(pub &'a str);

impl fmt::Display for SegmentEncoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        encode(self.0, false, f)
    }
}

impl fmt::Display for CatchAllEncoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        encode(self.0, true, f)
    }
}

/// Reverse routing from a route's pattern (as its `RouteInfo::pattern` shows it): writes the
/// text, `{{` and `}}` as single braces, and each `{param}` / `{*catch_all}` as the next of
/// `params`' values, percent-encoded when `encode` (HTTP paths) and as they are otherwise
/// (topics, channels). Walking the pattern at run time keeps the generated `Display` one line
/// whatever the number of routes: a `match` with an arm per route made rustc slow at 10,000.
pub fn write_pattern(
    f: &mut fmt::Formatter<'_>,
    pattern: &str,
    params: &[(&str, &str)],
    encode: bool,
) -> fmt::Result {
    let mut values = params.iter().map(|&(_, value)| value);
    let mut rest = pattern;
    while let Some(brace) = rest.find(['{', '}']) {
        f.write_str(&rest[..brace])?;
        let (from_brace, doubled) = (&rest[brace..], rest[brace + 1..].chars().next());
        let opening = from_brace.starts_with('{');
        if doubled == Some(if opening { '{' } else { '}' }) {
            // `{{` or `}}`: an escaped brace.
            f.write_str(&from_brace[..1])?;
            rest = &from_brace[2..];
            continue;
        }
        if !opening {
            // A lone `}` does not pass validation; written as it is if it ever reaches here.
            f.write_str("}")?;
            rest = &from_brace[1..];
            continue;
        }
        let close = from_brace.find('}').map_or(from_brace.len(), |i| i + 1);
        let value = values.next().unwrap_or_default();
        match (encode, from_brace.starts_with("{*")) {
            (false, _) => f.write_str(value)?,
            (true, false) => fmt::Display::fmt(&SegmentEncoded(value), f)?,
            (true, true) => fmt::Display::fmt(&CatchAllEncoded(value), f)?,
        }
        rest = &from_brace[close..];
    }
    f.write_str(rest)
}

/// `pchar` minus `%`: unreserved, sub-delims, `:` and `@`.
fn is_plain(byte: u8) -> bool {
    matches!(byte,
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~'
        | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
        | b':' | b'@')
}

fn encode(value: &str, keep_slash: bool, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    let mut plain_from = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if is_plain(byte) || (keep_slash && byte == b'/') {
            continue;
        }
        // A run of plain (ASCII) bytes ends where an escaped byte starts: an ASCII byte or a
        // UTF-8 lead byte, never a continuation byte, so both ends are char boundaries.
        if plain_from < i {
            f.write_str(&value[plain_from..i])?;
        }
        let escaped = [b'%', HEX[(byte >> 4) as usize], HEX[(byte & 0xF) as usize]];
        f.write_str(core::str::from_utf8(&escaped).map_err(|_| fmt::Error)?)?;
        plain_from = i + 1;
    }
    f.write_str(&value[plain_from..])
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::{String, ToString};

    use super::*;

    struct Pattern<'a>(&'a str, &'a [(&'a str, &'a str)], bool);

    impl fmt::Display for Pattern<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_pattern(f, self.0, self.1, self.2)
        }
    }

    fn write(pattern: &str, values: &[&str], encode: bool) -> String {
        let params: std::vec::Vec<(&str, &str)> = values.iter().map(|v| ("p", *v)).collect();
        Pattern(pattern, &params, encode).to_string()
    }

    #[test]
    fn pattern_params_are_replaced_in_order() {
        assert_eq!(write("/", &[], true), "/");
        assert_eq!(write("/users/{id}", &["7"], true), "/users/7");
        assert_eq!(write("/r/{a}/{b}/x", &["o", "n"], true), "/r/o/n/x");
        assert_eq!(write("/img-{id}.png", &["a b"], true), "/img-a%20b.png");
        assert_eq!(write("/f/{id}", &["a/b"], true), "/f/a%2Fb");
        assert_eq!(write("/f/{*rest}", &["a/b c"], true), "/f/a/b%20c");
        assert_eq!(
            write("d/{id}/t/{*rest}", &["a b", "x/y"], false),
            "d/a b/t/x/y"
        );
    }

    #[test]
    fn doubled_braces_are_literal_braces() {
        assert_eq!(write("/literal/{{x}}", &[], true), "/literal/{x}");
        assert_eq!(write("/{{{id}}}", &["7"], true), "/{7}");
        assert_eq!(write("/a}}b/{id}", &["é"], true), "/a}b/%C3%A9");
    }
}
