//! `homeroom serve --demo`: a deterministic, realistic sample district so a newcomer can query
//! at once. Three schools, 48 classes, about 680 students in families (siblings share their
//! guardians), teachers, admins, and some claimed classes. Seeded once; later starts reuse it.

use homeroom_schema::Store;
use homeroom_schema::enums::*;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::*;
use homeroom_schema::store::{bulk, classes, contacts, districts, orgs, people, relationships};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::Settings;
use crate::service::tokens::{self, NewToken};

/// Name of the demo district.
pub const DISTRICT_NAME: &str = "Maplewood Unified School District";
const SEED: u64 = 20_261_123;
const STUDENT_TARGET: usize = 660;

const GIVEN: &[&str] = &[
    "Ava", "Liam", "Mia", "Noah", "Zoe", "Ethan", "Lena", "Omar", "Priya", "Mateo", "Chloe", "Kai",
    "Sofia", "Jamal", "Hana", "Lucas", "Amara", "Diego", "Ines", "Theo", "Nora", "Ravi", "Elena",
    "Sam", "Yara", "Felix", "Maya", "Jonah", "Aisha", "Leo", "Grace", "Tariq", "Ruby", "Ivan",
    "Lila", "Marcus", "Nia", "Oscar", "Quinn", "Rosa",
];
const ADULT_GIVEN: &[&str] = &[
    "Maria", "James", "Linda", "Robert", "Aiko", "David", "Fatima", "Carlos", "Susan", "Wei",
    "Angela", "Michael", "Keisha", "Daniel", "Olga", "Thomas", "Mei", "Andre", "Patricia", "Hiro",
    "Laura", "Samuel", "Nadia", "George",
];
const FAMILY: &[&str] = &[
    "Garcia", "Nguyen", "Smith", "Okafor", "Patel", "Kim", "Johnson", "Haddad", "Rossi",
    "Martinez", "Chen", "Williams", "Kowalski", "Silva", "Brown", "Ahmed", "Lopez", "Tanaka",
    "Murphy", "Singh", "Dubois", "Novak", "Cohen", "Reyes", "Olsen", "Mensah", "Park", "Ivanova",
];

struct School {
    id: String,
    name: &'static str,
    grades: std::ops::RangeInclusive<u8>,
    subjects: &'static [&'static str],
    classes_per_student: usize,
}

/// Everything the demo inserts, built in memory first (it is small) and written in one
/// transaction.
#[derive(Default)]
struct Roster {
    orgs: Vec<Org>,
    terms: Vec<Term>,
    courses: Vec<Course>,
    classes: Vec<Class>,
    people: Vec<Person>,
    roles: Vec<PersonRole>,
    contacts: Vec<ContactPoint>,
    enrollments: Vec<Enrollment>,
    relationships: Vec<Relationship>,
}

impl Roster {
    fn person(
        &mut self,
        district: &str,
        given: &str,
        family: &str,
        role: Role,
        org: Option<&str>,
    ) -> String {
        let mut p = people::new_person(district, given, family);
        p.is_student = role == Role::Student;
        p.sis_hash = Some("demo".into());
        let id = p.id.clone();
        self.roles.push(PersonRole {
            id: new_id(),
            district_id: district.into(),
            person_id: id.clone(),
            role,
            org_id: org.map(str::to_owned),
            source: RecordSource::Sis,
            created_at: p.created_at,
        });
        self.people.push(p);
        id
    }

    fn contact(
        &mut self,
        district: &str,
        person: &str,
        kind: ContactKind,
        value: String,
        adult: bool,
    ) {
        let now = now_micros();
        self.contacts.push(ContactPoint {
            id: new_id(),
            district_id: district.into(),
            person_id: person.into(),
            kind,
            display_value: value.clone(),
            value,
            is_adult: adult,
            source: ContactSource::Sis,
            verified_at: None,
            reachability: Reachability::Ok,
            unreachable_reason: None,
            unreachable_at: None,
            created_at: now,
            updated_at: now,
        });
    }

