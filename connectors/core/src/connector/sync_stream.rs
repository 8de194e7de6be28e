//! The stream of pages a sync reads, and the delta cursor it reports at the end.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures::Stream;
use futures::stream::BoxStream;
use thiserror::Error;

use super::ConnectorError;
use crate::records::Page;

/// The boxed stream of pages inside a [`SyncStream`].
pub type PageStream<'a> = BoxStream<'a, Result<Page, ConnectorError>>;

/// Where a connector leaves the cursor for the next delta sync. Clone it into the page stream
/// and call [`CursorSlot::set`] whenever the cursor advances (last Clever event id, the snapshot
/// start time for OneRoster `dateLastModified`, …); the sync engine reads it through
/// [`SyncStream::next_cursor`] once the stream is done.
#[derive(Clone, Debug, Default)]
pub struct CursorSlot(Arc<Mutex<Option<String>>>);

impl CursorSlot {
    /// An empty slot.
    pub fn new() -> Self {
        Self::default()
    }

    /// A slot already holding `cursor` (known before streaming starts).
    pub fn with(cursor: impl Into<String>) -> Self {
        let slot = Self::new();
        slot.set(cursor);
        slot
    }

    /// Records the cursor, replacing any earlier one.
    pub fn set(&self, cursor: impl Into<String>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(cursor.into());
    }

    /// The cursor recorded so far.
    pub fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Why [`SyncStream::next_cursor`] cannot give a cursor yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CursorUnavailable {
    /// The stream has not been read to its end.
    #[error("the page stream has not been read to the end")]
    NotFinished,
    /// A page failed: advancing the cursor would skip the changes that page held.
    #[error("a page failed, so the cursor must not advance")]
    PageFailed,
}

/// What [`crate::Connector::full_snapshot`] and [`crate::Connector::delta`] return: a stream of
/// pages (`Result<Page, ConnectorError>`) plus the cursor for the next delta sync.
///
/// Read it with `futures::StreamExt::next`. An `Err` item is one failed page; a connector may go
/// on with later pages or end the stream. Once the stream has ended, [`SyncStream::next_cursor`]
/// gives the cursor — only if no page failed.
pub struct SyncStream<'a> {
    pages: PageStream<'a>,
    cursor: CursorSlot,
    finished: bool,
    failed: bool,
}

impl<'a> SyncStream<'a> {
    /// A stream whose connector reports its cursor through `cursor`.
    pub fn new(
        pages: impl Stream<Item = Result<Page, ConnectorError>> + Send + 'a,
        cursor: CursorSlot,
    ) -> Self {
        Self {
            pages: Box::pin(pages),
            cursor,
            finished: false,
            failed: false,
        }
    }

    /// A stream with no delta cursor (the SIS has no delta feed).
    pub fn without_cursor(
        pages: impl Stream<Item = Result<Page, ConnectorError>> + Send + 'a,
    ) -> Self {
        Self::new(pages, CursorSlot::new())
    }

    /// A stream that yields one error and ends (setup failed before any page).
    pub fn from_error(error: ConnectorError) -> Self {
        Self::without_cursor(futures::stream::once(async move { Err(error) }))
    }

    /// Whether the stream has ended.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The cursor for the next delta sync (`Ok(None)` when the connector reports none), available
    /// once the stream has ended without a failed page.
    pub fn next_cursor(&self) -> Result<Option<String>, CursorUnavailable> {
        if !self.finished {
            Err(CursorUnavailable::NotFinished)
        } else if self.failed {
            Err(CursorUnavailable::PageFailed)
        } else {
            Ok(self.cursor.get())
        }
    }
}

impl Stream for SyncStream<'_> {
    type Item = Result<Page, ConnectorError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        let item = futures::ready!(this.pages.as_mut().poll_next(cx));
        match &item {
            None => this.finished = true,
            Some(Err(_)) => this.failed = true,
            Some(Ok(_)) => {}
        }
        Poll::Ready(item)
    }
}

impl std::fmt::Debug for SyncStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncStream")
            .field("finished", &self.finished)
            .field("failed", &self.failed)
            .field("cursor", &self.cursor.get())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::{CursorSlot, CursorUnavailable, SyncStream};
    use crate::connector::ConnectorError;
    use crate::records::{Course, Page};

    fn page(id: &str) -> Page {
        Page::new(vec![Course::new(id, "t").into()])
    }

    #[tokio::test]
    async fn cursor_is_available_only_after_a_clean_end() {
        let slot = CursorSlot::new();
        let writer = slot.clone();
        let pages = futures::stream::iter(vec![Ok(page("a")), Ok(page("b"))]).chain(
            futures::stream::once(async move {
                writer.set("evt-42");
                Ok(page("c"))
            }),
        );
        let mut stream = SyncStream::new(pages, slot);
        assert_eq!(stream.next_cursor(), Err(CursorUnavailable::NotFinished));
        let mut n = 0;
        while let Some(p) = stream.next().await {
            p.unwrap();
            n += 1;
        }
        assert_eq!(n, 3);
        assert!(stream.is_finished());
        assert_eq!(stream.next_cursor(), Ok(Some("evt-42".to_owned())));
        assert!(
            stream.next().await.is_none(),
            "polling after the end stays ended"
        );
    }

    #[tokio::test]
    async fn a_failed_page_withholds_the_cursor() {
        let pages = futures::stream::iter(vec![
            Ok(page("a")),
            Err(ConnectorError::malformed("users page", "bad json")),
            Ok(page("b")),
        ]);
        let mut stream = SyncStream::new(pages, CursorSlot::with("c-1"));
        let results: Vec<_> = (&mut stream).collect().await;
        assert_eq!(results.len(), 3);
        assert_eq!(stream.next_cursor(), Err(CursorUnavailable::PageFailed));
    }

    #[tokio::test]
    async fn without_cursor_and_from_error() {
        let mut s = SyncStream::without_cursor(futures::stream::iter(vec![Ok(page("a"))]));
        while s.next().await.is_some() {}
        assert_eq!(s.next_cursor(), Ok(None));

        let mut s = SyncStream::from_error(ConnectorError::Auth("nope".into()));
        assert!(matches!(s.next().await, Some(Err(ConnectorError::Auth(_)))));
        assert!(s.next().await.is_none());
        assert_eq!(s.next_cursor(), Err(CursorUnavailable::PageFailed));
    }
}
