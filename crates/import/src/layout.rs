//! Where each field of a post sits in an input file.
//!
//! A [`Layout`] is built from a preset (`twcs`, `airline`, `jsonl`) or from a
//! `--map field=COLUMN,...` description, then checked against the file's
//! header, giving a [`CsvMapping`] of column indexes that turns one raw record
//! into a normalised post or a reason why it cannot be one.

use std::str::FromStr;

use switchboard_core::post::{Direction, NewPost};
use switchboard_core::time::parse_timestamp;

use crate::csv_rows::RawRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// "Customer Support on Twitter": tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
    Twcs,
    /// "Twitter US Airline Sentiment": tweet_id,...,airline,...,name,...,text,...,tweet_created,...
    Airline,
    /// One JSON object per line (see `jsonl.rs`).
    Jsonl,
}

impl FromStr for Preset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "twcs" => Ok(Preset::Twcs),
            "airline" => Ok(Preset::Airline),
            "jsonl" => Ok(Preset::Jsonl),
            other => Err(format!("unknown preset {other:?}: use twcs, airline or jsonl")),
        }
    }
}

/// The fields a CSV column can fill.
pub const FIELDS: [&str; 10] =
    ["external_id", "text", "created_at", "author", "author_name", "followers", "reply_to", "inbound", "direction", "account"];

/// Field → column name, plus the channel the posts belong to.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub channel: String,
    pub columns: Vec<(String, String)>,
    /// How `inbound`'s values read: twcs says True/False.
    pub jsonl: bool,
    /// The text is as Twitter's API gave it, with `&`, `<` and `>` written as
    /// `&amp;`, `&lt;` and `&gt;`: store what the person typed.
    pub twitter_entities: bool,
}

impl Layout {
    pub fn preset(p: Preset) -> Self {
        let cols = |pairs: &[(&str, &str)]| pairs.iter().map(|(f, c)| (f.to_string(), c.to_string())).collect();
        match p {
            Preset::Twcs => Layout {
                channel: "twitter".into(),
                columns: cols(&[
                    ("external_id", "tweet_id"),
                    ("author", "author_id"),
                    ("inbound", "inbound"),
                    ("created_at", "created_at"),
                    ("text", "text"),
                    ("reply_to", "in_response_to_tweet_id"),
                ]),
                jsonl: false,
                twitter_entities: true,
            },
            Preset::Airline => Layout {
                channel: "twitter".into(),
                columns: cols(&[
                    ("external_id", "tweet_id"),
                    ("author", "name"),
                    ("created_at", "tweet_created"),
                    ("text", "text"),
                    ("account", "airline"),
                ]),
                jsonl: false,
                twitter_entities: true,
            },
            Preset::Jsonl => Layout { channel: "import".into(), columns: Vec::new(), jsonl: true, twitter_entities: false },
        }
    }

    /// Parses `text=COL,external_id=COL,...`.
    pub fn from_map(spec: &str, channel: &str) -> Result<Self, String> {
        let mut columns = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, col) = part
                .split_once('=')
                .ok_or_else(|| format!("--map entry {part:?} is not FIELD=COLUMN"))?;
            let field = field.trim();
            if !FIELDS.contains(&field) {
                return Err(format!("--map: unknown field {field:?}; fields are {}", FIELDS.join(", ")));
            }
            columns.push((field.to_string(), col.trim().to_string()));
        }
        for required in ["external_id", "text", "created_at", "author"] {
            if !columns.iter().any(|(f, _)| f == required) {
                return Err(format!("--map must name a column for {required}"));
            }
        }
        Ok(Layout { channel: channel.to_string(), columns, jsonl: false, twitter_entities: false })
    }

    /// Resolves column names against the header; `labels` are (field, column).
    pub fn bind(&self, headers: &[String], labels: &[(String, String)]) -> Result<CsvMapping, String> {
        let find = |col: &str| {
            headers
                .iter()
                .position(|h| h == col)
                .ok_or_else(|| format!("the file has no column {col:?} (columns: {})", headers.join(", ")))
        };
        let mut m = CsvMapping { channel: self.channel.clone(), twitter_entities: self.twitter_entities, ..CsvMapping::default() };
        for (field, col) in &self.columns {
            let i = Some(find(col)?);
            match field.as_str() {
                "external_id" => m.external_id = i,
                "text" => m.text = i,
                "created_at" => m.created_at = i,
                "author" => m.author = i,
                "author_name" => m.author_name = i,
                "followers" => m.followers = i,
                "reply_to" => m.reply_to = i,
                "inbound" => m.inbound = i,
                "direction" => m.direction = i,
                "account" => m.account = i,
                _ => unreachable!("fields are checked when the layout is made"),
            }
        }
        for (field, col) in labels {
            m.labels.push((field.clone(), find(col)?));
        }
        Ok(m)
    }
}

