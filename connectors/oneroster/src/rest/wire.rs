//! OneRoster JSON objects, read leniently, and turned into [`crate::model`] objects.
//!
//! Providers disagree on types, so: scalar properties accept strings, numbers and booleans
//! (`"enabledUser": true` and `"enabledUser": "true"`, `"primary": "false"`); references accept
//! a GUIDRef object `{"href","sourcedId","type"}` or a bare id string; lists accept `null`;
//! `grades` also accepts a comma-separated string. Unknown properties are ignored.

use serde::Deserialize;

use crate::model::{ObjectMeta, OrClass, OrCourse, OrEnrollment, OrOrg, OrRole, OrSession, OrUser};
use crate::values::{UserId, split_multi};

/// A scalar sent as a string, number or boolean; trimmed, blank = absent.
#[derive(Debug, Default)]
pub(crate) struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let text = match value {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a string, number or boolean, found {other}"
                )));
            }
        };
        Ok(Text(
            text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
        ))
    }
}

impl Text {
    fn get(self) -> Option<String> {
        self.0
    }
}

/// A reference to another object: a GUIDRef or a bare id.
#[derive(Debug)]
pub(crate) struct GuidRef(Option<String>);

impl<'de> Deserialize<'de> for GuidRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Object {
                #[serde(rename = "sourcedId", default)]
                sourced_id: Option<Text>,
            },
            Id(Text),
        }
        let id = match Shape::deserialize(deserializer)? {
            Shape::Object { sourced_id } => sourced_id.and_then(Text::get),
            Shape::Id(sourced_id) => sourced_id.get(),
        };
        Ok(GuidRef(id))
    }
}

fn one(reference: Option<GuidRef>) -> Option<String> {
    reference.and_then(|r| r.0)
}

fn many(references: Option<Vec<GuidRef>>) -> Vec<String> {
    references
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| r.0)
        .collect()
}

/// A list of strings, or one comma-separated string.
#[derive(Debug, Default)]
pub(crate) struct TextList(Vec<String>);

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            List(Vec<Text>),
            One(Text),
        }
        Ok(TextList(
            match Option::<Shape>::deserialize(deserializer)? {
                None => Vec::new(),
                Some(Shape::List(items)) => items.into_iter().filter_map(Text::get).collect(),
                Some(Shape::One(text)) => split_multi(text.get().as_deref()),
            },
        ))
    }
}

fn list(items: Option<TextList>) -> Vec<String> {
    items.map(|l| l.0).unwrap_or_default()
}

/// The properties every object has.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct WireMeta {
    sourced_id: Option<Text>,
    status: Option<Text>,
    date_last_modified: Option<Text>,
}

impl From<WireMeta> for ObjectMeta {
    fn from(w: WireMeta) -> Self {
        ObjectMeta {
            sourced_id: w.sourced_id.and_then(Text::get).unwrap_or_default(),
            status: w.status.and_then(Text::get),
            date_last_modified: w.date_last_modified.and_then(Text::get),
        }
    }
}

fn text(t: Option<Text>) -> Option<String> {
    t.and_then(Text::get)
}

/// An `org`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct WireOrg {
    #[serde(flatten)]
    meta: WireMeta,
    name: Option<Text>,
    #[serde(rename = "type")]
    org_type: Option<Text>,
    identifier: Option<Text>,
    parent: Option<GuidRef>,
}

impl From<WireOrg> for OrOrg {
    fn from(w: WireOrg) -> Self {
        OrOrg {
            meta: w.meta.into(),
            name: text(w.name),
            org_type: text(w.org_type),
            identifier: text(w.identifier),
            parent: one(w.parent),
        }
    }
}

/// An `academicSession`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct WireSession {
    #[serde(flatten)]
    meta: WireMeta,
    title: Option<Text>,
    #[serde(rename = "type")]
    session_type: Option<Text>,
    start_date: Option<Text>,
    end_date: Option<Text>,
    parent: Option<GuidRef>,
    school_year: Option<Text>,
}

impl From<WireSession> for OrSession {
    fn from(w: WireSession) -> Self {
        OrSession {
            meta: w.meta.into(),
            title: text(w.title),
            session_type: text(w.session_type),
            start_date: text(w.start_date),
            end_date: text(w.end_date),
            parent: one(w.parent),
            school_year: text(w.school_year),
        }
    }
}

