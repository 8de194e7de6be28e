//! Reading a relationship spreadsheet: encoding, headers, and one raw record per data row,
//! stream-parsed with the `csv` crate.

use homeroom_connector_core::shown::quoted;
use serde::{Deserialize, Serialize};

/// Column names of a relationship spreadsheet.
pub const PARENT_EMAIL: &str = "parent_email";
/// The student's email (one of the two student columns).
pub const STUDENT_EMAIL: &str = "student_email";
/// The student's number or SIS id (one of the two student columns).
pub const STUDENT_ID: &str = "student_id";
/// Parent, Aide, Guardian, Relative or Other.
pub const RELATIONSHIP_TYPE: &str = "relationship_type";

/// Why a whole file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Nothing but a header, or nothing at all.
    #[error(
        "the file is empty: expected a header row ({}) and at least one data row",
        expected_headers()
    )]
    Empty,
    /// UTF-16 (Excel's "Unicode text").
    #[error("the file is UTF-16 encoded; save it as \"CSV UTF-8 (comma delimited)\"")]
    Utf16,
    /// Bytes that are not UTF-8.
    #[error("the file is not UTF-8: invalid byte 0x{byte:02X} on line {line}{hint}")]
    NotUtf8 {
        /// The first offending byte.
        byte: u8,
        /// Its line (1-based).
        line: u64,
        /// What the encoding probably is.
        hint: String,
    },
    /// The header row does not name the expected columns.
    #[error("wrong headers: {problem}; expected {}", expected_headers())]
    WrongHeaders {
        /// What is wrong.
        problem: String,
    },
    /// The CSV itself is malformed.
    #[error("the file is not valid CSV: {0}")]
    Malformed(String),
}

impl FileError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::Empty => "EMPTY_FILE",
            FileError::Utf16 | FileError::NotUtf8 { .. } => "BAD_ENCODING",
            FileError::WrongHeaders { .. } => "WRONG_HEADERS",
            FileError::Malformed(_) => "MALFORMED_CSV",
        }
    }
}

/// At most this many unknown header names are listed.
const SHOWN_HEADERS: usize = 3;

fn expected_headers() -> String {
    format!("{PARENT_EMAIL}, {STUDENT_EMAIL} or {STUDENT_ID}, {RELATIONSHIP_TYPE}")
}

/// One invalid row (or, without a row number, the whole file) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// Line of the row in the file (the header is line 1), if about one row.
    pub row: Option<u64>,
    /// The column at fault, if one.
    pub field: Option<String>,
    /// Stable code, e.g. `PARENT_NOT_FOUND`.
    pub code: String,
    /// What is wrong, for people.
    pub message: String,
}

impl RowError {
    /// An error about `row`.
    pub fn new(row: u64, field: Option<&str>, code: &str, message: impl Into<String>) -> Self {
        RowError {
            row: Some(row),
            field: field.map(str::to_owned),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// A data row as written in the file (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// Line in the file.
    pub line: u64,
    /// `parent_email`.
    pub parent_email: String,
    /// `student_email`, when that column exists.
    pub student_email: Option<String>,
    /// `student_id`, when that column exists.
    pub student_id: Option<String>,
    /// `relationship_type`.
    pub relationship_type: String,
}

/// The rows of a file, and the rows that could not be read.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Readable rows.
    pub rows: Vec<RawRow>,
    /// Rows refused while reading (wrong number of fields).
    pub errors: Vec<RowError>,
}

/// Bytes that Windows-1252 does not define (so a file using them is not Windows-1252).
const CP1252_UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

fn check_encoding(bytes: &[u8]) -> Result<&[u8], FileError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::Utf16);
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(body) {
        let at = e.valid_up_to();
        let line = 1 + line_breaks(&body[..at], 0);
        let non_ascii: Vec<u8> = body.iter().copied().filter(|b| *b >= 0x80).collect();
        let cp1252 = non_ascii.iter().all(|b| !CP1252_UNDEFINED.contains(b));
        let hint = if cp1252 {
            " (it looks like Windows-1252, e.g. Excel's plain \"CSV\"); save it as \"CSV UTF-8\""
        } else {
            "; save it as \"CSV UTF-8\""
        };
        return Err(FileError::NotUtf8 {
            byte: body[at],
            line,
            hint: hint.to_owned(),
        });
    }
    Ok(body)
}

