//! Listening queries: the boolean searches a team runs over the networks
//! (brand names, products, complaints), in the language users know from
//! listening tools such as Brandwatch, Talkwalker and Sprinklr.
//!
//! - [`parse`] turns query text into a [`Query`], or a [`QueryError`] that names
//!   the column of the problem.
//! - [`Query::matches`] checks one post, given as [`PostFacts`] (text tokenised
//!   once, so checking many queries against one post is cheap). Every incoming
//!   post is checked locally, so results are exact whatever a network returned.
//! - [`Query::to_network`] gives the server-side search for a [`Network`]: a
//!   [`NetworkSearch`] that returns a superset of the local matches, or says
//!   the network cannot narrow it (poll broadly, filter locally).
//! - `Display` on a `Query` prints its canonical form, which parses back to
//!   the same query.
//!
//! # Grammar
//!
//! ```text
//! query     = or ;
//! or        = and , { "OR" , and } ;
//! and       = unary , { [ "AND" ] , unary } ;          (* side by side means AND *)
//! unary     = ( "NOT" | "-" ) , unary | primary ;      (* "-" directly before a term *)
//! primary   = field | phrase | word | "(" , or , ")" ;
//! phrase    = '"' , { any character but '"' } , '"' ;  (* “curly quotes” too *)
//! word      = run ;                                    (* not AND, OR, NOT, nor name ":" *)
//! field     = "author:" , [ "@" ] , run
//!           | "lang:" , letter , letter , [ letter ] , { "-" , alnum , { alnum } }
//!           | "channel:" , run
//!           | "followers:" , [ ">" | ">=" | "<" | "<=" | "=" ] , count ;
//! count     = digit , { digit } , [ "." , digit , { digit } ] , [ "k" | "m" ] ;
//! run       = a run of characters other than white space, "(", ")" and '"' ;
//! ```
//!
//! Keywords are upper case (`and` is a word). Precedence, tightest first:
//! `NOT`, `AND`, `OR`; so `a OR b c` is `a OR (b AND c)` and `a NOT b` is
//! `a AND NOT b`. Field names are case-insensitive; an unknown `name:` is an
//! error (quote it to search for the text), except links (`https://…`).
//!
//! # Matching
//!
//! Text is lower-cased, NFC-normalised and split into words of letters,
//! digits, `_` and combining marks; a `#` or `@` in front is kept. A query
//! word goes through the same steps:
//!
//! - `bag` matches the word "Bag" but not "baggage"; `bag*` matches both.
//! - `outage` also matches `#outage`; `#outage` matches only the hashtag.
//! - A word with punctuation inside is a phrase: `e-mail` finds "e-mail" and
//!   "E mail"; `"lost bag"` finds "lost, bag" (consecutive words).
//! - `author:@Lumen` matches the handle `lumen` (not the display name);
//!   `lang:pt` matches posts in `pt` and `pt-BR`; `channel:twitter` is `x`;
//!   `followers:>=10k` means 10,000 or more.
//! - A post with an unknown language or follower count fails `lang:` or
//!   `followers:` (and so passes `NOT lang:…`).
//!
//! # Examples
//!
//! ```
//! use switchboard_listen::{parse, Network, NetworkSearch, PostFacts};
//!
//! let q = parse(r#"(lumen OR @lumenair) "lost bag*" -refund lang:en"#).unwrap();
//! let post = PostFacts::new("@LumenAir lost baggage again!!", "jo", "x")
//!     .with_language(Some("en-GB"));
//! assert!(q.matches(&post));
//! assert_eq!(
//!     q.to_string(),
//!     r#"(lumen OR @lumenair) AND "lost bag*" AND NOT refund AND lang:en"#
//! );
//! assert_eq!(
//!     q.to_network(Network::X),
//!     NetworkSearch::Query("(lumen OR @lumenair) lost lang:en".into())
//! );
//!
//! let err = parse("delay AND (lumen OR").unwrap_err();
//! assert_eq!(err.to_string(), "OR needs a term on each side at column 18");
//! ```
//!
//! # Limits
//!
//! Queries are at most [`MAX_CHARS`] characters, nested at most [`MAX_DEPTH`]
//! levels (parentheses and negations); beyond that `parse` returns an error.

mod ast;
mod error;
mod lexer;
mod matcher;
mod network;
mod parser;
mod words;

pub use ast::{Cmp, Expr, Query, Sigil, Text, Word};
pub use error::{ErrorKind, QueryError};
pub use matcher::PostFacts;
pub use network::{Network, NetworkSearch};
pub use parser::{parse, MAX_CHARS, MAX_DEPTH};