/// A `course`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct WireCourse {
    #[serde(flatten)]
    meta: WireMeta,
    title: Option<Text>,
    course_code: Option<Text>,
    org: Option<GuidRef>,
    school_year: Option<GuidRef>,
    grades: Option<TextList>,
    subjects: Option<TextList>,
}

impl From<WireCourse> for OrCourse {
    fn from(w: WireCourse) -> Self {
        OrCourse {
            meta: w.meta.into(),
            title: text(w.title),
            course_code: text(w.course_code),
            org: one(w.org),
            school_year: one(w.school_year),
            grades: list(w.grades),
            subjects: list(w.subjects),
        }
    }
}

/// A `class`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct WireClass {
    #[serde(flatten)]
    meta: WireMeta,
    title: Option<Text>,
    class_code: Option<Text>,
    class_type: Option<Text>,
    location: Option<Text>,
    school: Option<GuidRef>,
    course: Option<GuidRef>,
    terms: Option<Vec<GuidRef>>,
    grades: Option<TextList>,
    subjects: Option<TextList>,
    periods: Option<TextList>,
}

impl From<WireClass> for OrClass {
    fn from(w: WireClass) -> Self {
        OrClass {
            meta: w.meta.into(),
            title: text(w.title),
            class_code: text(w.class_code),
            class_type: text(w.class_type),
            location: text(w.location),
            school: one(w.school),
            course: one(w.course),
            terms: many(w.terms),
            grades: list(w.grades),
            subjects: list(w.subjects),
            periods: list(w.periods),
        }
    }
}

/// A `userIds` item.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireUserId {
    #[serde(rename = "type")]
    id_type: Option<Text>,
    identifier: Option<Text>,
}

/// A 1.2 `roles[]` item.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct WireRole {
    role_type: Option<Text>,
    role: Option<Text>,
    org: Option<GuidRef>,
    begin_date: Option<Text>,
    end_date: Option<Text>,
}

/// A `user` (1.1 `role` + `orgs`, or 1.2 `roles`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct WireUser {
    #[serde(flatten)]
    meta: WireMeta,
    enabled_user: Option<Text>,
    username: Option<Text>,
    user_ids: Option<Vec<WireUserId>>,
    given_name: Option<Text>,
    family_name: Option<Text>,
    middle_name: Option<Text>,
    #[serde(alias = "preferredGivenName")]
    preferred_first_name: Option<Text>,
    preferred_middle_name: Option<Text>,
    #[serde(alias = "preferredFamilyName")]
    preferred_last_name: Option<Text>,
    identifier: Option<Text>,
    email: Option<Text>,
    sms: Option<Text>,
    phone: Option<Text>,
    agents: Option<Vec<GuidRef>>,
    grades: Option<TextList>,
    role: Option<Text>,
    orgs: Option<Vec<GuidRef>>,
    roles: Option<Vec<WireRole>>,
    primary_org: Option<GuidRef>,
    pronouns: Option<Text>,
}

impl From<WireUser> for OrUser {
    fn from(w: WireUser) -> Self {
        OrUser {
            meta: w.meta.into(),
            enabled_user: text(w.enabled_user),
            username: text(w.username),
            user_ids: w
                .user_ids
                .unwrap_or_default()
                .into_iter()
                .filter_map(|id| {
                    Some(UserId {
                        id_type: text(id.id_type).unwrap_or_default(),
                        identifier: text(id.identifier)?,
                    })
                })
                .collect(),
            given_name: text(w.given_name),
            family_name: text(w.family_name),
            middle_name: text(w.middle_name),
            preferred_given_name: text(w.preferred_first_name),
            preferred_middle_name: text(w.preferred_middle_name),
            preferred_family_name: text(w.preferred_last_name),
            identifier: text(w.identifier),
            email: text(w.email),
            sms: text(w.sms),
            phone: text(w.phone),
            agents: many(w.agents),
            grades: list(w.grades),
            role: text(w.role),
            orgs: many(w.orgs),
            roles: w
                .roles
                .unwrap_or_default()
                .into_iter()
                .map(|r| OrRole {
                    role_type: text(r.role_type),
                    role: text(r.role).unwrap_or_default(),
                    org: one(r.org),
                    begin_date: text(r.begin_date),
                    end_date: text(r.end_date),
                })
                .collect(),
            primary_org: one(w.primary_org),
            pronouns: text(w.pronouns),
        }
    }
}

