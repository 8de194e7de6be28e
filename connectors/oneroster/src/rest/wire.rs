//! OneRoster JSON objects, read leniently in one pass from the page body ([`super::lenient`]),
//! and turned into [`crate::model`] objects.
//!
//! Providers disagree on types, so: scalar properties accept strings, numbers and booleans
//! (`"enabledUser": true` and `"enabledUser": "true"`, `"primary": "false"`); references accept
//! a GUIDRef object `{"href","sourcedId","type"}` or a bare id string; lists accept `null`;
//! `grades` also accepts a comma-separated string. Unknown properties are ignored. A property
//! of a type none of these readings fits (an object where text belongs, a number where a list
//! belongs) rejects the object: `into_model` names every such property.

pub(crate) use super::lenient::ShapeError;
use super::lenient::{List, Obj, Ref, Shape, Text, TextList, wire_object};
use crate::model::{ObjectMeta, OrClass, OrCourse, OrEnrollment, OrOrg, OrRole, OrSession, OrUser};
use crate::values::UserId;

/// A wire object with the properties every object has.
pub(crate) trait WireObject: super::lenient::FromMap {
    /// The model object, or the properties of the wrong type.
    type Model;

    /// `sourcedId`, when it is text.
    fn sourced_id(&self) -> Option<&str>;

    /// The model object, or what was wrong.
    fn into_model(self) -> Result<Self::Model, ShapeError>;
}

fn meta(shape: &mut Shape, sourced_id: Text, status: Text, modified: Text) -> ObjectMeta {
    ObjectMeta {
        sourced_id: shape.text("sourcedId", sourced_id).unwrap_or_default(),
        status: shape.text("status", status),
        date_last_modified: shape.text("dateLastModified", modified),
    }
}

wire_object! {
    /// An `org`.
    pub(crate) struct WireOrg {
        "sourcedId" => sourced_id: Text,
        "status" => status: Text,
        "dateLastModified" => date_last_modified: Text,
        "name" => name: Text,
        "type" => org_type: Text,
        "identifier" => identifier: Text,
        "parent" => parent: Ref,
    }
}

impl WireObject for WireOrg {
    type Model = OrOrg;

    fn sourced_id(&self) -> Option<&str> {
        self.sourced_id.as_str()
    }

    fn into_model(self) -> Result<OrOrg, ShapeError> {
        let mut s = Shape::default();
        let org = OrOrg {
            meta: meta(
                &mut s,
                self.sourced_id,
                self.status,
                self.date_last_modified,
            ),
            name: s.text("name", self.name),
            org_type: s.text("type", self.org_type),
            identifier: s.text("identifier", self.identifier),
            parent: s.reference("parent", self.parent),
        };
        s.finish(org, |o| &o.meta.sourced_id)
    }
}

wire_object! {
    /// An `academicSession`.
    pub(crate) struct WireSession {
        "sourcedId" => sourced_id: Text,
        "status" => status: Text,
        "dateLastModified" => date_last_modified: Text,
        "title" => title: Text,
        "type" => session_type: Text,
        "startDate" => start_date: Text,
        "endDate" => end_date: Text,
        "parent" => parent: Ref,
        "schoolYear" => school_year: Text,
    }
}

impl WireObject for WireSession {
    type Model = OrSession;

    fn sourced_id(&self) -> Option<&str> {
        self.sourced_id.as_str()
    }

    fn into_model(self) -> Result<OrSession, ShapeError> {
        let mut s = Shape::default();
        let session = OrSession {
            meta: meta(
                &mut s,
                self.sourced_id,
                self.status,
                self.date_last_modified,
            ),
            title: s.text("title", self.title),
            session_type: s.text("type", self.session_type),
            start_date: s.text("startDate", self.start_date),
            end_date: s.text("endDate", self.end_date),
            parent: s.reference("parent", self.parent),
            school_year: s.text("schoolYear", self.school_year),
        };
        s.finish(session, |o| &o.meta.sourced_id)
    }
}

