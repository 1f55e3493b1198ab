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
