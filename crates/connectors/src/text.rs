//! HTML to plain text for post bodies (feed summaries, Mastodon `content`).
//! Tags are dropped, `<script>`/`<style>` with their content, block tags and
//! `<br>` become line breaks, common entities are decoded and runs of spaces
//! collapse. It never panics, whatever the input; a `<` that does not start
//! a tag is kept as text.

/// Converts an HTML fragment to plain text.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        let after = &rest[lt + 1..];
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?')
        {
            out.push('<');
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else {
            rest = ""; // an unterminated tag: drop it
            break;
        };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let close = format!("</{name}");
            rest = match rest.to_ascii_lowercase().find(&close) {
                Some(i) => rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]),
                None => "",
            };
            continue;
        }
        if matches!(
            name.as_str(),
            "br" | "p"
                | "div"
                | "li"
                | "tr"
                | "blockquote"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
        ) {
            out.push('\n');
        }
    }
    push_text(&mut out, rest);
    tidy(&out)
}

fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match after
            .find(';')
            .filter(|&i| i <= 10)
            .and_then(|i| decode(&after[..i]).map(|c| (c, i)))
        {
            Some((c, i)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

fn decode(entity: &str) -> Option<char> {
    if let Some(num) = entity.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match entity {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        _ => return None,
    })
}

/// Collapses spaces within lines and blank lines between them.
fn tidy(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn strips_tags_and_decodes() {
        let html = r#"<p>Hi <span class="h-card"><a href="https://x/@lumen">@<span>lumen</span></a></span> my router &amp; modem</p><p>are down&#33; 5 &lt; 6</p>"#;
        assert_eq!(
            html_to_text(html),
            "Hi @lumen my router & modem\nare down! 5 < 6"
        );
    }

    #[test]
    fn drops_scripts_and_keeps_stray_brackets() {
        assert_eq!(html_to_text("a <script>alert('x')</script>b"), "a b");
        assert_eq!(html_to_text("1 < 2 and <3"), "1 < 2 and <3");
        assert_eq!(html_to_text("cut <b"), "cut");
        assert_eq!(html_to_text("&bogus; &#xZZ; &"), "&bogus; &#xZZ; &");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "<",
            "&",
            "&#",
            "&#x;",
            "<<>>",
            "</",
            "<script",
            "é<é>é&é;",
            "&#1114112;",
        ] {
            let _ = html_to_text(s);
        }
    }
}
