//! Fuzz targets of the OneRoster readers (feature `fuzz`; the property tests below run them a
//! bounded number of times under `cargo test`, the `fuzz_parsers` bench for as long as asked).
//!
//! * [`csv_case`]: a OneRoster CSV export — a manifest (or none) and data files with shuffled,
//!   missing, unknown, repeated or mis-cased columns, odd cells (quotes, separators, newlines
//!   inside quotes, CRLF, a BOM, blank and huge values, bytes that are not UTF-8), rows shorter
//!   or longer than the header — read as a folder or as a zip (stored or deflated, in a
//!   sub-folder, with path-traversal names, damaged, entries claiming huge sizes, a zip bomb).
//!   Or valid users written both as `users.csv` rows and as a REST page, which must read to
//!   the same people.
//! * [`rest_case`]: one REST collection page (any collection) of lenient objects with odd,
//!   missing, repeated and unknown properties, items that are no objects, imsx failures,
//!   other shapes, deep nesting and damaged bytes.
//!
//! The property: no panic; a failed read is a typed error with a short message naming the
//! file (or page) and, where it applies, the row or column; every reported issue is short.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use homeroom_connector_core::fuzz::{
    Damage, check_error, check_issue_message, damage, deep_nesting, json_object, json_value,
    run_case, text_value, weird_string,
};
use homeroom_connector_core::{
    ConnectorError, HttpConfig, HttpResponse, Person, Record, RequestAuth, StatusCode, Url,
};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

use crate::csv_export::files::CsvFile;
use crate::csv_export::{Export, Halt, Purpose, run_export};
use crate::report::ReportHandle;
use crate::rest::{Collection, RestFuzz};

// ---------------------------------------------------------------------------------------
// CSV

/// A file name and its bytes.
type NamedFile = (String, Vec<u8>);

/// How an export is handed to the reader.
#[derive(Clone, Debug)]
pub enum Packaging {
    /// A folder of files.
    Folder,
    /// A zip archive.
    Zip {
        /// Stored rather than deflated.
        stored: bool,
        /// Put before every entry name (`export/`, `../../`, `/abs/`, …).
        prefix: String,
        /// Entries claim a huge uncompressed size in their headers.
        huge_claims: bool,
        /// Damage to the archive's bytes.
        damage: Damage,
    },
    /// A zip whose `users.csv` is tens of megabytes of one cell, deflated to a few kilobytes.
    Bomb,
}

/// One generated export.
#[derive(Clone, Debug)]
pub struct CsvInput {
    /// File names and contents.
    pub files: Vec<(String, Vec<u8>)>,
    /// Folder or zip.
    pub packaging: Packaging,
    /// Read as a delta rather than a full snapshot.
    pub delta: bool,
}

/// Ids that references can resolve to.
const IDS: &[&str] = &["o1", "o2", "t1", "c1", "k1", "u1", "u2", "u3", "e1"];

fn cell(column: &'static str) -> BoxedStrategy<String> {
    let plausible: BoxedStrategy<String> = match column {
        "sourcedId"
        | "parentSourcedId"
        | "orgSourcedIds"
        | "agentSourcedIds"
        | "userSourcedId"
        | "classSourcedId"
        | "schoolSourcedId"
        | "courseSourcedId"
        | "termSourcedIds"
        | "orgSourcedId"
        | "schoolYearSourcedId"
        | "primaryOrgSourcedId" => prop::sample::select(IDS).prop_map(str::to_owned).boxed(),
        "status" => prop::sample::select(&["active", "tobedeleted", "inactive", "", "ACTIVE"][..])
            .prop_map(str::to_owned)
            .boxed(),
        "role" => prop::sample::select(
            &[
                "student",
                "teacher",
                "parent",
                "guardian",
                "relative",
                "administrator",
                "aide",
                "proctor",
                "districtAdministrator",
                "ext:x",
            ][..],
        )
        .prop_map(str::to_owned)
        .boxed(),
        "type" => prop::sample::select(
            &[
                "school",
                "district",
                "department",
                "term",
                "semester",
                "schoolYear",
            ][..],
        )
        .prop_map(str::to_owned)
        .boxed(),
        "dateLastModified" | "startDate" | "endDate" | "beginDate" | "birthDate" => {
            prop::sample::select(
                &[
                    "2024-01-01",
                    "2024-01-01T10:00:00Z",
                    "2024-13-45",
                    "01/02/2024",
                    "",
                ][..],
            )
            .prop_map(str::to_owned)
            .boxed()
        }
        "enabledUser" | "primary" => {
            prop::sample::select(&["true", "false", "TRUE", "yes", ""][..])
                .prop_map(str::to_owned)
                .boxed()
        }
        "userIds" => prop::sample::select(&["{LDAP:12},{FED:x}", "{bad", "", "{a:b}"][..])
            .prop_map(str::to_owned)
            .boxed(),
        _ => "[A-Za-z0-9 ]{0,10}".boxed(),
    };
    prop_oneof![5 => plausible, 2 => weird_string()].boxed()
}

