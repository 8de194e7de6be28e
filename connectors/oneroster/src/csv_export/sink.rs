//! Where the CSV reader puts records, and how it stops.

use homeroom_connector_core::{ConnectorError, Record};

/// Why reading stopped early.
#[derive(Debug)]
pub(crate) enum Halt {
    /// A failure that ends the stream with this error.
    Failed(ConnectorError),
    /// The consumer dropped the stream; stop quietly.
    Cancelled,
}

impl From<ConnectorError> for Halt {
    fn from(error: ConnectorError) -> Self {
        Halt::Failed(error)
    }
}

/// Receives records in stream order.
pub(crate) trait RecordSink {
    /// Takes one record; [`Halt::Cancelled`] when nobody is listening any more.
    fn push(&mut self, record: Record) -> Result<(), Halt>;
}

impl RecordSink for Vec<Record> {
    fn push(&mut self, record: Record) -> Result<(), Halt> {
        Vec::push(self, record);
        Ok(())
    }
}
