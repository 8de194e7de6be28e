//! A small district with known people, for authorization and pagination tests.
//!
//! School A: class A1 (teacher TA; students S1, S2), class A2 (teacher TB; student S3).
//! School B: class B1 (teacher TC; student S4). Guardians: G1 → S1 and S2 (siblings), G2 → S3,
//! G3 → S4. SA is school admin of school A. A2 is claimed by TB.

use std::collections::BTreeMap;

use anyhow::Result;
use homeroom_schema::Store;
use homeroom_schema::enums::*;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::*;
use homeroom_schema::store::{classes, contacts, districts, orgs, people, relationships};

/// Ids of the fixture's rows by short name (`TA`, `S1`, `A1`, `schoolA`, …).
pub struct Fixture {
    /// The district.
    pub district_id: String,
    /// Row ids by short name.
    pub ids: BTreeMap<&'static str, String>,
}

impl Fixture {
    /// The id of a named row.
    pub fn id(&self, name: &str) -> &str {
        self.ids
            .get(name)
            .unwrap_or_else(|| panic!("no fixture row {name}"))
    }

    /// The short name of a row id, if it is one of the fixture's.
    pub fn name_of(&self, id: &str) -> Option<&'static str> {
        self.ids
            .iter()
            .find(|(_, v)| v.as_str() == id)
            .map(|(k, _)| *k)
    }
}

/// An org row.
pub fn org(district: &str, name: &str, kind: OrgType) -> Org {
    let now = now_micros();
    Org {
        id: new_id(),
        district_id: district.into(),
        name: name.into(),
        identifier: None,
        org_type: kind,
        parent_id: None,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    }
}

/// A class row.
pub fn class(district: &str, school: &str, title: &str) -> Class {
    let now = now_micros();
    Class {
        id: new_id(),
        district_id: district.into(),
        school_id: Some(school.into()),
        course_id: None,
        term_id: None,
        sis_title: title.into(),
        local_title: None,
        class_code: None,
        join_code: Some(format!("JOIN-{title}")),
        status: Status::Active,
        claimed_by: None,
        claimed_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// An enrollment row.
pub fn enrollment(district: &str, class: &str, person: &str, role: EnrollmentRole) -> Enrollment {
    let now = now_micros();
    Enrollment {
        id: new_id(),
        district_id: district.into(),
        class_id: class.into(),
        person_id: person.into(),
        role,
        is_primary: role == EnrollmentRole::Teacher,
        begin_date: None,
        end_date: None,
        source: RecordSource::Sis,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    }
}

/// A relationship row.
pub fn link(district: &str, guardian: &str, student: &str) -> Relationship {
    let now = now_micros();
    Relationship {
        id: new_id(),
        district_id: district.into(),
        guardian_id: guardian.into(),
        student_id: student.into(),
        kind: RelationshipKind::Parent,
        source: RelationshipSource::Sis,
        source_connector_id: None,
        lives_with_student: None,
        status: RelationshipStatus::Active,
        removed_by: None,
        removed_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// A contact point row.
pub fn email(district: &str, person: &str, value: &str, adult: bool) -> ContactPoint {
    let now = now_micros();
    ContactPoint {
        id: new_id(),
        district_id: district.into(),
        person_id: person.into(),
        kind: ContactKind::Email,
        value: value.into(),
        display_value: value.into(),
        is_adult: adult,
        source: ContactSource::Sis,
        verified_at: None,
        reachability: Reachability::Ok,
        unreachable_reason: None,
        unreachable_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// Loads the fixture into the default district of `store`.
pub async fn load(store: &Store) -> Result<Fixture> {
    let mut c = store.conn().await?;
    let district = districts::ensure_default(&mut c, "Fixture District").await?;
    let d = district.id.as_str();
    let mut ids = BTreeMap::new();
    let school_a = org(d, "School A", OrgType::School);
    let school_b = org(d, "School B", OrgType::School);
    ids.insert("schoolA", school_a.id.clone());
    ids.insert("schoolB", school_b.id.clone());
    orgs::insert(&mut c, &[school_a.clone(), school_b.clone()]).await?;

    let people_spec: [(&'static str, &str, Role, Option<&str>); 11] = [
        ("SA", "Sam Admin", Role::SchoolAdmin, Some(&school_a.id)),
        ("TA", "Tia Alpha", Role::Teacher, Some(&school_a.id)),
        ("TB", "Tom Beta", Role::Teacher, Some(&school_a.id)),
        ("TC", "Tess Gamma", Role::Teacher, Some(&school_b.id)),
        ("S1", "Sol One", Role::Student, Some(&school_a.id)),
        ("S2", "Sia One", Role::Student, Some(&school_a.id)),
        ("S3", "Sal Three", Role::Student, Some(&school_a.id)),
        ("S4", "Sue Four", Role::Student, Some(&school_b.id)),
        ("G1", "Gina One", Role::Guardian, None),
        ("G2", "Gus Three", Role::Guardian, None),
        ("G3", "Gil Four", Role::Guardian, None),
    ];
    for (name, full, role, org_id) in people_spec {
        let (given, family) = full.split_once(' ').unwrap_or((full, ""));
        let mut p = people::new_person(d, given, family);
        p.is_student = role == Role::Student;
        if p.is_student {
            p.student_number = Some(format!("N-{name}"));
            p.grade = Some("5".into());
        }
        people::insert(&mut c, &p).await?;
        people::add_role(&mut c, &p, role, org_id, RecordSource::Sis).await?;
        contacts::insert(
            &mut c,
            &[email(
                d,
                &p.id,
                &format!("{}@example.org", name.to_lowercase()),
                !p.is_student,
            )],
        )
        .await?;
        ids.insert(name, p.id);
    }
    let mut a1 = class(d, &school_a.id, "A1");
    let mut a2 = class(d, &school_a.id, "A2");
    let b1 = class(d, &school_b.id, "B1");
    a2.claimed_by = Some(ids["TB"].clone());
    a2.claimed_at = Some(now_micros());
    a1.local_title = None;
    ids.insert("A1", a1.id.clone());
    ids.insert("A2", a2.id.clone());
    ids.insert("B1", b1.id.clone());
    classes::insert(&mut c, &[a1, a2, b1]).await?;
    let e = |class: &str, person: &str, role| enrollment(d, &ids[class], &ids[person], role);
    classes::insert_enrollments(
        &mut c,
        &[
            e("A1", "TA", EnrollmentRole::Teacher),
            e("A1", "S1", EnrollmentRole::Student),
            e("A1", "S2", EnrollmentRole::Student),
            e("A2", "TB", EnrollmentRole::Teacher),
            e("A2", "S3", EnrollmentRole::Student),
            e("B1", "TC", EnrollmentRole::Teacher),
            e("B1", "S4", EnrollmentRole::Student),
        ],
    )
    .await?;
    let links = [("G1", "S1"), ("G1", "S2"), ("G2", "S3"), ("G3", "S4")];
    let rows: Vec<Relationship> = links
        .iter()
        .map(|(g, s)| link(d, &ids[g], &ids[s]))
        .collect();
    for ((g, s), row) in links.iter().zip(&rows) {
        let key: &'static str = match (*g, *s) {
            ("G1", "S1") => "G1-S1",
            ("G1", "S2") => "G1-S2",
            ("G2", "S3") => "G2-S3",
            _ => "G3-S4",
        };
        ids.insert(key, row.id.clone());
    }
    relationships::insert(&mut c, &rows).await?;
    Ok(Fixture {
        district_id: district.id,
        ids,
    })
}