/// A header cell: the column as spelled, odd case, padded, or something else.
fn header_cell(column: &'static str) -> BoxedStrategy<String> {
    prop_oneof![
        8 => Just(column.to_owned()),
        1 => Just(column.to_ascii_uppercase()),
        1 => Just(format!(" {column} ")),
        1 => weird_string(),
    ]
    .boxed()
}

/// One data file as CSV bytes.
fn data_file(file: CsvFile) -> BoxedStrategy<(String, Vec<u8>)> {
    let columns = file.spec().columns;
    let header: Vec<BoxedStrategy<(String, &'static str)>> = columns
        .iter()
        .map(|&c| header_cell(c).prop_map(move |h| (h, c)).boxed())
        .collect();
    (
        header,
        prop::collection::vec(any::<bool>(), columns.len()),
        prop::collection::vec(weird_string(), 0..2),
        any::<bool>(),
    )
        .prop_flat_map(move |(header, keep, extra, bom)| {
            let mut chosen: Vec<(String, &'static str)> = header
                .into_iter()
                .zip(keep)
                .filter(|(_, keep)| *keep)
                .map(|(h, _)| h)
                .collect();
            chosen.extend(extra.into_iter().map(|h| (h, "unknown")));
            let n = chosen.len();
            let row_cells: Vec<BoxedStrategy<String>> =
                chosen.iter().map(|(_, c)| cell(c)).collect();
            (
                Just(chosen).prop_shuffle(),
                prop::collection::vec((row_cells, -1i8..=1), 0..5),
                Just(bom),
                any::<bool>(),
                Just(n),
            )
        })
        .prop_map(move |(header, rows, bom, crlf, _)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice("\u{feff}".as_bytes());
            }
            let terminator = if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            };
            {
                let mut w = csv::WriterBuilder::new()
                    .flexible(true)
                    .terminator(terminator)
                    .from_writer(&mut out);
                let _ = w.write_record(header.iter().map(|(h, _)| h.as_str()));
                for (mut cells, width) in rows {
                    match width {
                        -1 => {
                            cells.pop();
                        }
                        1 => cells.push("extra".to_owned()),
                        _ => {}
                    }
                    let _ = w.write_record(&cells);
                }
                let _ = w.flush();
            }
            (file.file_name(), out)
        })
        .boxed()
}

/// `manifest.csv`, or something in its place.
fn manifest() -> BoxedStrategy<(String, Vec<u8>)> {
    let mode = || {
        prop::sample::select(&["bulk", "bulk", "delta", "absent", "BULK", "weird"][..])
            .prop_map(str::to_owned)
    };
    (
        prop::sample::select(&["1.1", "1.2", "1.0", "2.0", ""][..]),
        prop::collection::vec(mode(), CsvFile::DATA.len()),
        any::<bool>(),
    )
        .prop_map(|(version, modes, extra)| {
            let mut text = String::from("propertyName,value\nmanifest.version,1.0\n");
            text.push_str(&format!("oneroster.version,{version}\n"));
            for (file, mode) in CsvFile::DATA.iter().zip(modes) {
                text.push_str(&format!("file.{},{mode}\n", file.stem()));
            }
            if extra {
                text.push_str("source.systemName,\"Fuzz, \"\"Inc\"\"\"\nbroken line\n");
            }
            ("manifest.csv".to_owned(), text.into_bytes())
        })
        .boxed()
}

