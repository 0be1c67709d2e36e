//! Language detection on a cleaned prefix of the post (handles, URLs and
//! hashtags left out, at most [`PREFIX`] characters: a post's first words tell its
//! language). `whatlang` finds the script; Latin-script text goes to
//! `whichlang` (a hashed linear model, about 2 µs a post, for the ten
//! Latin-script languages it knows: en es pt fr de it nl sv tr vi), and every
//! other script to `whatlang`'s trigram and alphabet scoring, which is about
//! 100 µs a post here and so too slow for every post. [`LanguageDetector::thorough`]
//! sends everything to `whatlang` (69 languages) for callers that prefer
//! coverage to speed. Codes are ISO 639-1 where one exists (`en`, `pt`), like
//! listening queries' `lang:`; too little text or no reliable guess gives `und`.

use whatlang::{Detector, Lang, Script};

pub const PREFIX: usize = 64;
/// Fewer letters than this are too few to tell.
const MIN_LETTERS: usize = 12;
pub const UNDETERMINED: &str = "und";

pub struct LanguageDetector {
    detector: Detector,
    thorough: bool,
    /// At most this many characters of the cleaned text are read.
    prefix: usize,
}

impl Default for LanguageDetector {
    fn default() -> Self {
        LanguageDetector { detector: Detector::new(), thorough: false, prefix: PREFIX }
    }
}

impl LanguageDetector {
    /// Every post through `whatlang` (more languages, about 50× slower).
    pub fn thorough() -> Self {
        LanguageDetector { detector: Detector::new(), thorough: true, prefix: PREFIX }
    }

    /// Reads at most `chars` characters of the cleaned text (for measuring
    /// how much a shorter prefix changes the answers).
    pub fn with_prefix(self, chars: usize) -> Self {
        LanguageDetector { prefix: chars, ..self }
    }

    /// The language of `text`; `buf` is scratch space reused between calls.
    pub fn detect(&self, text: &str, buf: &mut String) -> &'static str {
        buf.clear();
        let mut chars = 0;
        for chunk in text.split_whitespace() {
            let b = chunk.as_bytes()[0];
            if b == b'@' || b == b'#' || chunk.starts_with("http") || chunk.starts_with("www.") {
                continue;
            }
            let n = if chunk.is_ascii() { chunk.len() } else { chunk.chars().count() };
            if chars + n + 1 > self.prefix {
                if buf.is_empty() {
                    buf.extend(chunk.chars().take(self.prefix));
                }
                break;
            }
            chars += n + 1;
            if !buf.is_empty() {
                buf.push(' ');
            }
            buf.push_str(chunk);
        }
        // ASCII text is counted by bytes, and is Latin script whenever it has
        // letters (whatlang would say so after looking at every char).
        let ascii = buf.is_ascii();
        let letters = if ascii { buf.bytes().filter(u8::is_ascii_alphabetic).count() } else { buf.chars().filter(|c| c.is_alphabetic()).count() };
        if letters < MIN_LETTERS {
            return UNDETERMINED;
        }
        if !self.thorough && (ascii || whatlang::detect_script(buf) == Some(Script::Latin)) {
            return whichlang_code(whichlang::detect_language(buf));
        }
        match self.detector.detect(buf) {
            Some(info) => iso639_1(info.lang()),
            _ => UNDETERMINED,
        }
    }
}

pub(crate) fn whichlang_code(l: whichlang::Lang) -> &'static str {
    use whichlang::Lang as W;
    match l {
        W::Ara => "ar", W::Cmn => "zh", W::Deu => "de", W::Eng => "en", W::Fra => "fr", W::Hin => "hi", W::Ita => "it",
        W::Jpn => "ja", W::Kor => "ko", W::Nld => "nl", W::Por => "pt", W::Rus => "ru", W::Spa => "es", W::Swe => "sv",
        W::Tur => "tr", W::Vie => "vi",
    }
}

/// ISO 639-1 for whatlang's languages that have one; else its 639-3 code.
pub fn iso639_1(lang: Lang) -> &'static str {
    match lang.code() {
        "eng" => "en", "spa" => "es", "por" => "pt", "fra" => "fr", "deu" => "de", "ita" => "it", "nld" => "nl",
        "rus" => "ru", "ukr" => "uk", "pol" => "pl", "tur" => "tr", "ara" => "ar", "heb" => "he", "hin" => "hi",
        "jpn" => "ja", "kor" => "ko", "cmn" => "zh", "swe" => "sv", "dan" => "da", "nob" => "nb", "fin" => "fi",
        "hun" => "hu", "ces" => "cs", "slk" => "sk", "ell" => "el", "bul" => "bg", "ron" => "ro", "hrv" => "hr",
        "srp" => "sr", "slv" => "sl", "lit" => "lt", "lav" => "lv", "est" => "et", "cat" => "ca", "ind" => "id",
        "vie" => "vi", "tha" => "th", "pes" => "fa", "urd" => "ur", "ben" => "bn", "tam" => "ta", "tel" => "te",
        "mar" => "mr", "guj" => "gu", "pan" => "pa", "kan" => "kn", "mal" => "ml", "afr" => "af", "lat" => "la",
        "epo" => "eo", "cym" => "cy", "hye" => "hy", "kat" => "ka", "bel" => "be", "mkd" => "mk", "aze" => "az",
        "uzb" => "uz", "tgl" => "tl", "jav" => "jv", "amh" => "am", "nep" => "ne", "sin" => "si", "khm" => "km",
        "mya" => "my", "ori" => "or", "zul" => "zu", "sna" => "sn", "aka" => "ak", "yid" => "yi", "tuk" => "tk",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_told_apart_and_short_text_is_undetermined() {
        let d = LanguageDetector::default();
        let mut buf = String::new();
        assert_eq!(d.detect("@united my flight was delayed again and nobody at the gate could tell us why", &mut buf), "en");
        assert_eq!(d.detect("mi vuelo fue cancelado y nadie me dio una respuesta sobre mi equipaje", &mut buf), "es");
        assert_eq!(d.detect("Здравствуйте, мой багаж потерялся, и никто не может сказать, где он сейчас находится", &mut buf), "ru");
        assert_eq!(LanguageDetector::thorough().detect("mi vuelo fue cancelado y nadie me dio una respuesta", &mut buf), "es");
        assert_eq!(d.detect("ok", &mut buf), UNDETERMINED);
        assert_eq!(d.detect("@a @b https://t.co/x", &mut buf), UNDETERMINED);
        assert_eq!(d.detect("", &mut buf), UNDETERMINED);
    }
}
