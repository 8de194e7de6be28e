//! One Clever event → the records it means.
//!
//! | event | records |
//! | --- | --- |
//! | `districts.*`, `schools.*` created/updated | the org |
//! | `terms.*`, `courses.*` created/updated | the term / course |
//! | `sections.created/updated` | the class and its enrollments; for an update, `Deleted` enrollments for users `previous_attributes` listed and the section no longer does |
//! | `users.created/updated` | the person (all roles); a contact's relationships; for an update, `Deleted` relationships for students `previous_attributes.roles` listed and the contact no longer does |
//! | `*.deleted` | `Deleted` for the object, and for a section its enrollments, for a contact its relationships |
//! | anything else (`resources.*`) | nothing |

use homeroom_connector_core::{ConnectorError, Deleted, EntityKind, Record, Relationship};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::mapping::{
    cut, map_course, map_district, map_relationships, map_school, map_section, map_term, map_user,
    section_enrollments,
};
use crate::wire::{
    WireCourse, WireDistrict, WireEvent, WireSchool, WireSection, WireTerm, WireUser,
};

/// What one event means.
#[derive(Debug, Default)]
pub(crate) struct EventEffect {
    /// Records to create or update (any order; the caller sorts them into stages).
    pub upserts: Vec<Record>,
    /// Explicit deletions.
    pub deletes: Vec<Deleted>,
}

fn object<T: DeserializeOwned>(event: &WireEvent, value: &Value) -> Result<T, ConnectorError> {
    serde_json::from_value(value.clone()).map_err(|e| {
        ConnectorError::malformed(
            format!("Clever event {} ({})", cut(&event.id), cut(&event.kind)),
            format!("the object does not fit: {}", cut_long(&e.to_string())),
        )
    })
}

