//! Fuzz targets of the inputs the API crates read from outside, run for as long as asked with
//! the same runner and knobs as the connectors' `fuzz_parsers` bench (connectors do not depend
//! on API crates, so these live here):
//!
//! ```text
//! cargo bench -p homeroom-tests --bench fuzz_inputs -- --minutes 10 --target relationship-csv
//! ```
//!
//! Targets: `relationship-csv` (the relationship spreadsheet reader,
//! `homeroom_service::imports::csv_file::parse`), `ids` (global ids and keyset cursors, in
//! `homeroom_core::ids` and as the GraphQL layer reads `id` / `first` / `after`); `--target all`
//! (the default) runs each for `--minutes`; `--seed N` repeats a run; the exit code is non-zero
//! when a case failed. Phone and email normalization is the `contact-points` target of
//! `fuzz_parsers` (it lives in `homeroom-connector-core`).
//!
//! The property of each: no panic; every rejection is a typed error with a short message that
//! says what is wrong; valid input reads back exactly.

use std::process::ExitCode;

use homeroom_connector_core::fuzz::{Damage, MAX_MESSAGE_CHARS, damage, run_case, weird_string};
use homeroom_connector_fuzz::{Target, cli};
use homeroom_core::ids::{self, IdError, NodeKind};
use homeroom_service::imports::csv_file::{self, FileError};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

fn main() -> ExitCode {
    cli(&[
        Target {
            name: "relationship-csv",
            about: "relationship spreadsheets (encoding, headers, rows)",
            case: spreadsheet::case,
        },
        Target {
            name: "ids",
            about: "global ids, keyset cursors, GraphQL id/first/after arguments",
            case: global_ids::case,
        },
    ])
}

/// Line breaks as a text editor counts them: `\n`, `\r\n` and a lone `\r`.
fn line_breaks(text: &[u8]) -> u64 {
    let mut count = 0;
    for (i, b) in text.iter().enumerate() {
        if *b == b'\n' || (*b == b'\r' && text.get(i + 1) != Some(&b'\n')) {
            count += 1;
        }
    }
    count
}

fn short(message: &str) -> Result<(), String> {
    let chars = message.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(format!(
            "the message has {chars} characters (at most {MAX_MESSAGE_CHARS}): {}…",
            message.chars().take(300).collect::<String>()
        ));
    }
    if message.trim().is_empty() {
        return Err("an empty message".to_owned());
    }
    Ok(())
}

mod spreadsheet {
    use super::*;

    /// One generated spreadsheet.
    #[derive(Clone, Debug)]
    pub(crate) struct Input {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        /// Write fields through a CSV writer (quoted as needed), else joined with commas as
        /// careless exports do.
        quoted: bool,
        crlf: bool,
        /// Blank lines after these rows.
        blank_after: Vec<usize>,
        /// 0: none, 1: UTF-8 BOM, 2: UTF-16 LE BOM.
        bom: u8,
        damage: Damage,
    }

    const COLUMNS: &[&str] = &[
        csv_file::PARENT_EMAIL,
        csv_file::STUDENT_EMAIL,
        csv_file::STUDENT_ID,
        csv_file::RELATIONSHIP_TYPE,
    ];

    fn header() -> BoxedStrategy<Vec<String>> {
        let column = prop_oneof![
            8 => prop::sample::select(COLUMNS).prop_map(str::to_owned),
            1 => prop::sample::select(COLUMNS).prop_map(|c| format!(" {} ", c.to_uppercase())),
            1 => weird_string(),
        ];
        prop_oneof![
            // The usual shapes, in any order.
            4 => prop::sample::select(vec![
                vec![0usize, 2, 3],
                vec![0, 1, 3],
                vec![0, 1, 2, 3],
            ])
            .prop_flat_map(|cols| Just(cols).prop_shuffle())
            .prop_map(|cols| cols.into_iter().map(|i| COLUMNS[i].to_owned()).collect()),
            1 => prop::collection::vec(column, 0..6),
        ]
        .boxed()
    }

    fn field() -> BoxedStrategy<String> {
        prop_oneof![
            3 => "[a-z]{1,8}@[a-z]{1,8}\\.org",
            2 => "[0-9]{1,7}",
            2 => prop::sample::select(vec!["Parent", "guardian", "AIDE", "Relative", "other", "step-parent"])
                .prop_map(str::to_owned),
            1 => Just(String::new()),
            2 => weird_string(),
        ]
        .boxed()
    }

