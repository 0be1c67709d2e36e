//! The lexer: query text to tokens, each with its character position.
//!
//! Words, phrases and field filters are finished atoms here (normalised and
//! checked), so the parser only deals with structure: parentheses and the
//! operators `AND`, `OR`, `NOT` and `-`.

use crate::ast::{Cmp, Expr, Text, Word};
use crate::error::{ErrorKind, QueryError};
use crate::words;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    /// `-` directly before a term.
    Minus,
    Atom(Expr),
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    /// Character offset of the token's first character.
    pub pos: usize,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

/// Characters that end a bare run.
fn ends_run(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || is_quote(c)
}

pub(crate) fn lex(chars: &[char]) -> Result<Vec<Token>, QueryError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Token {
                tok: Tok::LParen,
                pos: i,
            });
            i += 1;
        } else if c == ')' {
            out.push(Token {
                tok: Tok::RParen,
                pos: i,
            });
            i += 1;
        } else if is_quote(c) {
            let start = i;
            let close = chars[i + 1..].iter().position(|&c| is_quote(c));
            let Some(len) = close else {
                return Err(QueryError::new(start, ErrorKind::UnterminatedQuote));
            };
            let content: String = chars[i + 1..i + 1 + len].iter().collect();
            i += len + 2;
            let raw: String = chars[start..i].iter().collect();
            out.push(Token {
                tok: Tok::Atom(Expr::Text(text(&content, &raw, start)?)),
                pos: start,
            });
        } else {
            let mut start = i;
            while i < chars.len() && !ends_run(chars[i]) {
                i += 1;
            }
            // Leading `-`s negate what follows, when something follows.
            while start < i && chars[start] == '-' && (start + 1 < i || next_opens_term(chars, i)) {
                out.push(Token {
                    tok: Tok::Minus,
                    pos: start,
                });
                start += 1;
            }
            if start < i {
                let run: String = chars[start..i].iter().collect();
                out.push(Token {
                    tok: run_token(&run, start)?,
                    pos: start,
                });
            }
        }
    }
    Ok(out)
}

/// Whether the character at `i` starts a term a bare `-` can negate.
fn next_opens_term(chars: &[char], i: usize) -> bool {
    chars.get(i).is_some_and(|&c| c == '(' || is_quote(c))
}

/// A bare run: a keyword, a field filter or a word.
fn run_token(run: &str, pos: usize) -> Result<Tok, QueryError> {
    match run {
        "AND" => return Ok(Tok::And),
        "OR" => return Ok(Tok::Or),
        "NOT" => return Ok(Tok::Not),
        _ => {}
    }
    if let Some((name, value)) = run.split_once(':') {
        let is_field_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic());
        // `https://…` is a word (a link), not a field.
        if is_field_name && !value.trim_start_matches('@').starts_with("//") {
            let value_pos = pos + name.chars().count() + 1;
            return field(name, value, pos, value_pos).map(Tok::Atom);
        }
    }
    text(run, run, pos).map(|t| Tok::Atom(Expr::Text(t)))
}

/// Words of a bare run or of a phrase's content. More than one word is a
/// phrase: `e-mail` finds "e-mail" and "e mail".
fn text(content: &str, raw: &str, pos: usize) -> Result<Text, QueryError> {
    let words: Vec<Word> = words::split(content, true)
        .into_iter()
        .map(|p| Word {
            sigil: p.sigil,
            text: p.word,
            prefix: p.star,
        })
        .collect();
    if words.is_empty() {
        return Err(QueryError::new(
            pos,
            ErrorKind::NothingToSearch {
                text: raw.to_string(),
            },
        ));
    }
    Ok(Text { words })
}

