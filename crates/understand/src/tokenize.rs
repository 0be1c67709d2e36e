//! The tokenizer for social text. It lowercases words and hashes them as it
//! reads, byte by byte on ASCII, so it allocates nothing per post (the output
//! vector is reused); each word's lexicon entry is looked up once, here:
//! - words keep their apostrophes out ("don't" → `dont`), so negations match;
//! - `@handles` become one `@user` token and URLs one `<url>` token;
//! - `#hashtags` count as their word (`#fail` → `fail`), marked as hashtags;
//! - emoticons (`:(`, `<3`, `:-)`) are kept whole when the lexicon knows them,
//!   and every emoji is a token of its own;
//! - numbers made only of digits become one `<num>` token ("3rd" stays a word);
//! - `!` and `?` are counted, and `.,;:!?` close a clause (ends a negation's reach).

use crate::hash::{hash_str, TokenHasher};
use crate::lexicon::{Entry, EMOTICON};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Word,
    Number,
    Handle,
    Url,
    Hashtag,
    Emoticon,
    Emoji,
}

#[derive(Clone, Copy, Debug)]
pub struct Token {
    /// The hash of the lowercased token (see [`crate::hash`]).
    pub hash: u64,
    /// What the lexicon knows of it, looked up once as the token is read
    /// (words, hashtags, emoticons and emoji; empty for the others).
    pub entry: Entry,
    pub kind: Kind,
    /// Written in capitals (two letters or more), e.g. `NEVER`.
    pub caps: bool,
    /// A clause ends right after this token.
    pub clause_end: bool,
}

impl Token {
    fn new(hash: u64, kind: Kind, entry: Entry) -> Token {
        Token { hash, entry, kind, caps: false, clause_end: false }
    }
}

/// The tokens of one post, plus what VADER reads from the whole text.
#[derive(Default, Debug)]
pub struct Tokens {
    pub list: Vec<Token>,
    pub exclaims: u32,
    pub questions: u32,
    /// Some words are in capitals and some are not (capitals then emphasise).
    pub mixed_caps: bool,
}

pub fn url_hash() -> u64 {
    hash_str("<url>")
}
pub fn handle_hash() -> u64 {
    hash_str("@user")
}
pub fn number_hash() -> u64 {
    hash_str("<num>")
}

/// Hashes the normalisers use, computed once per tokenizer.
#[derive(Clone, Copy)]
pub struct Tokenizer {
    url: u64,
    handle: u64,
    number: u64,
}

impl Default for Tokenizer {
    fn default() -> Self {
        Tokenizer { url: url_hash(), handle: handle_hash(), number: number_hash() }
    }
}

/// A piece of a whitespace-separated chunk being read.
struct Piece {
    h: TokenHasher,
    letters: u32,
    upper: u32,
    chars: u32,
    hashtag: bool,
}

impl Piece {
    #[inline]
    fn new() -> Self {
        Piece { h: TokenHasher::default(), letters: 0, upper: 0, chars: 0, hashtag: false }
    }
}

/// The char starting at byte `i` of `s` (a char boundary) and its length.
#[inline]
fn char_at(s: &str, i: usize) -> Option<(char, usize)> {
    s.get(i..).and_then(|r| r.chars().next()).map(|c| (c, c.len_utf8()))
}

/// Whether the char at byte `i` is whitespace (as `str::split_whitespace` reads it), and its length.
#[inline]
fn space_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (matches!(b, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' '), 1);
    }
    char_at(text, i).map_or((false, 1), |(c, n)| (c.is_whitespace(), n))
}

impl Tokenizer {
    /// Reads `text` into `out` (cleared first). `lookup` gives the lexicon's
    /// entry for a lowercased token's hash (see [`crate::lexicon::Lexicon::entry`]);
    /// a punctuation chunk is an emoticon when its entry says so.
    pub fn tokenize(&self, text: &str, lookup: impl Fn(u64) -> Entry, out: &mut Tokens) {
        out.list.clear();
        out.exclaims = 0;
        out.questions = 0;
        let mut caps_words = 0u32;
        let mut words = 0u32;
        let bytes = text.as_bytes();
        let len = bytes.len();
        let mut i = 0;
        while i < len {
            let (space, n) = space_at(text, i);
            if space {
                i += n;
                continue;
            }
            // Find the chunk's end, counting its punctuation on the way.
            let start = i;
            let mut punct = 0u32;
            while i < len {
                let b = bytes[i];
                if b > b' ' && b < 0x80 {
                    out.exclaims += (b == b'!') as u32;
                    out.questions += (b == b'?') as u32;
                    punct += b.is_ascii_punctuation() as u32;
                    i += 1;
                    continue;
                }
                let (space, n) = space_at(text, i);
                if space {
                    break;
                }
                i += n;
            }
            self.chunk(&text[start..i], punct, &lookup, out, &mut words, &mut caps_words);
        }
        out.mixed_caps = caps_words > 0 && caps_words < words;
    }

