//! Fuzz target of the Clever readers (feature `fuzz`; the property tests below run it a
//! bounded number of times under `cargo test`, the `fuzz_parsers` bench for as long as asked).
//!
//! [`case`]: one list page of any Clever list the connector reads (districts, schools, terms,
//! courses, users of each role, sections, events) — the `{"data": [{"data": …, "uri": …}],
//! "links": […]}` envelope with objects whose properties are plausible, odd (numbers where
//! strings belong, `null` everywhere, lists, deep nesting, huge and unicode text), missing,
//! repeated or unknown, items that are no objects, other shapes and damaged bytes — read and
//! mapped the way a snapshot or delta reads it.
//!
//! The property: no panic; a failed page is a typed error with a short message naming the
//! page (and the line and column where the JSON went wrong); every reported issue is short.

use homeroom_connector_core::fuzz::{
    check_error, check_issue_message, damage, deep_nesting, json_object, json_value, run_case,
    text_value,
};
use homeroom_connector_core::{
    ConnectorError, CursorSlot, HttpConfig, HttpResponse, Record, StatusCode, Url,
};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

use crate::api::{Api, parse_list};
use crate::config::CleverConfig;
use crate::events::map_event;
use crate::mapping::{map_course, map_district, map_school, map_term};
use crate::snapshot::Snapshot;
use crate::wire::{
    WireCourse, WireDistrict, WireEvent, WireSchool, WireSection, WireTerm, WireUser,
};

/// Which list a page belongs to.
#[derive(Clone, Copy, Debug)]
pub enum List {
    /// `/districts`.
    Districts,
    /// `/schools`.
    Schools,
    /// `/terms`.
    Terms,
    /// `/courses`.
    Courses,
    /// `/users?role=…` (the index in the reading order).
    Users(usize),
    /// `/sections`.
    Sections,
    /// `/events`.
    Events,
}

/// One generated page.
#[derive(Clone, Debug)]
pub struct Input {
    /// The list.
    pub list: List,
    /// The body.
    pub body: Vec<u8>,
}

const IDS: &[&str] = &[
    "5a1f00000000000000000001",
    "5a1f00000000000000000002",
    "5a1f00000000000000000003",
    "not-an-object-id",
];

fn id() -> BoxedStrategy<Value> {
    prop_oneof![
        5 => prop::sample::select(IDS).prop_map(|id| json!(id)),
        1 => text_value(),
    ]
    .boxed()
}

fn ids() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::collection::vec(id(), 0..4).prop_map(Value::Array),
        1 => json_value(),
    ]
    .boxed()
}

fn name() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => json_object(vec![("first", text_value()), ("middle", text_value()), ("last", text_value())])
            .prop_map(|text| serde_json::from_str(&text).unwrap_or(Value::Null)),
        1 => json_value(),
    ]
    .boxed()
}

fn object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    json_object(fields)
        .prop_map(|text| serde_json::from_str(&text).unwrap_or(Value::Null))
        .boxed()
}

fn roles() -> BoxedStrategy<Value> {
    let student = object(vec![
        ("sis_id", text_value()),
        ("student_number", text_value()),
        ("state_id", text_value()),
        ("school", id()),
        ("schools", ids()),
        (
            "grade",
            prop::sample::select(&["9", "Kindergarten", "PreKindergarten", "13", "Other", ""][..])
                .prop_map(|g| json!(g))
                .boxed(),
        ),
        ("preferred_name", name()),
    ]);
    let teacher = object(vec![
        ("sis_id", text_value()),
        ("school", id()),
        ("schools", ids()),
    ]);
    let relationship = object(vec![
        ("student", id()),
        (
            "relationship",
            prop::sample::select(&["Parent", "Grandparent", "Aunt/Uncle", "Self", ""][..])
                .prop_map(|r| json!(r))
                .boxed(),
        ),
        (
            "type",
            prop::sample::select(&["Parent/Guardian", "Emergency", "Family", ""][..])
                .prop_map(|t| json!(t))
                .boxed(),
        ),
    ]);
    let contact = object(vec![
        ("sis_id", text_value()),
        ("phone", prop::sample::select(&["5555550100", "+1 (555) 555-0100", "x"][..]).prop_map(|p| json!(p)).boxed()),
        (
            "student_relationships",
            prop_oneof![4 => prop::collection::vec(relationship, 0..3).prop_map(Value::Array), 1 => json_value()].boxed(),
        ),
    ]);
    object(vec![
        ("student", student),
        ("teacher", teacher),
        (
            "staff",
            object(vec![("staff_id", text_value()), ("schools", ids())]),
        ),
        ("district_admin", json_value()),
        ("contact", contact),
    ])
}

