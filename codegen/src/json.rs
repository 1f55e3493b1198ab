//! A strict JSON parser (RFC 8259) that remembers where everything is.
//!
//! Route files may be written in JSON, and every problem in a route file is reported the way
//! rustc reports one: `file:line:col`, the line, a label under the offending text. That needs the
//! byte range of every value and of every object key. serde_json keeps none (its `Value` has no
//! spans, its errors only a line and column), so this module parses JSON itself: std only, and
//! strict, so that a file accepted here is accepted by every other JSON tool.
//!
//! Route files are input like any other: the parser never panics, never slices inside a UTF-8
//! character, and bounds nesting at [`MAX_DEPTH`], so a megabyte of `[` is an error rather than
//! a stack overflow.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

/// The deepest nesting of arrays and objects accepted: far beyond what a route file needs, and
/// it keeps the recursion of the parser (and of any walk over its output) shallow whatever the
/// input.
pub(crate) const MAX_DEPTH: usize = 128;

/// A parsed JSON value and the byte range it occupies in the text (strings: quotes included).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Json {
    /// The value.
    pub value: JsonValue,
    /// Byte offsets in the text given to [`parse`] (a leading BOM counts), quotes included for
    /// strings.
    pub span: Range<usize>,
}

/// The value of a [`Json`]. Integers are kept apart from floats so that a caller can require
/// an integer (a QoS level) and say which type it found instead.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number with no fraction and no exponent that fits an `i64` (`-0` is `0`).
    Integer(i64),
    /// Any other number. An integer too large for `i64` loses precision rather than failing,
    /// and a number beyond `f64` becomes an infinity: range is the caller's business.
    Float(f64),
    /// A string, escapes decoded.
    String(String),
    /// The elements of an array, in order.
    Array(Vec<Json>),
    /// The members of an object, in document order; the keys are unique (a duplicate is an
    /// error).
    Object(Vec<(JsonKey, Json)>),
}

#[cfg(test)]
impl JsonValue {
    /// The name of the value's type, for messages such as "expected a string, found an array".
    pub(crate) fn type_str(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "boolean",
            JsonValue::Integer(_) => "integer",
            JsonValue::Float(_) => "float",
            JsonValue::String(_) => "string",
            JsonValue::Array(_) => "array",
            JsonValue::Object(_) => "object",
        }
    }
}

/// An object key and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonKey {
    /// The key, escapes decoded.
    pub text: String,
    /// Byte offsets in the text, quotes included.
    pub span: Range<usize>,
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonError {
    /// The offending characters; an empty span at the end of the text when the input ended
    /// early. Always on character boundaries, and never across a line break.
    pub span: Range<usize>,
    /// Short, lower-case, rustc style, without the location.
    pub message: String,
    /// For a duplicate key, the first occurrence (`span` is the second); `None` otherwise.
    pub first: Option<Range<usize>>,
}

impl JsonError {
    fn new(span: Range<usize>, message: impl Into<String>) -> JsonError {
        JsonError {
            span,
            message: message.into(),
            first: None,
        }
    }
}

/// Parses one JSON document: a value with only whitespace around it, optionally preceded by a
/// UTF-8 byte order mark (which some Windows editors write).
pub(crate) fn parse(text: &str) -> Result<Json, JsonError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
    };
    let json = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < text.len() {
        return Err(parser.unexpected("trailing characters after the value"));
    }
    Ok(json)
}