wire_object! {
    /// A `course`.
    pub(crate) struct WireCourse {
        "sourcedId" => sourced_id: Text,
        "status" => status: Text,
        "dateLastModified" => date_last_modified: Text,
        "title" => title: Text,
        "courseCode" => course_code: Text,
        "org" => org: Ref,
        "schoolYear" => school_year: Ref,
        "grades" => grades: TextList,
        "subjects" => subjects: TextList,
    }
}

impl WireObject for WireCourse {
    type Model = OrCourse;

    fn sourced_id(&self) -> Option<&str> {
        self.sourced_id.as_str()
    }

    fn into_model(self) -> Result<OrCourse, ShapeError> {
        let mut s = Shape::default();
        let course = OrCourse {
            meta: meta(
                &mut s,
                self.sourced_id,
                self.status,
                self.date_last_modified,
            ),
            title: s.text("title", self.title),
            course_code: s.text("courseCode", self.course_code),
            org: s.reference("org", self.org),
            school_year: s.reference("schoolYear", self.school_year),
            grades: s.texts("grades", self.grades),
            subjects: s.texts("subjects", self.subjects),
        };
        s.finish(course, |o| &o.meta.sourced_id)
    }
}

wire_object! {
    /// A `class`.
    pub(crate) struct WireClass {
        "sourcedId" => sourced_id: Text,
        "status" => status: Text,
        "dateLastModified" => date_last_modified: Text,
        "title" => title: Text,
        "classCode" => class_code: Text,
        "classType" => class_type: Text,
        "location" => location: Text,
        "school" => school: Ref,
        "course" => course: Ref,
        "terms" => terms: List<Ref>,
        "grades" => grades: TextList,
        "subjects" => subjects: TextList,
        "periods" => periods: TextList,
    }
}

impl WireObject for WireClass {
    type Model = OrClass;

    fn sourced_id(&self) -> Option<&str> {
        self.sourced_id.as_str()
    }

    fn into_model(self) -> Result<OrClass, ShapeError> {
        let mut s = Shape::default();
        let class = OrClass {
            meta: meta(
                &mut s,
                self.sourced_id,
                self.status,
                self.date_last_modified,
            ),
            title: s.text("title", self.title),
            class_code: s.text("classCode", self.class_code),
            class_type: s.text("classType", self.class_type),
            location: s.text("location", self.location),
            school: s.reference("school", self.school),
            course: s.reference("course", self.course),
            terms: s.references("terms", self.terms),
            grades: s.texts("grades", self.grades),
            subjects: s.texts("subjects", self.subjects),
            periods: s.texts("periods", self.periods),
        };
        s.finish(class, |o| &o.meta.sourced_id)
    }
}

wire_object! {
    /// A `userIds` item.
    pub(crate) struct WireUserId {
        "type" => id_type: Text,
        "identifier" => identifier: Text,
    }
}

wire_object! {
    /// A 1.2 `roles[]` item.
    pub(crate) struct WireRole {
        "roleType" => role_type: Text,
        "role" => role: Text,
        "org" => org: Ref,
        "beginDate" => begin_date: Text,
        "endDate" => end_date: Text,
    }
}

wire_object! {
    /// A `user` (1.1 `role` + `orgs`, or 1.2 `roles`).
    pub(crate) struct WireUser {
        "sourcedId" => sourced_id: Text,
        "status" => status: Text,
        "dateLastModified" => date_last_modified: Text,
        "enabledUser" => enabled_user: Text,
        "username" => username: Text,
        "userIds" => user_ids: List<Obj<WireUserId>>,
        "givenName" => given_name: Text,
        "familyName" => family_name: Text,
        "middleName" => middle_name: Text,
        "preferredFirstName" | "preferredGivenName" => preferred_first_name: Text,
        "preferredMiddleName" => preferred_middle_name: Text,
        "preferredLastName" | "preferredFamilyName" => preferred_last_name: Text,
        "identifier" => identifier: Text,
        "email" => email: Text,
        "sms" => sms: Text,
        "phone" => phone: Text,
        "agents" => agents: List<Ref>,
        "grades" => grades: TextList,
        "role" => role: Text,
        "orgs" => orgs: List<Ref>,
        "roles" => roles: List<Obj<WireRole>>,
        "primaryOrg" => primary_org: Ref,
        "pronouns" => pronouns: Text,
    }
}

