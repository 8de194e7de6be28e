//! OneRoster objects → the JSON a provider would send, per version.

use chrono::{DateTime, Utc};
use homeroom_connector_core::Url;
use serde_json::{Map, Value, json};

use super::dataset::FakeDataset;
use crate::model::{ObjectMeta, OrClass, OrCourse, OrEnrollment, OrOrg, OrRole, OrSession, OrUser};
use crate::values::{parse_bool, parse_timestamp};
use crate::version::OneRosterVersion;

/// One object ready to serve, with what the collections and filters select on.
#[derive(Clone, Debug)]
pub(crate) struct FakeObject {
    /// `sourcedId`.
    pub id: String,
    /// The JSON object, serialized once (pages are put together from these texts).
    pub json: Box<str>,
    /// `dateLastModified`, parsed.
    pub modified: Option<DateTime<Utc>>,
    /// Org type / session type (lower case), for `/schools`, `/terms`, `/gradingPeriods`.
    pub subtype: Option<String>,
    /// User roles (lower case), for `/students` and `/teachers`.
    pub roles: Vec<String>,
}

/// Every collection of a dataset, rendered for `api_base`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered {
    pub orgs: Vec<FakeObject>,
    pub sessions: Vec<FakeObject>,
    pub courses: Vec<FakeObject>,
    pub classes: Vec<FakeObject>,
    pub users: Vec<FakeObject>,
    pub enrollments: Vec<FakeObject>,
}

impl Rendered {
    pub(crate) fn new(data: &FakeDataset, api_base: &Url) -> Self {
        let r = Renderer {
            base: api_base.as_str().trim_end_matches('/').to_owned(),
            version: data.version(),
        };
        Self {
            orgs: data.orgs.iter().map(|o| r.org(o)).collect(),
            sessions: data.sessions.iter().map(|s| r.session(s)).collect(),
            courses: data.courses.iter().map(|c| r.course(c)).collect(),
            classes: data.classes.iter().map(|c| r.class(c)).collect(),
            users: data.users.iter().map(|u| r.user(u)).collect(),
            enrollments: data.enrollments.iter().map(|e| r.enrollment(e)).collect(),
        }
    }
}

struct Renderer {
    base: String,
    version: OneRosterVersion,
}

fn text(value: &Option<String>) -> Value {
    value
        .as_ref()
        .map_or(Value::Null, |v| Value::String(v.clone()))
}

fn strings(values: &[String]) -> Value {
    Value::Array(values.iter().cloned().map(Value::String).collect())
}

/// A boolean as the string `"true"`/`"false"` (unreadable values are passed through).
fn bool_text(value: &Option<String>, default: bool) -> Value {
    match parse_bool(value.as_deref()) {
        Ok(b) => Value::String(b.unwrap_or(default).to_string()),
        Err(_) => text(value),
    }
}

impl Renderer {
    fn guid(&self, collection: &str, kind: &str, id: &str) -> Value {
        json!({"href": format!("{}/{collection}/{id}", self.base), "sourcedId": id, "type": kind})
    }

    fn guid_opt(&self, collection: &str, kind: &str, id: &Option<String>) -> Value {
        id.as_ref()
            .map_or(Value::Null, |id| self.guid(collection, kind, id))
    }

    fn guids(&self, collection: &str, kind: &str, ids: &[String]) -> Value {
        Value::Array(
            ids.iter()
                .map(|id| self.guid(collection, kind, id))
                .collect(),
        )
    }

    fn object(&self, meta: &ObjectMeta, fields: Value) -> (Value, Option<DateTime<Utc>>) {
        let mut map = Map::new();
        map.insert("sourcedId".into(), Value::String(meta.sourced_id.clone()));
        map.insert(
            "status".into(),
            Value::String(meta.status.clone().unwrap_or_else(|| "active".to_owned())),
        );
        if let Some(modified) = &meta.date_last_modified {
            map.insert("dateLastModified".into(), Value::String(modified.clone()));
        }
        if let Value::Object(fields) = fields {
            for (k, v) in fields {
                if !v.is_null() {
                    map.insert(k, v);
                }
            }
        }
        let modified = meta
            .date_last_modified
            .as_deref()
            .and_then(|m| parse_timestamp(m).ok());
        (Value::Object(map), modified)
    }

    fn finish(
        &self,
        meta: &ObjectMeta,
        fields: Value,
        subtype: Option<&String>,
        roles: Vec<String>,
    ) -> FakeObject {
        let (json, modified) = self.object(meta, fields);
        FakeObject {
            id: meta.sourced_id.clone(),
            json: json.to_string().into_boxed_str(),
            modified,
            subtype: subtype.map(|s| s.to_ascii_lowercase()),
            roles,
        }
    }

    fn org(&self, o: &OrOrg) -> FakeObject {
        let fields = json!({
            "name": text(&o.name), "type": text(&o.org_type), "identifier": text(&o.identifier),
            "parent": self.guid_opt("orgs", "org", &o.parent), "children": [],
        });
        self.finish(&o.meta, fields, o.org_type.as_ref(), Vec::new())
    }

    fn session(&self, s: &OrSession) -> FakeObject {
        let fields = json!({
            "title": text(&s.title), "type": text(&s.session_type),
            "startDate": text(&s.start_date), "endDate": text(&s.end_date),
            "parent": self.guid_opt("academicSessions", "academicSession", &s.parent),
            "schoolYear": text(&s.school_year),
        });
        self.finish(&s.meta, fields, s.session_type.as_ref(), Vec::new())
    }