/// A parser complaint, which quotes the value it rejected, cut to 300 characters.
fn cut_long(text: &str) -> String {
    match text.char_indices().nth(300) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The object with `previous_attributes` laid over it: the object as it was before an update.
fn before(event: &WireEvent) -> Option<Value> {
    let previous = event.data.previous_attributes.as_ref()?.as_object()?;
    let mut old = event.data.object.clone();
    let fields = old.as_object_mut()?;
    for (k, v) in previous {
        fields.insert(k.clone(), v.clone());
    }
    Some(old)
}

/// Maps one event.
pub(crate) fn map_event(event: &WireEvent) -> Result<EventEffect, ConnectorError> {
    let mut effect = EventEffect::default();
    let Some((collection, action)) = event.kind.split_once('.') else {
        return Ok(effect);
    };
    let obj = &event.data.object;
    let deleted = action == "deleted";
    if !matches!(action, "created" | "updated" | "deleted") {
        return Ok(effect);
    }
    match collection {
        "districts" => {
            let d: WireDistrict = object(event, obj)?;
            if deleted {
                effect.deletes.push(Deleted::new(EntityKind::Org, d.id));
            } else {
                effect.upserts.push(map_district(&d).into());
            }
        }
        "schools" => {
            let s: WireSchool = object(event, obj)?;
            if deleted {
                effect.deletes.push(Deleted::new(EntityKind::Org, s.id));
            } else {
                effect.upserts.push(map_school(&s).into());
            }
        }
        "terms" => {
            let t: WireTerm = object(event, obj)?;
            if deleted {
                effect.deletes.push(Deleted::new(EntityKind::Term, t.id));
            } else {
                effect.upserts.push(map_term(&t).into());
            }
        }
        "courses" => {
            let c: WireCourse = object(event, obj)?;
            if deleted {
                effect.deletes.push(Deleted::new(EntityKind::Course, c.id));
            } else {
                effect.upserts.push(map_course(&c).into());
            }
        }
        "sections" => {
            let s: WireSection = object(event, obj)?;
            let now = section_enrollments(&s);
            if deleted {
                effect.deletes.extend(
                    now.iter()
                        .map(|e| Deleted::new(EntityKind::Enrollment, e.external_id.clone())),
                );
                effect.deletes.push(Deleted::new(EntityKind::Class, s.id));
                return Ok(effect);
            }
            if let Some(old) = before(event) {
                let old: WireSection = object(event, &old)?;
                for e in section_enrollments(&old) {
                    if !now.iter().any(|n| n.external_id == e.external_id) {
                        effect
                            .deletes
                            .push(Deleted::new(EntityKind::Enrollment, e.external_id));
                    }
                }
            }
            if let Some(class) = map_section(&s) {
                effect.upserts.push(class.into());
                effect.upserts.extend(now.into_iter().map(Record::from));
            }
        }
        "users" => {
            let u: WireUser = object(event, obj)?;
            let links: Vec<Relationship> = u
                .roles
                .contact
                .as_ref()
                .map(|c| map_relationships(&u.id, c))
                .unwrap_or_default();
            if deleted {
                effect.deletes.extend(
                    links
                        .iter()
                        .map(|r| Deleted::new(EntityKind::Relationship, r.external_id())),
                );
                effect.deletes.push(Deleted::new(EntityKind::Person, u.id));
                return Ok(effect);
            }
            if let Some(old) = before(event) {
                let old: WireUser = object(event, &old)?;
                if let Some(contact) = &old.roles.contact {
                    for r in map_relationships(&old.id, contact) {
                        if !links.iter().any(|n| n.external_id() == r.external_id()) {
                            effect
                                .deletes
                                .push(Deleted::new(EntityKind::Relationship, r.external_id()));
                        }
                    }
                }
            }
            effect.upserts.push(map_user(&u).into());
            effect.upserts.extend(links.into_iter().map(Record::from));
        }
        _ => {}
    }
    Ok(effect)
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::RelationshipKind;
    use serde_json::json;

    use super::*;

    fn event(v: Value) -> WireEvent {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn section_update_ends_dropped_enrollments() {
        let e = event(json!({"id": "e1", "type": "sections.updated", "data": {
            "object": {"id": "s1", "school": "x", "students": ["a", "c"], "teacher": "t", "teachers": ["t"]},
            "previous_attributes": {"students": ["a", "b"]}
        }}));
        let effect = map_event(&e).unwrap();
        assert_eq!(effect.upserts.len(), 4);
        assert_eq!(
            effect.deletes,
            [Deleted::new(EntityKind::Enrollment, "s1|b|student")]
        );
    }

    #[test]
    fn contact_update_and_delete() {
        let contact = |students: &[&str]| {
            json!({"contact": {"student_relationships": students.iter()
                .map(|s| json!({"student": s, "relationship": "Parent", "type": "Parent/Guardian"}))
                .collect::<Vec<_>>()}})
        };
        let e = event(json!({"id": "e2", "type": "users.updated", "data": {
            "object": {"id": "c1", "name": {"last": "Mo Lee"}, "roles": contact(&["s2"])},
            "previous_attributes": {"roles": contact(&["s1", "s2"])}
        }}));
        let effect = map_event(&e).unwrap();
        assert_eq!(
            effect.deletes,
            [Deleted::new(EntityKind::Relationship, "c1|s1")]
        );
        match &effect.upserts[1] {
            Record::Relationship(r) => assert_eq!(r.kind, RelationshipKind::Parent),
            other => panic!("{other:?}"),
        }
        let e = event(json!({"id": "e3", "type": "users.deleted", "data": {
            "object": {"id": "c1", "roles": contact(&["s2"])}}}));
        let effect = map_event(&e).unwrap();
        assert!(effect.upserts.is_empty());
        assert_eq!(
            effect.deletes,
            [
                Deleted::new(EntityKind::Relationship, "c1|s2"),
                Deleted::new(EntityKind::Person, "c1")
            ]
        );
        let bad =
            event(json!({"id": "e4", "type": "users.created", "data": {"object": {"name": 3}}}));
        assert!(matches!(
            map_event(&bad),
            Err(ConnectorError::Malformed { .. })
        ));
        let other = event(json!({"id": "e5", "type": "resources.created", "data": {"object": {}}}));
        assert!(map_event(&other).unwrap().upserts.is_empty());
    }
}
