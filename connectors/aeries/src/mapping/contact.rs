//! Contact rows: one adult listed on one student's contacts.

use homeroom_connector_core::{ContactPoint, Person, Relationship, Role, RoleAssignment};

use crate::codes::RelationshipCodes;
use crate::ids;
use crate::values::non_blank;
use crate::wire;

/// Sorts contact rows by student and sequence number and gives each row its adult's id:
/// [`ids::contact`] of the row's student's `FamilyKey` (`family_key`) and name, with `|n`
/// added for the n-th row (n > 1) of one student naming the same adult (two different adults
/// of one family sharing a full name, listed in the same order under each sibling).
pub(crate) fn contact_ids<'k>(
    rows: &mut [wire::Contact],
    family_key: impl Fn(&str) -> &'k str,
) -> Vec<String> {
    let seq = |c: &wire::Contact| c.sequence_number.parse::<u64>().unwrap_or(u64::MAX);
    rows.sort_by(|a, b| {
        (a.student_id.as_str(), seq(a), a.sequence_number.as_str()).cmp(&(
            b.student_id.as_str(),
            seq(b),
            b.sequence_number.as_str(),
        ))
    });
    let mut out = Vec::with_capacity(rows.len());
    let mut counts: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut student = "";
    for c in rows.iter() {
        if c.student_id != student {
            counts.clear();
            student = &c.student_id;
        }
        let base = ids::contact(
            family_key(&c.student_id),
            &c.student_id,
            &c.sequence_number,
            [&c.first_name, &c.middle_name, &c.last_name],
        );
        let n = counts.entry(base.clone()).or_default();
        *n += 1;
        out.push(if *n > 1 { format!("{base}|{n}") } else { base });
    }
    out
}

/// What one contact row becomes.
#[derive(Debug)]
pub(crate) struct ContactRecords {
    /// The adult (the same id for the same adult listed under siblings).
    pub person: Person,
    /// The adult's link to the row's student.
    pub relationship: Relationship,
    /// The relationship code when the code table and configuration do not know it.
    pub unknown_code: Option<String>,
}

/// Maps a contact row whose adult's id is `id` (see [`contact_ids`]).
/// `LivesWithStudentIndicator` is kept on the relationship.
pub(crate) fn map_contact(
    c: &wire::Contact,
    id: String,
    codes: &RelationshipCodes,
) -> Result<ContactRecords, String> {
    if c.student_id.is_empty() || c.student_id == "0" {
        return Err("the contact row has no StudentID".into());
    }
    if c.first_name.is_empty() && c.last_name.is_empty() {
        return Err("the contact row has no name".into());
    }
    let mut person = Person::new(&id, &c.first_name, &c.last_name);
    person.middle_name = non_blank(&c.middle_name);
    person
        .roles
        .push(RoleAssignment::without_org(Role::Guardian));
    if let Some(email) = non_blank(&c.email_address) {
        person
            .contact_points
            .push(ContactPoint::email(email).primary());
    }
    let mut first_phone = true;
    for phone in [&c.cell_phone, &c.home_phone, &c.work_phone] {
        if let Some(phone) = non_blank(phone) {
            let point = ContactPoint::phone(phone);
            person
                .contact_points
                .push(if first_phone { point.primary() } else { point });
            first_phone = false;
        }
    }
    let (kind, known) = codes.decode(&c.relationship_to_student_code);
    let mut relationship = Relationship::new(id, ids::student(&c.student_id), kind);
    relationship.lives_with_student = c.lives_with_student_indicator;
    Ok(ContactRecords {
        person,
        relationship,
        unknown_code: (!known).then(|| c.relationship_to_student_code.clone()),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use homeroom_connector_core::RelationshipKind;

    use super::*;

    #[test]
    fn siblings_share_the_adult_and_keep_lives_with() {
        let codes = RelationshipCodes::new(
            &[wire::Code {
                code: "10".into(),
                description: "Mother".into(),
                ..wire::Code::default()
            }],
            &BTreeMap::new(),
        );
        let row = |student: &str, seq: &str| wire::Contact {
            student_id: student.into(),
            sequence_number: seq.into(),
            relationship_to_student_code: "10".into(),
            first_name: "Anne".into(),
            last_name: "Abbott".into(),
            email_address: "anne@example.com".into(),
            cell_phone: "7775550001".into(),
            home_phone: "7775559448".into(),
            lives_with_student_indicator: Some(true),
            ..wire::Contact::default()
        };
        let id = |rows: &mut [wire::Contact]| contact_ids(rows, |_| "1234");
        let mut first = [row("1", "1"), row("2", "2")];
        let first_ids = id(&mut first);
        assert_eq!(
            first_ids[0], first_ids[1],
            "the same adult under two siblings"
        );
        let a = map_contact(&first[0], first_ids[0].clone(), &codes).unwrap();
        let b = map_contact(&first[1], first_ids[1].clone(), &codes).unwrap();
        assert_eq!(a.person, b.person);
        assert_eq!(a.relationship.kind, RelationshipKind::Parent);
        assert_eq!(a.relationship.lives_with_student, Some(true));
        assert_eq!(b.relationship.student_external_id, "student|2");
        assert_eq!(a.person.contact_points.len(), 3);
        assert!(a.unknown_code.is_none());
        let mut odd = row("1", "3");
        odd.relationship_to_student_code = "77".into();
        let c = map_contact(&odd, a.person.external_id.clone(), &codes).unwrap();
        assert_eq!(c.relationship.kind, RelationshipKind::Other);
        assert_eq!(c.unknown_code.as_deref(), Some("77"));
        let mut twins = [row("1", "4"), row("1", "3")];
        let twin_ids = id(&mut twins);
        assert_eq!(twin_ids[1], format!("{}|2", twin_ids[0]));
        let twin = map_contact(&twins[1], twin_ids[1].clone(), &codes).unwrap();
        assert_ne!(twin.person.external_id, a.person.external_id);
    }
}
