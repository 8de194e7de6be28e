//! The trait every SIS connector implements.

use async_trait::async_trait;

use super::{ConnectorError, ConnectorKind, SyncStream};

/// One configured connection to one SIS.
///
/// Implementations translate their SIS's wire format into canonical [`crate::Record`]s and know
/// nothing about the database. Instances are built by a [`crate::Registry`] factory from JSON
/// configuration and used as `Box<dyn Connector>`.
///
/// # Contract
///
/// * [`Connector::full_snapshot`] yields **every** current record, page by page. The sync engine
///   archives what a snapshot did not contain only when the stream ends without an error item,
///   so a connector must surface every failure as an `Err` item rather than silently skipping.
///   An answer that looks like an empty roster should be reported as
///   [`ConnectorError::EmptyRoster`].
/// * Streams are lazy: no request is made until the first page is polled, and pages are fetched
///   as they are consumed, so memory stays bounded by a page or two.
/// * Where the SIS has a change feed, the snapshot and delta streams record, through
///   [`crate::CursorSlot`], the cursor the next [`Connector::delta`] starts from.
#[async_trait]
pub trait Connector: Send + Sync {
    /// Which SIS this is.
    fn kind(&self) -> ConnectorKind;

    /// Makes one cheap authenticated call to prove the configuration and credentials work.
    /// Wrong credentials must come back as [`ConnectorError::Auth`] with a message an admin can
    /// act on.
    async fn test_credentials(&self) -> Result<(), ConnectorError>;

    /// Streams every current record.
    fn full_snapshot(&self) -> SyncStream<'_>;

    /// Whether [`Connector::delta`] is implemented. Defaults to `false`.
    fn supports_delta(&self) -> bool {
        false
    }

    /// Streams the changes since `cursor` (a value an earlier [`SyncStream::next_cursor`]
    /// returned; `None` when there is none), including [`crate::Deleted`] records for explicit
    /// deletions. Connectors may fail with [`ConnectorError::Config`] when a cursor is required,
    /// and should fail when the cursor is too old for the SIS's change window so that the engine
    /// falls back to a full snapshot.
    ///
    /// The default yields [`ConnectorError::Unsupported`].
    fn delta(&self, cursor: Option<&str>) -> SyncStream<'_> {
        let _ = cursor;
        SyncStream::from_error(ConnectorError::Unsupported(format!(
            "delta sync for {}",
            self.kind()
        )))
    }
}

#[cfg(test)]
mod tests {
    use async_trait::async_trait;
    use futures::StreamExt;

    use super::Connector;
    use crate::connector::{ConnectorError, ConnectorKind, CursorSlot, SyncStream};
    use crate::records::{Org, OrgType, Page};

    /// A connector borrowing its own state in the stream, to prove the lifetimes work through
    /// `Box<dyn Connector>`.
    struct Fixed {
        orgs: Vec<Org>,
    }

    #[async_trait]
    impl Connector for Fixed {
        fn kind(&self) -> ConnectorKind {
            ConnectorKind::OneRosterCsv
        }

        async fn test_credentials(&self) -> Result<(), ConnectorError> {
            Ok(())
        }

        fn full_snapshot(&self) -> SyncStream<'_> {
            let cursor = CursorSlot::with("2024-01-01T00:00:00Z");
            let pages = futures::stream::iter(self.orgs.chunks(2))
                .map(|chunk| Ok(Page::new(chunk.iter().cloned().map(Into::into).collect())));
            SyncStream::new(pages, cursor)
        }
    }

    #[tokio::test]
    async fn works_as_a_trait_object() {
        let connector: Box<dyn Connector> = Box::new(Fixed {
            orgs: (0..5)
                .map(|i| Org::new(format!("o{i}"), "x", OrgType::School))
                .collect(),
        });
        connector.test_credentials().await.unwrap();
        let mut stream = connector.full_snapshot();
        let mut total = 0;
        while let Some(page) = stream.next().await {
            total += page.unwrap().len();
        }
        assert_eq!(total, 5);
        assert_eq!(
            stream.next_cursor().unwrap().as_deref(),
            Some("2024-01-01T00:00:00Z")
        );

        assert!(!connector.supports_delta());
        let mut delta = connector.delta(Some("x"));
        match delta.next().await {
            Some(Err(ConnectorError::Unsupported(what))) => {
                assert_eq!(what, "delta sync for oneroster-csv")
            }
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }
}