/// The plausible properties of an object of `list`.
fn fields(list: List) -> Vec<(&'static str, BoxedStrategy<Value>)> {
    let mut out = vec![("id", id())];
    out.extend(match list {
        List::Districts => vec![("name", text_value()), ("nces_id", text_value())],
        List::Schools => vec![
            ("district", id()),
            ("name", text_value()),
            ("school_number", text_value()),
            ("sis_id", text_value()),
        ],
        List::Terms => vec![
            ("name", text_value()),
            (
                "start_date",
                prop::sample::select(&["2024-08-20", "2024-08-20T00:00:00.000Z", "8/20/2024"][..])
                    .prop_map(|d| json!(d))
                    .boxed(),
            ),
            ("end_date", text_value()),
        ],
        List::Courses => vec![
            ("district", id()),
            ("name", text_value()),
            ("number", text_value()),
        ],
        List::Users(_) => vec![
            ("district", id()),
            (
                "email",
                prop::sample::select(&["a@b.org", "A@B.ORG ", "nope"][..])
                    .prop_map(|e| json!(e))
                    .boxed(),
            ),
            ("name", name()),
            ("roles", roles()),
        ],
        List::Sections => vec![
            ("school", id()),
            ("course", id()),
            ("term_id", id()),
            ("name", text_value()),
            ("section_number", text_value()),
            ("sis_id", text_value()),
            ("grade", text_value()),
            ("subject", text_value()),
            ("teacher", id()),
            ("teachers", ids()),
            ("students", ids()),
        ],
        List::Events => vec![
            (
                "type",
                prop::sample::select(
                    &[
                        "users.created",
                        "users.updated",
                        "users.deleted",
                        "sections.updated",
                        "sections.deleted",
                        "schools.created",
                        "terms.updated",
                        "courses.deleted",
                        "districts.updated",
                        "resources.created",
                        "x",
                    ][..],
                )
                .prop_map(|t| json!(t))
                .boxed(),
            ),
            ("created", text_value()),
            (
                "data",
                object(vec![
                    (
                        "object",
                        prop_oneof![
                            3 => object(fields(List::Users(0))),
                            2 => object(fields(List::Sections)),
                            1 => json_value(),
                        ]
                        .boxed(),
                    ),
                    ("previous_attributes", json_value()),
                ]),
            ),
        ],
    });
    out
}

fn list() -> BoxedStrategy<List> {
    prop_oneof![
        1 => Just(List::Districts),
        1 => Just(List::Schools),
        1 => Just(List::Terms),
        1 => Just(List::Courses),
        4 => (0usize..5).prop_map(List::Users),
        2 => Just(List::Sections),
        2 => Just(List::Events),
    ]
    .boxed()
}

