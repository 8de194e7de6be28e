//! A delta read through the change feeds. Each feed lists the keys of records changed since
//! the cursor; the connector re-reads those records through the ordinary endpoints.
//!
//! | feed | item keys | re-read | a key no longer found |
//! | --- | --- | --- | --- |
//! | `CourseDataChanges/{ts}` | `CourseID` | `courses/{id}` | course deleted |
//! | `SectionDataChanges/{ts}` | `SchoolCode`, `SectionNumber` | `schools/{sc}/sections/{sn}` | class deleted |
//! | `StaffDataChanges/{ts}` | `StaffID` | `staff/{id}` | person deleted |
//! | `StudentDataChanges/student/{ts}` | `SchoolCode`, `StudentID` | `enrollment/{id}`, then `schools/{sc}/students/{id}` at each school named or enrolled | person deleted |
//! | `StudentDataChanges/contact/{ts}` | `StudentID`, `SequenceNumber` | `schools/0/contacts/{id}` | reported; removed by the next full sync |
//! | `SectionRosterDataChanges/{ts}` | `SchoolCode`, `SectionNumber`, `StudentID` | `schools/{sc}/sections/{sn}/students` | enrollment deleted |
//!
//! Deletions are found by diffing: a changed section's roster (a student's contact rows) is
//! re-read whole and compared with the rows the feed names. A deleted contact row cannot be
//! turned into a deletion here: the row is gone, and with it the name that identifies the
//! adult across siblings; the next full snapshot removes the link. Likewise a teacher taken
//! off a changed section keeps the teacher enrollment until the next full snapshot (the
//! section feed names the section, not the teacher that left it).
//!
//! Records are emitted in the snapshot's order, then the deletions, dependents first.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use homeroom_connector_core::{
    ConnectorError, CursorSlot, Deleted, Enrollment, EnrollmentRole, EntityKind, IssueSeverity,
    Record, Relationship,
};

use crate::api::Api;
use crate::config::AeriesConfig;
use crate::cursor::{Cursor, DELTA_OVERLAP};
use crate::emit::{Emitter, Halt};
use crate::mapping::{
    SectionInfo, contact_ids, is_active, map_contact, map_course, map_roster_row, map_section,
    map_staff, map_student, teacher_enrollments,
};
use crate::site::{Site, server_time};
use crate::{ids, wire};

/// One delta read since `since`.
pub(crate) struct Delta {
    pub(crate) api: Api,
    pub(crate) config: AeriesConfig,
    pub(crate) em: Emitter,
    pub(crate) cursor: CursorSlot,
    pub(crate) since: Cursor,
}

/// The changed keys of every feed.
#[derive(Default)]
struct Changes {
    courses: BTreeSet<String>,
    sections: BTreeSet<(String, String)>,
    staff: BTreeSet<String>,
    /// StudentID → schools named.
    students: BTreeMap<String, BTreeSet<String>>,
    /// StudentID → (sequence numbers named, a SchoolCode of the student's rows).
    contacts: BTreeMap<String, BTreeSet<String>>,
    /// (SchoolCode, SectionNumber) → StudentIDs named.
    rosters: BTreeMap<(String, String), BTreeSet<String>>,
}