/// A recursive-descent parser over the bytes of the text. The bytes of non-ASCII characters are
/// only ever stepped over: the parser slices `text` and reports errors at ASCII bytes or whole
/// characters only, so it never cuts a character in two.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// RFC 8259 whitespace only: no form feeds, no Unicode spaces, no comments.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The span of the character at `at`, or an empty span at the end of the text: a label
    /// under a whole character, never half of one.
    fn char_span(&self, at: usize) -> Range<usize> {
        let len = self
            .text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        at..at + len
    }

    /// The span from `from` through the character at `at`, which is left out when it is
    /// invisible (a control character, or the end of the text) so that a label never runs
    /// onto the next line.
    fn through(&self, from: usize, at: usize) -> Range<usize> {
        match self.bytes.get(at) {
            Some(&byte) if byte >= 0x20 => from..self.char_span(at).end,
            _ => from..at,
        }
    }

    /// An error at the cursor, which is not what `expected` says should be there. Comments get
    /// a message of their own: they are the most common reason a hand-written file is not JSON.
    fn unexpected(&self, expected: &str) -> JsonError {
        let rest = self.rest();
        if rest.starts_with(b"//") || rest.starts_with(b"/*") {
            return JsonError::new(self.pos..self.pos + 2, "comments are not allowed in JSON");
        }
        JsonError::new(self.char_span(self.pos), expected)
    }

    /// Parses the value after optional whitespace; `depth` counts the enclosing arrays and
    /// objects.
    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.skip_whitespace();
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonValue::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b'\'') => return Err(single_quote(start)),
            Some(byte) if byte.is_ascii_alphabetic() => self.literal()?,
            _ => return Err(self.unexpected("expected a value")),
        };
        Ok(Json {
            value,
            span: start..self.pos,
        })
    }

    /// `true`, `false` or `null`. The whole word is read first so that `True`, `nul` or `NaN`
    /// is labelled as one token rather than at its first wrong letter.
    fn literal(&mut self) -> Result<JsonValue, JsonError> {
        let start = self.pos;
        let len = self
            .rest()
            .iter()
            .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'_')
            .count();
        let value = match &self.bytes[start..start + len] {
            b"true" => JsonValue::Bool(true),
            b"false" => JsonValue::Bool(false),
            b"null" => JsonValue::Null,
            _ => return Err(JsonError::new(start..start + len, "expected a value")),
        };
        self.pos += len;
        Ok(value)
    }

    /// Steps over the `[` or `{` at the cursor, unless it would nest too deep.
    fn open(&mut self, depth: usize) -> Result<(), JsonError> {
        if depth >= MAX_DEPTH {
            return Err(JsonError::new(
                self.pos..self.pos + 1,
                format!("nesting deeper than {MAX_DEPTH} arrays and objects"),
            ));
        }
        self.pos += 1;
        Ok(())
    }

    /// Steps over the `,` at the cursor. A `close` right after it is a trailing comma, which
    /// JavaScript and many editors allow; it gets its own message, at the comma.
    fn comma(&mut self, close: u8) -> Result<(), JsonError> {
        let comma = self.pos;
        self.pos += 1;
        self.skip_whitespace();
        if self.peek() == Some(close) {
            return Err(JsonError::new(
                comma..comma + 1,
                "trailing commas are not allowed in JSON",
            ));
        }
        Ok(())
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.open(depth)?;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b']')?,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => return Err(self.unexpected("expected `,` or `]` after an array element")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.open(depth)?;
        let mut members: Vec<(JsonKey, Json)> = Vec::new();
        // Key text -> its span, so duplicates cost one lookup each, not a scan of the object.
        let mut seen: HashMap<String, Range<usize>> = HashMap::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            let expected = if members.is_empty() {
                "expected a string key or `}`"
            } else {
                "expected a string key"
            };
            let key = self.key(expected)?;
            // Checked before the value is parsed, so that the first error in the document is
            // the one reported.
            match seen.entry(key.text.clone()) {
                Entry::Occupied(first) => {
                    return Err(JsonError {
                        span: key.span,
                        message: format!("duplicate key `{}`", printable(&key.text)),
                        first: Some(first.get().clone()),
                    });
                }
                Entry::Vacant(slot) => {
                    slot.insert(key.span.clone());
                }
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("expected `:` after an object key"));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b'}')?,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonValue::Object(members));
                }
                _ => return Err(self.unexpected("expected `,` or `}` after an object member")),
            }
        }
    }

    fn key(&mut self, expected: &str) -> Result<JsonKey, JsonError> {
        self.skip_whitespace();
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {
                let text = self.string()?;
                Ok(JsonKey {
                    text,
                    span: start..self.pos,
                })
            }
            Some(b'\'') => Err(single_quote(start)),
            _ => Err(self.unexpected(expected)),
        }
    }

    /// Parses the string whose `"` is at the cursor and returns its decoded text.
    fn string(&mut self) -> Result<String, JsonError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        // Text without escapes is copied a run at a time. Runs start and end at ASCII bytes
        // (a quote, a backslash), so slicing there never cuts a character.
        let mut run = self.pos;
        loop {
            match self.peek() {
                Some(b'"') => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run..self.pos]);
                    self.escape(open, &mut out)?;
                    run = self.pos;
                }
                // A raw line break in a string is almost always a missing closing quote. The
                // label runs from the opening quote to the break (or the end): the part of the
                // string on its line, which is where the quote is missing.
                None | Some(b'\n' | b'\r') => {
                    return Err(JsonError::new(open..self.pos, "unterminated string"));
                }
                Some(byte @ 0..0x20) => {
                    return Err(JsonError::new(
                        self.pos..self.pos + 1,
                        format!("control character U+{byte:04X} must be escaped in a string"),
                    ));
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Decodes the escape whose `\` is at the cursor into `out`; `open` is the string's quote.
    fn escape(&mut self, open: usize, out: &mut String) -> Result<(), JsonError> {
        let backslash = self.pos;
        let decoded = match self.bytes.get(backslash + 1) {
            None => return Err(JsonError::new(open..self.text.len(), "unterminated string")),
            Some(b'u') => return self.unicode_escape(out),
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(_) => {
                let after = self.char_span(backslash + 1);
                let shown = self.text.get(after.clone()).unwrap_or_default();
                // An invisible character (a line break, say) is not quoted in the message, and
                // the label stays on the backslash's line.
                return Err(if shown.chars().any(char::is_control) {
                    JsonError::new(backslash..backslash + 1, "invalid escape")
                } else {
                    JsonError::new(backslash..after.end, format!("invalid escape `\\{shown}`"))
                });
            }
        };
        out.push(decoded);
        self.pos = backslash + 2;
        Ok(())
    }

    /// Decodes the `\uXXXX` at the cursor; a UTF-16 high surrogate must be followed by a
    /// `\uXXXX` low surrogate, and the pair is one character.
    fn unicode_escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let high_at = self.pos;
        let high = self.hex_escape()?;
        let code = match high {
            0xD800..=0xDBFF if self.rest().starts_with(b"\\u") => {
                let low = self.hex_escape()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.unpaired(high_at));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xD800..=0xDFFF => return Err(self.unpaired(high_at)),
            _ => high,
        };
        // Cannot fail: surrogates, the only invalid code points below 0x110000, are rejected
        // above.
        out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
        Ok(())
    }

    /// Reads the `\uXXXX` at the cursor and returns its code unit.
    fn hex_escape(&mut self) -> Result<u32, JsonError> {
        let backslash = self.pos;
        let mut unit = 0;
        for at in backslash + 2..backslash + 6 {
            let digit = self
                .bytes
                .get(at)
                .and_then(|&byte| char::from(byte).to_digit(16));
            let Some(digit) = digit else {
                return Err(JsonError::new(
                    self.through(backslash, at),
                    "expected 4 hex digits after `\\u`",
                ));
            };
            unit = unit * 16 + digit;
        }
        self.pos = backslash + 6;
        Ok(unit)
    }

    /// The error for a surrogate escape at `at` that is not half of a pair: it has no
    /// character to decode to.
    fn unpaired(&self, at: usize) -> JsonError {
        let escape = self.text.get(at..at + 6).unwrap_or_default();
        JsonError::new(at..at + 6, format!("unpaired surrogate `{escape}`"))
    }

    /// Parses the number at the cursor (a `-` or a digit).
    fn number(&mut self) -> Result<JsonValue, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                    self.skip_digits();
                    return Err(JsonError::new(
                        start..self.pos,
                        "leading zeros are not allowed",
                    ));
                }
            }
            Some(b'1'..=b'9') => self.skip_digits(),
            _ => return Err(self.malformed(start, "expected a digit after `-`")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integer = false;
            self.digits(start, "expected a digit after the decimal point")?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits(start, "expected a digit in the exponent")?;
        }
        let number = &self.text[start..self.pos];
        if integer && let Ok(value) = number.parse::<i64>() {
            return Ok(JsonValue::Integer(value));
        }
        // The grammar above is a subset of what `f64::from_str` accepts, so this cannot fail;
        // out-of-range numbers round (to an infinity at worst) rather than fail.
        number
            .parse::<f64>()
            .map(JsonValue::Float)
            .map_err(|_| JsonError::new(start..self.pos, "invalid number"))
    }

    /// The error for a number starting at `start` that cannot go on at the cursor. The label
    /// takes in the number so far: `1.` at the end of a line shows where the digit is missing.
    fn malformed(&self, start: usize, expected: &str) -> JsonError {
        JsonError::new(self.through(start, self.pos), expected)
    }

    fn skip_digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// One or more digits, or the error `expected` for the number starting at `start`.
    fn digits(&mut self, start: usize, expected: &str) -> Result<(), JsonError> {
        if !self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            return Err(self.malformed(start, expected));
        }
        self.skip_digits();
        Ok(())
    }
}

/// The error for a `'` where a string may start: single-quoted strings are JavaScript, not JSON.
fn single_quote(at: usize) -> JsonError {
    JsonError::new(at..at + 1, "strings must use double quotes")
}

/// `text` with control characters escaped, so that a key quoted in a message stays on one line.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Json {
        parse(text).unwrap_or_else(|error| panic!("{text:?}: {error:?}"))
    }

    fn value(text: &str) -> JsonValue {
        ok(text).value
    }

    fn string(text: &str) -> JsonValue {
        JsonValue::String(text.to_owned())
    }

    /// Asserts that `text` fails with `message` at exactly `span`.
    #[track_caller]
    fn assert_error(text: &str, message: &str, span: Range<usize>) {
        match parse(text) {
            Ok(json) => panic!("{text:?} parsed as {json:?}"),
            Err(error) => {
                assert_eq!(
                    (error.message.as_str(), error.span),
                    (message, span),
                    "{text:?}"
                );
                assert_eq!(error.first, None, "{text:?}");
            }
        }
    }

    #[test]
    fn literals() {
        assert_eq!(value("null"), JsonValue::Null);
        assert_eq!(value("true"), JsonValue::Bool(true));
        assert_eq!(value("false"), JsonValue::Bool(false));
    }

    #[test]
    fn numbers() {
        assert_eq!(value("0"), JsonValue::Integer(0));
        assert_eq!(value("-0"), JsonValue::Integer(0));
        assert_eq!(value("42"), JsonValue::Integer(42));
        assert_eq!(value("-17"), JsonValue::Integer(-17));
        assert_eq!(value("9223372036854775807"), JsonValue::Integer(i64::MAX));
        assert_eq!(value("-9223372036854775808"), JsonValue::Integer(i64::MIN));
        // Too big for i64: a float, not an error.
        assert_eq!(
            value("9223372036854775808"),
            JsonValue::Float(9.223372036854776e18)
        );
        assert_eq!(value("-1e400"), JsonValue::Float(f64::NEG_INFINITY));
        assert_eq!(value("1.5"), JsonValue::Float(1.5));
        assert_eq!(value("-0.25"), JsonValue::Float(-0.25));
        assert_eq!(value("1.0"), JsonValue::Float(1.0));
        assert_eq!(value("1e3"), JsonValue::Float(1000.0));
        assert_eq!(value("2E-2"), JsonValue::Float(0.02));
        assert_eq!(value("0e+1"), JsonValue::Float(0.0));
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(value(r#""""#), string(""));
        assert_eq!(value(r#""plain /users/{id}""#), string("plain /users/{id}"));
        assert_eq!(
            value(r#""\" \\ \/ \b \f \n \r \t""#),
            string("\" \\ / \u{8} \u{c} \n \r \t")
        );
        assert_eq!(value(r#""\u00e9\u00E9 \u0000""#), string("éé \0"));
        assert_eq!(value("\"é😀 raw\u{7f}\""), string("é😀 raw\u{7f}"));
        // Surrogate pairs are one character.
        assert_eq!(value(r#""\ud83d\ude00!""#), string("😀!"));
        assert_eq!(value(r#""\uDBFF\uDFFF""#), string("\u{10ffff}"));
    }

    #[test]
    fn arrays_and_objects_keep_document_order() {
        let JsonValue::Array(items) = value("[1, \"a\", [], {}, null]") else {
            panic!("not an array");
        };
        let types: Vec<_> = items.iter().map(|item| item.value.type_str()).collect();
        assert_eq!(types, ["integer", "string", "array", "object", "null"]);

        let JsonValue::Object(members) = value(r#"{"z": 1, "a": 2, "m": {"k": true}}"#) else {
            panic!("not an object");
        };
        let keys: Vec<_> = members.iter().map(|(key, _)| key.text.as_str()).collect();
        assert_eq!(keys, ["z", "a", "m"]);
    }

    #[test]
    fn whitespace_and_bom() {
        let json = ok(" \t\r\n [ 1 ,\n2 ] \n");
        assert_eq!(json.span, 5..14);
        // The BOM is skipped, and spans still count its three bytes.
        let json = ok("\u{feff}{\"a\": 1}");
        assert_eq!(json.span, 3..11);
        let JsonValue::Object(members) = json.value else {
            panic!("not an object");
        };
        assert_eq!(members[0].0.span, 4..7);
    }

    #[test]
    fn spans_of_keys_and_nested_values() {
        let text = "{\"routes\": [\n  {\"clé\": \"/a\", \"n\": -1.5e3}\n]}";
        let json = ok(text);
        assert_eq!(json.span, 0..text.len());
        let JsonValue::Object(members) = &json.value else {
            panic!("not an object");
        };
        let (routes_key, routes) = &members[0];
        assert_eq!(routes_key.span, 1..9);
        assert_eq!(&text[routes_key.span.clone()], "\"routes\"");
        assert_eq!(routes.span, 11..44);
        let JsonValue::Array(items) = &routes.value else {
            panic!("not an array");
        };
        assert_eq!(items[0].span, 15..42);
        let JsonValue::Object(route) = &items[0].value else {
            panic!("not an object");
        };
        // A key with a two-byte character: spans are bytes, quotes included.
        assert_eq!(route[0].0.text, "clé");
        assert_eq!(route[0].0.span, 16..22);
        assert_eq!(route[0].1.span, 24..28);
        assert_eq!(&text[route[0].1.span.clone()], "\"/a\"");
        assert_eq!(route[1].0.span, 30..33);
        assert_eq!(route[1].1.span, 35..41);
        assert_eq!(&text[route[1].1.span.clone()], "-1.5e3");
    }

    #[test]
    fn type_names() {
        let names: Vec<_> = ["null", "false", "1", "1.0", "\"\"", "[]", "{}"]
            .iter()
            .map(|text| value(text).type_str())
            .collect();
        assert_eq!(
            names,
            [
                "null", "boolean", "integer", "float", "string", "array", "object"
            ]
        );
    }

    #[test]
    fn value_errors() {
        assert_error("", "expected a value", 0..0);
        assert_error(" \n", "expected a value", 2..2);
        assert_error("\u{feff}", "expected a value", 3..3);
        assert_error("[1, }", "expected a value", 4..5);
        assert_error("{\"a\": }", "expected a value", 6..7);
        assert_error("True", "expected a value", 0..4);
        assert_error("[nul]", "expected a value", 1..4);
        assert_error("NaN", "expected a value", 0..3);
        assert_error("[Infinity]", "expected a value", 1..9);
        assert_error("+1", "expected a value", 0..1);
        assert_error(".5", "expected a value", 0..1);
        assert_error("é", "expected a value", 0..2);
        // A BOM anywhere but first is not whitespace.
        assert_error(" \u{feff}1", "expected a value", 1..4);
        assert_error("\u{c}1", "expected a value", 0..1);
        assert_error("['a']", "strings must use double quotes", 1..2);
        assert_error("{'a': 1}", "strings must use double quotes", 1..2);
    }

    #[test]
    fn structure_errors() {
        assert_error("[1 2]", "expected `,` or `]` after an array element", 3..4);
        assert_error("[1", "expected `,` or `]` after an array element", 2..2);
        assert_error("[", "expected a value", 1..1);
        assert_error("{", "expected a string key or `}`", 1..1);
        assert_error("{1: 2}", "expected a string key or `}`", 1..2);
        assert_error("{\"a\": 1, b: 2}", "expected a string key", 9..10);
        assert_error("{\"a\" 1}", "expected `:` after an object key", 5..6);
        assert_error(
            "{\"a\": 1 \"b\": 2}",
            "expected `,` or `}` after an object member",
            8..9,
        );
        assert_error(
            "{\"a\": 1]",
            "expected `,` or `}` after an object member",
            7..8,
        );
        assert_error("[1,]", "trailing commas are not allowed in JSON", 2..3);
        assert_error(
            "{\"a\": 1 ,\n}",
            "trailing commas are not allowed in JSON",
            8..9,
        );
        assert_error("1 2", "trailing characters after the value", 2..3);
        assert_error("{} }", "trailing characters after the value", 3..4);
        assert_error("truex", "expected a value", 0..5);
        assert_error("[1] // routes", "comments are not allowed in JSON", 4..6);
        assert_error("{/* x */}", "comments are not allowed in JSON", 1..3);
        assert_error("[1, // x\n2]", "comments are not allowed in JSON", 4..6);
    }

    #[test]
    fn number_errors() {
        assert_error("01", "leading zeros are not allowed", 0..2);
        assert_error("[-007]", "leading zeros are not allowed", 1..5);
        assert_error("-", "expected a digit after `-`", 0..1);
        assert_error("-x", "expected a digit after `-`", 0..2);
        assert_error("[-\n1]", "expected a digit after `-`", 1..2);
        assert_error("1.", "expected a digit after the decimal point", 0..2);
        assert_error("[1.e3]", "expected a digit after the decimal point", 1..4);
        assert_error("1e", "expected a digit in the exponent", 0..2);
        assert_error("1e+", "expected a digit in the exponent", 0..3);
        assert_error("[1E-x]", "expected a digit in the exponent", 1..5);
        assert_error("[1e\t2]", "expected a digit in the exponent", 1..3);
        assert_error("0x10", "trailing characters after the value", 1..2);
    }

    #[test]
    fn string_errors() {
        assert_error("\"abc", "unterminated string", 0..4);
        assert_error("[\"a\\", "unterminated string", 1..4);
        assert_error("{\"a\": \"b\n}", "unterminated string", 6..8);
        assert_error("\"a\rb\"", "unterminated string", 0..2);
        assert_error(
            "\"a\tb\"",
            "control character U+0009 must be escaped in a string",
            2..3,
        );
        assert_error(
            "\"\u{0}\"",
            "control character U+0000 must be escaped in a string",
            1..2,
        );
        assert_error(r#""\q""#, "invalid escape `\\q`", 1..3);
        assert_error(r#""\x41""#, "invalid escape `\\x`", 1..3);
        assert_error("\"\\é\"", "invalid escape `\\é`", 1..4);
        assert_error("\"\\\n\"", "invalid escape", 1..2);
        assert_error(r#""\u12G4""#, "expected 4 hex digits after `\\u`", 1..6);
        assert_error(r#""\u12""#, "expected 4 hex digits after `\\u`", 1..6);
        assert_error("\"\\u1", "expected 4 hex digits after `\\u`", 1..4);
        assert_error(r#""\ud800""#, "unpaired surrogate `\\ud800`", 1..7);
        assert_error(r#""\ud800x""#, "unpaired surrogate `\\ud800`", 1..7);
        assert_error(r#""\uD800\u0041""#, "unpaired surrogate `\\uD800`", 1..7);
        assert_error(r#""\ud800\ud800""#, "unpaired surrogate `\\ud800`", 1..7);
        assert_error(r#""a\uDC00""#, "unpaired surrogate `\\uDC00`", 2..8);
        assert_error(
            r#""\ud800\u12""#,
            "expected 4 hex digits after `\\u`",
            7..12,
        );
    }

    #[test]
    fn depth_limit() {
        let nested = |depth: usize| "[".repeat(depth) + &"]".repeat(depth);
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        assert_error(
            &nested(MAX_DEPTH + 1),
            "nesting deeper than 128 arrays and objects",
            128..129,
        );
        // Objects count the same as arrays.
        let mixed = |depth: usize| "{\"a\":[".repeat(depth / 2) + "1" + &"]}".repeat(depth / 2);
        assert!(parse(&mixed(MAX_DEPTH)).is_ok());
        let text = mixed(MAX_DEPTH + 2);
        assert_error(
            &text,
            "nesting deeper than 128 arrays and objects",
            6 * 64..6 * 64 + 1,
        );
    }

    #[test]
    fn a_megabyte_of_brackets_is_an_error_not_a_stack_overflow() {
        for unit in ["[", "{\"a\":", "[{\"\":"] {
            let text = unit.repeat((1 << 20) / unit.len());
            let error = parse(&text).unwrap_err();
            assert_eq!(error.message, "nesting deeper than 128 arrays and objects");
        }
    }

    #[test]
    fn duplicate_keys() {
        let text = r#"{"name": 1, "x": {"name": 2}, "name": 3}"#;
        let error = parse(text).unwrap_err();
        assert_eq!(error.message, "duplicate key `name`");
        assert_eq!(error.span, 30..36);
        assert_eq!(error.first, Some(1..7));
        // Keys are compared after decoding escapes.
        let error = parse(r#"{"a": 1, "\u0061": 2}"#).unwrap_err();
        assert_eq!((error.span, error.first), (9..17, Some(1..4)));
        // A control character in the key does not break the message's line.
        let error = parse(r#"{"a\nb": 1, "a\nb": 2}"#).unwrap_err();
        assert_eq!(error.message, "duplicate key `a\\nb`");
        // Reported before a later syntax error: the first error in the document wins.
        let error = parse(r#"{"a": 1, "a": [}"#).unwrap_err();
        assert_eq!(error.message, "duplicate key `a`");
        // Same key in different objects, or as a value, is fine.
        assert!(parse(r#"[{"a": "a"}, {"a": {"a": 1}}]"#).is_ok());
    }

    /// A xorshift64 generator: deterministic, and no dependency for a test.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Adds `offset` to every span, to compare a value parsed alone with the same value parsed
    /// inside a document.
    fn shifted(json: &Json, offset: usize) -> Json {
        let value = match &json.value {
            JsonValue::Array(items) => {
                JsonValue::Array(items.iter().map(|item| shifted(item, offset)).collect())
            }
            JsonValue::Object(members) => JsonValue::Object(
                members
                    .iter()
                    .map(|(key, value)| {
                        let key = JsonKey {
                            text: key.text.clone(),
                            span: key.span.start + offset..key.span.end + offset,
                        };
                        (key, shifted(value, offset))
                    })
                    .collect(),
            ),
            other => other.clone(),
        };
        Json {
            value,
            span: json.span.start + offset..json.span.end + offset,
        }
    }

    /// Checks that every span of `json` lies inside its parent's, in document order, and that
    /// the text of every span parses on its own to the same value.
    fn check_spans(text: &str, json: &Json) {
        let alone = parse(&text[json.span.clone()])
            .unwrap_or_else(|error| panic!("{text:?} at {:?}: {error:?}", json.span));
        assert_eq!(&shifted(&alone, json.span.start), json, "{text:?}");
        let mut last = json.span.start;
        let mut inside = |span: &Range<usize>| {
            assert!(
                last < span.start && span.end < json.span.end,
                "{text:?}: {span:?}"
            );
            last = span.end;
        };
        match &json.value {
            JsonValue::Array(items) => {
                for item in items {
                    inside(&item.span);
                    check_spans(text, item);
                }
            }
            JsonValue::Object(members) => {
                for (key, value) in members {
                    inside(&key.span);
                    inside(&value.span);
                    assert_eq!(
                        parse(&text[key.span.clone()]).map(|key| key.value),
                        Ok(JsonValue::String(key.text.clone()))
                    );
                    check_spans(text, value);
                }
            }
            _ => {}
        }
    }

    /// Parses `text` and checks the result against what the input allows; returns whether it
    /// parsed.
    fn check(text: &str) -> bool {
        let result = parse(text);
        assert_eq!(parse(text), result, "not deterministic: {text:?}");
        match result {
            Ok(json) => {
                let whitespace = [' ', '\t', '\n', '\r'];
                let body = text.strip_prefix('\u{feff}').unwrap_or(text);
                let start = text.len() - body.trim_start_matches(whitespace).len();
                let end = body.trim_end_matches(whitespace).len() + (text.len() - body.len());
                assert_eq!(json.span, start..end, "{text:?}");
                check_spans(text, &json);
                true
            }
            Err(error) => {
                let span = &error.span;
                assert!(
                    span.start <= span.end && span.end <= text.len(),
                    "{text:?}: {error:?}"
                );
                assert!(
                    text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                    "{text:?}: {error:?}"
                );
                assert!(
                    !span.is_empty() || span.start == text.len(),
                    "{text:?}: {error:?}"
                );
                assert!(!text[span.clone()].contains('\n'), "{text:?}: {error:?}");
                assert!(
                    error.message.starts_with(|c: char| c.is_ascii_lowercase()),
                    "{error:?}"
                );
                assert_eq!(
                    error.first.is_some(),
                    error.message.starts_with("duplicate key")
                );
                false
            }
        }
    }

    #[test]
    fn mutated_documents_never_panic() {
        let seeds = [
            r#"{"routes": [{"path": "/users/{id}", "methods": ["GET", "PUT"], "limit": 10, "weight": 0.5}]}"#,
            r#"[null, true, false, -0, 12e3, -1.5E-2, 123456789012345678901234567890, "\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00", {}, []]"#,
            "\u{feff} {\"clé\": \"vàlue 😀\", \"n\": {\"m\": [[[ ]]], \"o\": {}}}\r\n",
            r#"{"a": 1, "b": {"a": 2}, "c": "\u0041", "d": [0.5, -7]}"#,
        ];
        // Bytes that make or break JSON more often than random ones do, and bytes that start or
        // continue multi-byte characters (invalid UTF-8 turns into U+FFFD, three bytes).
        let interesting =
            b"{}[]\",:\\/ \t\n\r0123456789-+.eEtrufalsn'*\x00\x1f\x7f\xc3\xa9\xf0\x9f";
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let (mut parsed, mut rejected) = (0, 0);
        for round in 0..4000 {
            let mut bytes = seeds[round % seeds.len()].as_bytes().to_vec();
            for _ in 0..=rng.below(2) {
                let at = rng.below(bytes.len() + 1);
                let byte = if rng.below(4) == 0 {
                    rng.next() as u8
                } else {
                    interesting[rng.below(interesting.len())]
                };
                match rng.below(5) {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    2 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    3 => bytes.truncate(at),
                    _ => {
                        let len = rng.below(bytes.len() - at + 1);
                        let copy = bytes[at..at + len].to_vec();
                        let to = rng.below(bytes.len() + 1);
                        bytes.splice(to..to, copy);
                    }
                }
            }
            if check(&String::from_utf8_lossy(&bytes)) {
                parsed += 1;
            } else {
                rejected += 1;
            }
        }
        // Both outcomes must be common, or the mutations test only one side of the parser.
        assert!(
            parsed > 200 && rejected > 200,
            "{parsed} parsed, {rejected} rejected"
        );
    }
}
