//! Running the (blocking) CSV reader off the async runtime and streaming its pages.
//!
//! The reader runs on a `spawn_blocking` thread started on the first poll (streams are lazy)
//! and hands full pages over a channel of capacity [`CHANNEL_PAGES`], so at most a few pages
//! are in memory and a slow consumer slows the reader down. Dropping the stream stops the
//! reader at its next page. The reader always ends with an explicit "done" or "failed"
//! message: a channel that closes without one (the reader panicked) is an error item, never a
//! silently short — and therefore seemingly complete — snapshot.

use futures::Stream;
use homeroom_connector_core::{ConnectorError, Page, PageBuffer, Record};
use tokio::sync::mpsc;

use super::sink::{Halt, RecordSink};
use crate::report::ReportHandle;

/// Pages buffered between the reader thread and the consumer.
const CHANNEL_PAGES: usize = 2;

enum Message {
    Page(Page),
    Failed(ConnectorError),
    Done,
}

/// Collects records into pages and sends them.
struct PageSink {
    buffer: PageBuffer,
    tx: mpsc::Sender<Message>,
    report: ReportHandle,
}

impl PageSink {
    fn send(&self, mut page: Page) -> Result<(), Halt> {
        page.issues = self.report.take_source_issues();
        self.report.count_records(page.len());
        self.tx
            .blocking_send(Message::Page(page))
            .map_err(|_| Halt::Cancelled)
    }
}

impl RecordSink for PageSink {
    fn push(&mut self, record: Record) -> Result<(), Halt> {
        match self.buffer.push(record) {
            Some(page) => self.send(page),
            None => Ok(()),
        }
    }
}

/// The work the reader thread does: emit every record into the sink.
pub(crate) type Job = Box<dyn FnOnce(&mut dyn RecordSink) -> Result<(), Halt> + Send>;

/// Streams the pages `job` produces, `page_size` records each.
pub(crate) fn page_stream(
    job: Job,
    page_size: usize,
    report: ReportHandle,
) -> impl Stream<Item = Result<Page, ConnectorError>> + Send + 'static {
    struct State {
        start: Option<(Job, mpsc::Sender<Message>, ReportHandle)>,
        rx: mpsc::Receiver<Message>,
        ended: bool,
    }
    let (tx, rx) = mpsc::channel(CHANNEL_PAGES);
    let state = State {
        start: Some((job, tx, report)),
        rx,
        ended: false,
    };
    futures::stream::unfold(state, move |mut state| async move {
        if state.ended {
            return None;
        }
        if let Some((job, tx, report)) = state.start.take() {
            tokio::task::spawn_blocking(move || run(job, tx, page_size, &report));
        }
        let item = match state.rx.recv().await {
            Some(Message::Page(page)) => Ok(page),
            Some(Message::Failed(error)) => {
                state.ended = true;
                Err(error)
            }
            Some(Message::Done) => return None,
            None => {
                state.ended = true;
                Err(ConnectorError::Other(
                    "the OneRoster CSV reader stopped unexpectedly (see the logs)".to_owned(),
                ))
            }
        };
        Some((item, state))
    })
}

fn run(job: Job, tx: mpsc::Sender<Message>, page_size: usize, report: &ReportHandle) {
    let mut sink = PageSink {
        buffer: PageBuffer::new(page_size),
        tx,
        report: report.clone(),
    };
    let outcome = job(&mut sink);
    let PageSink { buffer, tx, .. } = sink;
    let last = buffer.finish();
    let end = match outcome {
        Ok(()) => Message::Done,
        Err(Halt::Failed(error)) => Message::Failed(error),
        Err(Halt::Cancelled) => {
            report.finish();
            return;
        }
    };
    // The last page carries the issues still pending (an empty page when only issues are left).
    let pending = report.take_source_issues();
    let last = match last {
        Some(mut page) => {
            page.issues = pending;
            Some(page)
        }
        None if !pending.is_empty() => Some(Page {
            records: Vec::new(),
            issues: pending,
        }),
        None => None,
    };
    if let Some(page) = last {
        report.count_records(page.len());
        if tx.blocking_send(Message::Page(page)).is_err() {
            report.finish();
            return;
        }
    }
    report.finish();
    // The receiver may be gone; then nobody needs the end marker either.
    let _ = tx.blocking_send(end);
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use homeroom_connector_core::{ConnectorError, Course, Record};

    use super::{Job, page_stream};
    use crate::csv_export::sink::Halt;
    use crate::report::ReportHandle;

    fn courses(n: usize, fail: bool) -> Job {
        Box::new(move |sink| {
            for i in 0..n {
                sink.push(Record::from(Course::new(format!("c{i}"), "t")))?;
            }
            if fail {
                return Err(Halt::Failed(ConnectorError::malformed("x.csv", "boom")));
            }
            Ok(())
        })
    }

    #[tokio::test]
    async fn pages_then_end() {
        let report = ReportHandle::new();
        let pages: Vec<_> = page_stream(courses(5, false), 2, report.clone())
            .collect()
            .await;
        let sizes: Vec<usize> = pages.iter().map(|p| p.as_ref().unwrap().len()).collect();
        assert_eq!(sizes, [2, 2, 1]);
        assert_eq!(report.snapshot().records, 5);
        assert!(report.snapshot().finished);
    }

    #[tokio::test]
    async fn failure_comes_after_the_pages_read() {
        let pages: Vec<_> = page_stream(courses(3, true), 2, ReportHandle::new())
            .collect()
            .await;
        assert_eq!(pages.len(), 3);
        assert!(pages[1].is_ok());
        assert!(matches!(pages[2], Err(ConnectorError::Malformed { .. })));
    }

    #[tokio::test]
    async fn a_panicking_reader_is_an_error_not_an_end() {
        let job: Job = Box::new(|_| panic!("reader bug"));
        let pages: Vec<_> = page_stream(job, 2, ReportHandle::new()).collect().await;
        assert_eq!(pages.len(), 1);
        assert!(matches!(pages[0], Err(ConnectorError::Other(_))));
    }

    #[tokio::test]
    async fn nothing_runs_until_polled() {
        let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = ran.clone();
        let job: Job = Box::new(move |_| {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        let stream = page_stream(job, 2, ReportHandle::new());
        tokio::task::yield_now().await;
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
        drop(stream);
    }
}
