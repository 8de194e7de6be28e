//! Fuzz target of the Aeries readers (feature `fuzz`; the property tests below run it a
//! bounded number of times under `cargo test`, the `fuzz_parsers` bench for as long as asked).
//!
//! [`case`]: one answer of any endpoint the connector reads (schools, terms, courses, staff,
//! teachers, sections, students, contacts, roster and class schedule rows, change feeds) — a
//! list of objects whose properties are plausible, odd (lists and objects where values belong,
//! numbers for text, `null` everywhere, huge and unicode text), missing, repeated or unknown,
//! items that are no objects, one object instead of a list, other shapes and damaged bytes —
//! read and mapped the way a snapshot maps it. Or valid students and contacts written with the
//! wire types themselves, which must read back to the same objects and records.
//!
//! The property: no panic; a failed answer is a typed error with a short message naming the
//! endpoint; every rejected object is reported with a short message naming the endpoint, the
//! item and the property.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use homeroom_connector_core::fuzz::{
    check_error, check_issue_message, damage, deep_nesting, json_object, json_value, run_case,
    text_value, weird_string,
};
use homeroom_connector_core::{ConnectorError, HttpConfig, Record, Url};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

use crate::api::{Api, Rejects, WireItem};
use crate::codes::RelationshipCodes;
use crate::config::AeriesConfig;
use crate::mapping::{
    contact_ids, map_contact, map_course, map_roster_row, map_school, map_section, map_staff,
    map_student, map_term,
};
use crate::wire;

/// Which endpoint an answer comes from.
#[derive(Clone, Copy, Debug)]
pub enum Endpoint {
    /// `/schools`.
    Schools,
    /// `/schools/{sc}/terms`.
    Terms,
    /// `/courses`.
    Courses,
    /// `/staff`.
    Staff,
    /// `/schools/{sc}/teachers`.
    Teachers,
    /// `/schools/{sc}/sections`.
    Sections,
    /// `/schools/{sc}/students`.
    Students,
    /// `/schools/{sc}/contacts`.
    Contacts,
    /// `/schools/{sc}/classes/` and section rosters.
    Rows,
    /// `*DataChanges` feeds.
    Changes,
}

/// One generated answer.
#[derive(Clone, Debug)]
pub struct Input {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The body.
    pub body: Vec<u8>,
}

fn code() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(&[994u32, 0, 995, 1][..]).prop_map(|c| json!(c)),
        1 => prop::sample::select(&["994", " 995 ", "abc"][..]).prop_map(|c| json!(c)),
        1 => text_value(),
    ]
    .boxed()
}

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => (0u32..200).prop_map(|n| json!(n)),
        1 => text_value(),
    ]
    .boxed()
}

fn date() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => prop::sample::select(&["2025-08-18T00:00:00", "2025-08-18", "18/08/2025", ""][..]).prop_map(|d| json!(d)),
        1 => Just(Value::Null),
        1 => text_value(),
    ]
    .boxed()
}

fn flag() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => prop::sample::select(&["Y", "N", "", "yes", "maybe"][..]).prop_map(|f| json!(f)),
        1 => any::<bool>().prop_map(|b| json!(b)),
        1 => json_value(),
    ]
    .boxed()
}

