//! Text from the workspace (post text, names, notes, reasons) printed to a
//! terminal: control characters are replaced, so nobody's note can move the
//! cursor, clear the screen or forge a line of output.

/// `s` with every control character shown as `?`.
pub fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// A multi-line text: each line cleaned (the line breaks themselves kept).
pub fn clean_lines(s: &str) -> impl Iterator<Item = String> + '_ {
    s.lines().map(clean)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_codes_do_not_reach_the_terminal() {
        assert_eq!(super::clean("a\u{1b}[2Jb\tc"), "a?[2Jb?c");
        assert_eq!(super::clean_lines("one\n\u{7}two").collect::<Vec<_>>(), ["one", "?two"]);
    }
}
