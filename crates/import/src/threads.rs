//! Reply chains within one import file. Files list posts in any order (a
//! reply often comes before the post it answers), so the importer first reads
//! every id and parent, then gives each post the id of its thread's root: the
//! earliest ancestor present in the file. A root whose own parent is missing
//! from the file may continue a conversation already stored; the ingestor's
//! caller resolves that once per root.

// A fast, randomly seeded hash (see store::ingest).
use foldhash::{HashMap, HashSet};

#[derive(Debug, Default)]
pub struct Threads {
    parent: HashMap<Box<str>, Box<str>>,
    present: HashSet<Box<str>>,
}

/// Bound on a chain's length, so a malformed file with a cycle still ends.
const MAX_DEPTH: usize = 100_000;

impl Threads {
    pub fn add(&mut self, id: &str, parent: Option<&str>) {
        self.present.insert(id.into());
        if let Some(p) = parent.filter(|p| *p != id) {
            self.parent.insert(id.into(), p.into());
        }
    }

    /// The root of `id`'s thread within the file, and the root's own parent
    /// when that parent is not in the file (it may be stored already).
    pub fn root<'a>(&'a self, id: &'a str) -> (&'a str, Option<&'a str>) {
        let mut cur = id;
        let mut seen = 0;
        while let Some(p) = self.parent.get(cur) {
            if !self.present.contains(p.as_ref()) {
                return (cur, Some(p));
            }
            cur = p;
            seen += 1;
            if seen > MAX_DEPTH {
                break;
            }
        }
        (cur, None)
    }

    pub fn len(&self) -> usize {
        self.present.len()
    }
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_follow_parents_present_in_the_file() {
        let mut t = Threads::default();
        // twcs order: replies first.
        t.add("1", Some("3"));
        t.add("2", Some("1"));
        t.add("3", Some("4"));
        t.add("4", Some("99"));
        t.add("7", None);
        assert_eq!(t.root("2"), ("4", Some("99")), "4's parent is outside the file");
        assert_eq!(t.root("7"), ("7", None));
    }

    #[test]
    fn a_cycle_does_not_hang() {
        let mut t = Threads::default();
        t.add("a", Some("b"));
        t.add("b", Some("a"));
        let (root, _) = t.root("a");
        assert!(root == "a" || root == "b");
    }
}
