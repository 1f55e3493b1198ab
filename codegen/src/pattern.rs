//! Route patterns: `/devices/{id}/files/{*path}`, `img-{id}.png`, `{{` and `}}` for braces.
//!
//! A pattern is the concatenation of the prefixes of its file and groups and the route's `path`.
//! Each piece is lexed on its own (so every token keeps its place in its route file), then the
//! tokens are joined and split into `/`-separated segments, where the segment rules are checked.

use crate::diagnostic::{Loc, Report};

/// One `/`-separated segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Segment {
    /// Literal text (may be empty: `/users/` ends in an empty segment).
    Static(String),
    /// `{name}` with optional literal text before and after it in the same segment.
    Param {
        name: String,
        prefix: String,
        suffix: String,
    },
    /// `{*name}`: the non-empty rest of the path; always the last segment.
    CatchAll { name: String },
}

impl Segment {
    /// The segment with its parameter name erased: two routes whose shapes are equal match
    /// exactly the same paths.
    pub fn shape(&self) -> Segment {
        match self {
            Segment::Static(_) => self.clone(),
            Segment::Param { prefix, suffix, .. } => Segment::Param {
                name: String::new(),
                prefix: prefix.clone(),
                suffix: suffix.clone(),
            },
            Segment::CatchAll { .. } => Segment::CatchAll {
                name: String::new(),
            },
        }
    }
}

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub segments: Vec<Segment>,
    /// Parameter names in pattern order, with whether each is a catch-all.
    pub params: Vec<(String, bool)>,
}

/// A piece of pattern text and where it was written: the decoded TOML string and the location
/// of the string value (quotes included).
pub(crate) struct Piece<'a> {
    pub text: &'a str,
    pub loc: Loc,
    /// Whether the file holds the text verbatim between the quotes (no escape sequences), so an
    /// offset in the text maps to an offset in the file.
    pub verbatim: bool,
}

impl Piece<'_> {
    fn loc_of(&self, range: std::ops::Range<usize>) -> Loc {
        if self.verbatim {
            Loc {
                file: self.loc.file,
                start: self.loc.start + 1 + range.start,
                end: self.loc.start + 1 + range.end,
            }
        } else {
            self.loc
        }
    }
}

#[derive(Debug, Clone)]
enum Token {
    Text(String),
    Slash,
    Param {
        name: String,
        catch_all: bool,
        loc: Loc,
    },
}

/// Parses the pieces of one route's pattern into segments, or reports every problem found.
pub(crate) fn parse(pieces: &[Piece<'_>]) -> Result<Pattern, Vec<Report>> {
    let mut errors = Vec::new();
    let mut tokens: Vec<(Token, Loc)> = Vec::new();
    for piece in pieces {
        lex(piece, &mut tokens, &mut errors);
    }
    let pattern = assemble(&tokens, &mut errors);
    if errors.is_empty() {
        Ok(pattern)
    } else {
        Err(errors)
    }
}

fn lex(piece: &Piece<'_>, tokens: &mut Vec<(Token, Loc)>, errors: &mut Vec<Report>) {
    let text = piece.text;
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut literal = String::new();
    let mut literal_start = 0;
    let flush = |literal: &mut String, start: usize, end: usize, tokens: &mut Vec<(Token, Loc)>| {
        if !literal.is_empty() {
            tokens.push((
                Token::Text(std::mem::take(literal)),
                piece.loc_of(start..end),
            ));
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                if literal.is_empty() {
                    literal_start = i;
                }
                literal.push('{');
                i += 2;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                if literal.is_empty() {
                    literal_start = i;
                }
                literal.push('}');
                i += 2;
            }
            b'}' => {
                errors.push(
                    Report::at(
                        piece.loc_of(i..i + 1),
                        "unmatched `}` in pattern",
                        "no `{` opens this",
                    )
                    .with_help("write `}}` for a literal `}`"),
                );
                i += 1;
            }
            b'/' => {
                flush(&mut literal, literal_start, i, tokens);
                tokens.push((Token::Slash, piece.loc_of(i..i + 1)));
                i += 1;
            }
            b'{' => {
                flush(&mut literal, literal_start, i, tokens);
                let Some(close) = text[i + 1..].find(['}', '{', '/']).map(|o| i + 1 + o) else {
                    errors.push(
                        Report::at(
                            piece.loc_of(i..text.len()),
                            "unclosed `{` in pattern",
                            "this parameter has no closing `}`",
                        )
                        .with_help("write `{{` for a literal `{`"),
                    );
                    return;
                };
                if bytes[close] != b'}' {
                    errors.push(
                        Report::at(
                            piece.loc_of(i..close),
                            "unclosed `{` in pattern",
                            "this parameter has no closing `}`",
                        )
                        .with_help("write `{{` for a literal `{`"),
                    );
                    i = close;
                    continue;
                }
                let inner = &text[i + 1..close];
                let loc = piece.loc_of(i..close + 1);
                let (name, catch_all) = match inner.strip_prefix('*') {
                    Some(name) => (name, true),
                    None => (inner, false),
                };
                if inner.is_empty() {
                    errors.push(
                        Report::at(loc, "empty parameter `{}` in pattern", "expected a name")
                            .with_help("name the parameter, as in `{id}`, or write `{{}}` for literal braces"),
                    );
                } else if let Err(why) = check_param_name(name) {
                    errors.push(Report::at(
                        loc,
                        format!("invalid parameter name `{name}`"),
                        why,
                    ));
                } else {
                    tokens.push((
                        Token::Param {
                            name: name.to_owned(),
                            catch_all,
                            loc,
                        },
                        loc,
                    ));
                }
                i = close + 1;
            }
            _ => {
                let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
                if literal.is_empty() {
                    literal_start = i;
                }
                literal.push_str(&text[i..i + ch_len]);
                i += ch_len;
            }
        }
    }
    flush(&mut literal, literal_start, text.len(), tokens);
}

