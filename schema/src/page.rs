//! Keyset pagination: lists are ordered by id (UUIDv7, so by creation), and a cursor is the last
//! id seen. New rows never shift a page a client already holds.

/// Most rows one page may ask for.
pub const MAX_PAGE_SIZE: i64 = 500;
/// Rows a page holds when the caller does not say.
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// A request for one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// Rows wanted (capped at [`MAX_PAGE_SIZE`]).
    pub first: Option<i64>,
    /// Return rows after this id.
    pub after: Option<String>,
}

impl PageRequest {
    /// The page size to use, clamped to `1..=MAX_PAGE_SIZE`.
    pub fn limit(&self) -> i64 {
        self.first
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE)
    }
}

/// One page of rows and whether more follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows, in id order.
    pub items: Vec<T>,
    /// Whether rows exist after the last one.
    pub has_next: bool,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only tells that more follow.
    pub fn from_overfetch(mut rows: Vec<T>, limit: i64) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let has_next = rows.len() > limit;
        rows.truncate(limit);
        Page {
            items: rows,
            has_next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_clamped_and_overfetch_tells_more() {
        assert_eq!(PageRequest::default().limit(), DEFAULT_PAGE_SIZE);
        assert_eq!(
            PageRequest {
                first: Some(10_000),
                after: None
            }
            .limit(),
            MAX_PAGE_SIZE
        );
        assert_eq!(
            PageRequest {
                first: Some(0),
                after: None
            }
            .limit(),
            1
        );
        let page = Page::from_overfetch(vec![1, 2, 3], 2);
        assert_eq!(page.items, vec![1, 2]);
        assert!(page.has_next);
        assert!(!Page::from_overfetch(vec![1, 2], 2).has_next);
    }
}
