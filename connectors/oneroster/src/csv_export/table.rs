//! Reading one CSV file row by row, with its header resolved against the file's known columns.

use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;

use csv::{ReaderBuilder, StringRecord, Trim};
use homeroom_connector_core::ConnectorError;

use super::files::FileSpec;
use crate::report::{Issue, IssueCode, ReportHandle, Severity};
use crate::values::quote;

/// The longest row (header included) a file may have: OneRoster rows are a few hundred bytes,
/// so a longer one is a damaged file or a zip bomb, refused before it fills memory.
pub(crate) const MAX_ROW_BYTES: u64 = 1 << 20;

/// A reader that fails once more than [`MAX_ROW_BYTES`] (plus the CSV reader's buffer) pass
/// without the table marking the end of a row.
pub(crate) struct Bounded<R> {
    inner: R,
    /// Bytes read so far.
    read: u64,
    /// Bytes read when the last row ended (set by the table).
    row_start: Rc<Cell<u64>>,
    /// Whether the limit was hit.
    tripped: Rc<Cell<bool>>,
}

/// Slack for the CSV reader's internal buffer, which reads ahead of the row it parses.
const READ_AHEAD: u64 = 64 * 1024;

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read - self.row_start.get() > MAX_ROW_BYTES + READ_AHEAD {
            self.tripped.set(true);
            return Err(std::io::Error::other(format!(
                "a row is longer than {MAX_ROW_BYTES} bytes"
            )));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// A CSV file being read. Headers are matched case-insensitively after trimming (and without a
/// byte-order mark); columns OneRoster does not define are reported once as warnings and
/// ignored (`metadata.*` extension columns are accepted silently). Rows may be shorter than the
/// header (missing cells are blank) but not longer, unless the extra cells are empty. Cells are
/// trimmed. Completely blank rows are skipped.
pub(crate) struct Table<R: Read> {
    file: String,
    reader: csv::Reader<Bounded<R>>,
    /// Shared with the reader: where the current row started, and whether it was too long.
    row_start: Rc<Cell<u64>>,
    tripped: Rc<Cell<bool>>,
    spec: &'static FileSpec,
    /// For each column of `spec.columns`, its position in the file.
    index: Vec<Option<usize>>,
    width: usize,
    record: StringRecord,
}

/// One row of a [`Table`].
pub(crate) struct Row<'a> {
    /// The row number, counting the header as row 1 (blank lines, which the CSV reader
    /// skips, are not counted; a quoted cell spanning lines is still one row).
    pub number: u64,
    record: &'a StringRecord,
    spec: &'static FileSpec,
    index: &'a [Option<usize>],
}

impl<'a> Row<'a> {
    /// The cell of `column` (a name of the file's spec), `None` when blank or absent.
    pub(crate) fn get(&self, column: &str) -> Option<&'a str> {
        let position = self.spec.columns.iter().position(|c| *c == column);
        debug_assert!(position.is_some(), "`{column}` is not a known column");
        let cell = self.record.get(self.index[position?]?)?;
        (!cell.is_empty()).then_some(cell)
    }

    /// The cell of `column` as an owned string.
    pub(crate) fn text(&self, column: &str) -> Option<String> {
        self.get(column).map(str::to_owned)
    }
}

