//! Clever's JSON, as the Data API v3.0/v3.1 sends it. Every field Clever may omit or send as
//! `null` is optional; unknown fields (v3.1 additions this connector does not use, `ext`) are
//! ignored.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A list answer: `{"data":[{"data":{…},"uri":"…"}],"links":[{"rel":"next","uri":"…"}]}`.
#[derive(Debug, Deserialize)]
pub(crate) struct WireList<T> {
    /// The wrapped objects.
    pub data: Vec<Wrapped<T>>,
    /// Paging links (relative to the host).
    #[serde(default)]
    pub links: Vec<WireLink>,
}

impl<T> WireList<T> {
    /// The target of the `rel: next` link, if any.
    pub(crate) fn next_link(&self) -> Option<&str> {
        self.links
            .iter()
            .find(|l| l.rel.eq_ignore_ascii_case("next"))
            .map(|l| l.uri.as_str())
    }
}

/// One list item: the object under `data` (the `uri` Clever also sends is not needed).
#[derive(Debug, Deserialize)]
pub(crate) struct Wrapped<T> {
    /// The object.
    pub data: T,
}

/// A paging link.
#[derive(Debug, Deserialize)]
pub(crate) struct WireLink {
    /// `next`, `prev` or `self`.
    pub rel: String,
    /// The target, relative to the host (`/v3.0/users?limit=…&starting_after=…`).
    pub uri: String,
}

/// A person's name.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub(crate) struct WireName {
    #[serde(default)]
    pub first: Option<String>,
    #[serde(default)]
    pub middle: Option<String>,
    #[serde(default)]
    pub last: Option<String>,
}

/// `/districts` items.
#[derive(Debug, Deserialize)]
pub(crate) struct WireDistrict {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub nces_id: Option<String>,
}

/// `/schools` items.
#[derive(Debug, Deserialize)]
pub(crate) struct WireSchool {
    pub id: String,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub school_number: Option<String>,
    #[serde(default)]
    pub sis_id: Option<String>,
}

/// `/terms` items.
#[derive(Debug, Deserialize)]
pub(crate) struct WireTerm {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
}

/// `/courses` items.
#[derive(Debug, Deserialize)]
pub(crate) struct WireCourse {
    pub id: String,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
}

/// `/sections` items; students and teachers are lists of user ids.
#[derive(Debug, Deserialize)]
pub(crate) struct WireSection {
    pub id: String,
    #[serde(default)]
    pub school: Option<String>,
    #[serde(default)]
    pub course: Option<String>,
    #[serde(default)]
    pub term_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub section_number: Option<String>,
    #[serde(default)]
    pub sis_id: Option<String>,
    /// The primary teacher.
    #[serde(default)]
    pub teacher: Option<String>,
    #[serde(default)]
    pub teachers: Vec<String>,
    #[serde(default)]
    pub students: Vec<String>,
}

/// `/users` items (every role).
#[derive(Debug, Deserialize)]
pub(crate) struct WireUser {
    pub id: String,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: WireName,
    #[serde(default)]
    pub roles: WireRoles,
}

/// The role objects of a user; one user may hold several.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireRoles {
    #[serde(default)]
    pub student: Option<WireStudent>,
    #[serde(default)]
    pub teacher: Option<WireTeacher>,
    #[serde(default)]
    pub staff: Option<WireStaff>,
    #[serde(default)]
    pub district_admin: Option<Value>,
    #[serde(default)]
    pub contact: Option<WireContact>,
}

/// `roles.student`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireStudent {
    #[serde(default)]
    pub sis_id: Option<String>,
    #[serde(default)]
    pub student_number: Option<String>,
    #[serde(default)]
    pub state_id: Option<String>,
    #[serde(default)]
    pub school: Option<String>,
    #[serde(default)]
    pub schools: Vec<String>,
    #[serde(default)]
    pub grade: Option<String>,
    /// v3.1.
    #[serde(default)]
    pub preferred_name: Option<WireName>,
}

/// `roles.teacher`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireTeacher {
    #[serde(default)]
    pub sis_id: Option<String>,
    #[serde(default)]
    pub state_id: Option<String>,
    #[serde(default)]
    pub school: Option<String>,
    #[serde(default)]
    pub schools: Vec<String>,
}

/// `roles.staff`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireStaff {
    #[serde(default)]
    pub staff_id: Option<String>,
    #[serde(default)]
    pub schools: Vec<String>,
}

/// `roles.contact`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireContact {
    #[serde(default)]
    pub sis_id: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub student_relationships: Vec<WireStudentRelationship>,
}

/// One entry of `roles.contact.student_relationships`.
#[derive(Debug, Deserialize)]
pub(crate) struct WireStudentRelationship {
    pub student: String,
    #[serde(default)]
    pub relationship: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// `/events` items.
#[derive(Debug, Deserialize)]
pub(crate) struct WireEvent {
    pub id: String,
    /// `users.created`, `sections.updated`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub data: WireEventData,
}

/// The object an event is about, and for `*.updated` the old values of changed fields.
#[derive(Debug, Deserialize)]
pub(crate) struct WireEventData {
    pub object: Value,
    #[serde(default)]
    pub previous_attributes: Option<Value>,
}

/// The id of any list item (for resuming `starting_after`).
#[derive(Debug, Deserialize)]
pub(crate) struct WireId {
    pub id: String,
}