/// Column positions found in the header row.
struct Columns {
    parent_email: usize,
    student_email: Option<usize>,
    student_id: Option<usize>,
    relationship_type: usize,
    width: usize,
}

fn columns(headers: &csv::ByteRecord) -> Result<Columns, FileError> {
    let names: Vec<String> = headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_lowercase())
        .collect();
    if names.iter().all(String::is_empty) {
        return Err(FileError::Empty);
    }
    let known = [PARENT_EMAIL, STUDENT_EMAIL, STUDENT_ID, RELATIONSHIP_TYPE];
    let unknown: Vec<&str> = names
        .iter()
        .filter(|n| !known.contains(&n.as_str()))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let mut listed: Vec<String> = unknown
            .iter()
            .take(SHOWN_HEADERS)
            .map(|n| quoted(n))
            .collect();
        if unknown.len() > SHOWN_HEADERS {
            listed.push(format!("and {} more", unknown.len() - SHOWN_HEADERS));
        }
        return Err(FileError::WrongHeaders {
            problem: format!("unknown column(s) {}", listed.join(", ")),
        });
    }
    let find = |name: &str| -> Result<Option<usize>, FileError> {
        let mut at = names.iter().enumerate().filter(|(_, n)| *n == name);
        let first = at.next().map(|(i, _)| i);
        if at.next().is_some() {
            return Err(FileError::WrongHeaders {
                problem: format!("column {name} appears twice"),
            });
        }
        Ok(first)
    };
    let missing = |name: &str| FileError::WrongHeaders {
        problem: format!("missing column {name}"),
    };
    let parent_email = find(PARENT_EMAIL)?.ok_or_else(|| missing(PARENT_EMAIL))?;
    let relationship_type = find(RELATIONSHIP_TYPE)?.ok_or_else(|| missing(RELATIONSHIP_TYPE))?;
    let student_email = find(STUDENT_EMAIL)?;
    let student_id = find(STUDENT_ID)?;
    if student_email.is_none() && student_id.is_none() {
        return Err(missing(&format!("{STUDENT_EMAIL} or {STUDENT_ID}")));
    }
    Ok(Columns {
        parent_email,
        student_email,
        student_id,
        relationship_type,
        width: names.len(),
    })
}

/// Reads a relationship spreadsheet: checks the encoding (a UTF-8 BOM is fine) and the header,
/// then reads every data row. Blank lines are skipped.
pub fn parse(bytes: &[u8]) -> Result<Parsed, FileError> {
    let body = check_encoding(bytes)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(body);
    let headers = reader
        .byte_headers()
        .map_err(|e| FileError::Malformed(e.to_string()))?
        .clone();
    let cols = columns(&headers)?;
    let mut parsed = Parsed::default();
    let mut record = csv::ByteRecord::new();
    // Line numbers from byte offsets: the reader's own line count is off by one after `\r\n`.
    // A line ends at `\n`, `\r\n` or a lone `\r` (old Mac exports), as the reader splits.
    let (mut counted_to, mut newlines) = (0usize, 0u64);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(FileError::Malformed(e.to_string())),
        }
        let mut start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0))
            .min(body.len());
        while start < body.len() && matches!(body[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > counted_to {
            newlines += line_breaks(&body[..start], counted_to);
            counted_to = start;
        }
        let line = newlines + 1;
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if record.len() != cols.width {
            parsed.errors.push(RowError::new(
                line,
                None,
                "WRONG_FIELD_COUNT",
                format!("expected {} fields, found {}", cols.width, record.len()),
            ));
            continue;
        }
        // The whole body is valid UTF-8, so every field is too.
        let field = |i: usize| String::from_utf8_lossy(&record[i]).trim().to_owned();
        parsed.rows.push(RawRow {
            line,
            parent_email: field(cols.parent_email),
            student_email: cols.student_email.map(field),
            student_id: cols.student_id.map(field),
            relationship_type: field(cols.relationship_type),
        });
    }
    if parsed.rows.is_empty() && parsed.errors.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(parsed)
}

