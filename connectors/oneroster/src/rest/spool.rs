//! A temporary file of relationships, written while users stream and replayed after them.
//!
//! The record order contract puts every relationship after every person, but relationships
//! are found on the users themselves; rather than fetching all users twice or holding the
//! relationships in memory, they are written to an anonymous temporary file (deleted by the
//! OS when closed) as JSON lines.

use std::io::SeekFrom;

use homeroom_connector_core::{ConnectorError, Relationship};
use tokio::fs::File;
use tokio::io::{AsyncBufReadExt, AsyncSeekExt, AsyncWriteExt, BufReader, BufWriter, Lines};

/// Relationships being written.
#[derive(Debug)]
pub(crate) struct Spool {
    writer: BufWriter<File>,
}

/// Relationships being read back.
#[derive(Debug)]
pub(crate) struct SpoolReader {
    lines: Lines<BufReader<File>>,
}

fn spool_error(action: &str, error: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::Io(std::io::Error::other(format!(
        "cannot {action} the temporary relationship file: {error}"
    )))
}

impl Spool {
    /// Creates the temporary file.
    pub(crate) async fn new() -> Result<Self, ConnectorError> {
        let file = tokio::task::spawn_blocking(tempfile::tempfile)
            .await
            .map_err(|e| spool_error("create", e))?
            .map_err(|e| spool_error("create", e))?;
        Ok(Self {
            writer: BufWriter::new(File::from_std(file)),
        })
    }

    /// Appends one relationship.
    pub(crate) async fn push(&mut self, relationship: &Relationship) -> Result<(), ConnectorError> {
        let mut line = serde_json::to_vec(relationship).map_err(|e| spool_error("write", e))?;
        line.push(b'\n');
        self.writer
            .write_all(&line)
            .await
            .map_err(|e| spool_error("write", e))
    }

    /// Finishes writing and rewinds for reading.
    pub(crate) async fn into_reader(mut self) -> Result<SpoolReader, ConnectorError> {
        self.writer
            .flush()
            .await
            .map_err(|e| spool_error("write", e))?;
        let mut file = self.writer.into_inner();
        file.seek(SeekFrom::Start(0))
            .await
            .map_err(|e| spool_error("rewind", e))?;
        Ok(SpoolReader {
            lines: BufReader::new(file).lines(),
        })
    }
}

impl SpoolReader {
    /// The next relationship, or `None` at the end.
    pub(crate) async fn next(&mut self) -> Result<Option<Relationship>, ConnectorError> {
        let Some(line) = self
            .lines
            .next_line()
            .await
            .map_err(|e| spool_error("read", e))?
        else {
            return Ok(None);
        };
        serde_json::from_str(&line)
            .map(Some)
            .map_err(|e| spool_error("read", e))
    }
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::{Relationship, RelationshipKind};

    use super::Spool;

    #[tokio::test]
    async fn round_trips_in_order() {
        let mut spool = Spool::new().await.unwrap();
        let rels: Vec<Relationship> = (0..100)
            .map(|i| {
                let mut r =
                    Relationship::new(format!("p{i}"), format!("s{i}"), RelationshipKind::Parent);
                r.kind_inferred = i % 2 == 0;
                r
            })
            .collect();
        for r in &rels {
            spool.push(r).await.unwrap();
        }
        let mut reader = spool.into_reader().await.unwrap();
        let mut back = Vec::new();
        while let Some(r) = reader.next().await.unwrap() {
            back.push(r);
        }
        assert_eq!(back, rels);
    }
}
