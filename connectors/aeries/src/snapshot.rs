//! A full snapshot, in the record order the sync engine expects (references point backwards):
//!
//! | step | requests | emits |
//! | --- | --- | --- |
//! | 1 | `systeminfo` | — (the server clock, for the next delta's cursor) |
//! | 2 | `schools`, `codes/CON/RL`, `schools/{sc}/teachers` | orgs |
//! | 3 | `schools/{sc}/terms` | terms |
//! | 4 | `courses` | courses |
//! | 5 | `schools/{sc}/sections` | classes |
//! | 6 | `staff` | staff people |
//! | 7 | `schools/{sc}/students?StartingRecord=…&EndingRecord=…` (until a short window) | students |
//! | 8 | `schools/{sc}/contacts` | contacts, then that school's relationships |
//! | 9 | `schools/{sc}/classes/` (a few schools at a time; per section, `schools/{sc}/sections/{sn}/students`, where a site lacks it) | enrollments |
//!
//! Memory: besides a few pages, the read keeps one small entry per student (first school,
//! FamilyKey, schools seen), the ids of contacts already emitted, the course titles and the
//! section list — ids, never the district's records — and, one school at a time (a few in
//! flight), that school's contact rows and class schedule rows. Student records wait in a temporary
//! file until every school's list has been read (see `students`).

use std::collections::{HashMap, HashSet};

use futures::StreamExt;
use homeroom_connector_core::{ConnectorError, CursorSlot, EntityKind, IssueSeverity};

use crate::api::{Api, cut};
use crate::config::{AeriesConfig, ROSTER_CONCURRENCY};
use crate::emit::{Emitter, Halt};
use crate::mapping::{
    SectionInfo, contact_ids, is_active, map_contact, map_course, map_roster_row, map_section,
    map_staff, map_student, map_term, teacher_enrollments,
};
use crate::site::{Site, server_time};
use crate::spool::Spool;
use crate::{cursor::DELTA_OVERLAP, ids, wire};

/// What the snapshot remembers of a student.
#[derive(Debug)]
struct SeenStudent {
    first_school: String,
    family_key: String,
    /// (SchoolCode, active) of every school record.
    schools: Vec<(String, bool)>,
    /// The spool position of the record the person is built from.
    chosen_line: u64,
    /// Whether that record is active.
    chosen_active: bool,
}

/// One full read.
pub(crate) struct Snapshot {
    pub(crate) api: Api,
    pub(crate) config: AeriesConfig,
    pub(crate) em: Emitter,
    pub(crate) cursor: CursorSlot,
}

impl Snapshot {
    /// Reads everything; on success records the cursor.
    pub(crate) async fn run(&mut self) -> Result<(), Halt> {
        let started = server_time(&self.api).await?;
        let site = Site::load(&self.api, &self.config, &mut self.em).await?;
        site.emit_orgs(&mut self.em).await?;
        self.terms(&site).await?;
        let course_titles = self.courses(&site).await?;
        let sections = self.sections(&site, &course_titles).await?;
        drop(course_titles);
        self.staff(&site).await?;
        let students = self.students(&site).await?;
        self.contacts(&site, &students).await?;
        self.rosters(&sections, &students).await?;
        self.em.flush().await?;
        self.cursor.set(started.minus(DELTA_OVERLAP).to_string());
        Ok(())
    }

    fn reject(&mut self, kind: EntityKind, source: &str, id: &str, why: &str) {
        self.em.issue(
            IssueSeverity::Error,
            "invalid_value",
            Some(kind),
            (!id.is_empty()).then(|| id.to_owned()),
            format!("{source}: {why}; the record is skipped"),
        );
    }

    async fn terms(&mut self, site: &Site) -> Result<(), Halt> {
        for school in &site.schools {
            let sc = &school.school_code;
            let path = format!("schools/{sc}/terms");
            let Some(terms) = self
                .api
                .list_or_missing::<wire::Term>(&path, &[], "terms")
                .await?
            else {
                continue;
            };
            let year = terms
                .iter()
                .any(|t| t.term_code.eq_ignore_ascii_case("Y"))
                .then(|| ids::term(sc, "Y"));
            for t in &terms {
                match map_term(t, sc, year.as_deref()) {
                    Ok(term) => self.em.push(term).await?,
                    Err(why) => self.reject(EntityKind::Term, &path, &t.term_code, &why),
                }
            }
        }
        Ok(())
    }

