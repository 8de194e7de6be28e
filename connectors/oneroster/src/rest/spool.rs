//! A temporary file of relationships, written while users stream and replayed after them.
//!
//! The record order contract puts every relationship after every person, but relationships
//! are found on the users themselves; rather than fetching all users twice or holding the
//! relationships in memory, they are written to anonymous temporary files (deleted by the OS
//! when closed) as JSON lines.

use std::io::SeekFrom;

use homeroom_connector_core::{ConnectorError, Relationship};
use tokio::fs::File;
use tokio::io::{AsyncBufReadExt, AsyncSeekExt, AsyncWriteExt, BufReader, BufWriter, Lines};

/// Relationships being written: the guardians' side (the kind stated) and the students' side
/// (the kind inferred) in two files, replayed in that order, as the CSV connector emits them:
/// when both sides list a link, the sync engine then writes it once with the stated kind
/// instead of creating it from the student's side and rewriting it.
#[derive(Debug)]
pub(crate) struct Spool {
    stated: BufWriter<File>,
    inferred: BufWriter<File>,
}

/// Relationships being read back: the stated side, then the inferred side.
#[derive(Debug)]
pub(crate) struct SpoolReader {
    parts: std::collections::VecDeque<Lines<BufReader<File>>>,
}

fn spool_error(action: &str, error: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::Io(std::io::Error::other(format!(
        "cannot {action} the temporary relationship file: {error}"
    )))
}

async fn temp_file() -> Result<BufWriter<File>, ConnectorError> {
    let file = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(|e| spool_error("create", e))?
        .map_err(|e| spool_error("create", e))?;
    Ok(BufWriter::new(File::from_std(file)))
}

async fn rewind(mut writer: BufWriter<File>) -> Result<Lines<BufReader<File>>, ConnectorError> {
    writer.flush().await.map_err(|e| spool_error("write", e))?;
    let mut file = writer.into_inner();
    file.seek(SeekFrom::Start(0))
        .await
        .map_err(|e| spool_error("rewind", e))?;
    Ok(BufReader::new(file).lines())
}

impl Spool {
    /// Creates the temporary files.
    pub(crate) async fn new() -> Result<Self, ConnectorError> {
        Ok(Self {
            stated: temp_file().await?,
            inferred: temp_file().await?,
        })
    }

    /// Appends one relationship.
    pub(crate) async fn push(&mut self, relationship: &Relationship) -> Result<(), ConnectorError> {
        let mut line = serde_json::to_vec(relationship).map_err(|e| spool_error("write", e))?;
        line.push(b'\n');
        let writer = if relationship.kind_inferred {
            &mut self.inferred
        } else {
            &mut self.stated
        };
        writer
            .write_all(&line)
            .await
            .map_err(|e| spool_error("write", e))
    }

    /// Finishes writing and rewinds for reading.
    pub(crate) async fn into_reader(self) -> Result<SpoolReader, ConnectorError> {
        Ok(SpoolReader {
            parts: [rewind(self.stated).await?, rewind(self.inferred).await?].into(),
        })
    }
}

impl SpoolReader {
    /// The next relationship, or `None` at the end.
    pub(crate) async fn next(&mut self) -> Result<Option<Relationship>, ConnectorError> {
        while let Some(part) = self.parts.front_mut() {
            match part.next_line().await.map_err(|e| spool_error("read", e))? {
                Some(line) => {
                    return serde_json::from_str(&line)
                        .map(Some)
                        .map_err(|e| spool_error("read", e));
                }
                None => {
                    self.parts.pop_front();
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::{Relationship, RelationshipKind};

    use super::Spool;

    #[tokio::test]
    async fn round_trips_stated_kinds_first_each_in_order() {
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
        let (stated, inferred): (Vec<_>, Vec<_>) = rels.into_iter().partition(|r| !r.kind_inferred);
        assert_eq!(back, [stated, inferred].concat());
    }
}