fn field(name: &str, value: &str, pos: usize, value_pos: usize) -> Result<Expr, QueryError> {
    let field = match name.to_ascii_lowercase().as_str() {
        "author" => "author",
        "lang" => "lang",
        "channel" => "channel",
        "followers" => "followers",
        _ => {
            return Err(QueryError::new(
                pos,
                ErrorKind::UnknownField {
                    name: name.to_string(),
                },
            ))
        }
    };
    let missing = || QueryError::new(pos, ErrorKind::MissingValue { field });
    match field {
        "author" => {
            let handle = normalise_handle(value);
            if handle.is_empty() {
                return Err(missing());
            }
            Ok(Expr::Author(handle))
        }
        "channel" => {
            if value.is_empty() {
                return Err(missing());
            }
            Ok(Expr::Channel(normalise_channel(value)))
        }
        "lang" => {
            if value.is_empty() {
                return Err(missing());
            }
            let code = normalise_lang(value);
            if !valid_lang(&code) {
                return Err(QueryError::new(
                    value_pos,
                    ErrorKind::BadLanguage {
                        text: value.to_string(),
                    },
                ));
            }
            Ok(Expr::Lang(code))
        }
        _ => {
            let (cmp, number) = if let Some(rest) = value.strip_prefix(">=") {
                (Cmp::Ge, rest)
            } else if let Some(rest) = value.strip_prefix("<=") {
                (Cmp::Le, rest)
            } else if let Some(rest) = value.strip_prefix('>') {
                (Cmp::Gt, rest)
            } else if let Some(rest) = value.strip_prefix('<') {
                (Cmp::Lt, rest)
            } else if let Some(rest) = value.strip_prefix('=') {
                (Cmp::Eq, rest)
            } else {
                (Cmp::Eq, value)
            };
            if number.is_empty() {
                return Err(missing());
            }
            let n = parse_count(number).ok_or_else(|| {
                QueryError::new(
                    value_pos,
                    ErrorKind::BadNumber {
                        text: value.to_string(),
                    },
                )
            })?;
            Ok(Expr::Followers(cmp, n))
        }
    }
}

/// Handles compare lower-case, without leading `@`s.
pub(crate) fn normalise_handle(handle: &str) -> String {
    words::normalise(handle.trim().trim_start_matches('@'))
}

/// Channels compare lower-case; `twitter` is the old name of `x`.
pub(crate) fn normalise_channel(channel: &str) -> String {
    let c = words::normalise(channel.trim());
    if c == "twitter" {
        "x".to_string()
    } else {
        c
    }
}

/// Language codes compare lower-case with `-` between subtags (`pt_BR` is `pt-br`).
pub(crate) fn normalise_lang(code: &str) -> String {
    code.trim().to_ascii_lowercase().replace('_', "-")
}

/// A BCP 47-like code: 2 or 3 letters, then subtags of 1 to 8 letters or digits.
fn valid_lang(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A whole, non-negative count: `1500`, `1.5k`, `2m`.
fn parse_count(s: &str) -> Option<i64> {
    let (body, scale_digits) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 3u32),
        'm' | 'M' => (&s[..s.len() - 1], 6u32),
        _ => (s, 0u32),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (body.contains('.') && frac.is_empty()) {
        return None;
    }
    // The fraction must fit the suffix: 1.5k is 1500, 1.5 and 1.2345k are not counts.
    let frac_len = u32::try_from(frac.len()).ok()?;
    if frac_len > scale_digits {
        return None;
    }
    let mut value: i128 = 0;
    for c in int.chars().chain(frac.chars()) {
        value = value
            .checked_mul(10)?
            .checked_add(i128::from(c.to_digit(10)?))?;
        if value > i128::from(i64::MAX) {
            return None;
        }
    }
    value = value.checked_mul(10i128.checked_pow(scale_digits - frac_len)?)?;
    i64::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::parse_count;

    #[test]
    fn counts() {
        assert_eq!(parse_count("1500"), Some(1500));
        assert_eq!(parse_count("1.5k"), Some(1500));
        assert_eq!(parse_count("2M"), Some(2_000_000));
        assert_eq!(parse_count("0"), Some(0));
        assert_eq!(parse_count("1.5"), None, "a fraction needs a k or m suffix");
        assert_eq!(
            parse_count("1.2345k"),
            None,
            "1234.5 followers is not a count"
        );
        assert_eq!(parse_count("k"), None);
        assert_eq!(parse_count("1."), None);
        assert_eq!(parse_count("-5"), None);
        assert_eq!(
            parse_count("99999999999999999999"),
            None,
            "overflow is an error, not a wrap"
        );
        assert_eq!(parse_count("9223372036854775807"), Some(i64::MAX));
    }
}
