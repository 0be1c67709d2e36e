//! Mistakes in a rules, playbook or SLA file, said so a person can fix them:
//! which file, which line and column, which rule or template, and what is wrong.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// `rules`, `playbook` or `sla`.
    pub file: &'static str,
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The rule, template, policy or calendar concerned, e.g. `rule "Legal threat"`.
    pub item: Option<String>,
    pub message: String,
}

impl ConfigError {
    pub fn new(file: &'static str, message: impl Into<String>) -> Self {
        ConfigError { file, line: None, column: None, item: None, message: message.into() }
    }
    /// Places the error at byte `offset` of `source`.
    pub fn at(mut self, source: &str, offset: usize) -> Self {
        let (line, column) = line_col(source, offset);
        self.line = Some(line);
        self.column = Some(column);
        self
    }
    pub fn item(mut self, item: impl Into<String>) -> Self {
        self.item = Some(item.into());
        self
    }
    /// A TOML syntax or shape error, placed where toml found it.
    pub fn from_toml(file: &'static str, source: &str, e: &toml::de::Error) -> Self {
        let err = ConfigError::new(file, e.message().trim().to_string());
        match e.span() {
            Some(span) => err.at(source, span.start),
            None => err,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} file", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
            if let Some(col) = self.column {
                write!(f, ", column {col}")?;
            }
        }
        if let Some(item) = &self.item {
            write!(f, ", {item}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// 1-based line and column (in characters) of byte `offset`.
pub(crate) fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}
