//! OneRoster 1.1 CSV bulk writer: the IMS OneRoster 1.1 CSV binding (`manifest.csv` and one
//! file per entity, the columns in the specification's order).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::GenerateError;
use crate::date::Date;
use crate::model::*;

/// How phone numbers are written in `users.csv`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneStyle {
    /// `+12015550123`.
    #[default]
    E164,
    /// `(201) 555-0123`.
    National,
    /// Mostly E.164, every third guardian in national format (as SIS exports mix them).
    Mixed,
}

/// Options of [`write_oneroster_csv`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OneRosterCsvOptions {
    /// Fill `status` (`active`) and `dateLastModified` (the day the record last changed).
    /// Bulk files may leave both blank; `false` does that.
    pub status_and_dates: bool,
    /// Phone format.
    pub phone_style: PhoneStyle,
}

impl Default for OneRosterCsvOptions {
    fn default() -> Self {
        OneRosterCsvOptions {
            status_and_dates: true,
            phone_style: PhoneStyle::E164,
        }
    }
}

/// The 1.1 file keys of the manifest, in the order written.
pub const MANIFEST_FILES: [&str; 13] = [
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItems",
    "orgs",
    "resources",
    "results",
    "users",
];

/// The files written as `bulk`; every other 1.1 file is `absent`.
pub const BULK_FILES: [&str; 6] = [
    "academicSessions",
    "classes",
    "courses",
    "enrollments",
    "orgs",
    "users",
];

/// `orgs.csv` header.
pub const ORGS_HEADER: [&str; 7] = [
    "sourcedId",
    "status",
    "dateLastModified",
    "name",
    "type",
    "identifier",
    "parentSourcedId",
];
/// `academicSessions.csv` header.
pub const ACADEMIC_SESSIONS_HEADER: [&str; 9] = [
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "type",
    "startDate",
    "endDate",
    "parentSourcedId",
    "schoolYear",
];
/// `courses.csv` header.
pub const COURSES_HEADER: [&str; 10] = [
    "sourcedId",
    "status",
    "dateLastModified",
    "schoolYearSourcedId",
    "title",
    "courseCode",
    "grades",
    "orgSourcedId",
    "subjects",
    "subjectCodes",
];
/// `classes.csv` header.
pub const CLASSES_HEADER: [&str; 14] = [
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "grades",
    "courseSourcedId",
    "classCode",
    "classType",
    "location",
    "schoolSourcedId",
    "termSourcedIds",
    "subjects",
    "subjectCodes",
    "periods",
];
/// `users.csv` header (OneRoster 1.1).
pub const USERS_HEADER: [&str; 18] = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
];
/// `enrollments.csv` header.
pub const ENROLLMENTS_HEADER: [&str; 10] = [
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
];

/// Rows written per file (headers not counted).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CsvWriteReport {
    pub dir: PathBuf,
    pub orgs: usize,
    pub academic_sessions: usize,
    pub courses: usize,
    pub classes: usize,
    pub users: usize,
    pub enrollments: usize,
    /// Total bytes of all files written, manifest included.
    pub bytes: u64,
}