/// Parameter names become Rust field names: identifiers, not `_`, not a keyword that cannot be
/// a raw identifier.
fn check_param_name(name: &str) -> Result<(), &'static str> {
    let mut chars = name.chars();
    let first = chars.next().ok_or("expected a name")?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Err("a parameter name starts with a letter or `_`");
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err("a parameter name has only ASCII letters, digits and `_`");
    }
    if matches!(name, "_" | "self" | "Self" | "super" | "crate") {
        return Err("this name cannot be a Rust field name");
    }
    Ok(())
}

#[derive(Default)]
struct SegmentParts {
    text_before: String,
    param: Option<(String, bool, Loc)>,
    text_after: String,
}

fn assemble(tokens: &[(Token, Loc)], errors: &mut Vec<Report>) -> Pattern {
    let mut segments = Vec::new();
    let mut params: Vec<(String, bool)> = Vec::new();
    let mut param_locs: Vec<Loc> = Vec::new();
    let mut parts = SegmentParts::default();
    let mut catch_all_seen: Option<Loc> = None;

    let finish = |parts: SegmentParts, segments: &mut Vec<Segment>| {
        segments.push(match parts.param {
            None => Segment::Static(parts.text_before),
            Some((name, false, _)) => Segment::Param {
                name,
                prefix: parts.text_before,
                suffix: parts.text_after,
            },
            Some((name, true, _)) => Segment::CatchAll { name },
        });
    };

    for (token, loc) in tokens {
        if let Some(catch_all) = catch_all_seen {
            errors.push(
                Report::at(
                    *loc,
                    "a catch-all parameter must end the pattern",
                    "after the catch-all",
                )
                .with_secondary(catch_all, "the catch-all takes the rest of the path"),
            );
            break;
        }
        match token {
            Token::Slash => finish(std::mem::take(&mut parts), &mut segments),
            Token::Text(text) => match parts.param {
                None => parts.text_before.push_str(text),
                Some((_, true, param_loc)) => {
                    errors.push(catch_all_not_whole(param_loc, *loc));
                }
                Some(_) => parts.text_after.push_str(text),
            },
            Token::Param {
                name,
                catch_all,
                loc,
            } => {
                if let Some(existing) = params.iter().position(|(n, _)| n == name) {
                    errors.push(
                        Report::at(
                            *loc,
                            format!("parameter `{name}` appears twice in the pattern"),
                            "second use",
                        )
                        .with_secondary(param_locs[existing], "first use"),
                    );
                }
                if let Some((_, _, first)) = &parts.param {
                    errors.push(
                        Report::at(*loc, "two parameters in one segment", "second parameter of this segment")
                            .with_secondary(*first, "first parameter")
                            .with_note("a segment holds at most one parameter, optionally with literal text before and after it"),
                    );
                    continue;
                }
                if *catch_all && !parts.text_before.is_empty() {
                    errors.push(catch_all_not_whole(*loc, *loc));
                }
                if *catch_all {
                    catch_all_seen = Some(*loc);
                }
                params.push((name.clone(), *catch_all));
                param_locs.push(*loc);
                parts.param = Some((name.clone(), *catch_all, *loc));
            }
        }
    }
    finish(parts, &mut segments);
    Pattern { segments, params }
}

