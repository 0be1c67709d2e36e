//! The error a malformed query gets: where it is and what is wrong, in words
//! a user can act on.

use std::fmt;

/// Why a query could not be parsed, and where.
///
/// `position` is a 0-based offset in characters (not bytes) into the query;
/// the message shows it as a 1-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub position: usize,
    pub kind: ErrorKind,
}

/// What is wrong with a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Nothing but white space.
    Empty,
    /// More characters than the limit; `position` is the first one past it.
    TooLong { length: usize, limit: usize },
    /// Parentheses and NOTs nested deeper than the limit.
    TooDeep { limit: usize },
    /// A `(` (at `position`) that is never closed.
    UnclosedParen,
    /// A `)` with no `(` before it.
    UnexpectedCloseParen,
    /// `()` with nothing inside.
    EmptyParens,
    /// A `"` (at `position`) that is never closed.
    UnterminatedQuote,
    /// A word or phrase with no letters or digits, e.g. `!!!` or `""`.
    NothingToSearch { text: String },
    /// `name:` where name is not a field.
    UnknownField { name: String },
    /// A field with nothing after the colon.
    MissingValue { field: &'static str },
    /// `followers:` with something that is not a whole number.
    BadNumber { text: String },
    /// `lang:` with something that is not a language code.
    BadLanguage { text: String },
    /// `NOT` or `-` with nothing after it.
    NotNeedsOperand { op: &'static str },
    /// `AND` or `OR` missing a term on one side.
    OperatorNeedsOperands { op: &'static str },
}

impl QueryError {
    pub(crate) fn new(position: usize, kind: ErrorKind) -> Self {
        QueryError { position, kind }
    }

    /// The 1-based column the message names.
    pub fn column(&self) -> usize {
        self.position + 1
    }
}

/// Quote user text in a message, shortened so a message stays one line.
fn shown(text: &str) -> String {
    const MAX: usize = 30;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

fn example(field: &str) -> &'static str {
    match field {
        "author" => "author:lumen",
        "lang" => "lang:en",
        "channel" => "channel:bluesky",
        _ => "followers:>1000",
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let col = self.column();
        match &self.kind {
            ErrorKind::Empty => write!(f, "empty query"),
            ErrorKind::TooLong { length, limit } => {
                write!(f, "query is {length} characters long; the limit is {limit}")
            }
            ErrorKind::TooDeep { limit } => write!(
                f,
                "nesting deeper than {limit} levels at column {col}; simplify the parentheses or NOTs"
            ),
            ErrorKind::UnclosedParen => write!(f, "expected ) to close the ( at column {col}"),
            ErrorKind::UnexpectedCloseParen => {
                write!(f, "unexpected ) at column {col}; there is no ( to close")
            }
            ErrorKind::EmptyParens => write!(f, "empty ( ) at column {col}; put a term inside"),
            ErrorKind::UnterminatedQuote => {
                write!(f, "unterminated quote: the \" at column {col} is never closed")
            }
            ErrorKind::NothingToSearch { text } => write!(
                f,
                "'{}' at column {col} has no letters or digits to search for",
                shown(text)
            ),
            ErrorKind::UnknownField { name } => write!(
                f,
                "unknown field '{}:' at column {col}; fields are author, lang, channel, followers",
                shown(name)
            ),
            ErrorKind::MissingValue { field } => write!(
                f,
                "{field}: at column {col} needs a value, e.g. {}",
                example(field)
            ),
            ErrorKind::BadNumber { text } => write!(
                f,
                "bad number '{}' for followers: at column {col}; write e.g. followers:>1000 or followers:>=10k",
                shown(text)
            ),
            ErrorKind::BadLanguage { text } => write!(
                f,
                "bad language code '{}' at column {col}; write a code like en or pt-BR",
                shown(text)
            ),
            ErrorKind::NotNeedsOperand { op } => {
                write!(f, "{op} needs something to negate at column {col}")
            }
            ErrorKind::OperatorNeedsOperands { op } => {
                write!(f, "{op} needs a term on each side at column {col}")
            }
        }
    }
}

impl std::error::Error for QueryError {}