/// Line breaks (`\n`, `\r\n`, lone `\r`) in `text[from..]`; a `\r` last in `text` counts as one
/// (callers cut `text` after a record's terminator, so the `\n` of a `\r\n` is never cut off).
fn line_breaks(text: &[u8], from: usize) -> u64 {
    let mut count = 0;
    for (i, b) in text.iter().enumerate().skip(from) {
        if *b == b'\n' || (*b == b'\r' && text.get(i + 1) != Some(&b'\n')) {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_with_bom_and_any_header_case() {
        let file = b"\xEF\xBB\xBFParent_Email,Student_ID,Relationship_Type\r\na@x.org,123,Parent\r\n\r\nb@x.org,124,aide\r\n";
        let parsed = parse(file).unwrap();
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[0].line, 2);
        assert_eq!(parsed.rows[1].line, 4);
        assert_eq!(parsed.rows[1].student_id.as_deref(), Some("124"));
        assert_eq!(parsed.rows[1].student_email, None);
    }

    #[test]
    fn refuses_bad_files_clearly() {
        assert_eq!(parse(b"").unwrap_err(), FileError::Empty);
        assert_eq!(
            parse(b"parent_email,student_id,relationship_type\n").unwrap_err(),
            FileError::Empty
        );
        let err = parse(b"parent_email,student_id,relationship_type\nm\xE9re@x.org,1,Parent\n")
            .unwrap_err();
        assert_eq!(err.code(), "BAD_ENCODING");
        assert!(err.to_string().contains("Windows-1252"), "{err}");
        assert!(err.to_string().contains("line 2"), "{err}");
        assert_eq!(parse(b"\xFF\xFEp\0").unwrap_err(), FileError::Utf16);
        let err = parse(b"email,student,type\na,b,c\n").unwrap_err();
        assert_eq!(err.code(), "WRONG_HEADERS");
        let err = parse(b"parent_email,relationship_type\na,b\n").unwrap_err();
        assert!(
            err.to_string().contains("student_email or student_id"),
            "{err}"
        );
    }

    #[test]
    fn hostile_headers_give_a_short_message() {
        // Found by the relationship-csv fuzz target: every unknown header was echoed in full.
        let long = "x".repeat(5_000);
        let header: Vec<String> = (0..200).map(|i| format!("{long}{i}")).collect();
        let file = format!("{}\na\n", header.join(","));
        let err = parse(file.as_bytes()).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.code(), "WRONG_HEADERS");
        assert!(message.chars().count() < 400, "{message}");
        assert!(message.contains("and 197 more"), "{message}");
        assert!(
            message.contains(&format!("{:?}…", "x".repeat(40))),
            "{message}"
        );
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        // Old Mac exports end lines with `\r` alone; the reader splits records there, and the
        // rows must be numbered as a text editor shows them (found by the fuzz_inputs bench).
        let parsed =
            parse(b"parent_email,student_id,relationship_type\ra@x.org,1,Parent\rb@x.org\r")
                .unwrap();
        assert_eq!(parsed.rows[0].line, 2);
        assert_eq!(parsed.errors[0].row, Some(3));
        let mixed =
            parse(b"parent_email,student_id,relationship_type\r\na,1\rb,2\nc,3\r\n").unwrap();
        let rows: Vec<_> = mixed.errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, vec![Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn short_rows_are_row_errors() {
        let parsed = parse(b"parent_email,student_id,relationship_type\na@x.org,1\n").unwrap();
        assert_eq!(parsed.errors[0].code, "WRONG_FIELD_COUNT");
        assert_eq!(parsed.errors[0].row, Some(2));
    }
}