/// An `enrollment`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct WireEnrollment {
    #[serde(flatten)]
    meta: WireMeta,
    class: Option<GuidRef>,
    school: Option<GuidRef>,
    user: Option<GuidRef>,
    role: Option<Text>,
    primary: Option<Text>,
    begin_date: Option<Text>,
    end_date: Option<Text>,
}

impl From<WireEnrollment> for OrEnrollment {
    fn from(w: WireEnrollment) -> Self {
        OrEnrollment {
            meta: w.meta.into(),
            class: one(w.class),
            school: one(w.school),
            user: one(w.user),
            role: text(w.role),
            primary: text(w.primary),
            begin_date: text(w.begin_date),
            end_date: text(w.end_date),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_classlink_style_users() {
        let user: OrUser = serde_json::from_value::<WireUser>(json!({
            "sourcedId": "18125", "status": "active",
            "dateLastModified": "2019-03-01T18:14:45.000Z",
            "username": "billy.flores",
            "userIds": [{"type": "FED", "identifier": "18125"}],
            "enabledUser": "true", "givenName": "BILLY", "familyName": "FLORES",
            "role": "student", "identifier": "17580", "email": "billy@x.us",
            "sms": "", "phone": "", "agents": [],
            "orgs": [{"href": "https://h/orgs/2", "sourcedId": "2", "type": "org"}],
            "grades": ["11"], "password": ""
        }))
        .unwrap()
        .into();
        assert_eq!(user.meta.sourced_id, "18125");
        assert_eq!(user.enabled_user.as_deref(), Some("true"));
        assert_eq!(user.orgs, ["2"]);
        assert_eq!(user.sms, None, "empty strings are blank");
        assert_eq!(user.user_ids[0].id_type, "FED");
        assert_eq!(user.grades, ["11"]);
    }

    #[test]
    fn reads_v1p2_users_and_boolean_or_string_scalars() {
        let user: OrUser = serde_json::from_value::<WireUser>(json!({
            "sourcedId": "usr-p-1", "status": "active", "enabledUser": true,
            "givenName": "Thomas", "familyName": "Jones", "preferredFirstName": "Tom",
            "roles": [{"roleType": "primary", "role": "parent",
                       "org": {"href": "h", "sourcedId": "sch-1", "type": "org"}}],
            "agents": [{"sourcedId": "usr-s-1"}, "usr-s-2"],
            "primaryOrg": {"sourcedId": "sch-1"}, "userProfiles": [], "grades": null
        }))
        .unwrap()
        .into();
        assert_eq!(user.enabled_user.as_deref(), Some("true"));
        assert_eq!(user.preferred_given_name.as_deref(), Some("Tom"));
        assert_eq!(user.roles[0].role, "parent");
        assert_eq!(user.roles[0].org.as_deref(), Some("sch-1"));
        assert!(user.roles[0].is_primary());
        assert_eq!(user.agents, ["usr-s-1", "usr-s-2"]);
        assert!(user.grades.is_empty());

        let e: OrEnrollment = serde_json::from_value::<WireEnrollment>(json!({
            "sourcedId": "e", "primary": false, "role": "teacher",
            "user": {"sourcedId": "u"}, "class": {"sourcedId": "c"}
        }))
        .unwrap()
        .into();
        assert_eq!(e.primary.as_deref(), Some("false"));
        assert_eq!(e.class.as_deref(), Some("c"));
        let c: OrClass = serde_json::from_value::<WireClass>(json!({
            "sourcedId": "k", "grades": "09,10", "terms": [{"sourcedId": "t1"}, {"sourcedId": "t2"}]
        }))
        .unwrap()
        .into();
        assert_eq!(c.grades, ["09", "10"]);
        assert_eq!(c.terms, ["t1", "t2"]);
    }

    #[test]
    fn wrong_shapes_fail() {
        assert!(
            serde_json::from_value::<WireUser>(json!({"sourcedId": "u", "agents": 5})).is_err()
        );
        assert!(serde_json::from_value::<WireUser>(json!({"sourcedId": {"a": 1}})).is_err());
    }
}