    fn enroll(&mut self, district: &str, class: &str, person: &str, role: EnrollmentRole) {
        let now = now_micros();
        self.enrollments.push(Enrollment {
            id: new_id(),
            district_id: district.into(),
            class_id: class.into(),
            person_id: person.into(),
            role,
            is_primary: role == EnrollmentRole::Teacher,
            begin_date: Some("2026-08-24".into()),
            end_date: Some("2027-06-11".into()),
            source: RecordSource::Sis,
            status: Status::Active,
            created_at: now,
            updated_at: now,
        });
    }
}

fn slug(s: &str) -> String {
    s.to_lowercase().replace(' ', "")
}

fn build(district: &str) -> Roster {
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut r = Roster::default();
    let now = now_micros();
    let org = |name: &str, kind: OrgType, parent: Option<String>, code: &str| Org {
        id: new_id(),
        district_id: district.into(),
        name: name.into(),
        identifier: Some(code.into()),
        org_type: kind,
        parent_id: parent,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    let district_org = org(DISTRICT_NAME, OrgType::District, None, "MUSD");
    let parent = Some(district_org.id.clone());
    r.orgs.push(district_org);
    let schools = [
        School {
            id: String::new(),
            name: "Maplewood Elementary School",
            grades: 1..=5,
            subjects: &["Homeroom"],
            classes_per_student: 1,
        },
        School {
            id: String::new(),
            name: "Cedar Ridge Middle School",
            grades: 6..=8,
            subjects: &["English", "Math", "Science", "History"],
            classes_per_student: 4,
        },
        School {
            id: String::new(),
            name: "Lincoln High School",
            grades: 9..=12,
            subjects: &[
                "English",
                "Algebra",
                "Biology",
                "World History",
                "Spanish",
                "Art",
            ],
            classes_per_student: 5,
        },
    ];
    let mut schools = schools.map(|mut s| {
        let o = org(
            s.name,
            OrgType::School,
            parent.clone(),
            &format!("MUSD-{}", &s.name[..3]),
        );
        s.id = o.id.clone();
        r.orgs.push(o);
        s
    });
    let year = Term {
        id: new_id(),
        district_id: district.into(),
        title: "2026-2027".into(),
        term_type: Some("schoolYear".into()),
        start_date: Some("2026-08-24".into()),
        end_date: Some("2027-06-11".into()),
        parent_id: None,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    let year_id = year.id.clone();
    r.terms.push(year);

    // Staff: a district admin, a school admin per school, and teachers.
    let admin = r.person(district, "Dana", "Whitfield", Role::DistrictAdmin, None);
    r.contact(
        district,
        &admin,
        ContactKind::Email,
        "dana.whitfield@maplewood.example".into(),
        true,
    );
    let mut school_classes: Vec<Vec<(String, String)>> = Vec::new();
    for (si, school) in schools.iter_mut().enumerate() {
        let sa_given = ADULT_GIVEN[(si * 7) % ADULT_GIVEN.len()];
        let sa_family = FAMILY[(si * 5 + 3) % FAMILY.len()];
        let sa = r.person(
            district,
            sa_given,
            sa_family,
            Role::SchoolAdmin,
            Some(&school.id),
        );
        r.contact(
            district,
            &sa,
            ContactKind::Email,
            format!(
                "{}.{}.admin@maplewood.example",
                slug(sa_given),
                slug(sa_family)
            ),
            true,
        );
        let mut teachers = Vec::new();
        for t in 0..12 {
            let given = ADULT_GIVEN[(si * 12 + t * 5 + 1) % ADULT_GIVEN.len()];
            let family = FAMILY[(si * 12 + t * 3 + 7) % FAMILY.len()];
            let id = r.person(district, given, family, Role::Teacher, Some(&school.id));
            r.contact(
                district,
                &id,
                ContactKind::Email,
                format!("{}.{}.{si}{t}@maplewood.example", slug(given), slug(family)),
                true,
            );
            teachers.push(id);
        }
        // Sixteen classes per school, each with a teacher; every third is claimed.
        let mut list = Vec::new();
        for c in 0..16usize {
            let subject = school.subjects[c % school.subjects.len()];
            let grade_span: Vec<u8> = school.grades.clone().collect();
            let grade = grade_span[c % grade_span.len()];
            let course = Course {
                id: new_id(),
                district_id: district.into(),
                org_id: Some(school.id.clone()),
                title: format!("{subject} {grade}"),
                code: Some(format!(
                    "{}-{grade}",
                    &slug(subject)[..3.min(slug(subject).len())]
                )),
                status: Status::Active,
                created_at: now,
                updated_at: now,
            };
            let teacher = teachers[c % teachers.len()].clone();
            let class = Class {
                id: new_id(),
                district_id: district.into(),
                school_id: Some(school.id.clone()),
                course_id: Some(course.id.clone()),
                term_id: Some(year_id.clone()),
                sis_title: format!(
                    "{subject} {grade} - Section {}",
                    c / school.subjects.len() + 1
                ),
                local_title: None,
                class_code: Some(format!("{}-{si}{c:02}", slug(subject))),
                join_code: None,
                status: Status::Active,
                claimed_by: (c % 3 == 0).then(|| teacher.clone()),
                claimed_at: (c % 3 == 0).then_some(now),
                created_at: now,
                updated_at: now,
            };
            r.enroll(district, &class.id, &teacher, EnrollmentRole::Teacher);
            list.push((class.id.clone(), grade.to_string()));
            r.courses.push(course);
            r.classes.push(class);
        }
        school_classes.push(list);
    }

    // Families: 1–3 children, 1–2 guardians; siblings share their guardians.
    let mut students = 0usize;
    let mut family_no = 0usize;
    while students < STUDENT_TARGET {
        family_no += 1;
        let family = FAMILY[rng.random_range(0..FAMILY.len())];
        let kids = match rng.random_range(0..10) {
            0..=4 => 1,
            5..=8 => 2,
            _ => 3,
        };
        let guardian_count = if rng.random_range(0..10) < 8 { 2 } else { 1 };
        let mut guardians = Vec::new();
        for g in 0..guardian_count {
            let given = ADULT_GIVEN[rng.random_range(0..ADULT_GIVEN.len())];
            let id = r.person(district, given, family, Role::Guardian, None);
            r.contact(
                district,
                &id,
                ContactKind::Email,
                format!(
                    "{}.{}.{family_no}{g}@family.example",
                    slug(given),
                    slug(family)
                ),
                true,
            );
            r.contact(
                district,
                &id,
                ContactKind::Phone,
                format!("+1555{:03}{:04}", family_no % 1000, family_no * 2 + g),
                true,
            );
            guardians.push((
                id,
                if g == 0 {
                    RelationshipKind::Parent
                } else {
                    RelationshipKind::Guardian
                },
            ));
        }
        for _ in 0..kids {
            let given = GIVEN[rng.random_range(0..GIVEN.len())];
            let si = rng.random_range(0..schools.len());
            let school = &schools[si];
            let grades: Vec<u8> = school.grades.clone().collect();
            let grade = grades[rng.random_range(0..grades.len())];
            let id = r.person(district, given, family, Role::Student, Some(&school.id));
            students += 1;
            if let Some(p) = r.people.last_mut() {
                p.grade = Some(grade.to_string());
                p.student_number = Some(format!("S{:06}", 100_000 + students));
            }
            r.contact(
                district,
                &id,
                ContactKind::Email,
                format!(
                    "{}.{}.{students}@students.maplewood.example",
                    slug(given),
                    slug(family)
                ),
                false,
            );
            // Enroll: same-grade classes first, then any class of the school.
            let list = &school_classes[si];
            let mut picks: Vec<&String> = list
                .iter()
                .filter(|(_, g)| *g == grade.to_string())
                .map(|(c, _)| c)
                .collect();
            // Spread students over the sections of their grade.
            if !picks.is_empty() {
                let offset = rng.random_range(0..picks.len());
                picks.rotate_left(offset);
            }
            for (c, _) in list {
                if picks.len() >= school.classes_per_student {
                    break;
                }
                if !picks.contains(&c) && rng.random_range(0..3) == 0 {
                    picks.push(c);
                }
            }
            picks.truncate(school.classes_per_student);
            for class in picks.clone() {
                r.enroll(district, class, &id, EnrollmentRole::Student);
            }
            for (guardian, kind) in &guardians {
                r.relationships.push(Relationship {
                    id: new_id(),
                    district_id: district.into(),
                    guardian_id: guardian.clone(),
                    student_id: id.clone(),
                    kind: *kind,
                    source: RelationshipSource::Sis,
                    source_connector_id: None,
                    lives_with_student: Some(true),
                    status: RelationshipStatus::Active,
                    removed_by: None,
                    removed_at: None,
                    created_at: now,
                    updated_at: now,
                });
            }
        }
    }
    r
}

/// Seeds the demo district when the database has no people yet.
pub async fn seed(store: &Store) -> anyhow::Result<bool> {
    let mut conn = store.conn().await?;
    let district = districts::ensure_default(&mut conn, DISTRICT_NAME).await?;
    let existing = people::count(
        &mut conn,
        &district.id,
        &homeroom_schema::scope::Visible::All,
        &people::PersonFilter::default(),
    )
    .await?;
    if existing > 0 {
        return Ok(false);
    }
    drop(conn);
    let roster = build(&district.id);
    store
        .transaction(async |c| {
            districts::rename(c, &district.id, DISTRICT_NAME).await?;
            orgs::insert(c, &roster.orgs).await?;
            orgs::insert_terms(c, &roster.terms).await?;
            orgs::insert_courses(c, &roster.courses).await?;
            bulk::upsert_people(c, &roster.people).await?;
            people::insert_roles(c, &roster.roles).await?;
            contacts::insert(c, &roster.contacts).await?;
            classes::insert(c, &roster.classes).await?;
            classes::insert_enrollments(c, &roster.enrollments).await?;
            relationships::insert(c, &roster.relationships).await?;
            Ok::<_, anyhow::Error>(())
        })
        .await?;
    Ok(true)
}

/// Seeds if needed, then prints a district-admin token and a first query.
pub async fn prepare(store: &Store, settings: &Settings) -> anyhow::Result<()> {
    let seeded = seed(store).await?;
    let (_, token) = tokens::create(
        store,
        NewToken {
            district_id: None,
            role: TokenRole::DistrictAdmin,
            person_id: None,
            partner_name: None,
            scopes: Vec::new(),
            label: Some("demo".into()),
        },
    )
    .await?;
    let url = format!("http://{}/graphql", settings.listen);
    println!(
        "Homeroom demo: {} sample district at {url} (GraphiQL in a browser)\n\
         Admin token: {token}\n\
         Try:\n  curl -s {url} -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \\\n    \
         -d '{{\"query\":\"{{ district {{ name schools {{ name }} }} classes(first: 3) {{ totalCount edges {{ node {{ title teachers {{ displayName }} students {{ displayName }} }} }} }} }}\"}}'",
        if seeded { "loaded the" } else { "reusing the" },
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_district_is_realistic_and_deterministic() {
        let a = build("d");
        let b = build("d");
        let names = |r: &Roster| {
            r.people
                .iter()
                .map(|p| p.display_name())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&a), names(&b));
        let students = a.people.iter().filter(|p| p.is_student).count();
        assert!(students >= 600, "{students} students");
        assert!(a.classes.len() >= 40);
        assert!(
            a.orgs
                .iter()
                .filter(|o| o.org_type == OrgType::School)
                .count()
                >= 2
        );
        assert!(a.classes.iter().any(|c| c.claimed_by.is_some()));
        // Siblings share guardians: some guardian has two or more students.
        let mut per_guardian = std::collections::HashMap::new();
        for rel in &a.relationships {
            *per_guardian.entry(&rel.guardian_id).or_insert(0) += 1;
        }
        assert!(per_guardian.values().any(|n| *n >= 2));
        // Every class has students.
        for class in &a.classes {
            assert!(
                a.enrollments
                    .iter()
                    .any(|e| e.class_id == class.id && e.role == EnrollmentRole::Student),
                "{}",
                class.sis_title
            );
        }
    }
}