impl WireObject for WireUser {
    type Model = OrUser;

    fn sourced_id(&self) -> Option<&str> {
        self.sourced_id.as_str()
    }

    fn into_model(self) -> Result<OrUser, ShapeError> {
        let mut s = Shape::default();
        let user_ids = s
            .objects("userIds", self.user_ids)
            .into_iter()
            .filter_map(|id| {
                let id_type = s.text("userIds[].type", id.id_type).unwrap_or_default();
                let identifier = s.text("userIds[].identifier", id.identifier)?;
                Some(UserId {
                    id_type,
                    identifier,
                })
            })
            .collect();
        let roles = s
            .objects("roles", self.roles)
            .into_iter()
            .map(|r| OrRole {
                role_type: s.text("roles[].roleType", r.role_type),
                role: s.text("roles[].role", r.role).unwrap_or_default(),
                org: s.reference("roles[].org", r.org),
                begin_date: s.text("roles[].beginDate", r.begin_date),
                end_date: s.text("roles[].endDate", r.end_date),
            })
            .collect();
        let user = OrUser {
            meta: meta(
                &mut s,
                self.sourced_id,
                self.status,
                self.date_last_modified,
            ),
            enabled_user: s.text("enabledUser", self.enabled_user),
            username: s.text("username", self.username),
            user_ids,
            given_name: s.text("givenName", self.given_name),
            family_name: s.text("familyName", self.family_name),
            middle_name: s.text("middleName", self.middle_name),
            preferred_given_name: s.text("preferredFirstName", self.preferred_first_name),
            preferred_middle_name: s.text("preferredMiddleName", self.preferred_middle_name),
            preferred_family_name: s.text("preferredLastName", self.preferred_last_name),
            identifier: s.text("identifier", self.identifier),
            email: s.text("email", self.email),
            sms: s.text("sms", self.sms),
            phone: s.text("phone", self.phone),
            agents: s.references("agents", self.agents),
            grades: s.texts("grades", self.grades),
            role: s.text("role", self.role),
            orgs: s.references("orgs", self.orgs),
            roles,
            primary_org: s.reference("primaryOrg", self.primary_org),
            pronouns: s.text("pronouns", self.pronouns),
        };
        s.finish(user, |o| &o.meta.sourced_id)
    }
}

wire_object! {
    /// An `enrollment`.
    pub(crate) struct WireEnrollment {
        "sourcedId" => sourced_id: Text,
        "status" => status: Text,
        "dateLastModified" => date_last_modified: Text,
        "class" => class: Ref,
        "school" => school: Ref,
        "user" => user: Ref,
        "role" => role: Text,
        "primary" => primary: Text,
        "beginDate" => begin_date: Text,
        "endDate" => end_date: Text,
    }
}

impl WireObject for WireEnrollment {
    type Model = OrEnrollment;

    fn sourced_id(&self) -> Option<&str> {
        self.sourced_id.as_str()
    }