    async fn courses(&mut self, site: &Site) -> Result<HashMap<String, String>, Halt> {
        let courses: Vec<wire::Course> = self.api.list("courses", &[], "courses").await?;
        let mut titles = HashMap::with_capacity(courses.len());
        for c in &courses {
            match map_course(c, site.district.as_deref()) {
                Ok(course) => {
                    titles.insert(c.id.clone(), course.title.clone());
                    self.em.push(course).await?;
                }
                Err(why) => self.reject(EntityKind::Course, "/courses", &c.id, &why),
            }
        }
        Ok(titles)
    }

    async fn sections(
        &mut self,
        site: &Site,
        course_titles: &HashMap<String, String>,
    ) -> Result<Sections, Halt> {
        let mut out = Sections::default();
        for school in &site.schools {
            let sc = &school.school_code;
            let path = format!("schools/{sc}/sections");
            let sections: Vec<wire::Section> = self.api.list(&path, &[], "sections").await?;
            for s in &sections {
                match map_section(s, course_titles, &site.teachers, sc) {
                    Ok((class, info)) => {
                        let live = class.status.is_active();
                        self.em.push(class).await?;
                        out.all
                            .insert((info.school_code.clone(), info.section_number.clone()));
                        if live {
                            out.live.push(info);
                        }
                    }
                    Err(why) => self.reject(EntityKind::Class, &path, &s.section_number, &why),
                }
            }
        }
        Ok(out)
    }

    async fn staff(&mut self, site: &Site) -> Result<(), Halt> {
        let staff: Vec<wire::Staff> = self.api.list("staff", &[], "staff").await?;
        for s in &staff {
            match map_staff(s, &site.teaches_at, site.district.as_deref()) {
                Ok(person) => self.em.push(person).await?,
                Err(why) => self.reject(EntityKind::Person, "/staff", &s.id, &why),
            }
        }
        Ok(())
    }

    /// Students: every school's list is read and spooled to a temporary file, then each
    /// StudentID is emitted once — from its active record when it has one — with the student
    /// role at every school holding an active record for them (all its schools when none is
    /// active). Only a small entry per student stays in memory.
    async fn students(&mut self, site: &Site) -> Result<HashMap<String, SeenStudent>, Halt> {
        let mut seen: HashMap<String, SeenStudent> = HashMap::new();
        let mut spool: Spool<wire::Student> = Spool::new().await?;
        for school in &site.schools {
            let sc = &school.school_code;
            let path = format!("schools/{sc}/students");
            let window = u64::from(self.config.students_per_request);
            let mut start: u64 = 1;
            loop {
                let end = start + window - 1;
                let (from, to) = (start.to_string(), end.to_string());
                let batch: Vec<wire::Student> = self
                    .api
                    .list(
                        &path,
                        &[("StartingRecord", &from), ("EndingRecord", &to)],
                        "students",
                    )
                    .await?;
                let got = batch.len() as u64;
                for s in batch {
                    if s.student_id.is_empty() || s.student_id == "0" {
                        self.reject(
                            EntityKind::Person,
                            &path,
                            "",
                            "the student record has no StudentID",
                        );
                        continue;
                    }
                    let active = is_active(&s.inactive_status_code);
                    let line = spool.push(&s).await?;
                    match seen.get_mut(&s.student_id) {
                        Some(entry) => {
                            if !entry.schools.iter().any(|(code, _)| code == sc) {
                                entry.schools.push((sc.clone(), active));
                            }
                            if active && !entry.chosen_active {
                                entry.chosen_line = line;
                                entry.chosen_active = true;
                                entry.family_key = s.family_key.clone();
                            }
                        }
                        None => {
                            seen.insert(
                                s.student_id.clone(),
                                SeenStudent {
                                    first_school: sc.clone(),
                                    family_key: s.family_key.clone(),
                                    schools: vec![(sc.clone(), active)],
                                    chosen_line: line,
                                    chosen_active: active,
                                },
                            );
                        }
                    }
                }
                if got < window {
                    break;
                }
                start = end + 1;
            }
        }
        if seen.is_empty() {
            return Err(ConnectorError::EmptyRoster(format!(
                "no school of {} listed any student",
                self.api.url("schools", &[])
            ))
            .into());
        }
        let mut reader = spool.into_reader().await?;
        let mut line: u64 = 0;
        while let Some(record) = reader.next().await? {
            let here = line;
            line += 1;
            let Some(entry) = seen.get(&record.student_id) else {
                continue;
            };
            if entry.chosen_line != here {
                continue;
            }
            let any_active = entry.schools.iter().any(|(_, a)| *a);
            let schools: Vec<String> = entry
                .schools
                .iter()
                .filter(|(_, a)| *a || !any_active)
                .map(|(code, _)| code.clone())
                .collect();
            match map_student(&record, &schools, any_active) {
                Ok(person) => self.em.push(person).await?,
                Err(why) => self.reject(EntityKind::Person, "students", &record.student_id, &why),
            }
        }
        Ok(seen)
    }

