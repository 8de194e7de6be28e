//! Users → people.

use homeroom_connector_core::{ContactPoint, Person, RelationshipKind, Role};

use super::roles::resolve_roles;
use super::{Field, MapContext, Problem, map_status};
use crate::model::OrUser;
use crate::values::parse_bool;

/// `userIds` types read as the state id (compared case-insensitively).
const STATE_ID_TYPES: &[&str] = &[
    "state",
    "stateid",
    "state_id",
    "ssid",
    "sasid",
    "statestudentid",
];

/// A person and what the relationship pass needs to know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MappedPerson {
    /// The canonical person.
    pub person: Person,
    /// The kind of its parent/guardian/relative role, if it has one: its agents are then its
    /// students (see [`super::relationships`]).
    pub guardian_kind: Option<RelationshipKind>,
}

/// Maps a user:
///
/// * roles per [`super::roles`] (a user without a usable role is rejected);
/// * `enabledUser` in any case, blank = enabled (an unreadable value rejects);
/// * `email` → a primary e-mail, `phone` → a primary phone, `sms` → another phone (unless it
///   repeats `phone`);
/// * students only: the first of `grades` → grade, `identifier` → student number;
/// * a `userIds` entry of type `state`/`stateId`/`SSID`/… → state id;
/// * 1.2 preferred given/family names.
pub(crate) fn map_person(
    user: &OrUser,
    ctx: &MapContext<'_>,
    warnings: &mut Vec<Problem>,
) -> Result<MappedPerson, Problem> {
    let status = map_status(&user.meta, ctx, warnings)?;
    let enabled = parse_bool(user.enabled_user.as_deref())
        .map_err(|m| Problem::invalid(Field::EnabledUser, m))?
        .unwrap_or(true);
    let roles = resolve_roles(user, ctx, warnings)?;

    let mut person = Person::new(
        user.meta.sourced_id.clone(),
        user.given_name.clone().unwrap_or_default(),
        user.family_name.clone().unwrap_or_default(),
    );
    person.status = status;
    person.enabled = enabled;
    person.middle_name = user.middle_name.clone();
    person.preferred_given_name = user.preferred_given_name.clone();
    person.preferred_family_name = user.preferred_family_name.clone();
    person.roles = roles.assignments;
    if let Some(email) = &user.email {
        person
            .contact_points
            .push(ContactPoint::email(email.clone()).primary());
    }
    if let Some(phone) = &user.phone {
        person
            .contact_points
            .push(ContactPoint::phone(phone.clone()).primary());
    }
    if let Some(sms) = &user.sms
        && user.phone.as_ref() != Some(sms)
    {
        person.contact_points.push(ContactPoint::phone(sms.clone()));
    }
    if person.has_role(Role::Student) {
        person.grade = user.grades.first().cloned();
        person.student_number = user.identifier.clone();
    }
    person.state_id = user
        .user_ids
        .iter()
        .find(|id| {
            STATE_ID_TYPES
                .iter()
                .any(|t| id.id_type.eq_ignore_ascii_case(t))
        })
        .map(|id| id.identifier.clone());
    Ok(MappedPerson {
        person,
        guardian_kind: roles.guardian_kind,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use homeroom_connector_core::{ContactPoint, RecordStatus, Role, RoleAssignment};

    use super::*;
    use crate::model::ObjectMeta;
    use crate::report::IssueCode;
    use crate::values::UserId;

    fn student() -> OrUser {
        OrUser {
            meta: ObjectMeta {
                sourced_id: "s-1".into(),
                status: Some("tobedeleted".into()),
                date_last_modified: Some("1/05/2023".into()),
            },
            enabled_user: Some("FALSE".into()),
            given_name: Some("Mary".into()),
            family_name: Some("Jones".into()),
            preferred_given_name: Some("MJ".into()),
            identifier: Some("100234".into()),
            email: Some("mary@school.org".into()),
            phone: Some("6031234567".into()),
            sms: Some("6031234567".into()),
            grades: vec!["09".into(), "10".into()],
            role: Some("student".into()),
            orgs: vec!["sch-1".into()],
            user_ids: vec![UserId {
                id_type: "SSID".into(),
                identifier: "CA-1".into(),
            }],
            ..OrUser::default()
        }
    }

    #[test]
    fn maps_a_student() {
        let districts = HashSet::new();
        let ctx = MapContext {
            blank_status_is_active: true,
            districts: &districts,
        };
        let mut warnings = Vec::new();
        let mapped = map_person(&student(), &ctx, &mut warnings).unwrap();
        let p = mapped.person;
        assert_eq!(p.status, RecordStatus::ToBeDeleted);
        assert!(!p.enabled);
        assert_eq!(p.roles, [RoleAssignment::new(Role::Student, "sch-1")]);
        assert_eq!(
            p.contact_points,
            [
                ContactPoint::email("mary@school.org").primary(),
                ContactPoint::phone("6031234567").primary()
            ]
        );
        assert_eq!(p.grade.as_deref(), Some("09"));
        assert_eq!(p.student_number.as_deref(), Some("100234"));
        assert_eq!(p.state_id.as_deref(), Some("CA-1"));
        assert_eq!(p.preferred_given_name.as_deref(), Some("MJ"));
        assert_eq!(mapped.guardian_kind, None);
        assert_eq!(warnings.len(), 1, "the bad dateLastModified is a warning");
        assert_eq!(warnings[0].field, Field::DateLastModified);
    }

    #[test]
    fn teachers_get_no_student_fields_and_bad_booleans_reject() {
        let districts = HashSet::new();
        let ctx = MapContext {
            blank_status_is_active: true,
            districts: &districts,
        };
        let mut teacher = student();
        teacher.role = Some("teacher".into());
        teacher.sms = Some("6035550000".into());
        let p = map_person(&teacher, &ctx, &mut Vec::new()).unwrap().person;
        assert_eq!(p.grade, None);
        assert_eq!(p.student_number, None);
        assert_eq!(p.contact_points.len(), 3);
        assert!(!p.contact_points[2].primary);

        teacher.enabled_user = Some("sometimes".into());
        let err = map_person(&teacher, &ctx, &mut Vec::new()).unwrap_err();
        assert_eq!(
            (err.field, err.code),
            (Field::EnabledUser, IssueCode::InvalidValue)
        );
    }
}