fn packaging() -> BoxedStrategy<Packaging> {
    prop_oneof![
        4 => Just(Packaging::Folder),
        4 => (
            any::<bool>(),
            prop::sample::select(&["", "", "export/", "../../", "/abs/", "__MACOSX/", "a\\b/"][..]),
            prop::bool::weighted(0.15),
            damage(),
        )
            .prop_map(|(stored, prefix, huge_claims, damage)| Packaging::Zip {
                stored,
                prefix: prefix.to_owned(),
                huge_claims,
                damage,
            }),
        1 => Just(Packaging::Bomb),
    ]
    .boxed()
}

/// A whole export of generated files.
fn csv_export_input() -> BoxedStrategy<CsvInput> {
    let files: Vec<BoxedStrategy<Option<NamedFile>>> = CsvFile::DATA
        .iter()
        .map(|&f| prop::option::weighted(0.8, data_file(f)).boxed())
        .collect();
    (
        prop::option::weighted(0.85, manifest()),
        files,
        damage(),
        prop::sample::select(&["users.csv", "orgs.csv", "enrollments.csv", "manifest.csv"][..]),
        packaging(),
        any::<bool>(),
    )
        .prop_map(|(manifest, data, damage, damaged, packaging, delta)| {
            let mut files: Vec<(String, Vec<u8>)> = manifest.into_iter().collect();
            files.extend(data.into_iter().flatten());
            for (name, bytes) in &mut files {
                if name == damaged {
                    *bytes = damage.apply(std::mem::take(bytes));
                }
            }
            CsvInput {
                files,
                packaging,
                delta,
            }
        })
        .boxed()
}

/// Writes a zip of `files`.
fn zip_bytes(files: &[(String, Vec<u8>)], stored: bool, prefix: &str) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let method = if stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(false);
        for (name, bytes) in files {
            if zip.start_file(format!("{prefix}{name}"), options).is_ok() {
                let _ = zip.write_all(bytes);
            }
        }
        let _ = zip.finish();
    }
    out.into_inner()
}

/// Sets the uncompressed size every local and central header claims to nearly 4 GiB.
fn claim_huge_sizes(bytes: &mut [u8]) {
    let mut i = 0;
    while i + 30 <= bytes.len() {
        match &bytes[i..i + 4] {
            b"PK\x03\x04" => bytes[i + 22..i + 26].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes()),
            b"PK\x01\x02" if i + 46 <= bytes.len() => {
                bytes[i + 24..i + 28].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
            }
            _ => {}
        }
        i += 1;
    }
}

/// A zip whose `users.csv` holds one 48 MiB cell (built once).
fn bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut users = b"sourcedId,givenName,familyName,role\nu1,".to_vec();
        users.resize(users.len() + 48 * 1024 * 1024, b'a');
        users.extend_from_slice(b",x,student\n");
        let files = vec![
            (
                "orgs.csv".to_owned(),
                b"sourcedId,name,type\no1,A,school\n".to_vec(),
            ),
            ("users.csv".to_owned(), users),
        ];
        zip_bytes(&files, false, "")
    })
}

/// What one read of an export gave.
#[derive(Debug)]
pub struct CsvOutcome {
    /// The records, up to the error if any.
    pub records: Vec<Record>,
    /// The error that ended the read.
    pub error: Option<ConnectorError>,
    /// Every issue reported.
    pub issues: Vec<String>,
}

/// Reads the export at `path` the way the connector does (without the page stream).
pub fn read_csv_export(path: &Path, delta: bool) -> CsvOutcome {
    let report = ReportHandle::new();
    let mut records = Vec::new();
    let purpose = if delta { Purpose::Delta } else { Purpose::Full };
    let error = match Export::open(path, &report) {
        Ok(export) => match run_export(&export, &report, purpose, &mut records) {
            Ok(()) => None,
            Err(Halt::Failed(e)) => Some(e),
            Err(Halt::Cancelled) => None,
        },
        Err(e) => Some(e),
    };
    let issues = report
        .snapshot()
        .issues
        .into_iter()
        .map(|i| i.message)
        .collect();
    CsvOutcome {
        records,
        error,
        issues,
    }
}