    fn into_model(self) -> Result<OrEnrollment, ShapeError> {
        let mut s = Shape::default();
        let enrollment = OrEnrollment {
            meta: meta(
                &mut s,
                self.sourced_id,
                self.status,
                self.date_last_modified,
            ),
            class: s.reference("class", self.class),
            school: s.reference("school", self.school),
            user: s.reference("user", self.user),
            role: s.text("role", self.role),
            primary: s.text("primary", self.primary),
            begin_date: s.text("beginDate", self.begin_date),
            end_date: s.text("endDate", self.end_date),
        };
        s.finish(enrollment, |o| &o.meta.sourced_id)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read<W: WireObject>(value: &serde_json::Value) -> Result<W::Model, ShapeError> {
        match serde_json::from_str::<Obj<W>>(&value.to_string()).unwrap() {
            Obj::Ok(wire) => wire.into_model(),
            Obj::Wrong(kind) => panic!("not an object: {kind}"),
        }
    }

    #[test]
    fn reads_classlink_style_users() {
        let user = read::<WireUser>(&json!({
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
        .unwrap();
        assert_eq!(user.meta.sourced_id, "18125");
        assert_eq!(user.enabled_user.as_deref(), Some("true"));
        assert_eq!(user.orgs, ["2"]);
        assert_eq!(user.sms, None, "empty strings are blank");
        assert_eq!(user.user_ids[0].id_type, "FED");
        assert_eq!(user.grades, ["11"]);
    }

    #[test]
    fn reads_v1p2_users_and_boolean_or_string_scalars() {
        let user = read::<WireUser>(&json!({
            "sourcedId": "usr-p-1", "status": "active", "enabledUser": true,
            "givenName": "Thomas", "familyName": "Jones", "preferredFirstName": "Tom",
            "roles": [{"roleType": "primary", "role": "parent",
                       "org": {"href": "h", "sourcedId": "sch-1", "type": "org"}}],
            "agents": [{"sourcedId": "usr-s-1"}, "usr-s-2"],
            "primaryOrg": {"sourcedId": "sch-1"}, "userProfiles": [], "grades": null
        }))
        .unwrap();
        assert_eq!(user.enabled_user.as_deref(), Some("true"));
        assert_eq!(user.preferred_given_name.as_deref(), Some("Tom"));
        assert_eq!(user.roles[0].role, "parent");
        assert_eq!(user.roles[0].org.as_deref(), Some("sch-1"));
        assert!(user.roles[0].is_primary());
        assert_eq!(user.agents, ["usr-s-1", "usr-s-2"]);
        assert!(user.grades.is_empty());

        let e = read::<WireEnrollment>(&json!({
            "sourcedId": "e", "primary": false, "role": "teacher",
            "user": {"sourcedId": "u"}, "class": {"sourcedId": "c"}
        }))
        .unwrap();
        assert_eq!(e.primary.as_deref(), Some("false"));
        assert_eq!(e.class.as_deref(), Some("c"));
        let c = read::<WireClass>(&json!({
            "sourcedId": "k", "grades": "09,10", "terms": [{"sourcedId": "t1"}, {"sourcedId": "t2"}]
        }))
        .unwrap();
        assert_eq!(c.grades, ["09", "10"]);
        assert_eq!(c.terms, ["t1", "t2"]);
    }

    #[test]
    fn wrong_shapes_are_named() {
        let e = read::<WireUser>(&json!({"sourcedId": "u", "agents": 5})).unwrap_err();
        assert_eq!((e.id.as_deref(), e.field.as_str()), (Some("u"), "agents"));
        assert_eq!(
            e.sentence,
            "`agents` is a number where a list of references belongs"
        );
        let e = read::<WireUser>(&json!({"sourcedId": {"a": 1}})).unwrap_err();
        assert_eq!((e.id, e.field.as_str()), (None, "sourcedId"));
        assert_eq!(e.sentence, "`sourcedId` is an object where text belongs");
        let e =
            read::<WireUser>(&json!({"sourcedId": "u", "userIds": ["x"], "roles": [{"role": []}]}))
                .unwrap_err();
        assert_eq!(e.field, "userIds[0]");
        assert_eq!(
            e.sentence,
            "`userIds[0]` is a string where an object belongs; `roles[].role` is a list where text belongs"
        );
    }
}
