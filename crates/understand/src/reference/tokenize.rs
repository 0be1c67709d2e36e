//! The straightforward version kept to check the fast one against (tests only).

use crate::hash::{hash_str, TokenHasher};

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
    pub kind: Kind,
    /// Written in capitals (two letters or more), e.g. `NEVER`.
    pub caps: bool,
    /// A clause ends right after this token.
    pub clause_end: bool,
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
    digits: u32,
    hashtag: bool,
}

impl Piece {
    fn new() -> Self {
        Piece { h: TokenHasher::default(), letters: 0, upper: 0, chars: 0, digits: 0, hashtag: false }
    }
}

impl Tokenizer {
    /// Reads `text` into `out` (cleared first). `is_emoticon` says whether a
    /// lowercased punctuation chunk's hash is a known emoticon.
    pub fn tokenize(&self, text: &str, is_emoticon: impl Fn(u64) -> bool, out: &mut Tokens) {
        out.list.clear();
        out.exclaims = 0;
        out.questions = 0;
        let mut caps_words = 0u32;
        let mut words = 0u32;
        for chunk in text.split_whitespace() {
            let bytes = chunk.as_bytes();
            let mut punct = 0u32;
            for &b in bytes {
                match b {
                    b'!' => out.exclaims += 1,
                    b'?' => out.questions += 1,
                    _ => {}
                }
                if b.is_ascii_punctuation() {
                    punct += 1;
                }
            }
            let lower_starts = |p: &str| bytes.len() >= p.len() && bytes[..p.len()].eq_ignore_ascii_case(p.as_bytes());
            if lower_starts("http://") || lower_starts("https://") || lower_starts("www.") {
                out.list.push(Token { hash: self.url, kind: Kind::Url, caps: false, clause_end: false });
                continue;
            }
            if bytes[0] == b'@' && bytes.len() > 1 {
                let end = matches!(bytes[bytes.len() - 1], b'.' | b',' | b';' | b':' | b'!' | b'?');
                out.list.push(Token { hash: self.handle, kind: Kind::Handle, caps: false, clause_end: end });
                continue;
            }
            // Emoticons start with punctuation (":(", "<3") or are tiny ("xD").
            if punct > 0 && bytes.len() <= 8 && (bytes[0].is_ascii_punctuation() || bytes.len() <= 3) {
                let mut h = TokenHasher::default();
                for &b in bytes {
                    h.push_byte(b.to_ascii_lowercase());
                }
                let h = h.finish();
                if is_emoticon(h) {
                    out.list.push(Token { hash: h, kind: Kind::Emoticon, caps: false, clause_end: false });
                    continue;
                }
            }
            let mut piece = Piece::new();
            for c in chunk.chars() {
                if c.is_ascii_alphanumeric() {
                    piece.chars += 1;
                    if c.is_ascii_digit() {
                        piece.digits += 1;
                    } else {
                        piece.letters += 1;
                        if c.is_ascii_uppercase() {
                            piece.upper += 1;
                        }
                    }
                    piece.h.push_byte((c as u8).to_ascii_lowercase());
                } else if !c.is_ascii() && c.is_alphanumeric() {
                    piece.chars += 1;
                    piece.letters += 1;
                    if c.is_uppercase() {
                        piece.upper += 1;
                    }
                    for l in c.to_lowercase() {
                        piece.h.push_char(l);
                    }
                } else if (c == '\'' || c == '\u{2019}') && piece.chars > 0 {
                    // "don't" reads as "dont".
                } else if c == '#' && piece.chars == 0 {
                    piece.hashtag = true;
                } else {
                    self.flush(&mut piece, out, &mut words, &mut caps_words);
                    if is_emoji(c) {
                        let mut h = TokenHasher::default();
                        h.push_char(c);
                        out.list.push(Token { hash: h.finish(), kind: Kind::Emoji, caps: false, clause_end: false });
                    } else if matches!(c, '.' | ',' | ';' | ':' | '!' | '?') {
                        if let Some(last) = out.list.last_mut() {
                            last.clause_end = true;
                        }
                    }
                }
            }
            self.flush(&mut piece, out, &mut words, &mut caps_words);
        }
        out.mixed_caps = caps_words > 0 && caps_words < words;
    }

    fn flush(&self, piece: &mut Piece, out: &mut Tokens, words: &mut u32, caps_words: &mut u32) {
        if piece.chars > 0 {
            let (hash, kind) = if piece.letters == 0 {
                (self.number, Kind::Number)
            } else if piece.hashtag {
                (piece.h.finish(), Kind::Hashtag)
            } else {
                (piece.h.finish(), Kind::Word)
            };
            let caps = piece.letters >= 2 && piece.upper == piece.letters;
            if piece.letters > 0 {
                *words += 1;
                if caps {
                    *caps_words += 1;
                }
            }
            out.list.push(Token { hash, kind, caps, clause_end: false });
        }
        *piece = Piece::new();
    }
}

/// Pictographs and symbols that people use as emoji.
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2190..=0x21FF)
}