/// Puts `input` on disk and reads it.
pub fn read_csv_input(input: &CsvInput) -> Result<CsvOutcome, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let path = match &input.packaging {
        Packaging::Folder => {
            for (name, bytes) in &input.files {
                std::fs::write(dir.path().join(name), bytes).map_err(|e| format!("{name}: {e}"))?;
            }
            dir.path().to_owned()
        }
        Packaging::Zip {
            stored,
            prefix,
            huge_claims,
            damage,
        } => {
            let mut bytes = zip_bytes(&input.files, *stored, prefix);
            if *huge_claims {
                claim_huge_sizes(&mut bytes);
            }
            let bytes = damage.apply(bytes);
            let path = dir.path().join("export.zip");
            std::fs::write(&path, bytes).map_err(|e| format!("zip: {e}"))?;
            path
        }
        Packaging::Bomb => {
            let path = dir.path().join("bomb.zip");
            std::fs::write(&path, bomb()).map_err(|e| format!("zip: {e}"))?;
            path
        }
    };
    Ok(read_csv_export(&path, input.delta))
}

/// Where a CSV error may point: a file, the export, or the manifest.
fn says_where_csv(message: &str) -> bool {
    message.contains(".csv")
        || message.contains("export")
        || message.contains(".zip")
        || message.contains("/tmp")
        || message.contains("manifest")
}

/// The property of [`csv_case`].
pub fn check_csv(input: &CsvInput) -> Result<(), String> {
    let outcome = read_csv_input(input)?;
    if let Some(error) = &outcome.error {
        check_error(error, says_where_csv)?;
    }
    for issue in &outcome.issues {
        check_issue_message(issue)?;
    }
    Ok(())
}