/// Writes `district` into `dir` (created if missing) as a OneRoster 1.1 bulk CSV set:
/// `manifest.csv`, `orgs.csv`, `academicSessions.csv`, `courses.csv`, `classes.csv`,
/// `users.csv`, `enrollments.csv`. Rows stream through a buffered writer; memory use is a
/// small multiple of the relationships list.
pub fn write_oneroster_csv(
    district: &District,
    dir: impl AsRef<Path>,
    options: OneRosterCsvOptions,
) -> Result<CsvWriteReport, GenerateError> {
    let dir = dir.as_ref();
    std::fs::create_dir_all(dir).map_err(|e| GenerateError::io(dir, e))?;
    let w = Writer {
        d: district,
        opts: options,
    };
    let mut report = CsvWriteReport {
        dir: dir.to_owned(),
        ..CsvWriteReport::default()
    };
    report.bytes += w.file(dir, "manifest.csv", |out| w.manifest(out))?;
    let mut rows = 0;
    report.bytes += w.file(dir, "orgs.csv", |out| w.orgs(out, &mut rows))?;
    report.orgs = std::mem::take(&mut rows);
    report.bytes += w.file(dir, "academicSessions.csv", |out| {
        w.sessions(out, &mut rows)
    })?;
    report.academic_sessions = std::mem::take(&mut rows);
    report.bytes += w.file(dir, "courses.csv", |out| w.courses(out, &mut rows))?;
    report.courses = std::mem::take(&mut rows);
    report.bytes += w.file(dir, "classes.csv", |out| w.classes(out, &mut rows))?;
    report.classes = std::mem::take(&mut rows);
    report.bytes += w.file(dir, "users.csv", |out| w.users(out, &mut rows))?;
    report.users = std::mem::take(&mut rows);
    report.bytes += w.file(dir, "enrollments.csv", |out| w.enrollments(out, &mut rows))?;
    report.enrollments = rows;
    Ok(report)
}

type Out = csv::Writer<CountingWriter<BufWriter<File>>>;

struct CountingWriter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

struct Writer<'a> {
    d: &'a District,
    opts: OneRosterCsvOptions,
}