fn catch_all_not_whole(param: Loc, at: Loc) -> Report {
    Report::at(
        at,
        "a catch-all parameter must be a whole segment",
        "text in the catch-all's segment",
    )
    .with_secondary(param, "catch-all")
    .with_help("write the catch-all after a `/`, as in `/files/{*path}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(text: &str) -> Piece<'_> {
        Piece {
            text,
            loc: Loc::new(0, 0..text.len() + 2),
            verbatim: true,
        }
    }

    fn segments(text: &str) -> Vec<Segment> {
        parse(&[piece(text)]).unwrap().segments
    }

    fn errors(text: &str) -> Vec<(String, usize)> {
        parse(&[piece(text)])
            .unwrap_err()
            .into_iter()
            .map(|r| (r.message, r.primary.unwrap().0.start - 1))
            .collect()
    }

    fn st(s: &str) -> Segment {
        Segment::Static(s.into())
    }

    fn param(name: &str, prefix: &str, suffix: &str) -> Segment {
        Segment::Param {
            name: name.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
        }
    }

    #[test]
    fn splits_into_segments() {
        assert_eq!(segments("/"), [st(""), st("")]);
        assert_eq!(segments("/users/"), [st(""), st("users"), st("")]);
        assert_eq!(
            segments("/img-{id}.png/{*rest}"),
            [
                st(""),
                param("id", "img-", ".png"),
                Segment::CatchAll {
                    name: "rest".into()
                }
            ]
        );
        assert_eq!(segments("/a/{{x}}"), [st(""), st("a"), st("{x}")]);
        assert_eq!(
            segments("/über/{r#x}".replace("r#", "").as_str()),
            [st(""), st("über"), param("x", "", "")]
        );
    }

    #[test]
    fn joins_pieces() {
        let pattern = parse(&[piece("/devices/{id}"), piece("/files/{*path}")]).unwrap();
        assert_eq!(
            pattern.params,
            [("id".into(), false), ("path".into(), true)]
        );
        assert_eq!(pattern.segments.len(), 5);
    }

    #[test]
    fn reports_bad_patterns_at_their_offset() {
        assert_eq!(errors("/a/{id"), [("unclosed `{` in pattern".into(), 3)]);
        assert_eq!(errors("/a/id}"), [("unmatched `}` in pattern".into(), 5)]);
        assert_eq!(
            errors("/a/{}"),
            [("empty parameter `{}` in pattern".into(), 3)]
        );
        assert_eq!(
            errors("/a/{1x}"),
            [("invalid parameter name `1x`".into(), 3)]
        );
        assert_eq!(
            errors("/{a}{b}"),
            [("two parameters in one segment".into(), 4)]
        );
        assert_eq!(
            errors("/{a}-{b}"),
            [("two parameters in one segment".into(), 5)]
        );
        assert_eq!(
            errors("/{x}/{x}"),
            [("parameter `x` appears twice in the pattern".into(), 5)]
        );
        assert_eq!(
            errors("/{*rest}/more"),
            [("a catch-all parameter must end the pattern".into(), 8)]
        );
        assert_eq!(
            errors("/files-{*rest}"),
            [("a catch-all parameter must be a whole segment".into(), 7)]
        );
        assert_eq!(
            errors("/{self}"),
            [("invalid parameter name `self`".into(), 1)]
        );
    }

    #[test]
    fn shape_erases_names() {
        assert_eq!(param("a", "x", "").shape(), param("b", "x", "").shape());
        assert_ne!(param("a", "x", "").shape(), param("a", "", "x").shape());
    }
}