fn input() -> BoxedStrategy<Input> {
    list()
        .prop_flat_map(|list| {
            let item = prop_oneof![
                8 => (object(fields(list)), any::<bool>()).prop_map(|(data, uri)| {
                    let mut item = json!({"data": data});
                    if uri {
                        item["uri"] = json!("/v3.0/users/5a1f00000000000000000001");
                    }
                    item.to_string()
                }),
                1 => json_value().prop_map(|v| json!({"data": v}).to_string()),
                1 => json_value().prop_map(|v| v.to_string()),
            ];
            let links = prop_oneof![
                3 => Just(r#"[{"rel":"self","uri":"/v3.0/users"}]"#.to_owned()),
                1 => Just(r#"[{"rel":"next","uri":"/v3.0/users?starting_after=x"}]"#.to_owned()),
                1 => json_value().prop_map(|v| v.to_string()),
            ];
            let page = (prop::collection::vec(item, 0..6), links).prop_map(|(items, links)| {
                format!(r#"{{"data":[{}],"links":{links}}}"#, items.join(","))
            });
            let other = prop_oneof![
                json_value().prop_map(|v| v.to_string()),
                (1usize..3000).prop_map(deep_nesting),
                (1usize..3000).prop_map(|n| format!(r#"{{"data":{}}}"#, deep_nesting(n))),
            ];
            (Just(list), prop_oneof![6 => page, 1 => other], damage())
        })
        .prop_map(|(list, body, damage)| Input {
            list,
            body: damage.apply(body.into_bytes()),
        })
        .boxed()
}

/// The records and issues of one page read as `list`, or the error that ends the read.
pub fn read_page(list: List, body: &[u8]) -> Result<(Vec<Record>, Vec<String>), ConnectorError> {
    thread_local! {
        static API: Api = Api::new(
            &CleverConfig::from_json(json!({"token": "fuzz", "base_url": "http://127.0.0.1/v3.0"}))
                .expect("a valid configuration"),
            HttpConfig::default(),
        )
        .expect("the Clever client builds");
    }
    let response = HttpResponse {
        status: StatusCode::OK,
        url: Url::parse("http://127.0.0.1/v3.0/users?limit=100").expect("a valid URL"),
        headers: Default::default(),
        body: body.to_vec().into(),
    };
    let what = "Clever fuzz";
    let records: Vec<Record> = match list {
        List::Districts => parse_list::<WireDistrict>(&response, what)?
            .data
            .iter()
            .map(|w| map_district(&w.data).into())
            .collect(),
        List::Schools => parse_list::<WireSchool>(&response, what)?
            .data
            .iter()
            .map(|w| map_school(&w.data).into())
            .collect(),
        List::Terms => parse_list::<WireTerm>(&response, what)?
            .data
            .iter()
            .map(|w| map_term(&w.data).into())
            .collect(),
        List::Courses => parse_list::<WireCourse>(&response, what)?
            .data
            .iter()
            .map(|w| map_course(&w.data).into())
            .collect(),
        List::Users(role) => {
            let users: Vec<WireUser> = parse_list::<WireUser>(&response, what)?
                .data
                .into_iter()
                .map(|w| w.data)
                .collect();
            return Ok(API.with(|api| {
                let mut snapshot = Snapshot::new(api, CursorSlot::new(), 1_000);
                snapshot.fuzz_users(role, &users)
            }));
        }
        List::Sections => {
            let sections: Vec<WireSection> = parse_list::<WireSection>(&response, what)?
                .data
                .into_iter()
                .map(|w| w.data)
                .collect();
            return Ok(API.with(|api| {
                let mut snapshot = Snapshot::new(api, CursorSlot::new(), 1_000);
                snapshot.fuzz_sections(&sections)
            }));
        }
        List::Events => {
            let events = parse_list::<WireEvent>(&response, what)?;
            let mut records = Vec::new();
            for event in &events.data {
                let effect = map_event(&event.data)?;
                records.extend(effect.upserts);
                records.extend(effect.deletes.into_iter().map(Record::from));
            }
            records
        }
    };
    Ok((records, Vec::new()))
}

/// The property of [`case`].
pub fn check(input: &Input) -> Result<(), String> {
    match read_page(input.list, &input.body) {
        Ok((_, issues)) => {
            for issue in &issues {
                check_issue_message(issue)?;
            }
            Ok(())
        }
        Err(error) => check_error(&error, |m| m.contains("Clever") || m.contains("event")),
    }
}

/// Valid students: (id, first, middle, last, grade, school).
#[derive(Clone, Debug)]
pub struct Valid {
    /// The students.
    pub students: Vec<(String, String, String, String, String, String)>,
}

fn valid() -> BoxedStrategy<Valid> {
    let text = || {
        prop_oneof![
            3 => "[A-Za-zÀ-ÿ' -]{1,16}",
            1 => homeroom_connector_core::fuzz::weird_string(),
        ]
    };
    let student = (
        "[0-9a-f]{24}",
        text(),
        text(),
        text(),
        prop::sample::select(&["9", "Kindergarten", "12", ""][..]).prop_map(str::to_owned),
        "[0-9a-f]{24}",
    );
    prop::collection::vec(student, 1..5)
        .prop_map(|students| Valid { students })
        .boxed()
}

/// The property of valid students: each reads to a person with the names, grade and school
/// it was sent with (trimmed; blank is absent).
pub fn check_valid(input: &Valid) -> Result<(), String> {
    let items: Vec<Value> = input
        .students
        .iter()
        .map(|(id, first, middle, last, grade, school)| {
            json!({"data": {"id": id, "name": {"first": first, "middle": middle, "last": last},
                "roles": {"student": {"grade": grade, "school": school, "schools": [school]}}}})
        })
        .collect();
    let body = json!({"data": items, "links": []}).to_string();
    let (records, _) = read_page(List::Users(0), body.as_bytes()).map_err(|e| e.to_string())?;
    let people: Vec<&homeroom_connector_core::Person> = records
        .iter()
        .filter_map(|r| match r {
            Record::Person(p) => Some(p),
            _ => None,
        })
        .collect();
    if people.len() != input.students.len() {
        return Err(format!(
            "{} students read to {} people",
            input.students.len(),
            people.len()
        ));
    }
    let blank = |t: &str| (!t.trim().is_empty()).then(|| t.trim().to_owned());
    for (p, (id, first, middle, last, grade, school)) in people.iter().zip(&input.students) {
        let expected_names = match blank(first) {
            Some(first) => (first, blank(last).unwrap_or_default()),
            None => {
                let last = blank(last).unwrap_or_default();
                match last.rsplit_once(char::is_whitespace) {
                    Some((g, f)) => (g.trim().to_owned(), f.trim().to_owned()),
                    None => (String::new(), last),
                }
            }
        };
        let got = (
            p.external_id.as_str(),
            (p.given_name.clone(), p.family_name.clone()),
            p.middle_name.clone(),
            p.grade.clone(),
            p.roles.first().and_then(|r| r.org_external_id.clone()),
        );
        let want = (
            id.as_str(),
            expected_names,
            blank(middle),
            blank(grade),
            blank(school),
        );
        if got != want {
            return Err(format!(
                "a student read back differently: sent {want:?}, read {got:?}"
            ));
        }
    }
    Ok(())
}

/// One case of the `clever` target: an odd page (nine in ten) or valid students.
pub fn case(runner: &mut TestRunner) -> Result<(), String> {
    thread_local! {
        static INPUT: BoxedStrategy<Input> = input();
        static VALID: BoxedStrategy<Valid> = valid();
    }
    if runner.rng().next_u32().is_multiple_of(10) {
        VALID.with(|valid| run_case(runner, valid, check_valid))
    } else {
        INPUT.with(|input| run_case(runner, input, check))
    }
}

#[cfg(test)]
mod tests {
    use proptest::test_runner::{Config, TestCaseError};

    use super::*;

    #[test]
    fn valid_students_read_back_as_sent() {
        let mut runner = TestRunner::new(Config {
            cases: 200,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&valid(), |input| {
                check_valid(&input).map_err(TestCaseError::fail)
            })
            .unwrap();
    }

    #[test]
    fn long_values_are_quoted_cut() {
        let long = "x".repeat(10_000);
        let body = json!({"data": [{"data": {"id": long}}]}).to_string();
        let (_, issues) = read_page(List::Sections, body.as_bytes()).unwrap();
        assert!(issues[0].chars().count() < 300, "{}", issues[0].len());
        let body = json!({"data": [{"data": {"id": long, "type": "users.created",
            "data": {"object": {"id": "u1", "roles": long}}}}]})
        .to_string();
        let error = read_page(List::Events, body.as_bytes()).unwrap_err();
        check_error(&error, |m| m.contains("Clever event")).unwrap();
    }

    #[test]
    fn odd_clever_pages_never_panic_and_fail_clearly() {
        let mut runner = TestRunner::new(Config {
            cases: 500,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&input(), |input| check(&input).map_err(TestCaseError::fail))
            .unwrap();
    }
}