impl Writer<'_> {
    fn file(
        &self,
        dir: &Path,
        name: &str,
        body: impl FnOnce(&mut Out) -> csv::Result<()>,
    ) -> Result<u64, GenerateError> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(|e| GenerateError::io(&path, e))?;
        let counting = CountingWriter {
            inner: BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        };
        let mut out = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(counting);
        let csv_err = |e: csv::Error| GenerateError::Csv {
            path: path.clone(),
            source: e,
        };
        body(&mut out).map_err(csv_err)?;
        out.flush().map_err(|e| GenerateError::io(&path, e))?;
        let mut counting = out
            .into_inner()
            .map_err(|e| GenerateError::io(&path, e.into_error()))?;
        counting.flush().map_err(|e| GenerateError::io(&path, e))?;
        Ok(counting.bytes)
    }

    fn status(&self) -> &'static str {
        if self.opts.status_and_dates {
            "active"
        } else {
            ""
        }
    }

    /// `dateLastModified` for a record last changed on `day`.
    fn modified(&self, day: u32, buf: &mut String) {
        buf.clear();
        if self.opts.status_and_dates {
            let _ = write!(buf, "{}T06:00:00.000Z", District::date_of_day(day));
        }
    }

    fn manifest(&self, out: &mut Out) -> csv::Result<()> {
        out.write_record(["propertyName", "value"])?;
        out.write_record(["manifest.version", "1.0"])?;
        out.write_record(["oneroster.version", "1.1"])?;
        for f in MANIFEST_FILES {
            let mode = if BULK_FILES.contains(&f) {
                "bulk"
            } else {
                "absent"
            };
            out.write_record([format!("file.{f}").as_str(), mode])?;
        }
        out.write_record(["source.systemName", "Homeroom District Generator"])?;
        out.write_record(["source.systemCode", "homeroom-district-gen"])?;
        Ok(())
    }

    fn orgs(&self, out: &mut Out, rows: &mut usize) -> csv::Result<()> {
        let d = self.d;
        let mut date = String::new();
        self.modified(1, &mut date);
        out.write_record(ORGS_HEADER)?;
        let org_id = d.org_id.to_string();
        out.write_record([
            &org_id,
            self.status(),
            &date,
            &d.name,
            "district",
            &d.identifier,
            "",
        ])?;
        *rows += 1;
        for s in &d.schools {
            out.write_record([
                &s.id.to_string(),
                self.status(),
                &date,
                &s.name,
                "school",
                &s.identifier,
                &org_id,
            ])?;
            *rows += 1;
        }
        Ok(())
    }

    fn sessions(&self, out: &mut Out, rows: &mut usize) -> csv::Result<()> {
        let mut date = String::new();
        self.modified(1, &mut date);
        out.write_record(ACADEMIC_SESSIONS_HEADER)?;
        for s in &self.d.sessions {
            out.write_record([
                &s.id.to_string(),
                self.status(),
                &date,
                &s.title,
                s.kind.as_str(),
                &s.start.to_string(),
                &s.end.to_string(),
                &s.parent.map(|p| p.to_string()).unwrap_or_default(),
                &s.school_year.to_string(),
            ])?;
            *rows += 1;
        }
        Ok(())
    }

    fn courses(&self, out: &mut Out, rows: &mut usize) -> csv::Result<()> {
        let mut date = String::new();
        self.modified(1, &mut date);
        let year = crate::generate::SCHOOL_YEAR.to_string();
        out.write_record(COURSES_HEADER)?;
        for c in &self.d.courses {
            out.write_record([
                &c.id.to_string(),
                self.status(),
                &date,
                &year,
                &c.title,
                &c.code,
                &join(&c.grades),
                &c.school.to_string(),
                c.subject,
                "",
            ])?;
            *rows += 1;
        }
        Ok(())
    }

    fn classes(&self, out: &mut Out, rows: &mut usize) -> csv::Result<()> {
        let mut date = String::new();
        self.modified(1, &mut date);
        out.write_record(CLASSES_HEADER)?;
        for c in &self.d.classes {
            out.write_record([
                &c.id.to_string(),
                self.status(),
                &date,
                &c.title,
                &join(&c.grades),
                &c.course.to_string(),
                &c.code,
                c.class_type.as_str(),
                &c.location,
                &c.school.to_string(),
                &join(&c.terms),
                c.subject,
                "",
                &c.period.map(|p| p.to_string()).unwrap_or_default(),
            ])?;
            *rows += 1;
        }
        Ok(())
    }

    fn users(&self, out: &mut Out, rows: &mut usize) -> csv::Result<()> {
        let d = self.d;
        out.write_record(USERS_HEADER)?;
        let mut date = String::new();
        let mut id = String::new();
        let mut orgs = String::new();
        let mut agents = String::new();
        let mut user_ids = String::new();
        let district_org = d.org_id.to_string();

        for s in &d.staff {
            reset(&mut id, s.id);
            orgs.clear();
            if s.schools.is_empty() {
                orgs.push_str(&district_org);
            } else {
                push_joined(&mut orgs, &s.schools);
            }
            self.modified(s.modified_day, &mut date);
            let username = s.email.split('@').next().unwrap_or_default();
            user_ids.clear();
            let _ = write!(user_ids, "{{SIS:{}}}", s.employee_number);
            out.write_record([
                id.as_str(),
                self.status(),
                &date,
                "true",
                &orgs,
                s.role.as_str(),
                username,
                &user_ids,
                &s.given_name,
                &s.family_name,
                s.middle_name.as_deref().unwrap_or(""),
                &s.employee_number,
                &s.email,
                "",
                "",
                "",
                "",
                "",
            ])?;
            *rows += 1;
        }

        let mut number = String::new();
        let mut email = String::new();
        let rels = &d.relationships;
        let mut sorted_by_student = true;
        for w in rels.windows(2) {
            if w[0].student > w[1].student {
                sorted_by_student = false;
                break;
            }
        }
        let owned;
        let rels: &[Relationship] = if sorted_by_student {
            rels
        } else {
            let mut v = rels.clone();
            v.sort_unstable();
            owned = v;
            &owned
        };
        let mut r = 0;
        for s in &d.students {
            reset(&mut id, s.id);
            while r < rels.len() && rels[r].student < s.id {
                r += 1;
            }
            agents.clear();
            while r < rels.len() && rels[r].student == s.id {
                if !agents.is_empty() {
                    agents.push(',');
                }
                let _ = write!(agents, "{}", rels[r].guardian);
                r += 1;
            }
            self.modified(s.modified_day, &mut date);
            number.clear();
            let _ = write!(number, "{}", s.student_number);
            email.clear();
            let _ = write!(email, "{}@{STUDENT_EMAIL_DOMAIN}", s.student_number);
            user_ids.clear();
            let _ = write!(user_ids, "{{SIS:{}}}", s.student_number);
            reset(&mut orgs, s.school);
            out.write_record([
                id.as_str(),
                self.status(),
                &date,
                "true",
                &orgs,
                "student",
                &number,
                &user_ids,
                &s.given_name,
                &s.family_name,
                s.middle_name.as_deref().unwrap_or(""),
                &number,
                &email,
                "",
                "",
                &agents,
                s.grade.code(),
                "",
            ])?;
            *rows += 1;
        }

        let by_guardian = d.students_by_guardian();
        let mut r = 0;
        let mut phone = String::new();
        for g in &d.guardians {
            reset(&mut id, g.id);
            while r < by_guardian.len() && by_guardian[r].0 < g.id {
                r += 1;
            }
            agents.clear();
            while r < by_guardian.len() && by_guardian[r].0 == g.id {
                if !agents.is_empty() {
                    agents.push(',');
                }
                let _ = write!(agents, "{}", by_guardian[r].1);
                r += 1;
            }
            self.modified(g.modified_day, &mut date);
            phone.clear();
            if let Some(p) = g.phone {
                let national = match self.opts.phone_style {
                    PhoneStyle::E164 => false,
                    PhoneStyle::National => true,
                    PhoneStyle::Mixed => g.id.0 % 3 == 0,
                };
                phone.push_str(&if national { p.national() } else { p.e164() });
            }
            out.write_record([
                id.as_str(),
                self.status(),
                &date,
                "true",
                &district_org,
                g.role.as_str(),
                "",
                "",
                &g.given_name,
                &g.family_name,
                g.middle_name.as_deref().unwrap_or(""),
                "",
                g.email.as_deref().unwrap_or(""),
                "",
                &phone,
                &agents,
                "",
                "",
            ])?;
            *rows += 1;
        }
        Ok(())
    }

    fn enrollments(&self, out: &mut Out, rows: &mut usize) -> csv::Result<()> {
        let d = self.d;
        out.write_record(ENROLLMENTS_HEADER)?;
        let mut id = String::new();
        let mut class = String::new();
        let mut school = String::new();
        let mut user = String::new();
        let mut date = String::new();
        let mut begin = String::new();
        let mut end = String::new();
        let mut last: Option<(ClassId, u32, Date, Date)> = None;
        for e in &d.enrollments {
            reset(&mut id, e.id);
            if last.map(|l| l.0) != Some(e.class) {
                reset(&mut class, e.class);
                school.clear();
                if let Some(c) = d.class(e.class) {
                    let _ = write!(school, "{}", c.school);
                }
            }
            if last.map(|l| (l.1, l.2, l.3)) != Some((e.modified_day, e.begin, e.end)) {
                self.modified(e.modified_day, &mut date);
                reset(&mut begin, e.begin);
                reset(&mut end, e.end);
            }
            last = Some((e.class, e.modified_day, e.begin, e.end));
            reset(&mut user, e.user);
            out.write_record([
                id.as_str(),
                self.status(),
                &date,
                &class,
                &school,
                &user,
                e.role.as_str(),
                if e.primary { "true" } else { "false" },
                &begin,
                &end,
            ])?;
            *rows += 1;
        }
        Ok(())
    }
}

fn reset(buf: &mut String, value: impl std::fmt::Display) {
    buf.clear();
    let _ = write!(buf, "{value}");
}

fn push_joined<T: std::fmt::Display>(buf: &mut String, items: &[T]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        let _ = write!(buf, "{item}");
    }
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    let mut s = String::new();
    push_joined(&mut s, items);
    s
}