/// Column indexes for one file.
#[derive(Debug, Clone, Default)]
pub struct CsvMapping {
    pub channel: String,
    pub external_id: Option<usize>,
    pub text: Option<usize>,
    pub created_at: Option<usize>,
    pub author: Option<usize>,
    pub author_name: Option<usize>,
    pub followers: Option<usize>,
    pub reply_to: Option<usize>,
    pub inbound: Option<usize>,
    pub direction: Option<usize>,
    pub account: Option<usize>,
    pub labels: Vec<(String, usize)>,
    pub twitter_entities: bool,
}

impl CsvMapping {
    pub fn post(&self, rec: &RawRecord) -> Result<NewPost, String> {
        let field = |i: Option<usize>, name: &str| -> Result<Option<&str>, String> {
            match i {
                None => Ok(None),
                Some(i) => {
                    let raw = rec.fields.get(i).unwrap_or_default();
                    let s = std::str::from_utf8(raw).map_err(|_| format!("invalid UTF-8 in column {name}"))?;
                    Ok(Some(s))
                }
            }
        };
        let required = |i, name: &str| -> Result<&str, String> {
            field(i, name)?
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| format!("missing {name}"))
        };
        let external_id = required(self.external_id, "external_id")?.to_string();
        let text = field(self.text, "text")?.unwrap_or("");
        if text.trim().is_empty() {
            return Err("missing text".into());
        }
        let created_raw = required(self.created_at, "created_at")?;
        let created_at = parse_timestamp(created_raw).map_err(|e| format!("bad date in created_at: {e}"))?;
        let author = required(self.author, "author")?.to_string();
        let optional = |i, name: &str| -> Result<Option<String>, String> {
            Ok(field(i, name)?.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string))
        };
        let direction = match (optional(self.direction, "direction")?, optional(self.inbound, "inbound")?) {
            (Some(d), _) => Direction::parse(&d.to_lowercase())
                .ok_or_else(|| format!("bad direction {d:?}: use inbound or outbound"))?,
            (None, Some(b)) => match b.to_lowercase().as_str() {
                "true" | "1" | "yes" => Direction::Inbound,
                "false" | "0" | "no" => Direction::Outbound,
                _ => return Err(format!("bad inbound value {b:?}: use True or False")),
            },
            (None, None) => Direction::Inbound,
        };
        let followers = match optional(self.followers, "followers")? {
            Some(f) => Some(f.parse::<i64>().map_err(|_| format!("bad follower count {f:?}"))?),
            None => None,
        };
        let reply_to = optional(self.reply_to, "reply_to")?.map(|r| r.trim_end_matches(".0").to_string());
        // The organisation's own posts speak for the account that wrote them.
        let account = optional(self.account, "account")?
            .or_else(|| (direction == Direction::Outbound).then(|| author.clone()));
        let mut labels = Vec::new();
        for (name, i) in &self.labels {
            if let Some(v) = optional(Some(*i), name)? {
                labels.push((name.clone(), v));
            }
        }
        Ok(NewPost {
            channel: self.channel.clone(),
            external_id,
            author,
            author_name: optional(self.author_name, "author_name")?,
            author_followers: followers,
            direction,
            text: if self.twitter_entities { unescape_twitter(text) } else { text.to_string() },
            created_at,
            reply_to,
            account,
            labels,
        })
    }
}

/// Undoes the escaping Twitter's API applies to tweet text (`&amp;`, `&lt;`,
/// `&gt;`) in one pass, so `&amp;lt;` reads `&lt;` as the author typed it.
/// Anything else that looks like an entity is left as it is.
pub fn unescape_twitter(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (ch, len) = if rest.starts_with("&amp;") {
            ('&', 5)
        } else if rest.starts_with("&lt;") {
            ('<', 4)
        } else if rest.starts_with("&gt;") {
            ('>', 4)
        } else {
            ('&', 1)
        };
        out.push(ch);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::unescape_twitter;

    #[test]
    fn twitter_entities_are_undone_once() {
        assert_eq!(unescape_twitter("Checking in now &amp; was charged"), "Checking in now & was charged");
        assert_eq!(unescape_twitter("&lt;3 &gt;:( &amp;lt;b&amp;gt;"), "<3 >:( &lt;b&gt;");
        assert_eq!(unescape_twitter("AT&T &copy; & &am"), "AT&T &copy; & &am");
        assert_eq!(unescape_twitter("café &amp; crème"), "café & crème");
    }
}