    pub(crate) fn input() -> BoxedStrategy<Input> {
        (
            header(),
            prop::collection::vec((prop::collection::vec(field(), 0..6), any::<bool>()), 0..8),
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec(0usize..8, 0..3),
            prop_oneof![8 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)],
            damage(),
        )
            .prop_map(|(header, rows, quoted, crlf, blank_after, bom, damage)| {
                let width = header.len();
                // Most rows are as wide as the header; the flag keeps a few as generated.
                let rows = rows
                    .into_iter()
                    .map(|(mut row, keep)| {
                        if !keep || row.len() == width {
                            row.resize(width, String::new());
                        }
                        row
                    })
                    .collect();
                Input {
                    header,
                    rows,
                    quoted,
                    crlf,
                    blank_after,
                    bom,
                    damage,
                }
            })
            .boxed()
    }

    /// The file's bytes, and the line each row starts on.
    fn render(input: &Input) -> (Vec<u8>, Vec<u64>) {
        let eol: &[u8] = if input.crlf { b"\r\n" } else { b"\n" };
        let line = |fields: &[String]| -> Vec<u8> {
            if input.quoted {
                let mut w = csv::WriterBuilder::new()
                    .terminator(if input.crlf {
                        csv::Terminator::CRLF
                    } else {
                        csv::Terminator::Any(b'\n')
                    })
                    .from_writer(Vec::new());
                // A record of one empty field would be an empty line; quote it.
                if fields.len() == 1 && fields[0].is_empty() {
                    let mut out = b"\"\"".to_vec();
                    out.extend_from_slice(eol);
                    return out;
                }
                let _ = w.write_record(fields);
                w.into_inner().unwrap_or_default()
            } else {
                let mut out = fields.join(",").into_bytes();
                out.extend_from_slice(eol);
                out
            }
        };
        let mut out = match input.bom {
            1 => vec![0xEF, 0xBB, 0xBF],
            2 => vec![0xFF, 0xFE],
            _ => Vec::new(),
        };
        out.extend(line(&input.header));
        let mut lines = Vec::new();
        for (i, row) in input.rows.iter().enumerate() {
            lines.push(1 + line_breaks(&out));
            out.extend(line(row));
            for _ in input.blank_after.iter().filter(|b| **b == i) {
                out.extend_from_slice(eol);
            }
        }
        (out, lines)
    }

    pub(crate) fn check(input: &Input) -> Result<(), String> {
        let (clean, lines) = render(input);
        let bytes = input.damage.apply(clean);
        let newlines = line_breaks(&bytes);
        match csv_file::parse(&bytes) {
            Err(e) => {
                short(&e.to_string())?;
                if e.code().is_empty() {
                    return Err(format!("no code: {e}"));
                }
                if let FileError::NotUtf8 { line, .. } = e
                    && line > newlines + 1
                {
                    return Err(format!("line {line} is past the end of the file: {e}"));
                }
                Ok(())
            }
            Ok(parsed) => {
                for (what, rows) in [
                    (
                        "row",
                        parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
                    ),
                    (
                        "error",
                        parsed.errors.iter().map(|e| e.row.unwrap_or(0)).collect(),
                    ),
                ] {
                    if rows.iter().any(|l| *l < 2 || *l > newlines + 1) {
                        return Err(format!("a {what} line is outside the file: {rows:?}"));
                    }
                    if !rows.windows(2).all(|w| w[0] < w[1]) {
                        return Err(format!("{what} lines are not increasing: {rows:?}"));
                    }
                }
                for e in &parsed.errors {
                    short(&e.message)?;
                    if e.code.is_empty() {
                        return Err(format!("a row error has no code: {e:?}"));
                    }
                }
                if matches!(input.damage, Damage::None) && input.quoted && input.bom != 2 {
                    check_read_back(input, &lines, &parsed)?;
                }
                Ok(())
            }
        }
    }

    /// An intact, properly quoted file reads back as written: each row whole (trimmed), on
    /// its line, or refused for its width.
    fn check_read_back(
        input: &Input,
        lines: &[u64],
        parsed: &csv_file::Parsed,
    ) -> Result<(), String> {
        let names: Vec<String> = input
            .header
            .iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        let at = |name: &str| names.iter().position(|n| n == name);
        let (Some(parent), Some(kind)) =
            (at(csv_file::PARENT_EMAIL), at(csv_file::RELATIONSHIP_TYPE))
        else {
            return Err("parsed a file without its required columns".to_owned());
        };
        let (mut rows, mut errors) = (parsed.rows.iter(), parsed.errors.iter());
        for (row, &line) in input.rows.iter().zip(lines) {
            if row
                .iter()
                .all(|f| f.bytes().all(|b| b.is_ascii_whitespace()))
            {
                continue;
            }
            if row.len() != names.len() {
                match errors.next() {
                    Some(e) if e.row == Some(line) && e.code == "WRONG_FIELD_COUNT" => continue,
                    other => {
                        return Err(format!(
                            "a row of {} fields on line {line} should be refused, got {other:?}",
                            row.len()
                        ));
                    }
                }
            }
            let got = rows
                .next()
                .ok_or_else(|| format!("the row on line {line} is missing"))?;
            let want = |i: usize| row[i].trim();
            if got.line != line
                || got.parent_email != want(parent)
                || got.relationship_type != want(kind)
                || got.student_id.as_deref() != at(csv_file::STUDENT_ID).map(want)
                || got.student_email.as_deref() != at(csv_file::STUDENT_EMAIL).map(want)
            {
                return Err(format!(
                    "the row on line {line} read back as {got:?}, written {row:?}"
                ));
            }
        }
        if let Some(extra) = rows.next() {
            return Err(format!("a row that was not written: {extra:?}"));
        }
        Ok(())
    }

    pub(crate) fn case(runner: &mut TestRunner) -> Result<(), String> {
        thread_local! {
            static INPUT: BoxedStrategy<Input> = input();
        }
        INPUT.with(|strategy| run_case(runner, strategy, check))
    }
}