impl<R: Read> Table<R> {
    /// Reads the header of `file`. Fails with [`ConnectorError::Malformed`] when the file is
    /// empty, a column appears twice, or a required column is missing.
    pub(crate) fn open(
        reader: R,
        file: &str,
        spec: &'static FileSpec,
        report: &ReportHandle,
    ) -> Result<Self, ConnectorError> {
        let (row_start, tripped) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(false)));
        let mut reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(Trim::All)
            .from_reader(Bounded {
                inner: reader,
                read: 0,
                row_start: row_start.clone(),
                tripped: tripped.clone(),
            });
        let mut header = StringRecord::new();
        let has_header = reader.read_record(&mut header).map_err(|e| {
            if tripped.get() {
                too_long(file, 1)
            } else {
                read_error(file, &e)
            }
        })?;
        row_start.set(reader.position().byte());
        if !has_header {
            return Err(ConnectorError::malformed(
                format!("{file} row 1"),
                "the file is empty (no header row)",
            ));
        }
        let mut index = vec![None; spec.columns.len()];
        for (position, raw) in header.iter().enumerate() {
            let name = raw.trim_start_matches('\u{feff}').trim();
            if name.is_empty() {
                report.issue(
                    Issue::new(
                        Severity::Warning,
                        IssueCode::UnnamedColumn,
                        file,
                        format!(
                            "column {} has no name in the header; its values are ignored",
                            position + 1
                        ),
                    )
                    .at_row(Some(1)),
                );
                continue;
            }
            match spec
                .columns
                .iter()
                .position(|c| c.eq_ignore_ascii_case(name))
            {
                Some(known) if index[known].is_some() => {
                    return Err(ConnectorError::malformed(
                        format!("{file} row 1, column `{}`", quote(name)),
                        "the column appears twice in the header",
                    ));
                }
                Some(known) => index[known] = Some(position),
                None if name.to_ascii_lowercase().starts_with("metadata.") => {}
                None => report.issue(
                    Issue::new(
                        Severity::Warning,
                        IssueCode::UnknownColumn,
                        file,
                        format!(
                            "`{}` is not a OneRoster column of {file}; its values are ignored",
                            quote(name)
                        ),
                    )
                    .at_row(Some(1))
                    .in_field(name),
                ),
            }
        }
        let table = Self {
            file: file.to_owned(),
            reader,
            row_start,
            tripped,
            spec,
            index,
            width: header.len(),
            record: StringRecord::new(),
        };
        for column in spec.required {
            table.require(column)?;
        }
        Ok(table)
    }

    /// Fails with [`ConnectorError::Malformed`] unless the header has `column`.
    pub(crate) fn require(&self, column: &str) -> Result<(), ConnectorError> {
        if self.has_column(column) {
            return Ok(());
        }
        Err(ConnectorError::malformed(
            format!("{} row 1, column `{column}`", self.file),
            format!("the header has no `{column}` column, which is required"),
        ))
    }

    /// Whether the header has `column`.
    pub(crate) fn has_column(&self, column: &str) -> bool {
        self.spec
            .columns
            .iter()
            .position(|c| *c == column)
            .is_some_and(|i| self.index[i].is_some())
    }

    /// The next non-blank row, or `None` at the end of the file.
    pub(crate) fn next_row(&mut self) -> Result<Option<Row<'_>>, ConnectorError> {
        loop {
            let previous = self.record.position().map_or(1, |p| p.record() + 1);
            let more = match self.reader.read_record(&mut self.record) {
                Ok(more) => more,
                Err(_) if self.tripped.get() => return Err(too_long(&self.file, previous + 1)),
                Err(e) => return Err(read_error(&self.file, &e)),
            };
            self.row_start.set(self.reader.position().byte());
            if !more {
                return Ok(None);
            }
            if self.record.iter().all(str::is_empty) {
                continue;
            }
            let number = self.record.position().map_or(0, |p| p.record() + 1);
            if let Some(extra) = self
                .record
                .iter()
                .skip(self.width)
                .position(|c| !c.is_empty())
            {
                return Err(ConnectorError::malformed(
                    format!(
                        "{} row {number}, column {}",
                        self.file,
                        self.width + extra + 1
                    ),
                    format!(
                        "the row has {} cells but the header names only {} columns",
                        self.record.len(),
                        self.width
                    ),
                ));
            }
            return Ok(Some(Row {
                number,
                record: &self.record,
                spec: self.spec,
                index: &self.index,
            }));
        }
    }
}

fn too_long(file: &str, row: u64) -> ConnectorError {
    ConnectorError::malformed(
        format!("{file} row {row}"),
        format!(
            "the row is longer than {} MiB; the file is damaged or is no OneRoster CSV",
            MAX_ROW_BYTES >> 20
        ),
    )
}