impl Delta {
    /// Reads the changes; on success records the next cursor.
    pub(crate) async fn run(&mut self) -> Result<(), Halt> {
        let started = server_time(&self.api).await?;
        let site = Site::load(&self.api, &self.config, &mut self.em).await?;
        site.emit_orgs(&mut self.em).await?;
        let changes = self.changes().await?;
        let mut deleted: Vec<Deleted> = Vec::new();

        let mut titles: HashMap<String, String> = HashMap::new();
        for id in &changes.courses {
            match self.course(id).await? {
                Some(course) => match map_course(&course, site.district.as_deref()) {
                    Ok(c) => {
                        titles.insert(id.clone(), c.title.clone());
                        self.em.push(c).await?;
                    }
                    Err(why) => self.reject(EntityKind::Course, id, &why),
                },
                None => deleted.push(Deleted::new(EntityKind::Course, ids::course(id))),
            }
        }

        let mut changed_sections: Vec<SectionInfo> = Vec::new();
        for (sc, sn) in &changes.sections {
            let path = format!("schools/{sc}/sections/{sn}");
            let found: Vec<wire::Section> = self
                .api
                .list_or_missing(&path, &[], "section")
                .await?
                .unwrap_or_default();
            let Some(section) = found.into_iter().next() else {
                deleted.push(Deleted::new(EntityKind::Class, ids::section(sc, sn)));
                continue;
            };
            if !titles.contains_key(&section.course_id)
                && let Some(course) = self.course(&section.course_id).await?
                && let Ok(c) = map_course(&course, None)
            {
                titles.insert(section.course_id.clone(), c.title);
            }
            match map_section(&section, &titles, &site.teachers, sc) {
                Ok((class, info)) => {
                    if class.status.is_active() {
                        changed_sections.push(info);
                    }
                    self.em.push(class).await?;
                }
                Err(why) => self.reject(EntityKind::Class, sn, &why),
            }
        }

        for id in &changes.staff {
            let found: Vec<wire::Staff> = self
                .api
                .list_or_missing(&format!("staff/{id}"), &[], "staff member")
                .await?
                .unwrap_or_default();
            match found.first() {
                Some(s) => match map_staff(s, &site.teaches_at, site.district.as_deref()) {
                    Ok(p) => self.em.push(p).await?,
                    Err(why) => self.reject(EntityKind::Person, id, &why),
                },
                None => deleted.push(Deleted::new(EntityKind::Person, ids::staff(id))),
            }
        }

        // Students: re-read at every school the feed names for them and every school their
        // enrollment history lists (a student on several schools' lists is one person).
        let mut family_keys: HashMap<String, String> = HashMap::new();
        for (id, named) in &changes.students {
            let mut schools = named.clone();
            let history: Vec<wire::SchoolEnrollment> = self
                .api
                .list_or_missing(&format!("enrollment/{id}"), &[], "enrollment history")
                .await?
                .unwrap_or_default();
            schools.extend(history.into_iter().map(|e| e.school_code).filter(|sc| {
                sc.parse::<u32>()
                    .is_ok_and(|code| code != 0 && self.config.reads_school(code))
            }));
            let mut records: Vec<wire::Student> = Vec::new();
            for sc in &schools {
                records.extend(self.student(sc, id).await?);
            }
            if records.is_empty() {
                deleted.push(Deleted::new(EntityKind::Person, ids::student(id)));
                continue;
            }
            let any_active = records.iter().any(|r| is_active(&r.inactive_status_code));
            let main = records
                .iter()
                .find(|r| is_active(&r.inactive_status_code))
                .unwrap_or(&records[0]);
            family_keys.insert(id.clone(), main.family_key.clone());
            let mut on: Vec<String> = Vec::new();
            for r in &records {
                let code = if r.school_code.is_empty() {
                    main.school_code.clone()
                } else {
                    r.school_code.clone()
                };
                if (is_active(&r.inactive_status_code) || !any_active) && !on.contains(&code) {
                    on.push(code);
                }
            }
            match map_student(main, &on, any_active) {
                Ok(p) => self.em.push(p).await?,
                Err(why) => self.reject(EntityKind::Person, id, &why),
            }
        }

        // Contacts: each named student's rows, re-read whole.
        let mut relationships: Vec<Relationship> = Vec::new();
        let mut emitted: HashSet<String> = HashSet::new();
        for (id, sequences) in &changes.contacts {
            let mut rows: Vec<wire::Contact> = self
                .api
                .list_or_missing(&format!("schools/0/contacts/{id}"), &[], "contacts")
                .await?
                .unwrap_or_default();
            let family_key = match family_keys.get(id) {
                Some(key) => key.clone(),
                None => self.family_key(id, &rows).await?,
            };
            let adults = contact_ids(&mut rows, |_| family_key.as_str());
            for (c, adult) in rows.iter().zip(adults) {
                match map_contact(c, adult, &site.codes) {
                    Ok(found) => {
                        if emitted.insert(found.person.external_id.clone()) {
                            self.em.push(found.person).await?;
                        }
                        relationships.push(found.relationship);
                    }
                    Err(why) => self.reject(EntityKind::Person, id, &why),
                }
            }
            for seq in sequences {
                if !rows.iter().any(|r| &r.sequence_number == seq) {
                    self.em.issue(
                        IssueSeverity::Warning,
                        "contact_row_removed",
                        Some(EntityKind::Relationship),
                        Some(format!("{id}/{seq}")),
                        format!("contact {seq} of student {id} was removed in Aeries; its link is removed by the next full sync"),
                    );
                }
            }
        }
        for r in relationships {
            self.em.push(r).await?;
        }

        // Enrollments: changed sections' teachers, then changed roster rows.
        for section in &changed_sections {
            for e in teacher_enrollments(section) {
                self.em.push(e).await?;
            }
        }
        for ((sc, sn), named) in &changes.rosters {
            let class_id = ids::section(sc, sn);
            let path = format!("schools/{sc}/sections/{sn}/students");
            let rows: Vec<wire::RosterRow> = self
                .api
                .list_or_missing(&path, &[], "section roster")
                .await?
                .unwrap_or_default();
            for student in named {
                match rows.iter().find(|r| &r.student_id == student) {
                    Some(row) => match map_roster_row(row, &class_id) {
                        Ok(e) => self.em.push(e).await?,
                        Err(why) => self.reject(EntityKind::Enrollment, student, &why),
                    },
                    None => deleted.push(Deleted::new(
                        EntityKind::Enrollment,
                        Enrollment::derived_external_id(
                            &class_id,
                            &ids::student(student),
                            EnrollmentRole::Student,
                        ),
                    )),
                }
            }
        }

        // Deletions, dependents first.
        let rank = |k: EntityKind| match k {
            EntityKind::Enrollment => 0,
            EntityKind::Relationship => 1,
            EntityKind::Person => 2,
            EntityKind::Class => 3,
            EntityKind::Course => 4,
            EntityKind::Term => 5,
            EntityKind::Org => 6,
        };
        deleted.sort_by_key(|d| rank(d.kind));
        for d in deleted {
            self.em.push(Record::Deleted(d)).await?;
        }
        self.em.flush().await?;
        self.cursor.set(started.minus(DELTA_OVERLAP).to_string());
        Ok(())
    }