mod global_ids {
    use super::*;

    const KINDS: &[NodeKind] = &[
        NodeKind::Person,
        NodeKind::Class,
        NodeKind::Relationship,
        NodeKind::Org,
        NodeKind::District,
        NodeKind::Course,
        NodeKind::Term,
        NodeKind::Connector,
        NodeKind::SyncRun,
        NodeKind::Invitation,
        NodeKind::AuditEvent,
        NodeKind::ImportJob,
        NodeKind::Webhook,
        NodeKind::WebhookDelivery,
        NodeKind::MergeSuggestion,
        NodeKind::IdentityProvider,
    ];

    /// One generated case.
    #[derive(Clone, Debug)]
    pub(crate) struct Input {
        kind: NodeKind,
        row: String,
        /// Text a client sent as an id or a cursor.
        text: String,
        first: Option<i32>,
    }

    fn row() -> BoxedStrategy<String> {
        prop_oneof![
            4 => "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
            2 => weird_string(),
            1 => any::<String>(),
        ]
        .boxed()
    }

    fn engine(standard: bool, text: &str) -> String {
        use base64::Engine as _;
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        if standard {
            STANDARD.encode(text)
        } else {
            URL_SAFE_NO_PAD.encode(text)
        }
    }

    fn text() -> BoxedStrategy<String> {
        let kind_name = prop_oneof![
            4 => prop::sample::select(KINDS).prop_map(|k| k.as_str().to_owned()),
            1 => Just("k1".to_owned()),
            1 => weird_string(),
        ];
        prop_oneof![
            // A well-formed id or cursor of something, possibly in another base64 alphabet,
            // padded, surrounded by blanks, or damaged.
            4 => (kind_name, prop::sample::select(vec![":", ":", "", "::"]), row(), any::<bool>(), damage(),
                  prop::sample::select(vec!["", " ", "\n", "="]))
                .prop_map(|(kind, sep, row, standard, damage, pad)| {
                    let id = engine(standard, &format!("{kind}{sep}{row}"));
                    let bytes = damage.apply(format!("{pad}{id}{pad}").into_bytes());
                    String::from_utf8_lossy(&bytes).into_owned()
                }),
            1 => "[A-Za-z0-9_=+/-]{0,40}",
            1 => weird_string(),
        ]
        .boxed()
    }