    /// Contacts school by school: each student's rows are read at the first school listing the
    /// student, each adult is emitted once, then the school's relationships.
    async fn contacts(
        &mut self,
        site: &Site,
        students: &HashMap<String, SeenStudent>,
    ) -> Result<(), Halt> {
        let mut emitted: HashSet<String> = HashSet::new();
        let mut unknown_codes: HashSet<String> = HashSet::new();
        for school in &site.schools {
            let sc = &school.school_code;
            let path = format!("schools/{sc}/contacts");
            let mut rows: Vec<wire::Contact> = self.api.list(&path, &[], "contacts").await?;
            let adults = contact_ids(&mut rows, |id| {
                students.get(id).map_or("", |s| s.family_key.as_str())
            });
            let mut relationships = Vec::new();
            let mut linked: HashSet<String> = HashSet::new();
            for (c, adult) in rows.iter().zip(adults) {
                let Some(student) = students.get(&c.student_id) else {
                    self.reject(
                        EntityKind::Relationship,
                        &path,
                        &c.student_id,
                        &format!(
                            "contact {} names StudentID {}, who is on no school's list",
                            cut(&c.sequence_number, 40),
                            cut(&c.student_id, 40)
                        ),
                    );
                    continue;
                };
                if &student.first_school != sc {
                    continue;
                }
                match map_contact(c, adult, &site.codes) {
                    Ok(found) => {
                        if let Some(code) = found.unknown_code
                            && unknown_codes.insert(code.clone())
                        {
                            self.em.issue(
                                IssueSeverity::Warning,
                                "unknown_relationship_code",
                                Some(EntityKind::Relationship),
                                None,
                                format!(
                                    "relationship code `{}` is not in the code table or relationship_codes; read as `other`",
                                    cut(&code, 40)
                                ),
                            );
                        }
                        if emitted.insert(found.person.external_id.clone()) {
                            self.em.push(found.person).await?;
                        }
                        if linked.insert(found.relationship.external_id()) {
                            relationships.push(found.relationship);
                        }
                    }
                    Err(why) => self.reject(
                        EntityKind::Person,
                        &path,
                        &format!("{}/{}", cut(&c.student_id, 40), cut(&c.sequence_number, 40)),
                        &why,
                    ),
                }
            }
            for r in relationships {
                self.em.push(r).await?;
            }
        }
        Ok(())
    }