fn fields(endpoint: Endpoint) -> Vec<(&'static str, BoxedStrategy<Value>)> {
    match endpoint {
        Endpoint::Schools => vec![
            ("SchoolCode", code()),
            ("Name", text_value()),
            ("InactiveStatusCode", text_value()),
        ],
        Endpoint::Terms => vec![
            ("SchoolCode", code()),
            (
                "TermCode",
                prop::sample::select(&["Y", "F", "S", ""][..])
                    .prop_map(|t| json!(t))
                    .boxed(),
            ),
            ("TermDescription", text_value()),
            ("StartDate", date()),
            ("EndDate", date()),
        ],
        Endpoint::Courses => vec![
            ("ID", number()),
            ("Title", text_value()),
            ("LongDescription", text_value()),
            ("InactiveStatusCode", text_value()),
        ],
        Endpoint::Staff => vec![
            ("ID", number()),
            ("FirstName", text_value()),
            ("LastName", text_value()),
            ("MiddleName", text_value()),
            ("EmailAddress", text_value()),
            (
                "Title",
                prop::sample::select(&["Teacher", "Principal", "Superintendent", "Aide", ""][..])
                    .prop_map(|t| json!(t))
                    .boxed(),
            ),
            ("CellPhone", text_value()),
            ("PrimaryAeriesSchool", code()),
            ("InactiveStatusCode", text_value()),
            ("LeaveDate", date()),
        ],
        Endpoint::Teachers => vec![
            ("SchoolCode", code()),
            ("TeacherNumber", number()),
            ("FirstName", text_value()),
            ("LastName", text_value()),
            ("StaffID1", number()),
            ("InactiveStatusCode", text_value()),
        ],
        Endpoint::Sections => vec![
            ("SchoolCode", code()),
            ("SectionNumber", number()),
            ("CourseID", number()),
            ("TeacherNumber1", number()),
            ("TeacherNumber2", number()),
            ("Period", number()),
            ("Room", text_value()),
            (
                "Semester",
                prop::sample::select(&["Y", "F", "S", ""][..])
                    .prop_map(|t| json!(t))
                    .boxed(),
            ),
            ("InactiveStatusCode", text_value()),
        ],
        Endpoint::Students => vec![
            ("StudentID", number()),
            ("SchoolCode", code()),
            ("StudentNumber", number()),
            ("FirstName", text_value()),
            ("LastName", text_value()),
            ("MiddleName", text_value()),
            (
                "Grade",
                prop::sample::select(&[-2i32, -1, 0, 9, 12, 18][..])
                    .prop_map(|g| json!(g))
                    .boxed(),
            ),
            ("StudentEmailAddress", text_value()),
            ("InactiveStatusCode", text_value()),
            ("FamilyKey", number()),
        ],
        Endpoint::Contacts => vec![
            ("StudentID", number()),
            ("SchoolCode", code()),
            ("SequenceNumber", number()),
            (
                "RelationshipToStudentCode",
                prop::sample::select(&["10", "11", "15", "20", "99", ""][..])
                    .prop_map(|c| json!(c))
                    .boxed(),
            ),
            ("FirstName", text_value()),
            ("MiddleName", text_value()),
            ("LastName", text_value()),
            ("EmailAddress", text_value()),
            ("HomePhone", text_value()),
            (
                "CellPhone",
                prop::sample::select(&["7775550001", "+1 777 555 0001", "x"][..])
                    .prop_map(|c| json!(c))
                    .boxed(),
            ),
            ("LivesWithStudentIndicator", flag()),
        ],
        Endpoint::Rows => vec![
            ("StudentID", number()),
            ("SchoolCode", code()),
            ("SectionNumber", number()),
            ("DateStarted", date()),
            ("DateEnded", date()),
        ],
        Endpoint::Changes => vec![
            ("SchoolCode", code()),
            ("StudentID", number()),
            ("SequenceNumber", number()),
            ("SectionNumber", number()),
            ("StaffID", number()),
            ("CourseID", number()),
        ],
    }
}

fn endpoint() -> BoxedStrategy<Endpoint> {
    prop::sample::select(
        &[
            Endpoint::Schools,
            Endpoint::Terms,
            Endpoint::Courses,
            Endpoint::Staff,
            Endpoint::Teachers,
            Endpoint::Sections,
            Endpoint::Students,
            Endpoint::Contacts,
            Endpoint::Rows,
            Endpoint::Changes,
        ][..],
    )
    .boxed()
}

fn input() -> BoxedStrategy<Input> {
    endpoint()
        .prop_flat_map(|endpoint| {
            let item = prop_oneof![
                8 => json_object(fields(endpoint)),
                1 => json_value().prop_map(|v| v.to_string()),
            ];
            let list = prop::collection::vec(item, 0..8)
                .prop_map(|items| format!("[{}]", items.join(",")));
            let other = prop_oneof![
                3 => json_object(fields(endpoint)),
                1 => json_value().prop_map(|v| v.to_string()),
                1 => (1usize..3000).prop_map(deep_nesting),
                1 => weird_string().prop_map(|s| json!({"Message": s}).to_string()),
            ];
            (Just(endpoint), prop_oneof![6 => list, 1 => other], damage())
        })
        .prop_map(|(endpoint, body, damage)| Input {
            endpoint,
            body: damage.apply(body.into_bytes()),
        })
        .boxed()
}

