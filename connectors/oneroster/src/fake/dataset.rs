//! The data a fake serves, read from a OneRoster CSV export.

use std::collections::HashMap;
use std::path::Path;

use homeroom_connector_core::ConnectorError;

use crate::csv_export::files::CsvFile;
use crate::csv_export::mode::FileMode;
use crate::csv_export::{Export, Halt, rows};
use crate::model::{OrClass, OrCourse, OrEnrollment, OrOrg, OrRole, OrSession, OrUser};
use crate::report::{ImportReport, ReportHandle};
use crate::values::parse_status;
use crate::version::OneRosterVersion;

/// A roster held in memory, as OneRoster objects (values exactly as the CSV had them, odd
/// ones included, so the connector under test sees them).
#[derive(Clone, Debug, Default)]
pub struct FakeDataset {
    pub(crate) version: Option<OneRosterVersion>,
    pub(crate) orgs: Vec<OrOrg>,
    pub(crate) sessions: Vec<OrSession>,
    pub(crate) courses: Vec<OrCourse>,
    pub(crate) classes: Vec<OrClass>,
    pub(crate) users: Vec<OrUser>,
    pub(crate) enrollments: Vec<OrEnrollment>,
    load_report: ImportReport,
}

impl FakeDataset {
    /// Reads a OneRoster CSV folder or zip (every file not declared absent). 1.2 roles from
    /// `roles.csv` are attached to their users (`tobedeleted` role rows are left out). The
    /// served version is the export's unless changed with [`FakeDataset::with_version`].
    pub fn from_csv(path: impl AsRef<Path>) -> Result<Self, ConnectorError> {
        let report = ReportHandle::new();
        let export = Export::open(path.as_ref(), &report)?;
        let mut dataset = FakeDataset {
            version: Some(export.version()),
            ..FakeDataset::default()
        };
        dataset.orgs = read(&export, CsvFile::Orgs, &report, |row, _| rows::org(row))?;
        dataset.sessions = read(&export, CsvFile::AcademicSessions, &report, |row, _| {
            rows::session(row)
        })?;
        dataset.courses = read(&export, CsvFile::Courses, &report, |row, _| {
            rows::course(row)
        })?;
        dataset.classes = read(&export, CsvFile::Classes, &report, |row, _| {
            rows::class(row)
        })?;
        let mut roles: HashMap<String, Vec<OrRole>> = HashMap::new();
        for (user, status, role) in read(&export, CsvFile::Roles, &report, |row, _| {
            let (user, role) = rows::role(row);
            (user, row.text("status"), role)
        })? {
            if let (Some(user), Some(role)) = (user, role)
                && parse_status(status.as_deref(), true).is_ok_and(|s| s.is_active())
            {
                roles.entry(user).or_default().push(role);
            }
        }
        let users_file = export.file_name(CsvFile::Users);
        dataset.users = read(&export, CsvFile::Users, &report, |row, report| {
            let mut user = rows::user(row, &users_file, report);
            if let Some(found) = roles.remove(&user.meta.sourced_id) {
                user.roles = found;
            }
            user
        })?;
        dataset.enrollments = read(&export, CsvFile::Enrollments, &report, |row, _| {
            rows::enrollment(row)
        })?;
        report.finish();
        dataset.load_report = report.snapshot();
        Ok(dataset)
    }

    /// Serves the data as `version` regardless of the export's version (1.1 users get
    /// `roles[]` built from `role` × `orgs`; 1.2 users get the `role` of their primary role).
    pub fn with_version(mut self, version: OneRosterVersion) -> Self {
        self.version = Some(version);
        self
    }

    /// Gives every user a `userIds` entry `{"type": id_type, "identifier": <its sourcedId>}`
    /// unless it has one of that type already (ClassLink's `FED` ids, for one).
    pub fn with_user_id_type(mut self, id_type: &str) -> Self {
        for user in &mut self.users {
            if !user
                .user_ids
                .iter()
                .any(|id| id.id_type.eq_ignore_ascii_case(id_type))
            {
                let identifier = user.meta.sourced_id.clone();
                user.user_ids.push(crate::values::UserId {
                    id_type: id_type.to_owned(),
                    identifier,
                });
            }
        }
        self
    }

    /// Adds, as `tobedeleted` objects last modified at `date_last_modified`, every object of
    /// `previous` this dataset no longer has (matched by `sourcedId` per collection): the soft
    /// deletes a provider serves to a `dateLastModified` delta after a day of churn.
    pub fn with_tombstones(mut self, previous: &FakeDataset, date_last_modified: &str) -> Self {
        fn add<T: Clone>(
            now: &mut Vec<T>,
            before: &[T],
            meta: fn(&mut T) -> &mut crate::model::ObjectMeta,
            date: &str,
        ) {
            let mut present = std::collections::HashSet::new();
            for object in now.iter_mut() {
                present.insert(meta(object).sourced_id.clone());
            }
            for object in before {
                let mut gone = object.clone();
                let m = meta(&mut gone);
                if present.contains(&m.sourced_id) {
                    continue;
                }
                m.status = Some("tobedeleted".to_owned());
                m.date_last_modified = Some(date.to_owned());
                now.push(gone);
            }
        }
        let date = date_last_modified;
        add(&mut self.orgs, &previous.orgs, |o| &mut o.meta, date);
        add(
            &mut self.sessions,
            &previous.sessions,
            |o| &mut o.meta,
            date,
        );
        add(&mut self.courses, &previous.courses, |o| &mut o.meta, date);
        add(&mut self.classes, &previous.classes, |o| &mut o.meta, date);
        add(&mut self.users, &previous.users, |o| &mut o.meta, date);
        add(
            &mut self.enrollments,
            &previous.enrollments,
            |o| &mut o.meta,
            date,
        );
        self
    }

    /// The version served.
    pub fn version(&self) -> OneRosterVersion {
        self.version.unwrap_or(OneRosterVersion::V1p1)
    }

    /// Number of users.
    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// Warnings found while reading the CSV (unknown columns and the like).
    pub fn load_report(&self) -> &ImportReport {
        &self.load_report
    }
}

fn read<T>(
    export: &Export,
    file: CsvFile,
    report: &ReportHandle,
    mut each: impl FnMut(&crate::csv_export::table::Row<'_>, &ReportHandle) -> T,
) -> Result<Vec<T>, ConnectorError> {
    if export.mode(file) == FileMode::Absent {
        return Ok(Vec::new());
    }
    export
        .read(file, report, |table| {
            let mut out = Vec::new();
            while let Some(row) = table.next_row()? {
                out.push(each(&row, report));
            }
            Ok(out)
        })
        .map_err(|halt| match halt {
            Halt::Failed(error) => error,
            Halt::Cancelled => ConnectorError::Other("reading the fake dataset stopped".into()),
        })
}
