//! The straightforward version kept to check the fast one against (tests only).

use whatlang::{Detector, Script};

use crate::language::{iso639_1, whichlang_code, PREFIX, UNDETERMINED};

const MIN_LETTERS: usize = 12;

pub struct LanguageDetector {
    pub detector: Detector,
    pub thorough: bool,
}

impl LanguageDetector {
    pub fn detect(&self, text: &str, buf: &mut String) -> &'static str {
        buf.clear();
        let mut letters = 0;
        let mut chars = 0;
        for chunk in text.split_whitespace() {
            let b = chunk.as_bytes()[0];
            if b == b'@' || b == b'#' || chunk.starts_with("http") || chunk.starts_with("www.") {
                continue;
            }
            let n = chunk.chars().count();
            if chars + n + 1 > PREFIX {
                if buf.is_empty() {
                    buf.extend(chunk.chars().take(PREFIX));
                }
                break;
            }
            chars += n + 1;
            if !buf.is_empty() {
                buf.push(' ');
            }
            buf.push_str(chunk);
        }
        letters += buf.chars().filter(|c| c.is_alphabetic()).count();
        if letters < MIN_LETTERS {
            return UNDETERMINED;
        }
        if !self.thorough && whatlang::detect_script(buf) == Some(Script::Latin) {
            return whichlang_code(whichlang::detect_language(buf));
        }
        match self.detector.detect(buf) {
            Some(info) => iso639_1(info.lang()),
            _ => UNDETERMINED,
        }
    }
}