    fn reject(&mut self, kind: EntityKind, id: &str, why: &str) {
        self.em.issue(
            IssueSeverity::Error,
            "invalid_value",
            Some(kind),
            Some(id.to_owned()),
            format!("{why}; the record is skipped"),
        );
    }

    async fn course(&self, id: &str) -> Result<Option<wire::Course>, ConnectorError> {
        if id.is_empty() {
            return Ok(None);
        }
        Ok(self
            .api
            .list_or_missing::<wire::Course>(&format!("courses/{id}"), &[], "course")
            .await?
            .and_then(|mut v| v.pop()))
    }

    async fn student(&self, sc: &str, id: &str) -> Result<Vec<wire::Student>, ConnectorError> {
        Ok(self
            .api
            .list_or_missing(&format!("schools/{sc}/students/{id}"), &[], "student")
            .await?
            .unwrap_or_default())
    }

    /// The FamilyKey of a student whose record did not change, read at the school its
    /// contact rows name.
    async fn family_key(&self, id: &str, rows: &[wire::Contact]) -> Result<String, ConnectorError> {
        let Some(sc) = rows
            .iter()
            .map(|r| r.school_code.as_str())
            .find(|s| !s.is_empty())
        else {
            return Ok(String::new());
        };
        Ok(self
            .student(sc, id)
            .await?
            .into_iter()
            .map(|s| s.family_key)
            .find(|k| !k.is_empty())
            .unwrap_or_default())
    }

    /// Reads the six feeds.
    async fn changes(&self) -> Result<Changes, Halt> {
        let ts = self.since.path();
        let read = |c: &wire::Change| {
            c.school_code.is_empty()
                || c.school_code
                    .parse::<u32>()
                    .is_ok_and(|code| self.config.reads_school(code))
        };
        let mut out = Changes::default();
        let feed = |name: &str| format!("{name}/{ts}");
        for c in self.feed(&feed("CourseDataChanges")).await? {
            if !c.course_id.is_empty() {
                out.courses.insert(c.course_id);
            }
        }
        for c in self.feed(&feed("SectionDataChanges")).await? {
            if read(&c) && !c.section_number.is_empty() {
                out.sections.insert((c.school_code, c.section_number));
            }
        }
        for c in self.feed(&feed("StaffDataChanges")).await? {
            if !c.staff_id.is_empty() {
                out.staff.insert(c.staff_id);
            }
        }
        for c in self.feed(&feed("StudentDataChanges/student")).await? {
            if read(&c) && !c.student_id.is_empty() && !c.school_code.is_empty() {
                out.students
                    .entry(c.student_id)
                    .or_default()
                    .insert(c.school_code);
            }
        }
        for c in self.feed(&feed("StudentDataChanges/contact")).await? {
            if !c.student_id.is_empty() {
                out.contacts
                    .entry(c.student_id)
                    .or_default()
                    .insert(c.sequence_number);
            }
        }
        for c in self.feed(&feed("SectionRosterDataChanges")).await? {
            if read(&c) && !c.section_number.is_empty() && !c.student_id.is_empty() {
                out.rosters
                    .entry((c.school_code, c.section_number))
                    .or_default()
                    .insert(c.student_id);
            }
        }
        Ok(out)
    }

    async fn feed(&self, path: &str) -> Result<Vec<wire::Change>, ConnectorError> {
        self.api.list(path, &[], "change feed").await
    }
}
