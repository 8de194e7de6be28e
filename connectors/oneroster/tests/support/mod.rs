//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use futures::StreamExt;
use homeroom_connector_core::{ConnectorError, Page, Record, SyncStream};
use homeroom_oneroster::RecordStage;

/// `tests/data/<name>`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A fixture of `shared/fixtures/oneroster/`.
pub fn shared_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/oneroster")
        .join(name)
}

/// Everything a stream yielded.
#[derive(Debug, Default)]
pub struct Drained {
    pub pages: Vec<Page>,
    pub error: Option<ConnectorError>,
    pub items_after_error: usize,
    pub cursor: Option<String>,
    pub cursor_available: bool,
}

impl Drained {
    /// All records in order.
    pub fn records(&self) -> Vec<Record> {
        self.pages.iter().flat_map(|p| p.records.clone()).collect()
    }

    /// Records, panicking if the stream failed.
    pub fn ok_records(&self) -> Vec<Record> {
        if let Some(error) = &self.error {
            panic!("the stream failed: {error}");
        }
        self.records()
    }

    /// The error the stream ended with.
    pub fn err(&self) -> &ConnectorError {
        self.error.as_ref().expect("the stream should have failed")
    }
}

/// Reads a stream to its end.
pub async fn drain(mut stream: SyncStream<'_>) -> Drained {
    let mut drained = Drained::default();
    while let Some(item) = stream.next().await {
        match item {
            Ok(page) if drained.error.is_none() => drained.pages.push(page),
            Ok(_) => drained.items_after_error += 1,
            Err(e) if drained.error.is_none() => drained.error = Some(e),
            Err(_) => drained.items_after_error += 1,
        }
    }
    match stream.next_cursor() {
        Ok(cursor) => {
            drained.cursor = cursor;
            drained.cursor_available = true;
        }
        Err(_) => drained.cursor_available = false,
    }
    assert_eq!(
        drained.items_after_error, 0,
        "nothing may follow an error item"
    );
    assert!(
        RecordStage::is_ordered(drained.records().iter()),
        "records out of contract order: {:?}",
        drained
            .records()
            .iter()
            .map(|r| (RecordStage::of(r), r.external_id().into_owned()))
            .collect::<Vec<_>>()
    );
    drained
}

/// Zips the files of `folder` into `target`, under `prefix` (e.g. `"export/"` or `""`).
pub fn zip_folder(folder: &Path, target: &Path, prefix: &str) {
    let file = File::create(target).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut entries: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = format!("{prefix}{}", path.file_name().unwrap().to_str().unwrap());
        zip.start_file(name, options).unwrap();
        zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    zip.finish().unwrap();
}

/// The records of one kind, by external id.
pub fn find<'r>(records: &'r [Record], id: &str) -> &'r Record {
    records
        .iter()
        .find(|r| r.external_id() == id && !matches!(r, Record::Relationship(_)))
        .unwrap_or_else(|| panic!("no record {id}"))
}

/// Counts per stage, in stage order.
pub fn stage_counts(records: &[Record]) -> Vec<(RecordStage, usize)> {
    let mut counts: Vec<(RecordStage, usize)> = Vec::new();
    for r in records {
        let stage = RecordStage::of(r);
        match counts.last_mut() {
            Some((s, n)) if *s == stage => *n += 1,
            _ => counts.push((stage, 1)),
        }
    }
    counts
}

/// Writes a generated 1.1 bulk export with `users` students (each with one parent) into
/// `dir`; every other user is modified on 2024-05-01, the rest on 2023-01-01.
pub fn generate_export(dir: &Path, users: usize) {
    let w = |name: &str, text: String| std::fs::write(dir.join(name), text).unwrap();
    w(
        "manifest.csv",
        "propertyName,value\noneroster.version,1.1\nfile.orgs,bulk\nfile.academicSessions,bulk\nfile.courses,bulk\nfile.classes,bulk\nfile.users,bulk\nfile.enrollments,bulk\n".into(),
    );
    w(
        "orgs.csv",
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nd,active,2023-01-01T00:00:00Z,District,district,,\ns,active,2023-01-01T00:00:00Z,School,school,,d\n".into(),
    );
    w(
        "academicSessions.csv",
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\nt,active,2024-05-01T00:00:00Z,Term,term,2024-01-01,2024-06-01,,2024\n".into(),
    );
    w(
        "courses.csv",
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\nc,active,2023-01-01T00:00:00Z,,Course,C,,s,,\n".into(),
    );
    w(
        "classes.csv",
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\nk,active,2024-05-01T00:00:00Z,Class,,c,K,scheduled,,s,t,,,\n".into(),
    );
    let mut u = String::from(
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n",
    );
    let mut e = String::from(
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n",
    );
    for i in 0..users {
        let date = if i % 2 == 0 {
            "2024-05-01T00:00:00Z"
        } else {
            "2023-01-01T00:00:00Z"
        };
        u.push_str(&format!(
            "s{i},active,{date},true,s,student,s{i},,Stu{i},Dent,,{i},s{i}@x.org,,,p{i},05,\n"
        ));
        u.push_str(&format!(
            "p{i},active,{date},true,s,parent,p{i},,Par{i},Ent,,,p{i}@x.org,,555{i:07},s{i},,\n"
        ));
        e.push_str(&format!("e{i},active,{date},k,s,s{i},student,false,,\n"));
    }
    w("users.csv", u);
    w("enrollments.csv", e);
}