/// A client that never sends a request, and where its rejections go.
fn api() -> (Api, Rejects) {
    thread_local! {
        static API: Api = Api::new(
            &AeriesConfig::from_json(json!({"base_url": "http://127.0.0.1/aeries", "cert": "fuzz"}))
                .expect("a valid configuration"),
            HttpConfig::default(),
        )
        .expect("the Aeries client builds");
    }
    let rejects: Rejects = Arc::new(Mutex::new(Vec::new()));
    (API.with(|api| api.for_read(rejects.clone())), rejects)
}

fn read<T: WireItem>(api: &Api, body: &[u8], what: &str) -> Result<Vec<T>, ConnectorError> {
    let url = Url::parse("http://127.0.0.1/aeries/api/v5/schools/994/x").expect("a valid URL");
    api.read_answer(body, what, &url)
}

/// The records and issue messages of one answer of `endpoint`, mapped the way a snapshot maps
/// it (mapping rejections included as issues), or the error that ends the read.
pub fn read_answer(
    endpoint: Endpoint,
    body: &[u8],
) -> Result<(Vec<Record>, Vec<String>), ConnectorError> {
    let (api, rejects) = api();
    let mut records: Vec<Record> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut keep = |result: Result<Record, String>| match result {
        Ok(record) => records.push(record),
        Err(why) => problems.push(why),
    };
    match endpoint {
        Endpoint::Schools => {
            for s in read::<wire::School>(&api, body, "schools")? {
                keep(map_school(&s, Some("school|0")).map(Into::into));
            }
        }
        Endpoint::Terms => {
            for t in read::<wire::Term>(&api, body, "terms")? {
                keep(map_term(&t, "994", Some("term|994|Y")).map(Into::into));
            }
        }
        Endpoint::Courses => {
            for c in read::<wire::Course>(&api, body, "courses")? {
                keep(map_course(&c, Some("school|0")).map(Into::into));
            }
        }
        Endpoint::Staff => {
            let teaches_at = HashMap::from([("5".to_owned(), vec!["994".to_owned()])]);
            for s in read::<wire::Staff>(&api, body, "staff")? {
                keep(map_staff(&s, &teaches_at, Some("school|0")).map(Into::into));
            }
        }
        Endpoint::Teachers => {
            read::<wire::Teacher>(&api, body, "teachers")?;
        }
        Endpoint::Sections => {
            let titles = HashMap::from([("1".to_owned(), "Algebra".to_owned())]);
            let teachers = HashMap::from([(("994".to_owned(), "1".to_owned()), "5".to_owned())]);
            for s in read::<wire::Section>(&api, body, "sections")? {
                keep(map_section(&s, &titles, &teachers, "994").map(|(class, _)| class.into()));
            }
        }
        Endpoint::Students => {
            for s in read::<wire::Student>(&api, body, "students")? {
                keep(map_student(&s, &["994".to_owned()], true).map(Into::into));
            }
        }
        Endpoint::Contacts => {
            let mut rows = read::<wire::Contact>(&api, body, "contacts")?;
            let codes = RelationshipCodes::new(&[], &Default::default());
            let adults = contact_ids(&mut rows, |_| "1234");
            for (c, adult) in rows.iter().zip(adults) {
                match map_contact(c, adult, &codes) {
                    Ok(found) => {
                        records.push(found.person.into());
                        records.push(found.relationship.into());
                    }
                    Err(why) => problems.push(why),
                }
            }
        }
        Endpoint::Rows => {
            for row in read::<wire::RosterRow>(&api, body, "class schedules")? {
                keep(map_roster_row(&row, "section|994|1").map(Into::into));
            }
        }
        Endpoint::Changes => {
            read::<wire::Change>(&api, body, "change feed")?;
        }
    }
    let mut issues: Vec<String> = rejects
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .drain(..)
        .map(|i| i.message)
        .collect();
    issues.extend(problems);
    Ok((records, issues))
}

/// The property of the odd answers.
pub fn check(input: &Input) -> Result<(), String> {
    match read_answer(input.endpoint, &input.body) {
        Ok((_, issues)) => {
            for issue in &issues {
                check_issue_message(issue)?;
            }
            Ok(())
        }
        Err(error) => check_error(&error, |m| m.contains("http://127.0.0.1/aeries/api/v5/")),
    }
}

