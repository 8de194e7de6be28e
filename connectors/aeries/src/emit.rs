//! Turning a straight-line read into a lazy page stream.
//!
//! A read runs as its own task and hands full pages to the stream through a channel of two
//! pages, so at most a few pages are in memory and the task waits while the sync engine
//! writes. Nothing is requested until the stream is first polled; dropping the stream stops
//! the task.

use std::future::Future;

use futures::StreamExt;
use homeroom_connector_core::{
    ConnectorError, CursorSlot, EntityKind, IssueSeverity, Page, PageBuffer, Record, SourceIssue,
    SyncStream,
};
use tokio::sync::mpsc;

use crate::api::Rejects;

/// Why a read stopped early.
#[derive(Debug)]
pub(crate) enum Halt {
    /// The read failed; the error ends the stream.
    Failed(ConnectorError),
    /// The stream was dropped; nobody is listening.
    Closed,
}

impl From<ConnectorError> for Halt {
    fn from(error: ConnectorError) -> Self {
        Halt::Failed(error)
    }
}

/// Collects records into pages and sends them.
pub(crate) struct Emitter {
    tx: mpsc::Sender<Result<Page, ConnectorError>>,
    buffer: PageBuffer,
    page_size: usize,
    issues: Vec<SourceIssue>,
    /// Objects the API client could not read, collected into `issues` page by page.
    rejects: Rejects,
}

impl Emitter {
    /// Adds a record, sending the page when it is full.
    pub(crate) async fn push(&mut self, record: impl Into<Record>) -> Result<(), Halt> {
        if let Some(mut page) = self.buffer.push(record) {
            page.issues = self.take_issues();
            self.send(Ok(page)).await?;
        }
        Ok(())
    }

    /// Where the API client of this read puts the objects it rejects.
    pub(crate) fn rejects(&self) -> Rejects {
        self.rejects.clone()
    }

    fn take_issues(&mut self) -> Vec<SourceIssue> {
        let mut issues = std::mem::take(&mut self.issues);
        issues.append(&mut self.rejects.lock().unwrap_or_else(|e| e.into_inner()));
        issues
    }

    /// Notes a problem in the source; it travels with the next page.
    pub(crate) fn issue(
        &mut self,
        severity: IssueSeverity,
        code: &str,
        kind: Option<EntityKind>,
        external_id: Option<String>,
        message: String,
    ) {
        tracing::warn!(target: "homeroom_aeries", code, ?external_id, "{message}");
        self.issues.push(SourceIssue {
            severity,
            code: code.to_owned(),
            entity_kind: kind,
            external_id,
            message,
            more: 0,
        });
    }

    /// Sends the partial page (and pending issues), so what follows starts a new page.
    pub(crate) async fn flush(&mut self) -> Result<(), Halt> {
        let buffer = std::mem::replace(&mut self.buffer, PageBuffer::new(self.page_size));
        let mut page = buffer.finish().unwrap_or_default();
        page.issues = self.take_issues();
        if page.records.is_empty() && page.issues.is_empty() {
            return Ok(());
        }
        self.send(Ok(page)).await
    }

    async fn send(&self, item: Result<Page, ConnectorError>) -> Result<(), Halt> {
        self.tx.send(item).await.map_err(|_| Halt::Closed)
    }

    /// Ends the read: the last page, then the error if it failed.
    async fn finish(mut self, result: Result<(), Halt>) {
        let _ = self.flush().await;
        if let Err(Halt::Failed(error)) = result {
            let _ = self.send(Err(error)).await;
        }
    }
}

/// Aborts the read task when the stream is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A stream of the pages `read` emits, started on first poll.
pub(crate) fn spawn_stream<R, Fut>(
    cursor: CursorSlot,
    page_size: usize,
    read: R,
) -> SyncStream<'static>
where
    R: FnOnce(Emitter) -> Fut + Send + 'static,
    Fut: Future<Output = (Emitter, Result<(), Halt>)> + Send + 'static,
{
    let pages = futures::stream::once(async move {
        let (tx, rx) = mpsc::channel(2);
        let emitter = Emitter {
            tx,
            buffer: PageBuffer::new(page_size),
            page_size,
            issues: Vec::new(),
            rejects: Rejects::default(),
        };
        let task = tokio::spawn(async move {
            let (emitter, result) = read(emitter).await;
            emitter.finish(result).await;
        });
        futures::stream::unfold((rx, AbortOnDrop(task)), |(mut rx, task)| async move {
            rx.recv().await.map(|item| (item, (rx, task)))
        })
    })
    .flatten();
    SyncStream::new(pages, cursor)
}
