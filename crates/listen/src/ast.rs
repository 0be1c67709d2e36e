//! The parsed form of a query and its canonical text.
//!
//! A [`Query`] is only made by [`crate::parse`], which normalises as it goes:
//! words are lower-cased and NFC, `AND` inside `AND` (and `OR` inside `OR`) is
//! flattened, redundant parentheses vanish, `channel:twitter` becomes
//! `channel:x`. `Display` prints the canonical form, which parses back to an
//! equal `Query`.

use std::fmt;

pub use crate::words::Sigil;

/// A parsed listening query. Match it with [`Query::matches`], translate it
/// with [`Query::to_network`], show it with `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub(crate) expr: Expr,
}

impl Query {
    /// The expression tree.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }
}

/// A node of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A word or a phrase in the post text.
    Text(Text),
    /// `author:NAME`: the author's handle, lower-case, without a leading `@`.
    Author(String),
    /// `lang:xx`: a language code, lower-case, `_` written as `-`.
    Lang(String),
    /// `channel:NAME`: the channel, lower-case (`twitter` is written `x`).
    Channel(String),
    /// `followers:>N` and friends.
    Followers(Cmp, i64),
    Not(Box<Expr>),
    /// Two or more terms, none of them an `And`.
    And(Vec<Expr>),
    /// Two or more terms, none of them an `Or`.
    Or(Vec<Expr>),
}

/// One word, or a phrase of consecutive words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// At least one.
    pub words: Vec<Word>,
}

/// A word to find: normalised text, an optional `#`/`@`, and whether it is a
/// prefix (`bag*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub sigil: Option<Sigil>,
    pub text: String,
    pub prefix: bool,
}

/// How `followers:` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

impl Cmp {
    pub fn holds(self, left: i64, right: i64) -> bool {
        match self {
            Cmp::Lt => left < right,
            Cmp::Le => left <= right,
            Cmp::Eq => left == right,
            Cmp::Ge => left >= right,
            Cmp::Gt => left > right,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Eq => "",
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
        }
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.sigil {
            write!(f, "{}", s.as_char())?;
        }
        f.write_str(&self.text)?;
        if self.prefix {
            f.write_str("*")?;
        }
        Ok(())
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [word] = self.words.as_slice() {
            return write!(f, "{word}");
        }
        f.write_str("\"")?;
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{w}")?;
        }
        f.write_str("\"")
    }
}

/// Where an expression is printed, to know when it needs parentheses.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Place {
    Top,
    InAnd,
    InNot,
}

fn write_expr(f: &mut fmt::Formatter<'_>, e: &Expr, place: Place) -> fmt::Result {
    match e {
        Expr::Text(t) => write!(f, "{t}"),
        Expr::Author(a) => write!(f, "author:{a}"),
        Expr::Lang(l) => write!(f, "lang:{l}"),
        Expr::Channel(c) => write!(f, "channel:{c}"),
        Expr::Followers(cmp, n) => write!(f, "followers:{}{n}", cmp.symbol()),
        Expr::Not(inner) => {
            f.write_str("NOT ")?;
            write_expr(f, inner, Place::InNot)
        }
        Expr::And(items) => write_list(f, items, " AND ", place >= Place::InNot, Place::InAnd),
        Expr::Or(items) => write_list(f, items, " OR ", place >= Place::InAnd, Place::Top),
    }
}

fn write_list(
    f: &mut fmt::Formatter<'_>,
    items: &[Expr],
    sep: &str,
    parens: bool,
    inner: Place,
) -> fmt::Result {
    if parens {
        f.write_str("(")?;
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_expr(f, item, inner)?;
    }
    if parens {
        f.write_str(")")?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_expr(f, self, Place::Top)
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)
    }
}

/// `a AND b` with nested `And`s flattened; one item stays itself.
pub(crate) fn and(items: Vec<Expr>) -> Expr {
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Expr::And(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    if flat.len() == 1 {
        flat.pop().expect("one item")
    } else {
        Expr::And(flat)
    }
}

/// `a OR b` with nested `Or`s flattened; one item stays itself.
pub(crate) fn or(items: Vec<Expr>) -> Expr {
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Expr::Or(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    if flat.len() == 1 {
        flat.pop().expect("one item")
    } else {
        Expr::Or(flat)
    }
}
