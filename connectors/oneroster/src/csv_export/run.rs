//! Reading an export into records, in the order of the record order contract.
//!
//! | pass | file | emits |
//! | --- | --- | --- |
//! | 1 | `orgs.csv` | orgs (and remembers which are districts) |
//! | 2 | `academicSessions.csv` | terms |
//! | 3 | `courses.csv` | courses |
//! | 4 | `classes.csv` | classes |
//! | 5 | `roles.csv` (1.2) | nothing: loads the [`RoleMap`] |
//! | 6 | `users.csv` | people |
//! | 7 | `users.csv` again | relationships (from `agentSourcedIds`) |
//! | 8 | `enrollments.csv` | enrollments |
//! | 9 | every delta file, dependents first | [`Deleted`] for its `tobedeleted` rows |
//!
//! Every pass streams its file; only the role map (1.2) and the set of district ids are held.

use std::collections::HashSet;

use homeroom_connector_core::{ConnectorError, Deleted, EntityKind, Record, RecordStatus};

use super::export::Export;
use super::files::CsvFile;
use super::mode::{ExportMode, FileMode};
use super::role_map::RoleMap;
use super::rows;
use super::sink::{Halt, RecordSink};
use super::table::Row;
use crate::mapping::{
    Dialect, Field, MapContext, Problem, RoleMeaning, is_district, map_class, map_course,
    map_enrollment, map_org, map_person, map_term, parse_role, relationship_keys, relationships,
};
use crate::model::{ObjectMeta, OrUser};
use crate::report::{ReportHandle, Severity};
use crate::values::parse_status;

/// Whether the caller needs a complete snapshot or accepts a change set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// [`homeroom_connector_core::Connector::full_snapshot`]: the export must be bulk, and an
    /// export without orgs or users is an empty roster.
    Full,
    /// [`homeroom_connector_core::Connector::delta`]: any export.
    Delta,
}

/// One read of an export.
pub(crate) struct CsvRun<'a> {
    export: &'a Export,
    report: &'a ReportHandle,
    purpose: Purpose,
    districts: HashSet<String>,
    roles: Option<RoleMap>,
}

impl<'a> CsvRun<'a> {
    /// A run over `export`, reporting to `report`.
    pub(crate) fn new(export: &'a Export, report: &'a ReportHandle, purpose: Purpose) -> Self {
        Self {
            export,
            report,
            purpose,
            districts: HashSet::new(),
            roles: None,
        }
    }

    /// Emits every record to `sink`, in contract order.
    pub(crate) fn run(mut self, sink: &mut dyn RecordSink) -> Result<(), Halt> {
        if self.purpose == Purpose::Full && self.export.export_mode() == ExportMode::Delta {
            let files: Vec<String> = self
                .export
                .delta_files()
                .into_iter()
                .map(|f| self.export.file_name(f))
                .collect();
            return Err(ConnectorError::Config(format!(
                "{} is a delta export (manifest.csv declares {} as delta), so it cannot serve as a full snapshot; read it with a delta sync",
                self.export.describe(),
                files.join(", ")
            ))
            .into());
        }
        let orgs = self.orgs(sink)?;
        self.require_some(orgs, CsvFile::Orgs, "orgs")?;
        self.simple_pass(
            CsvFile::AcademicSessions,
            sink,
            rows::session,
            |s| &s.meta,
            |s, c, w| map_term(s, c, w).map(Into::into),
        )?;
        self.simple_pass(
            CsvFile::Courses,
            sink,
            rows::course,
            |s| &s.meta,
            |s, c, w| map_course(s, c, w).map(Into::into),
        )?;
        self.simple_pass(
            CsvFile::Classes,
            sink,
            rows::class,
            |s| &s.meta,
            |s, c, w| map_class(s, c, w).map(Into::into),
        )?;
        self.load_roles()?;
        let people = self.people(sink)?;
        self.require_some(people, CsvFile::Users, "users")?;
        self.relationships(sink)?;
        self.simple_pass(
            CsvFile::Enrollments,
            sink,
            rows::enrollment,
            |s| &s.meta,
            |s, c, w| map_enrollment(s, c, w).map(Into::into),
        )?;
        self.deletions(sink)
    }

    /// In a full snapshot, zero accepted orgs or users is an empty roster.
    fn require_some(&self, accepted: u64, file: CsvFile, what: &str) -> Result<(), Halt> {
        if self.purpose != Purpose::Full || accepted > 0 {
            return Ok(());
        }
        let detail = if self.export.mode(file) == FileMode::Absent {
            format!("the export has no {}", file.file_name())
        } else {
            format!(
                "{} has no usable {what} (see the rejected rows)",
                self.export.file_name(file)
            )
        };
        Err(ConnectorError::EmptyRoster(format!("{}: {detail}", self.export.describe())).into())
    }

