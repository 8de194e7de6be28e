//! Records held back in a temporary file until their stage of the record order comes.
//!
//! Clever hands out enrollments with the sections (before any person is read) and guardian
//! links with the contacts; the record order contract wants both after every person. Rather
//! than keep them in memory or read everything twice, they are written to an anonymous
//! temporary file (removed by the OS when closed) as JSON lines and replayed later.

use std::io::SeekFrom;

use homeroom_connector_core::{ConnectorError, Record};
use tokio::fs::File;
use tokio::io::{AsyncBufReadExt, AsyncSeekExt, AsyncWriteExt, BufReader, BufWriter, Lines};

/// Records being written.
#[derive(Debug)]
pub(crate) struct Spool {
    writer: BufWriter<File>,
}

/// Records being read back.
#[derive(Debug)]
pub(crate) struct SpoolReader {
    lines: Lines<BufReader<File>>,
}

fn spool_error(action: &str, error: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::Io(std::io::Error::other(format!(
        "cannot {action} the temporary record file: {error}"
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

    /// Appends one record.
    pub(crate) async fn push(&mut self, record: &Record) -> Result<(), ConnectorError> {
        let mut line = serde_json::to_vec(record).map_err(|e| spool_error("write", e))?;
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
    /// The next record, or `None` at the end.
    pub(crate) async fn next(&mut self) -> Result<Option<Record>, ConnectorError> {
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
    use homeroom_connector_core::{Enrollment, EnrollmentRole, Record, Relationship, RelationshipKind};

    use super::Spool;

    #[tokio::test]
    async fn round_trips_in_order() {
        let mut spool = Spool::new().await.unwrap();
        let records: Vec<Record> = (0..50)
            .map(|i| -> Record {
                if i % 2 == 0 {
                    Relationship::new(format!("g{i}"), format!("s{i}"), RelationshipKind::Parent).into()
                } else {
                    Enrollment::new(format!("e{i}"), "c", format!("s{i}"), EnrollmentRole::Student).into()
                }
            })
            .collect();
        for r in &records {
            spool.push(r).await.unwrap();
        }
        let mut reader = spool.into_reader().await.unwrap();
        let mut back = Vec::new();
        while let Some(r) = reader.next().await.unwrap() {
            back.push(r);
        }
        assert_eq!(back, records);
    }
}
