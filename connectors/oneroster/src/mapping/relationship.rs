//! Agents → guardian–student relationships.
//!
//! OneRoster links parents and students through `agents` on both sides, with no relationship
//! type of its own. Homeroom reads them like this, without checking here what the agent really
//! is (the sync engine checks the agents' roles and raises alerts, e.g. for a teacher listed as
//! a student's agent):
//!
//! * on a user holding a parent/guardian/relative role, each agent is one of its **students**;
//!   the kind comes from that role;
//! * on any other user (typically a student), each agent is a **guardian**, of kind guardian,
//!   marked `kind_inferred`.
//!
//! When both sides list each other the same relationship comes twice, once inferred; the sync
//! engine lets the guardian's own record decide the kind.

use homeroom_connector_core::{RecordStatus, Relationship, RelationshipKind};

use super::{Field, Problem};
use crate::model::OrUser;
use crate::report::IssueCode;

/// The relationships a user's agents express (see the module docs). A user listing itself is a
/// warning; duplicate agents are dropped.
pub(crate) fn relationships(
    user: &OrUser,
    guardian_kind: Option<RelationshipKind>,
    status: RecordStatus,
    warnings: &mut Vec<Problem>,
) -> Vec<Relationship> {
    let me = user.meta.sourced_id.as_str();
    if user.agents.iter().any(|a| a == me) {
        warnings.push(Problem::new(
            Field::Agents,
            IssueCode::SelfReference,
            "the user lists itself as its own agent; that agent is ignored",
        ));
    }
    agents(user)
        .map(|agent| {
            let mut relationship = match guardian_kind {
                Some(kind) => Relationship::new(me, agent, kind),
                None => {
                    let mut r = Relationship::new(agent, me, RelationshipKind::Guardian);
                    r.kind_inferred = true;
                    r
                }
            };
            relationship.status = status;
            relationship
        })
        .collect()
}

/// The relationship ids ([`Relationship::key`]) a user's agents express, for deletions.
pub(crate) fn relationship_keys(user: &OrUser, is_guardian: bool) -> Vec<String> {
    let me = user.meta.sourced_id.as_str();
    agents(user)
        .map(|agent| {
            if is_guardian {
                Relationship::key(me, agent)
            } else {
                Relationship::key(agent, me)
            }
        })
        .collect()
}

/// The user's distinct agents other than itself.
fn agents(user: &OrUser) -> impl Iterator<Item = &str> {
    let me = user.meta.sourced_id.as_str();
    user.agents
        .iter()
        .enumerate()
        .filter(move |(i, a)| a.as_str() != me && !user.agents[..*i].contains(a))
        .map(|(_, a)| a.as_str())
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::{RecordStatus, RelationshipKind};

    use super::*;
    use crate::model::ObjectMeta;

    fn user(id: &str, agents: &[&str]) -> OrUser {
        OrUser {
            meta: ObjectMeta {
                sourced_id: id.into(),
                ..ObjectMeta::default()
            },
            agents: agents.iter().map(|a| a.to_string()).collect(),
            ..OrUser::default()
        }
    }

    #[test]
    fn guardian_rows_point_at_students() {
        let rels = relationships(
            &user("p-1", &["s-1", "s-2", "s-1"]),
            Some(RelationshipKind::Relative),
            RecordStatus::Active,
            &mut Vec::new(),
        );
        assert_eq!(rels.len(), 2);
        assert_eq!(rels[0].guardian_external_id, "p-1");
        assert_eq!(rels[0].student_external_id, "s-1");
        assert_eq!(rels[0].kind, RelationshipKind::Relative);
        assert!(!rels[0].kind_inferred);
        assert_eq!(relationship_keys(&user("p-1", &["s-1"]), true), ["p-1|s-1"]);
    }

    #[test]
    fn other_rows_point_at_guardians_with_an_inferred_kind() {
        let mut warnings = Vec::new();
        let rels = relationships(
            &user("s-1", &["p-1", "s-1"]),
            None,
            RecordStatus::ToBeDeleted,
            &mut warnings,
        );
        assert_eq!(rels.len(), 1);
        assert_eq!(rels[0].guardian_external_id, "p-1");
        assert_eq!(rels[0].student_external_id, "s-1");
        assert_eq!(rels[0].kind, RelationshipKind::Guardian);
        assert!(rels[0].kind_inferred);
        assert_eq!(rels[0].status, RecordStatus::ToBeDeleted);
        assert_eq!(warnings[0].code, IssueCode::SelfReference);
        assert_eq!(
            relationship_keys(&user("s-1", &["p-1"]), false),
            ["p-1|s-1"]
        );
    }
}