    pub(crate) fn input() -> BoxedStrategy<Input> {
        (
            prop::sample::select(KINDS),
            row(),
            text(),
            prop_oneof![
                Just(None),
                any::<i32>().prop_map(Some),
                (-2i32..600).prop_map(Some)
            ],
        )
            .prop_map(|(kind, row, text, first)| Input {
                kind,
                row,
                text,
                first,
            })
            .boxed()
    }

    fn error(e: &IdError) -> Result<(), String> {
        let message = e.to_string();
        if !(message.contains("id") || message.contains("cursor")) {
            return Err(format!(
                "the rejection does not say what it read: {message}"
            ));
        }
        Ok(())
    }

    pub(crate) fn check(input: &Input) -> Result<(), String> {
        // What the server issues reads back exactly.
        let id = ids::encode(input.kind, &input.row);
        match ids::decode(&id) {
            Ok((kind, row)) if kind == input.kind && row == input.row => {}
            Err(IdError::Malformed(_)) if input.row.is_empty() => {}
            other => return Err(format!("{id} decoded as {other:?}")),
        }
        let cursor = ids::encode_cursor(&input.row);
        if ids::decode_cursor(&cursor).as_deref() != Ok(input.row.as_str()) {
            return Err(format!("cursor {cursor} does not read back"));
        }
        if homeroom_graphql::connection::page_request(input.first, Some(&cursor))
            .ok()
            .and_then(|p| p.after)
            .as_deref()
            != Some(input.row.as_str())
        {
            return Err(format!("after: {cursor} does not read back"));
        }
        // What a client sends is read or refused, never more.
        match ids::decode(&input.text) {
            Ok((kind, row)) => {
                if row.is_empty() {
                    return Err(format!("{:?} decoded to an empty row id", input.text));
                }
                if ids::decode(&ids::encode(kind, &row)) != Ok((kind, row.clone())) {
                    return Err(format!(
                        "{:?} decoded to {row:?}, which does not round-trip",
                        input.text
                    ));
                }
                for other in KINDS {
                    let as_kind = ids::decode_as(*other, &input.text);
                    match as_kind {
                        Ok(r) if *other == kind && r == row => {}
                        Err(IdError::WrongKind { .. }) if *other != kind => {}
                        result => {
                            return Err(format!(
                                "decode_as({}) of a {} id gave {result:?}",
                                other.as_str(),
                                kind.as_str()
                            ));
                        }
                    }
                }
            }
            Err(e) => {
                error(&e)?;
                if ids::decode_as(input.kind, &input.text).is_ok() {
                    return Err(format!(
                        "decode_as accepted what decode refused: {:?}",
                        input.text
                    ));
                }
            }
        }
        match ids::decode_cursor(&input.text) {
            Ok(row) => {
                if ids::encode_cursor(&row) != input.text {
                    // Only the canonical encoding is issued; another that decodes is harmless
                    // but must read back the same row.
                    if ids::decode_cursor(&ids::encode_cursor(&row)).as_deref() != Ok(row.as_str())
                    {
                        return Err(format!("cursor {:?} does not round-trip", input.text));
                    }
                }
            }
            Err(e) => error(&e)?,
        }
        match homeroom_graphql::connection::page_request(input.first, Some(&input.text)) {
            Ok(page) => {
                let limit = page.limit();
                if !(1..=homeroom_schema::page::MAX_PAGE_SIZE).contains(&limit) {
                    return Err(format!("first {:?} gave a page of {limit}", input.first));
                }
            }
            Err(e) => {
                let message = e.to_string();
                if message.trim().is_empty() {
                    return Err("an empty error for a bad cursor".to_owned());
                }
            }
        }
        if let Err(e) = homeroom_graphql::ids::decode(&input.text)
            && e.to_string().trim().is_empty()
        {
            return Err("an empty error for a bad id".to_owned());
        }
        Ok(())
    }

    pub(crate) fn case(runner: &mut TestRunner) -> Result<(), String> {
        thread_local! {
            static INPUT: BoxedStrategy<Input> = input();
        }
        INPUT.with(|strategy| run_case(runner, strategy, check))
    }
}
