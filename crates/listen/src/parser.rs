//! The parser: tokens to a [`Query`], by recursive descent.
//!
//! Precedence, tightest first: `NOT`/`-`, then `AND` (written or implied by
//! putting terms side by side), then `OR`. Recursion is bounded by
//! [`MAX_DEPTH`] (parentheses and negations count), so no input can overflow
//! the stack; input is bounded by [`MAX_CHARS`].

use crate::ast::{self, Expr, Query};
use crate::error::{ErrorKind, QueryError};
use crate::lexer::{self, Tok, Token};

/// The longest query accepted, in characters.
pub const MAX_CHARS: usize = 4_000;
/// How deep parentheses and negations may nest.
pub const MAX_DEPTH: usize = 64;

/// Parse a listening query. Never panics; a malformed query gets a
/// [`QueryError`] naming the position.
pub fn parse(q: &str) -> Result<Query, QueryError> {
    let chars: Vec<char> = q.chars().collect();
    if chars.len() > MAX_CHARS {
        return Err(QueryError::new(
            MAX_CHARS,
            ErrorKind::TooLong {
                length: chars.len(),
                limit: MAX_CHARS,
            },
        ));
    }
    let tokens = lexer::lex(&chars)?;
    if tokens.is_empty() {
        return Err(QueryError::new(0, ErrorKind::Empty));
    }
    let mut parser = Parser {
        tokens,
        next: 0,
        depth: 0,
    };
    let expr = parser.or()?;
    if let Some(t) = parser.peek() {
        // `or` stops only at the end or at a `)`; here there is no `(` open.
        return Err(QueryError::new(t.pos, ErrorKind::UnexpectedCloseParen));
    }
    Ok(Query { expr })
}

impl std::str::FromStr for Query {
    type Err = QueryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

struct Parser {
    tokens: Vec<Token>,
    next: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.next).cloned();
        self.next += 1;
        t
    }

    /// Whether the next token can begin a term.
    fn at_term(&self) -> bool {
        matches!(
            self.peek().map(|t| &t.tok),
            Some(Tok::Atom(_) | Tok::LParen | Tok::Not | Tok::Minus)
        )
    }

    fn deeper(&mut self, pos: usize) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::new(
                pos,
                ErrorKind::TooDeep { limit: MAX_DEPTH },
            ));
        }
        Ok(())
    }

    /// or = and { "OR" and }
    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.and()?];
        while let Some(Token { tok: Tok::Or, pos }) = self.peek().cloned() {
            self.bump();
            if !self.at_term() {
                return Err(QueryError::new(
                    pos,
                    ErrorKind::OperatorNeedsOperands { op: "OR" },
                ));
            }
            items.push(self.and()?);
        }
        Ok(ast::or(items))
    }

    /// and = unary { [ "AND" ] unary }
    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.unary()?];
        loop {
            if let Some(Token { tok: Tok::And, pos }) = self.peek().cloned() {
                self.bump();
                if !self.at_term() {
                    return Err(QueryError::new(
                        pos,
                        ErrorKind::OperatorNeedsOperands { op: "AND" },
                    ));
                }
            } else if !self.at_term() {
                break;
            }
            items.push(self.unary()?);
        }
        Ok(ast::and(items))
    }

    /// unary = ( "NOT" | "-" ) unary | primary
    fn unary(&mut self) -> Result<Expr, QueryError> {
        let Some(Token {
            tok: tok @ (Tok::Not | Tok::Minus),
            pos,
        }) = self.peek().cloned()
        else {
            return self.primary();
        };
        self.bump();
        self.deeper(pos)?;
        if !self.at_term() {
            let op = if tok == Tok::Not { "NOT" } else { "-" };
            return Err(QueryError::new(pos, ErrorKind::NotNeedsOperand { op }));
        }
        let inner = self.unary()?;
        self.depth -= 1;
        Ok(Expr::Not(Box::new(inner)))
    }

    /// primary = word | phrase | field | "(" or ")"
    fn primary(&mut self) -> Result<Expr, QueryError> {
        let Some(Token { tok, pos }) = self.bump() else {
            // Callers check `at_term` first; the end here means an empty query.
            return Err(QueryError::new(0, ErrorKind::Empty));
        };
        match tok {
            Tok::Atom(e) => Ok(e),
            Tok::LParen => {
                self.deeper(pos)?;
                match self.peek().map(|t| &t.tok) {
                    None => return Err(QueryError::new(pos, ErrorKind::UnclosedParen)),
                    Some(Tok::RParen) => return Err(QueryError::new(pos, ErrorKind::EmptyParens)),
                    _ => {}
                }
                let inner = self.or()?;
                match self.bump() {
                    Some(Token {
                        tok: Tok::RParen, ..
                    }) => {
                        self.depth -= 1;
                        Ok(inner)
                    }
                    _ => Err(QueryError::new(pos, ErrorKind::UnclosedParen)),
                }
            }
            Tok::RParen => Err(QueryError::new(pos, ErrorKind::UnexpectedCloseParen)),
            Tok::And => Err(QueryError::new(
                pos,
                ErrorKind::OperatorNeedsOperands { op: "AND" },
            )),
            Tok::Or => Err(QueryError::new(
                pos,
                ErrorKind::OperatorNeedsOperands { op: "OR" },
            )),
            // `unary` handles these before calling `primary`.
            Tok::Not | Tok::Minus => Err(QueryError::new(
                pos,
                ErrorKind::NotNeedsOperand { op: "NOT" },
            )),
        }
    }
}