    fn context(&self, mode: FileMode) -> MapContext<'_> {
        MapContext {
            blank_status_is_active: mode != FileMode::Delta,
            districts: &self.districts,
        }
    }

    /// Reads `file` (unless absent) with its mode checks; `each` sees every row.
    fn read_rows(
        &self,
        file: CsvFile,
        report: &ReportHandle,
        mut each: impl FnMut(&Row<'_>, FileMode) -> Result<(), Halt>,
    ) -> Result<(), Halt> {
        let mode = self.export.mode(file);
        if mode == FileMode::Absent {
            return Ok(());
        }
        self.export.read(file, report, |table| {
            if mode == FileMode::Delta {
                table.require("status")?;
            }
            if file == CsvFile::Users && self.roles.is_none() {
                table.require("role")?;
            }
            while let Some(row) = table.next_row()? {
                each(&row, mode)?;
            }
            Ok(())
        })
    }

    /// A file whose rows each map to one record.
    fn simple_pass<M>(
        &self,
        file: CsvFile,
        sink: &mut dyn RecordSink,
        read: fn(&Row<'_>) -> M,
        meta: fn(&M) -> &ObjectMeta,
        map: fn(&M, &MapContext<'_>, &mut Vec<Problem>) -> Result<Record, Problem>,
    ) -> Result<u64, Halt> {
        let name = self.export.file_name(file);
        let mut accepted = 0;
        self.read_rows(file, self.report, |row, mode| {
            let object = read(row);
            let ctx = self.context(mode);
            let record = accept(
                &ctx,
                mode,
                &name,
                row.number,
                meta(&object),
                self.report,
                |c, w| map(&object, c, w),
            );
            if let Some(record) = record {
                sink.push(record)?;
                accepted += 1;
            }
            Ok(())
        })?;
        Ok(accepted)
    }

    /// Orgs, remembering the districts.
    fn orgs(&mut self, sink: &mut dyn RecordSink) -> Result<u64, Halt> {
        let mut districts = HashSet::new();
        let name = self.export.file_name(CsvFile::Orgs);
        let mut accepted = 0;
        self.read_rows(CsvFile::Orgs, self.report, |row, mode| {
            let org = rows::org(row);
            if is_district(&org) && !org.meta.sourced_id.is_empty() {
                districts.insert(org.meta.sourced_id.clone());
            }
            let ctx = self.context(mode);
            let record = accept(
                &ctx,
                mode,
                &name,
                row.number,
                &org.meta,
                self.report,
                |c, w| map_org(&org, c, w).map(Into::into),
            );
            if let Some(record) = record {
                sink.push(record)?;
                accepted += 1;
            }
            Ok(())
        })?;
        self.districts = districts;
        Ok(accepted)
    }

    /// Loads `roles.csv` (1.2 exports that have one).
    fn load_roles(&mut self) -> Result<(), Halt> {
        let mode = self.export.mode(CsvFile::Roles);
        if mode == FileMode::Absent {
            return Ok(());
        }
        let name = self.export.file_name(CsvFile::Roles);
        let report = self.report;
        let roles = self.export.read(CsvFile::Roles, report, |table| {
            if mode == FileMode::Delta {
                table.require("status")?;
            }
            RoleMap::load(table, &name, mode != FileMode::Delta, report)
        })?;
        self.roles = Some(roles);
        Ok(())
    }

    /// A user row with its 1.2 roles attached; `claim` marks the roles as used (pass 6).
    fn user(&self, row: &Row<'_>, file: &str, report: &ReportHandle, claim: bool) -> OrUser {
        let mut user = rows::user(row, file, report);
        if let Some(roles) = &self.roles {
            user.roles = if claim {
                roles.claim(&user.meta.sourced_id)
            } else {
                roles.roles_of(&user.meta.sourced_id)
            };
        }
        user
    }

    /// People (pass 6).
    fn people(&self, sink: &mut dyn RecordSink) -> Result<u64, Halt> {
        let name = self.export.file_name(CsvFile::Users);
        let mut accepted = 0;
        self.read_rows(CsvFile::Users, self.report, |row, mode| {
            let user = self.user(row, &name, self.report, true);
            let ctx = self.context(mode);
            let record = accept(
                &ctx,
                mode,
                &name,
                row.number,
                &user.meta,
                self.report,
                |c, w| map_person(&user, c, w).map(|m| m.person.into()),
            );
            if let Some(record) = record {
                sink.push(record)?;
                accepted += 1;
            }
            Ok(())
        })?;
        if let Some(roles) = &self.roles {
            let delta = self.export.mode(CsvFile::Roles) == FileMode::Delta;
            roles.report_orphans(&self.export.file_name(CsvFile::Roles), delta, self.report);
        }
        Ok(accepted)
    }

    /// Relationships (pass 7): `users.csv` again, quietly (its problems were reported in pass
    /// 6), emitting the relationships of every user pass 6 accepted: first the guardians' own
    /// agents, then everyone else's.
    ///
    /// Why two reads: when a guardian and a student list each other, the guardian's side carries
    /// the kind (parent, relative…) and the student's side only implies one. Read in file order,
    /// a student listed before their guardian made the sync engine create the link with the
    /// implied kind, then rewrite it (and its source link) when the guardian's side came; with
    /// the guardians' side first, the student's side finds the link made and writes nothing
    /// (one in ten relationship writes at 50,000 students, for one more parse of `users.csv`).
    fn relationships(&self, sink: &mut dyn RecordSink) -> Result<(), Halt> {
        self.relationships_of(sink, true)?;
        self.relationships_of(sink, false)
    }

    /// The relationships of the users who are guardians (`guardians`), or of everyone else.
    fn relationships_of(&self, sink: &mut dyn RecordSink, guardians: bool) -> Result<(), Halt> {
        let name = self.export.file_name(CsvFile::Users);
        let quiet = ReportHandle::discard();
        self.read_rows(CsvFile::Users, &quiet, |row, mode| {
            let user = self.user(row, &name, &quiet, false);
            if mode == FileMode::Delta && is_tobedeleted(&user.meta) {
                return Ok(());
            }
            let Ok(mapped) = map_person(&user, &self.context(mode), &mut Vec::new()) else {
                return Ok(());
            };
            if mapped.guardian_kind.is_some() != guardians {
                return Ok(());
            }
            let mut warnings = Vec::new();
            let found = relationships(
                &user,
                mapped.guardian_kind,
                mapped.person.status,
                &mut warnings,
            );
            report_problems(
                self.report,
                warnings,
                Severity::Warning,
                &name,
                row.number,
                &user.meta,
            );
            for relationship in found {
                sink.push(relationship.into())?;
            }
            Ok(())
        })
    }

    /// Deletions (pass 9): the `tobedeleted` rows of delta files, dependents first.
    fn deletions(&self, sink: &mut dyn RecordSink) -> Result<(), Halt> {
        let quiet = ReportHandle::discard();
        for file in [
            CsvFile::Enrollments,
            CsvFile::Users,
            CsvFile::Classes,
            CsvFile::Courses,
            CsvFile::AcademicSessions,
            CsvFile::Orgs,
        ] {
            if self.export.mode(file) != FileMode::Delta {
                continue;
            }
            let Some(kind) = file.entity_kind() else {
                continue;
            };
            let name = self.export.file_name(file);
            self.read_rows(file, &quiet, |row, _| {
                let meta = rows::meta(row);
                if !is_tobedeleted(&meta) {
                    return Ok(());
                }
                if meta.sourced_id.is_empty() {
                    report_problems(
                        self.report,
                        vec![Problem::missing(Field::SourcedId, "sourcedId")],
                        Severity::Error,
                        &name,
                        row.number,
                        &meta,
                    );
                    return Ok(());
                }
                if file == CsvFile::Users {
                    let user = self.user(row, &name, &quiet, false);
                    for key in relationship_keys(&user, self.is_guardian(&user)) {
                        sink.push(Deleted::new(EntityKind::Relationship, key).into())?;
                    }
                }
                sink.push(Deleted::new(kind, meta.sourced_id).into())
            })?;
        }
        Ok(())
    }

    /// Whether a user holds a parent/guardian/relative role (in `roles.csv`, deleted rows
    /// included, or in its own `role` cell).
    fn is_guardian(&self, user: &OrUser) -> bool {
        let own = user
            .role
            .as_deref()
            .and_then(parse_role)
            .is_some_and(|m| matches!(m, RoleMeaning::Guardian(_)));
        own || self
            .roles
            .as_ref()
            .is_some_and(|r| r.has_guardian_role(&user.meta.sourced_id))
    }
}

fn is_tobedeleted(meta: &ObjectMeta) -> bool {
    parse_status(meta.status.as_deref(), true) == Ok(RecordStatus::ToBeDeleted)
}

/// Maps one row, reporting its problems. In a delta file a `tobedeleted` row is left to the
/// deletion pass (`None`, nothing reported).
fn accept(
    ctx: &MapContext<'_>,
    mode: FileMode,
    file: &str,
    row: u64,
    meta: &ObjectMeta,
    report: &ReportHandle,
    map: impl FnOnce(&MapContext<'_>, &mut Vec<Problem>) -> Result<Record, Problem>,
) -> Option<Record> {
    if mode == FileMode::Delta && is_tobedeleted(meta) {
        return None;
    }
    let mut warnings = Vec::new();
    let result = map(ctx, &mut warnings);
    report_problems(report, warnings, Severity::Warning, file, row, meta);
    match result {
        Ok(record) => Some(record),
        Err(problem) => {
            report_problems(report, vec![problem], Severity::Error, file, row, meta);
            None
        }
    }
}

fn report_problems(
    report: &ReportHandle,
    problems: Vec<Problem>,
    severity: Severity,
    file: &str,
    row: u64,
    meta: &ObjectMeta,
) {
    for problem in problems {
        report.issue(problem.into_issue(
            severity,
            Dialect::Csv,
            file,
            Some(row),
            Some(meta.sourced_id.as_str()),
        ));
    }
}