/// Valid users, written as `users.csv` rows and as a REST `users` page.
#[derive(Clone, Debug)]
pub struct SameUsers {
    /// (givenName, familyName, email, role, grades).
    pub users: Vec<(String, String, String, &'static str, String)>,
    /// How the CSV is packed.
    pub zip: bool,
}

fn same_users() -> BoxedStrategy<SameUsers> {
    let name = prop_oneof![
        3 => "[A-Za-zÀ-ÿ' -]{1,20}",
        1 => weird_string(),
    ];
    let user = (
        name.clone(),
        name,
        prop_oneof!["[a-z]{1,8}@[a-z]{1,6}\\.org", weird_string()],
        prop::sample::select(&["student", "teacher", "parent", "aide"][..]),
        prop::sample::select(&["", "09", "09,10", "KG"][..]).prop_map(str::to_owned),
    );
    (prop::collection::vec(user, 1..4), any::<bool>())
        .prop_map(|(users, zip)| SameUsers { users, zip })
        .boxed()
}

/// The property: a user reads to the same person from `users.csv` as from a REST page.
pub fn check_same_users(input: &SameUsers) -> Result<(), String> {
    let mut users_csv = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut users_csv);
        let _ = w.write_record([
            "sourcedId",
            "status",
            "enabledUser",
            "orgSourcedIds",
            "role",
            "givenName",
            "familyName",
            "email",
            "grades",
        ]);
        for (i, (given, family, email, role, grades)) in input.users.iter().enumerate() {
            let id = format!("u{i}");
            let _ = w.write_record([
                id.as_str(),
                "active",
                "true",
                "o1",
                role,
                given,
                family,
                email,
                grades,
            ]);
        }
        let _ = w.flush();
    }
    let files = vec![
        (
            "manifest.csv".to_owned(),
            b"propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.orgs,bulk\nfile.users,bulk\n"
                .to_vec(),
        ),
        (
            "orgs.csv".to_owned(),
            b"sourcedId,status,name,type\no1,active,School,school\n".to_vec(),
        ),
        ("users.csv".to_owned(), users_csv),
    ];
    let packaging = if input.zip {
        Packaging::Zip {
            stored: false,
            prefix: String::new(),
            huge_claims: false,
            damage: Damage::None,
        }
    } else {
        Packaging::Folder
    };
    let by_csv = read_csv_input(&CsvInput {
        files,
        packaging,
        delta: false,
    })?;
    let page = json!({
        "users": input.users.iter().enumerate().map(|(i, (given, family, email, role, grades))| json!({
            "sourcedId": format!("u{i}"), "status": "active", "enabledUser": true,
            "orgs": [{"href": "h", "sourcedId": "o1", "type": "org"}], "role": role,
            "givenName": given, "familyName": family, "email": email,
            "grades": grades.split(',').filter(|g| !g.is_empty()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()
    });
    let by_rest = rest_page(Collection::Users, page.to_string().as_bytes());
    let people = |records: &[Record]| -> Vec<Person> {
        records
            .iter()
            .filter_map(|r| match r {
                Record::Person(p) => Some(p.clone()),
                _ => None,
            })
            .collect()
    };
    let rest_records = match &by_rest {
        Ok((records, _)) => records.clone(),
        Err(e) => return Err(format!("the REST page failed: {e}")),
    };
    if by_csv.error.is_some() && people(&by_csv.records).len() == input.users.len() {
        return Err(format!("the CSV read failed: {:?}", by_csv.error));
    }
    let (csv_people, rest_people) = (people(&by_csv.records), people(&rest_records));
    if csv_people != rest_people {
        return Err(format!(
            "users.csv and the REST page read to different people:\n  csv:  {csv_people:?}\n  rest: {rest_people:?}"
        ));
    }
    for (person, (given, family, ..)) in csv_people.iter().zip(&input.users) {
        if person.given_name != given.trim() || person.family_name != family.trim() {
            return Err(format!(
                "names changed on the way: {:?} {:?} → {:?} {:?}",
                given, family, person.given_name, person.family_name
            ));
        }
    }
    Ok(())
}

/// One case of the `csv` target: an odd export (nine in ten) or the same valid users as CSV
/// and as a REST page.
pub fn csv_case(runner: &mut TestRunner) -> Result<(), String> {
    thread_local! {
        static ODD: BoxedStrategy<CsvInput> = csv_export_input();
        static SAME: BoxedStrategy<SameUsers> = same_users();
    }
    if runner.rng().next_u32().is_multiple_of(10) {
        SAME.with(|same| run_case(runner, same, check_same_users))
    } else {
        ODD.with(|odd| run_case(runner, odd, check_csv))
    }
}

// ---------------------------------------------------------------------------------------
// REST

/// A GUIDRef, a bare id or something odd.
fn guid_ref() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(IDS).prop_map(|id| json!({"href": format!("https://h/x/{id}"), "sourcedId": id, "type": "org"})),
        1 => prop::sample::select(IDS).prop_map(|id| json!(id)),
        1 => json_value(),
    ]
    .boxed()
}

fn guid_refs() -> BoxedStrategy<Value> {
    prop::collection::vec(guid_ref(), 0..4)
        .prop_map(Value::Array)
        .boxed()
}

fn texts() -> BoxedStrategy<Value> {
    prop_oneof![
        prop::collection::vec(text_value(), 0..3).prop_map(Value::Array),
        text_value(),
    ]
    .boxed()
}

fn chosen(values: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(values).prop_map(|v| json!(v)),
        1 => text_value(),
    ]
    .boxed()
}

fn meta_fields() -> Vec<(&'static str, BoxedStrategy<Value>)> {
    vec![
        ("sourcedId", chosen(IDS)),
        ("status", chosen(&["active", "tobedeleted", "inactive"])),
        (
            "dateLastModified",
            chosen(&["2024-05-01T12:00:00.000Z", "2024-05-01", "yesterday"]),
        ),
    ]
}