/// Valid students and contacts, as the wire types.
#[derive(Clone, Debug)]
pub struct Valid {
    /// Students.
    pub students: Vec<wire::Student>,
    /// Contact rows.
    pub contacts: Vec<wire::Contact>,
}

fn valid_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[A-Za-z0-9À-ÿ' .-]{0,16}".prop_map(|s| s.trim().to_owned()),
        1 => weird_string().prop_map(|s| s.trim().to_owned()),
    ]
    .boxed()
}

fn valid() -> BoxedStrategy<Valid> {
    let student = (1u32..99_999_999, valid_text(), valid_text(), 0u32..5000).prop_map(
        |(id, first, last, family)| wire::Student {
            student_id: id.to_string(),
            school_code: "994".to_owned(),
            first_name: first,
            last_name: last,
            grade: "9".to_owned(),
            family_key: family.to_string(),
            ..wire::Student::default()
        },
    );
    let contact = (
        1u32..99_999_999,
        1u32..9,
        valid_text(),
        valid_text(),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(id, seq, first, last, lives)| wire::Contact {
            student_id: id.to_string(),
            sequence_number: seq.to_string(),
            relationship_to_student_code: "10".to_owned(),
            first_name: first,
            last_name: last,
            lives_with_student_indicator: lives,
            ..wire::Contact::default()
        });
    (
        prop::collection::vec(student, 0..5),
        prop::collection::vec(contact, 0..5),
    )
        .prop_map(|(students, contacts)| Valid { students, contacts })
        .boxed()
}

/// The property of the valid answers: they read back to the same objects and records.
pub fn check_valid(input: &Valid) -> Result<(), String> {
    let (api, _) = api();
    let body = serde_json::to_vec(&input.students).map_err(|e| e.to_string())?;
    let students: Vec<wire::Student> = read(&api, &body, "students").map_err(|e| e.to_string())?;
    if students != input.students {
        return Err(format!(
            "students changed on the way: {:?} → {students:?}",
            input.students
        ));
    }
    let body = serde_json::to_vec(&input.contacts).map_err(|e| e.to_string())?;
    let contacts: Vec<wire::Contact> = read(&api, &body, "contacts").map_err(|e| e.to_string())?;
    if contacts != input.contacts {
        return Err(format!(
            "contacts changed on the way: {:?} → {contacts:?}",
            input.contacts
        ));
    }
    let schools = ["994".to_owned()];
    for s in &students {
        let person = map_student(s, &schools, true)
            .map_err(|e| format!("a valid student was rejected: {e}"));
        if let Ok(p) = &person
            && (p.given_name != s.first_name && !s.first_name.is_empty())
        {
            return Err(format!(
                "the first name changed: {:?} → {:?}",
                s.first_name, p.given_name
            ));
        }
    }
    Ok(())
}

/// One case of the `aeries` target: an odd answer (nine in ten) or valid students and
/// contacts.
pub fn case(runner: &mut TestRunner) -> Result<(), String> {
    thread_local! {
        static ODD: BoxedStrategy<Input> = input();
        static VALID: BoxedStrategy<Valid> = valid();
    }
    if runner.rng().next_u32().is_multiple_of(10) {
        VALID.with(|valid| run_case(runner, valid, check_valid))
    } else {
        ODD.with(|odd| run_case(runner, odd, check))
    }
}

#[cfg(test)]
mod tests {
    use proptest::test_runner::{Config, TestCaseError};

    use super::*;

    fn runner(cases: u32) -> TestRunner {
        TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        })
    }

    #[test]
    fn odd_aeries_answers_never_panic_and_fail_clearly() {
        runner(500)
            .run(&input(), |input| check(&input).map_err(TestCaseError::fail))
            .unwrap();
    }

    #[test]
    fn a_damaged_key_quoted_in_the_body_excerpt_is_a_clear_error() {
        // Found by the 10-minute run: the excerpt quotes the damaged body as it is.
        let body = br#"[{"SequenceNumber(:"R","SchoolCode":0}]"#;
        check(&Input {
            endpoint: Endpoint::Changes,
            body: body.to_vec(),
        })
        .unwrap();
    }

    #[test]
    fn valid_students_and_contacts_read_back_the_same() {
        runner(200)
            .run(&valid(), |input| {
                check_valid(&input).map_err(TestCaseError::fail)
            })
            .unwrap();
    }
}
