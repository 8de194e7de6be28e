//! A temporary file of records, written while a collection streams and replayed after it, so
//! a whole collection never sits in memory. The file is anonymous (the OS deletes it when
//! closed) and holds JSON lines.

use std::io::SeekFrom;
use std::marker::PhantomData;

use homeroom_connector_core::ConnectorError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::fs::File;
use tokio::io::{AsyncBufReadExt, AsyncSeekExt, AsyncWriteExt, BufReader, BufWriter, Lines};

/// Records being written.
pub(crate) struct Spool<T> {
    writer: BufWriter<File>,
    written: u64,
    _records: PhantomData<T>,
}

/// Records being read back, in the order written.
pub(crate) struct SpoolReader<T> {
    lines: Lines<BufReader<File>>,
    _records: PhantomData<T>,
}

fn spool_error(action: &str, error: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::Io(std::io::Error::other(format!(
        "cannot {action} the temporary spool file: {error}"
    )))
}

impl<T: Serialize + DeserializeOwned> Spool<T> {
    /// Creates the temporary file.
    pub(crate) async fn new() -> Result<Self, ConnectorError> {
        let file = tokio::task::spawn_blocking(tempfile::tempfile)
            .await
            .map_err(|e| spool_error("create", e))?
            .map_err(|e| spool_error("create", e))?;
        Ok(Self {
            writer: BufWriter::new(File::from_std(file)),
            written: 0,
            _records: PhantomData,
        })
    }

    /// Appends a record; returns its position (0-based).
    pub(crate) async fn push(&mut self, record: &T) -> Result<u64, ConnectorError> {
        let mut line = serde_json::to_vec(record).map_err(|e| spool_error("write", e))?;
        line.push(b'\n');
        self.writer
            .write_all(&line)
            .await
            .map_err(|e| spool_error("write", e))?;
        self.written += 1;
        Ok(self.written - 1)
    }

    /// Finishes writing and rewinds for reading.
    pub(crate) async fn into_reader(mut self) -> Result<SpoolReader<T>, ConnectorError> {
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
            _records: PhantomData,
        })
    }
}

impl<T: DeserializeOwned> SpoolReader<T> {
    /// The next record, or `None` at the end.
    pub(crate) async fn next(&mut self) -> Result<Option<T>, ConnectorError> {
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
    use super::Spool;

    #[tokio::test]
    async fn round_trips_in_order() {
        let mut spool = Spool::<Vec<u32>>::new().await.unwrap();
        for i in 0..100u32 {
            assert_eq!(spool.push(&vec![i, i * 2]).await.unwrap(), u64::from(i));
        }
        let mut reader = spool.into_reader().await.unwrap();
        let mut n = 0;
        while let Some(v) = reader.next().await.unwrap() {
            assert_eq!(v, vec![n, n * 2]);
            n += 1;
        }
        assert_eq!(n, 100);
    }
}