    /// Every live section's teachers and roster, school by school: one
    /// `schools/{sc}/classes/` request (every class schedule row of the school) per school,
    /// a few schools at a time. A school whose site has no such endpoint (404), or whose
    /// answer holds no row although it has live sections, is read section by section.
    async fn rosters(
        &mut self,
        sections: &Sections,
        students: &HashMap<String, SeenStudent>,
    ) -> Result<(), Halt> {
        // Live sections grouped by school, in the order they were emitted.
        let mut schools: Vec<(String, Vec<&SectionInfo>)> = Vec::new();
        for section in &sections.live {
            match schools.last_mut() {
                Some((sc, list)) if *sc == section.school_code => list.push(section),
                _ => schools.push((section.school_code.clone(), vec![section])),
            }
        }
        let api = self.api.clone();
        let codes: Vec<String> = schools.iter().map(|(sc, _)| sc.clone()).collect();
        let mut fetched = futures::stream::iter(codes)
            .map(move |sc| {
                let api = api.clone();
                let fetch: futures::future::BoxFuture<'static, _> = Box::pin(async move {
                    let path = format!("schools/{sc}/classes/");
                    let rows = api
                        .list_or_missing::<wire::RosterRow>(&path, &[], "class schedules")
                        .await;
                    (path, rows)
                });
                fetch
            })
            .buffered(ROSTER_CONCURRENCY);
        for (sc, live) in &schools {
            let Some((path, rows)) = fetched.next().await else {
                break;
            };
            match rows? {
                Some(rows) if !rows.is_empty() => {
                    self.school_rosters(sc, live, &path, rows, sections, students)
                        .await?;
                }
                _ => self.section_rosters(live, students).await?,
            }
        }
        Ok(())
    }

    /// The enrollments of one school's live sections from its class schedule rows.
    async fn school_rosters(
        &mut self,
        sc: &str,
        live: &[&SectionInfo],
        path: &str,
        rows: Vec<wire::RosterRow>,
        sections: &Sections,
        students: &HashMap<String, SeenStudent>,
    ) -> Result<(), Halt> {
        let mut by_section: HashMap<String, Vec<wire::RosterRow>> = HashMap::new();
        for row in rows {
            by_section
                .entry(row.section_number.clone())
                .or_default()
                .push(row);
        }
        for section in live {
            for e in teacher_enrollments(section) {
                self.em.push(e).await?;
            }
            let rows = by_section
                .remove(&section.section_number)
                .unwrap_or_default();
            self.roster_rows(section, path, &rows, students).await?;
        }
        // Rows of inactive sections are not enrollments; rows naming no section of the
        // school are reported.
        let mut unknown: Vec<(String, usize)> = by_section
            .into_iter()
            .filter(|(sn, _)| !sections.all.contains(&(sc.to_owned(), sn.clone())))
            .map(|(sn, rows)| (sn, rows.len()))
            .collect();
        unknown.sort();
        for (sn, count) in unknown {
            let section = if sn.is_empty() {
                "no SectionNumber".to_owned()
            } else {
                format!("SectionNumber {}", cut(&sn, 40))
            };
            self.em.issue(
                IssueSeverity::Error,
                "invalid_value",
                Some(EntityKind::Enrollment),
                None,
                format!(
                    "{path}: {count} class schedule row(s) with {section}, which schools/{sc}/sections does not list; they are skipped"
                ),
            );
        }
        Ok(())
    }

    /// The enrollments of `live` sections, one roster request per section (a few at a time).
    async fn section_rosters(
        &mut self,
        live: &[&SectionInfo],
        students: &HashMap<String, SeenStudent>,
    ) -> Result<(), Halt> {
        let api = self.api.clone();
        let paths: Vec<String> = live
            .iter()
            .map(|s| {
                format!(
                    "schools/{}/sections/{}/students",
                    s.school_code, s.section_number
                )
            })
            .collect();
        let mut fetched = futures::stream::iter(paths)
            .map(move |path| {
                let api = api.clone();
                let fetch: futures::future::BoxFuture<'static, _> = Box::pin(async move {
                    let rows = api
                        .list_or_missing::<wire::RosterRow>(&path, &[], "section roster")
                        .await;
                    (path, rows)
                });
                fetch
            })
            .buffered(ROSTER_CONCURRENCY);
        for section in live {
            let Some((path, rows)) = fetched.next().await else {
                break;
            };
            for e in teacher_enrollments(section) {
                self.em.push(e).await?;
            }
            let rows = rows?.unwrap_or_default();
            self.roster_rows(section, &path, &rows, students).await?;
        }
        Ok(())
    }

    /// The student enrollments of one section's roster rows.
    async fn roster_rows(
        &mut self,
        section: &SectionInfo,
        path: &str,
        rows: &[wire::RosterRow],
        students: &HashMap<String, SeenStudent>,
    ) -> Result<(), Halt> {
        for row in rows {
            if !students.contains_key(&row.student_id) {
                self.reject(
                    EntityKind::Enrollment,
                    path,
                    &row.student_id,
                    &format!(
                        "StudentID {} is on no school's student list",
                        cut(&row.student_id, 40)
                    ),
                );
                continue;
            }
            match map_roster_row(row, &section.class_id) {
                Ok(e) => self.em.push(e).await?,
                Err(why) => self.reject(EntityKind::Enrollment, path, &row.student_id, &why),
            }
        }
        Ok(())
    }
}

