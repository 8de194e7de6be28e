//! The fake's change feeds: when the district moves to its next day, every record whose JSON
//! differs (added, changed or gone) is logged with the server clock, under its feed and keys.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::data::SiteData;

/// The feeds the fake serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Feed {
    Student,
    Contact,
    Staff,
    Course,
    Section,
    SectionRoster,
}

impl Feed {
    /// The feed of a request path after `/api/v5/` (without the time segments).
    pub(crate) fn from_path(path: &str) -> Option<Feed> {
        Some(match path.to_ascii_lowercase().as_str() {
            "studentdatachanges/student" => Feed::Student,
            "studentdatachanges/contact" => Feed::Contact,
            "staffdatachanges" => Feed::Staff,
            "coursedatachanges" => Feed::Course,
            "sectiondatachanges" => Feed::Section,
            "sectionrosterdatachanges" => Feed::SectionRoster,
            _ => return None,
        })
    }
}

/// Logged changes, oldest first.
#[derive(Debug, Default)]
pub(crate) struct ChangeLog {
    entries: Vec<(NaiveDateTime, Feed, Value)>,
}

impl ChangeLog {
    /// Logs every difference between `old` and `new` at `at`.
    pub(crate) fn record(&mut self, old: &SiteData, new: &SiteData, at: NaiveDateTime) {
        for (feed, before, after) in [
            (Feed::Student, students(old), students(new)),
            (Feed::Contact, contacts(old), contacts(new)),
            (
                Feed::Staff,
                keyed(old.staff(), &[("ID", "StaffID")]),
                keyed(new.staff(), &[("ID", "StaffID")]),
            ),
            (
                Feed::Course,
                keyed(old.courses(), &[("ID", "CourseID")]),
                keyed(new.courses(), &[("ID", "CourseID")]),
            ),
            (Feed::Section, sections(old), sections(new)),
            (Feed::SectionRoster, rosters(old), rosters(new)),
        ] {
            let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (b, a) = (before.get(key), after.get(key));
                if b != a {
                    let item = a.or(b).map(|(k, _)| k.clone()).unwrap_or(Value::Null);
                    self.entries.push((at, feed, item));
                }
            }
        }
    }

    /// The items of `feed` changed at or after `since`, each key once.
    pub(crate) fn since(&self, feed: Feed, since: NaiveDateTime) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        for (at, f, item) in &self.entries {
            if *f == feed && *at >= since && !out.contains(item) {
                out.push(item.clone());
            }
        }
        out
    }
}

/// key text → (the feed item's keys, the record).
type Keyed = BTreeMap<String, (Value, Value)>;

/// Keys each record by `fields` (record field, feed item field).
fn keyed(records: Vec<Value>, fields: &[(&str, &str)]) -> Keyed {
    records
        .into_iter()
        .map(|r| {
            let mut keys = serde_json::Map::new();
            let mut text = String::new();
            for (field, name) in fields {
                let v = r.get(*field).cloned().unwrap_or(Value::Null);
                text.push_str(&v.to_string());
                text.push('|');
                keys.insert((*name).to_owned(), v);
            }
            (text, (Value::Object(keys), r))
        })
        .collect()
}

fn students(d: &SiteData) -> Keyed {
    let mut out = Keyed::new();
    for code in d.school_codes() {
        out.extend(keyed(
            d.students(code),
            &[("SchoolCode", "SchoolCode"), ("StudentID", "StudentID")],
        ));
    }
    out
}

fn contacts(d: &SiteData) -> Keyed {
    let mut out = Keyed::new();
    for code in d.school_codes() {
        out.extend(keyed(
            d.contacts(code),
            &[
                ("StudentID", "StudentID"),
                ("SequenceNumber", "SequenceNumber"),
            ],
        ));
    }
    out
}

fn sections(d: &SiteData) -> Keyed {
    let mut out = Keyed::new();
    for code in d.school_codes() {
        out.extend(keyed(
            d.sections(code),
            &[
                ("SchoolCode", "SchoolCode"),
                ("SectionNumber", "SectionNumber"),
            ],
        ));
    }
    out
}

fn rosters(d: &SiteData) -> Keyed {
    let mut out = Keyed::new();
    for c in &d.district.classes {
        for row in d.roster(c.school.0, c.id.0).unwrap_or_default() {
            let key = json!({
                "SchoolCode": row["SchoolCode"], "SectionNumber": row["SectionNumber"],
                "StudentID": row["StudentID"],
            });
            out.insert(key.to_string(), (key, row));
        }
    }
    out
}