/// The plausible properties of an object of `collection`.
fn object_fields(collection: Collection) -> Vec<(&'static str, BoxedStrategy<Value>)> {
    let mut fields = meta_fields();
    let date = || chosen(&["2024-08-20", "2024-08-20T00:00:00Z", "20/08/2024"]);
    fields.extend(match collection {
        Collection::Orgs => vec![
            ("name", text_value()),
            ("type", chosen(&["school", "district", "department", "local"])),
            ("identifier", text_value()),
            ("parent", guid_ref()),
        ],
        Collection::AcademicSessions | Collection::Terms => vec![
            ("title", text_value()),
            ("type", chosen(&["term", "semester", "schoolYear", "gradingPeriod"])),
            ("startDate", date()),
            ("endDate", date()),
            ("parent", guid_ref()),
            ("schoolYear", chosen(&["2024", "2025"])),
        ],
        Collection::Courses => vec![
            ("title", text_value()),
            ("courseCode", text_value()),
            ("org", guid_ref()),
            ("schoolYear", guid_ref()),
            ("grades", texts()),
            ("subjects", texts()),
        ],
        Collection::Classes => vec![
            ("title", text_value()),
            ("classCode", text_value()),
            ("classType", chosen(&["homeroom", "scheduled"])),
            ("location", text_value()),
            ("school", guid_ref()),
            ("course", guid_ref()),
            ("terms", guid_refs()),
            ("grades", texts()),
            ("periods", texts()),
        ],
        Collection::Users => vec![
            ("enabledUser", chosen(&["true", "false"])),
            ("username", text_value()),
            (
                "userIds",
                prop::collection::vec(
                    prop_oneof![
                        3 => (text_value(), text_value()).prop_map(|(t, i)| json!({"type": t, "identifier": i})),
                        1 => json_value(),
                    ],
                    0..3,
                )
                .prop_map(Value::Array)
                .boxed(),
            ),
            ("givenName", text_value()),
            ("familyName", text_value()),
            ("middleName", text_value()),
            ("preferredFirstName", text_value()),
            ("identifier", text_value()),
            ("email", chosen(&["a@b.org", "not-an-email", "A@B.ORG "])),
            ("phone", chosen(&["+16035551234", "555", "(603) 555-1234"])),
            ("sms", text_value()),
            ("agents", guid_refs()),
            ("grades", texts()),
            (
                "role",
                chosen(&["student", "teacher", "parent", "guardian", "relative", "administrator", "aide"]),
            ),
            ("orgs", guid_refs()),
            (
                "roles",
                prop::collection::vec(
                    prop_oneof![
                        3 => (chosen(&["primary", "secondary"]), chosen(&["student", "teacher", "parent", "districtAdministrator"]), guid_ref())
                            .prop_map(|(t, r, o)| json!({"roleType": t, "role": r, "org": o})),
                        1 => json_value(),
                    ],
                    0..3,
                )
                .prop_map(Value::Array)
                .boxed(),
            ),
            ("primaryOrg", guid_ref()),
        ],
        Collection::Enrollments => vec![
            ("class", guid_ref()),
            ("school", guid_ref()),
            ("user", guid_ref()),
            ("role", chosen(&["student", "teacher", "administrator", "proctor"])),
            ("primary", chosen(&["true", "false"])),
            ("beginDate", date()),
            ("endDate", date()),
        ],
    });
    fields
}

/// One generated REST page.
#[derive(Clone, Debug)]
pub struct RestInput {
    /// The collection read.
    pub(crate) collection: Collection,
    /// The body.
    pub body: Vec<u8>,
}

fn collection() -> BoxedStrategy<Collection> {
    prop::sample::select(
        &[
            Collection::Orgs,
            Collection::AcademicSessions,
            Collection::Terms,
            Collection::Courses,
            Collection::Classes,
            Collection::Users,
            Collection::Enrollments,
        ][..],
    )
    .boxed()
}