    /// One whitespace-separated chunk, with `punct` ASCII punctuation marks.
    #[inline]
    fn chunk(&self, chunk: &str, punct: u32, lookup: &impl Fn(u64) -> Entry, out: &mut Tokens, words: &mut u32, caps_words: &mut u32) {
        let bytes = chunk.as_bytes();
        let lower_starts = |p: &str| bytes.len() >= p.len() && bytes[..p.len()].eq_ignore_ascii_case(p.as_bytes());
        if lower_starts("http://") || lower_starts("https://") || lower_starts("www.") {
            out.list.push(Token::new(self.url, Kind::Url, Entry::default()));
            return;
        }
        if bytes[0] == b'@' && bytes.len() > 1 {
            let end = matches!(bytes[bytes.len() - 1], b'.' | b',' | b';' | b':' | b'!' | b'?');
            out.list.push(Token { clause_end: end, ..Token::new(self.handle, Kind::Handle, Entry::default()) });
            return;
        }
        // Emoticons start with punctuation (":(", "<3") or are tiny ("xD").
        if punct > 0 && bytes.len() <= 8 && (bytes[0].is_ascii_punctuation() || bytes.len() <= 3) {
            let mut h = TokenHasher::default();
            for &b in bytes {
                h.push_byte(b.to_ascii_lowercase());
            }
            let h = h.finish();
            let e = lookup(h);
            if e.flags & EMOTICON != 0 {
                out.list.push(Token::new(h, Kind::Emoticon, e));
                return;
            }
        }
        let mut piece = Piece::new();
        let mut j = 0;
        while j < bytes.len() {
            let b = bytes[j];
            if b < 0x80 {
                j += 1;
                if b.is_ascii_alphanumeric() {
                    piece.chars += 1;
                    if !b.is_ascii_digit() {
                        piece.letters += 1;
                        piece.upper += b.is_ascii_uppercase() as u32;
                    }
                    piece.h.push_byte(b.to_ascii_lowercase());
                } else if b == b'\'' && piece.chars > 0 {
                    // "don't" reads as "dont".
                } else if b == b'#' && piece.chars == 0 {
                    piece.hashtag = true;
                } else {
                    self.flush(&mut piece, lookup, out, words, caps_words);
                    if matches!(b, b'.' | b',' | b';' | b':' | b'!' | b'?') {
                        if let Some(last) = out.list.last_mut() {
                            last.clause_end = true;
                        }
                    }
                }
                continue;
            }
            let Some((c, n)) = char_at(chunk, j) else { break };
            j += n;
            if c.is_alphanumeric() {
                piece.chars += 1;
                piece.letters += 1;
                if c.is_uppercase() {
                    piece.upper += 1;
                }
                for l in c.to_lowercase() {
                    piece.h.push_char(l);
                }
            } else if c == '\u{2019}' && piece.chars > 0 {
                // "don’t" too.
            } else {
                self.flush(&mut piece, lookup, out, words, caps_words);
                if is_emoji(c) {
                    let mut h = TokenHasher::default();
                    h.push_char(c);
                    let h = h.finish();
                    out.list.push(Token::new(h, Kind::Emoji, lookup(h)));
                }
            }
        }
        self.flush(&mut piece, lookup, out, words, caps_words);
    }

    #[inline]
    fn flush(&self, piece: &mut Piece, lookup: &impl Fn(u64) -> Entry, out: &mut Tokens, words: &mut u32, caps_words: &mut u32) {
        if piece.chars > 0 {
            let mut t = if piece.letters == 0 {
                Token::new(self.number, Kind::Number, Entry::default())
            } else {
                let h = piece.h.finish();
                Token::new(h, if piece.hashtag { Kind::Hashtag } else { Kind::Word }, lookup(h))
            };
            t.caps = piece.letters >= 2 && piece.upper == piece.letters;
            if piece.letters > 0 {
                *words += 1;
                if t.caps {
                    *caps_words += 1;
                }
            }
            out.list.push(t);
        }
        *piece = Piece::new();
    }
}

/// Pictographs and symbols that people use as emoji.
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2190..=0x21FF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Tokens {
        let emoticons = [hash_str(":("), hash_str(":)"), hash_str("<3")];
        let mut out = Tokens::default();
        let lookup = |h| Entry { flags: if emoticons.contains(&h) { EMOTICON } else { 0 }, ..Entry::default() };
        Tokenizer::default().tokenize(text, lookup, &mut out);
        out
    }

    #[test]
    fn words_are_lowercased_and_apostrophes_dropped() {
        let t = toks("Don't LOSE my Bag");
        let want: Vec<u64> = ["dont", "lose", "my", "bag"].iter().map(|w| hash_str(w)).collect();
        assert_eq!(t.list.iter().map(|t| t.hash).collect::<Vec<_>>(), want, "lowercase, apostrophe-free words");
        assert!(t.list[1].caps && !t.list[3].caps, "LOSE is in capitals, Bag is not");
        assert!(t.mixed_caps);
    }

    #[test]
    fn handles_urls_numbers_and_hashtags_are_normalised() {
        let t = toks("@united flight 1234 https://t.co/xyz #fail");
        let kinds: Vec<Kind> = t.list.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, vec![Kind::Handle, Kind::Word, Kind::Number, Kind::Url, Kind::Hashtag]);
        assert_eq!(t.list[0].hash, handle_hash());
        assert_eq!(t.list[4].hash, hash_str("fail"), "a hashtag counts as its word");
        let other = toks("@delta 99");
        assert_eq!(other.list[0].hash, t.list[0].hash, "every handle is the same token");
        assert_eq!(other.list[1].hash, t.list[2].hash, "every number is the same token");
    }

    #[test]
    fn emoticons_emoji_and_punctuation() {
        let t = toks("still waiting :( 😡😡 really?!");
        let kinds: Vec<Kind> = t.list.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, vec![Kind::Word, Kind::Word, Kind::Emoticon, Kind::Emoji, Kind::Emoji, Kind::Word]);
        assert_eq!((t.exclaims, t.questions), (1, 1));
        assert!(t.list[5].clause_end);
    }

    #[test]
    fn odd_input_never_panics() {
        for s in ["", "   ", "@", "#", "'''", "http", "\u{200d}\u{fe0f}", "ÉCOLE straße İstanbul", "a\0b"] {
            let _ = toks(s);
        }
        assert_eq!(toks("ÉCOLE").list[0].hash, toks("école").list[0].hash);
    }
}
