//! Pages of records: the unit a connector streams.

use serde::{Deserialize, Serialize};

use super::{EntityKind, Record};

/// The page size connectors use unless their SIS dictates another.
pub const DEFAULT_PAGE_SIZE: usize = 1_000;

/// How bad a problem the connector found in the source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueSeverity {
    /// The source row or object was rejected: no record was emitted for it.
    Error,
    /// The row was kept, but something in it was ignored or looks wrong.
    Warning,
}

/// A problem a connector found in the source data, reported to the sync report alongside the
/// records (so that nothing is dropped silently).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceIssue {
    /// Rejected or kept with a warning.
    pub severity: IssueSeverity,
    /// A stable code (e.g. `unknown_column`, `invalid_value`).
    pub code: String,
    /// The kind of record concerned, when known.
    pub entity_kind: Option<EntityKind>,
    /// The source's id of the row or object, when it has one.
    pub external_id: Option<String>,
    /// A sentence for an admin, naming the file or endpoint, row and field.
    pub message: String,
    /// How many more issues of the same code and severity this one stands for, not listed
    /// one by one (a connector bounds what it holds between pages; the report still counts
    /// them all). 0 for an issue that stands for itself alone.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A batch of records. Connectors stream pages so a district never sits in memory whole; a page
/// has no meaning beyond batching (records of different kinds may share one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// The records, in the order the SIS sent them.
    pub records: Vec<Record>,
    /// Problems found in the source since the previous page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<SourceIssue>,
}

impl Page {
    /// A page holding `records`.
    pub fn new(records: Vec<Record>) -> Self {
        Self {
            records,
            issues: Vec::new(),
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the page has no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

impl From<Vec<Record>> for Page {
    fn from(records: Vec<Record>) -> Self {
        Self::new(records)
    }
}

impl IntoIterator for Page {
    type Item = Record;
    type IntoIter = std::vec::IntoIter<Record>;

    fn into_iter(self) -> Self::IntoIter {
        self.records.into_iter()
    }
}

/// Collects records one by one and hands out full [`Page`]s (for connectors whose source is not
/// paged itself, such as CSV files).
#[derive(Debug)]
pub struct PageBuffer {
    page_size: usize,
    records: Vec<Record>,
}

impl PageBuffer {
    /// A buffer emitting pages of `page_size` records (at least 1).
    pub fn new(page_size: usize) -> Self {
        let page_size = page_size.max(1);
        Self {
            page_size,
            records: Vec::with_capacity(page_size),
        }
    }

    /// Adds a record; returns a full page when `page_size` records have accumulated.
    pub fn push(&mut self, record: impl Into<Record>) -> Option<Page> {
        self.records.push(record.into());
        if self.records.len() >= self.page_size {
            let full = std::mem::replace(&mut self.records, Vec::with_capacity(self.page_size));
            Some(Page::new(full))
        } else {
            None
        }
    }

    /// The last, partial page, if any records are left.
    pub fn finish(self) -> Option<Page> {
        (!self.records.is_empty()).then(|| Page::new(self.records))
    }
}

impl Default for PageBuffer {
    fn default() -> Self {
        Self::new(DEFAULT_PAGE_SIZE)
    }
}

#[cfg(test)]
mod tests {
    use super::PageBuffer;
    use crate::records::Course;

    #[test]
    fn emits_full_pages_then_the_rest() {
        let mut buf = PageBuffer::new(2);
        let mut pages = Vec::new();
        for i in 0..5 {
            if let Some(p) = buf.push(Course::new(format!("c{i}"), "t")) {
                pages.push(p);
            }
        }
        pages.extend(buf.finish());
        let sizes: Vec<usize> = pages.iter().map(|p| p.len()).collect();
        assert_eq!(sizes, [2, 2, 1]);
        let ids: Vec<String> = pages
            .into_iter()
            .flatten()
            .map(|r| r.external_id().into_owned())
            .collect();
        assert_eq!(ids, ["c0", "c1", "c2", "c3", "c4"]);
    }

    #[test]
    fn empty_buffer_finishes_with_nothing() {
        assert!(PageBuffer::new(10).finish().is_none());
        assert!(PageBuffer::new(0).push(Course::new("c", "t")).is_some());
    }
}