fn rest_input() -> BoxedStrategy<RestInput> {
    collection()
        .prop_flat_map(|collection| {
            let item = prop_oneof![
                8 => json_object(object_fields(collection)),
                1 => json_value().prop_map(|v| v.to_string()),
            ];
            let page = prop::collection::vec(item, 0..8).prop_map(move |items| {
                format!("{{\"{}\":[{}]}}", collection.envelope(), items.join(","))
            });
            let other = prop_oneof![
                json_value().prop_map(|v| v.to_string()),
                (weird_string(), weird_string()).prop_map(|(d, minor)| json!({
                    "imsx_codeMajor": "failure", "imsx_description": d,
                    "imsx_CodeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldValue": minor}]}
                })
                .to_string()),
                (1usize..3000).prop_map(deep_nesting),
                (1usize..3000).prop_map(move |n| format!(
                    "{{\"{}\":{}}}",
                    collection.envelope(),
                    deep_nesting(n)
                )),
            ];
            (
                Just(collection),
                prop_oneof![6 => page, 1 => other],
                damage(),
            )
        })
        .prop_map(|(collection, body, damage)| RestInput {
            collection,
            body: damage.apply(body.into_bytes()),
        })
        .boxed()
}

/// Reads one page body of `collection` the way the REST connector reads a fetched page
/// (relationships found on users included); returns the records and the issues reported.
pub(crate) fn rest_page(
    collection: Collection,
    body: &[u8],
) -> Result<(Vec<Record>, Vec<String>), ConnectorError> {
    static FUZZ: OnceLock<RestFuzz> = OnceLock::new();
    let fuzz = FUZZ.get_or_init(|| {
        RestFuzz::new(HttpConfig::default(), RequestAuth::None).expect("the REST client builds")
    });
    let url = Url::parse(&format!(
        "http://127.0.0.1/ims/oneroster/v1p1/{}?limit=100&offset=0",
        collection.path()
    ))
    .expect("a valid URL");
    let response = HttpResponse {
        status: StatusCode::OK,
        url,
        headers: Default::default(),
        body: body.to_vec().into(),
    };
    fuzz.page(collection, &response)
}

/// Where a REST error may point: the page and its URL.
fn says_where_rest(message: &str) -> bool {
    message.contains(" page at offset ") || message.contains("http://127.0.0.1/")
}

/// The property of [`rest_case`].
pub fn check_rest(input: &RestInput) -> Result<(), String> {
    match rest_page(input.collection, &input.body) {
        Ok((_, issues)) => {
            for issue in &issues {
                check_issue_message(issue)?;
            }
            Ok(())
        }
        Err(error) => check_error(&error, says_where_rest),
    }
}

/// One case of the `oneroster-rest` target.
pub fn rest_case(runner: &mut TestRunner) -> Result<(), String> {
    thread_local! {
        static INPUT: BoxedStrategy<RestInput> = rest_input();
    }
    INPUT.with(|input| run_case(runner, input, check_rest))
}

#[cfg(test)]
mod tests {
    use proptest::test_runner::Config;

    use super::*;

    fn cases(n: u32) -> TestRunner {
        TestRunner::new(Config {
            cases: n,
            failure_persistence: None,
            ..Config::default()
        })
    }

    #[test]
    fn odd_csv_exports_never_panic_and_fail_clearly() {
        let mut runner = cases(150);
        runner
            .run(&csv_export_input(), |input| {
                check_csv(&input).map_err(proptest::test_runner::TestCaseError::fail)
            })
            .unwrap();
    }

    #[test]
    fn users_read_the_same_from_csv_and_rest() {
        let mut runner = cases(60);
        runner
            .run(&same_users(), |input| {
                check_same_users(&input).map_err(proptest::test_runner::TestCaseError::fail)
            })
            .unwrap();
    }

    #[test]
    fn odd_rest_pages_never_panic_and_fail_clearly() {
        let mut runner = cases(400);
        runner
            .run(&rest_input(), |input| {
                check_rest(&input).map_err(proptest::test_runner::TestCaseError::fail)
            })
            .unwrap();
    }

    #[test]
    fn a_zip_bomb_is_refused_without_reading_it_whole() {
        let outcome = read_csv_input(&CsvInput {
            files: Vec::new(),
            packaging: Packaging::Bomb,
            delta: false,
        })
        .unwrap();
        let error = outcome.error.expect("the bomb is refused");
        check_error(&error, says_where_csv).unwrap();
    }
}