    fn course(&self, c: &OrCourse) -> FakeObject {
        let fields = json!({
            "title": text(&c.title), "courseCode": text(&c.course_code),
            "grades": strings(&c.grades), "subjects": strings(&c.subjects),
            "org": self.guid_opt("orgs", "org", &c.org),
            "schoolYear": self.guid_opt("academicSessions", "academicSession", &c.school_year),
        });
        self.finish(&c.meta, fields, None, Vec::new())
    }

    fn class(&self, c: &OrClass) -> FakeObject {
        let fields = json!({
            "title": text(&c.title), "classCode": text(&c.class_code),
            "classType": text(&c.class_type), "location": text(&c.location),
            "grades": strings(&c.grades), "subjects": strings(&c.subjects),
            "periods": strings(&c.periods),
            "course": self.guid_opt("courses", "course", &c.course),
            "school": self.guid_opt("orgs", "org", &c.school),
            "terms": self.guids("academicSessions", "academicSession", &c.terms),
        });
        self.finish(&c.meta, fields, None, Vec::new())
    }

    /// 1.2 roles of a user: its own, or `role` held in each of its `orgs`.
    fn roles_of(u: &OrUser) -> Vec<OrRole> {
        if !u.roles.is_empty() {
            return u.roles.clone();
        }
        let Some(role) = &u.role else {
            return Vec::new();
        };
        let orgs: Vec<Option<String>> = if u.orgs.is_empty() {
            vec![None]
        } else {
            u.orgs.iter().cloned().map(Some).collect()
        };
        orgs.into_iter()
            .map(|org| OrRole {
                role_type: Some("primary".to_owned()),
                role: role.clone(),
                org,
                ..OrRole::default()
            })
            .collect()
    }

    fn user(&self, u: &OrUser) -> FakeObject {
        let roles = Self::roles_of(u);
        let role_names: Vec<String> = roles.iter().map(|r| r.role.to_ascii_lowercase()).collect();
        let user_ids: Vec<Value> = u
            .user_ids
            .iter()
            .map(|id| json!({"type": id.id_type, "identifier": id.identifier}))
            .collect();
        let mut fields = json!({
            "username": text(&u.username), "userIds": user_ids,
            "enabledUser": bool_text(&u.enabled_user, true),
            "givenName": text(&u.given_name), "familyName": text(&u.family_name),
            "middleName": text(&u.middle_name), "identifier": text(&u.identifier),
            "email": text(&u.email), "sms": text(&u.sms), "phone": text(&u.phone),
            "agents": self.guids("users", "user", &u.agents),
            "grades": strings(&u.grades), "password": "",
        });
        match self.version {
            OneRosterVersion::V1p1 => {
                let role = u.role.clone().or_else(|| {
                    roles
                        .iter()
                        .find(|r| r.is_primary())
                        .or(roles.first())
                        .map(|r| r.role.clone())
                });
                let orgs: Vec<String> = if u.orgs.is_empty() {
                    roles.iter().filter_map(|r| r.org.clone()).collect()
                } else {
                    u.orgs.clone()
                };
                fields["role"] = text(&role);
                fields["orgs"] = self.guids("orgs", "org", &orgs);
            }
            OneRosterVersion::V1p2 => {
                let items: Vec<Value> = roles
                    .iter()
                    .map(|r| {
                        json!({
                            "roleType": r.role_type.clone().unwrap_or_else(|| "primary".to_owned()),
                            "role": r.role,
                            "org": self.guid_opt("orgs", "org", &r.org),
                            "beginDate": text(&r.begin_date), "endDate": text(&r.end_date),
                        })
                    })
                    .collect();
                let primary_org = u
                    .primary_org
                    .clone()
                    .or_else(|| roles.iter().find_map(|r| r.org.clone()));
                fields["roles"] = Value::Array(items);
                fields["primaryOrg"] = self.guid_opt("orgs", "org", &primary_org);
                fields["preferredFirstName"] = text(&u.preferred_given_name);
                fields["preferredMiddleName"] = text(&u.preferred_middle_name);
                fields["preferredLastName"] = text(&u.preferred_family_name);
                fields["pronouns"] = text(&u.pronouns);
                fields["userProfiles"] = json!([]);
            }
        }
        self.finish(&u.meta, fields, None, role_names)
    }

    fn enrollment(&self, e: &OrEnrollment) -> FakeObject {
        let primary = match self.version {
            OneRosterVersion::V1p1 => bool_text(&e.primary, false),
            OneRosterVersion::V1p2 => match parse_bool(e.primary.as_deref()) {
                Ok(b) => Value::Bool(b.unwrap_or(false)),
                Err(_) => text(&e.primary),
            },
        };
        let fields = json!({
            "user": self.guid_opt("users", "user", &e.user),
            "class": self.guid_opt("classes", "class", &e.class),
            "school": self.guid_opt("orgs", "org", &e.school),
            "role": text(&e.role), "primary": primary,
            "beginDate": text(&e.begin_date), "endDate": text(&e.end_date),
        });
        self.finish(&e.meta, fields, None, Vec::new())
    }
}