fn read_error(file: &str, error: &csv::Error) -> ConnectorError {
    match error.kind() {
        csv::ErrorKind::Utf8 { pos, err } => {
            let row = pos.as_ref().map_or(0, |p| p.record() + 1);
            ConnectorError::malformed(
                format!("{file} row {row}, column {}", err.field() + 1),
                format!("the cell is not valid UTF-8 ({err}); save the file as UTF-8"),
            )
        }
        csv::ErrorKind::Io(e) => {
            ConnectorError::malformed(file.to_owned(), format!("the file cannot be read: {e}"))
        }
        _ => ConnectorError::malformed(file.to_owned(), error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::ConnectorError;

    use super::{MAX_ROW_BYTES, READ_AHEAD, Table};
    use crate::csv_export::files::CsvFile;
    use crate::report::{IssueCode, ReportHandle};

    fn open<'t>(text: &'t str, report: &ReportHandle) -> Result<Table<&'t [u8]>, ConnectorError> {
        Table::open(text.as_bytes(), "orgs.csv", CsvFile::Orgs.spec(), report)
    }

    fn malformed(result: Result<impl Sized, ConnectorError>) -> (String, String) {
        match result {
            Err(ConnectorError::Malformed { what, detail }) => (what, detail),
            Err(other) => panic!("expected Malformed, got {other:?}"),
            Ok(_) => panic!("expected Malformed, got Ok"),
        }
    }

    #[test]
    fn matches_headers_loosely_and_reports_unknown_columns() {
        let report = ReportHandle::new();
        let mut table = open(
            "\u{feff} SourcedId ,NAME,type,colour,,metadata.x\r\no-1, Gotham ,school,red,,1\r\n,,,,,\no-2,Metro,district",
            &report,
        )
        .unwrap();
        let row = table.next_row().unwrap().unwrap();
        assert_eq!(row.number, 2);
        assert_eq!(row.get("sourcedId"), Some("o-1"));
        assert_eq!(row.get("name"), Some("Gotham"));
        assert_eq!(row.get("identifier"), None);
        let row = table.next_row().unwrap().unwrap();
        assert_eq!(row.number, 4, "the blank row is skipped but counted");
        assert_eq!(row.get("type"), Some("district"));
        assert!(table.next_row().unwrap().is_none());
        let issues = report.snapshot().issues;
        let codes: Vec<IssueCode> = issues.iter().map(|i| i.code).collect();
        assert_eq!(codes, [IssueCode::UnknownColumn, IssueCode::UnnamedColumn]);
        assert_eq!(issues[0].field.as_deref(), Some("colour"));
    }

    #[test]
    fn header_problems_are_malformed() {
        let report = ReportHandle::new();
        let (what, detail) = malformed(open("name,type\nx,school\n", &report));
        assert_eq!(what, "orgs.csv row 1, column `sourcedId`");
        assert!(detail.contains("required"), "{detail}");
        let (what, _) = malformed(open("sourcedId,name,Name,type\n", &report));
        assert_eq!(what, "orgs.csv row 1, column `Name`");
        let (what, detail) = malformed(open("", &report));
        assert_eq!(what, "orgs.csv row 1");
        assert!(detail.contains("empty"));
    }

    #[test]
    fn rows_longer_than_the_header_are_malformed() {
        let report = ReportHandle::new();
        let mut table = open(
            "sourcedId,name,type\no-1,A,school,,\no-2,B,school,oops\n",
            &report,
        )
        .unwrap();
        assert!(table.next_row().unwrap().is_some());
        let (what, detail) = malformed(table.next_row().map(|r| r.is_some()));
        assert_eq!(what, "orgs.csv row 3, column 4");
        assert!(detail.contains("4 cells"), "{detail}");
    }

    #[test]
    fn a_row_longer_than_the_limit_is_refused_naming_it() {
        let report = ReportHandle::new();
        let mut text = "sourcedId,name,type\no-1,A,school\no-2,".to_owned();
        text.push_str(&"x".repeat(2 * (MAX_ROW_BYTES + READ_AHEAD) as usize));
        text.push_str(",school\n");
        let mut table = open(&text, &report).unwrap();
        assert!(table.next_row().unwrap().is_some());
        let (what, detail) = malformed(table.next_row().map(|r| r.is_some()));
        assert_eq!(what, "orgs.csv row 3");
        assert!(detail.contains("longer than 1 MiB"), "{detail}");
        let huge_header = "x".repeat(2 * MAX_ROW_BYTES as usize);
        let (what, _) = malformed(open(&huge_header, &report));
        assert_eq!(what, "orgs.csv row 1");
    }

    #[test]
    fn invalid_utf8_names_row_and_column() {
        let report = ReportHandle::new();
        let bytes: &[u8] = b"sourcedId,name,type\no-1,Caf\xe9,school\n";
        let mut table = Table::open(bytes, "orgs.csv", CsvFile::Orgs.spec(), &report).unwrap();
        let (what, detail) = malformed(table.next_row().map(|r| r.is_some()));
        assert_eq!(what, "orgs.csv row 2, column 2");
        assert!(detail.contains("UTF-8"), "{detail}");
    }
}