/// The sections a snapshot read.
#[derive(Debug, Default)]
struct Sections {
    /// The live ones, in the order read (school by school).
    live: Vec<SectionInfo>,
    /// (SchoolCode, SectionNumber) of every section read, live or not.
    all: HashSet<(String, String)>,
}

#[cfg(all(test, feature = "fake"))]
mod contact_tests {
    use std::collections::{BTreeSet, HashMap};

    use homeroom_connector_core::HttpConfig;
    use homeroom_district_gen::{District, GenerateOptions};

    use crate::api::Api;
    use crate::codes::RelationshipCodes;
    use crate::config::AeriesConfig;
    use crate::fake::{FAKE_CERT, FakeAeries};
    use crate::mapping::{contact_ids, map_contact};
    use crate::wire;

    /// Every (adult, relationship) the rows give, as text.
    fn mapped(
        mut rows: Vec<wire::Contact>,
        family: &HashMap<String, String>,
        codes: &RelationshipCodes,
    ) -> BTreeSet<String> {
        let adults = contact_ids(&mut rows, |id| family.get(id).map_or("", String::as_str));
        rows.iter()
            .zip(adults)
            .map(|(c, adult)| {
                let found = map_contact(c, adult, codes).unwrap();
                format!("{:?} {:?}", found.person, found.relationship)
            })
            .collect()
    }

    #[tokio::test]
    async fn contacts_per_school_map_exactly_like_contacts_per_student() {
        let district = District::generate(&GenerateOptions {
            students: 150,
            seed: 5,
            churn_pct: None,
        });
        let fake = FakeAeries::start(district.clone(), FAKE_CERT)
            .await
            .unwrap();
        let config = AeriesConfig::from_json(fake.connector_config()).unwrap();
        let api = Api::new(&config, HttpConfig::default()).unwrap();
        let table: Vec<wire::Code> = api.list("codes/CON/RL", &[], "codes").await.unwrap();
        let codes = RelationshipCodes::new(&table, &Default::default());
        let schools: Vec<wire::School> = api.list("schools", &[], "schools").await.unwrap();
        let mut family = HashMap::new();
        let mut students = BTreeSet::new();
        for school in &schools {
            let path = format!("schools/{}/students", school.school_code);
            for s in api
                .list::<wire::Student>(&path, &[], "students")
                .await
                .unwrap()
            {
                family.insert(s.student_id.clone(), s.family_key.clone());
                students.insert(s.student_id);
            }
        }
        // School by school (the district office, school 0, lists no student: no contact).
        let mut by_school = BTreeSet::new();
        for school in &schools {
            let path = format!("schools/{}/contacts", school.school_code);
            let rows: Vec<wire::Contact> = api.list(&path, &[], "contacts").await.unwrap();
            if school.school_code == "0" {
                assert!(rows.is_empty());
            }
            // A student listed by two schools has their rows at both; the snapshot keeps the
            // first school's.
            by_school.extend(mapped(rows, &family, &codes));
        }
        // Student by student, as a delta reads them.
        let mut by_student = BTreeSet::new();
        for id in &students {
            let path = format!("schools/0/contacts/{id}");
            let rows: Vec<wire::Contact> = api.list(&path, &[], "contacts").await.unwrap();
            by_student.extend(mapped(rows, &family, &codes));
        }
        assert!(!by_school.is_empty());
        assert_eq!(by_school, by_student);
        fake.shutdown().await;
    }
}
