//! OneRoster roles → Homeroom roles.
//!
//! | OneRoster role (any case) | Homeroom role |
//! | --- | --- |
//! | `student` | student |
//! | `teacher` | teacher |
//! | `aide` | aide |
//! | `proctor`, `staff`, `counselor` | staff |
//! | `principal`, `siteAdministrator` | school admin |
//! | `districtAdministrator` | district admin |
//! | `administrator`, `systemAdministrator` | district admin when held at an org of type `district`, else school admin |
//! | `parent`, `guardian`, `relative` | guardian (the relationship kind is remembered) |

use homeroom_connector_core::{RelationshipKind, Role, RoleAssignment};

use super::{Field, MapContext, Problem};
use crate::model::OrUser;
use crate::report::IssueCode;
use crate::values::quote;

/// What a OneRoster role string means to Homeroom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RoleMeaning {
    /// A role that maps directly.
    Person(Role),
    /// An administrator: district or school admin depending on the org.
    Administrator,
    /// A parent, guardian or relative, with the kind of relationship to their students.
    Guardian(RelationshipKind),
}

impl RoleMeaning {
    /// The Homeroom role when held at `org`.
    fn role_at(self, org: Option<&str>, ctx: &MapContext<'_>) -> Role {
        match self {
            RoleMeaning::Person(role) => role,
            RoleMeaning::Administrator if org.is_some_and(|o| ctx.districts.contains(o)) => {
                Role::DistrictAdmin
            }
            RoleMeaning::Administrator => Role::SchoolAdmin,
            RoleMeaning::Guardian(_) => Role::Guardian,
        }
    }
}

/// Reads a role string of OneRoster 1.1 or 1.2 (any case); `None` for anything else
/// (including `ext:` extension roles).
pub(crate) fn parse_role(raw: &str) -> Option<RoleMeaning> {
    let meaning = match raw.trim().to_ascii_lowercase().as_str() {
        "student" => RoleMeaning::Person(Role::Student),
        "teacher" => RoleMeaning::Person(Role::Teacher),
        "aide" => RoleMeaning::Person(Role::Aide),
        "proctor" | "staff" | "counselor" => RoleMeaning::Person(Role::Staff),
        "principal" | "siteadministrator" => RoleMeaning::Person(Role::SchoolAdmin),
        "districtadministrator" => RoleMeaning::Person(Role::DistrictAdmin),
        "administrator" | "systemadministrator" => RoleMeaning::Administrator,
        "parent" => RoleMeaning::Guardian(RelationshipKind::Parent),
        "guardian" => RoleMeaning::Guardian(RelationshipKind::Guardian),
        "relative" => RoleMeaning::Guardian(RelationshipKind::Relative),
        _ => return None,
    };
    Some(meaning)
}

/// The roles of a user and, if it holds a parent/guardian/relative role, the relationship kind
/// (from its primary such role, else its first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ResolvedRoles {
    /// Role assignments, without duplicates.
    pub assignments: Vec<RoleAssignment>,
    /// The kind of the user's guardian role, if it has one.
    pub guardian_kind: Option<RelationshipKind>,
}

struct RoleInput<'a> {
    raw: &'a str,
    org: Option<&'a str>,
    primary: bool,
    field: Field,
}

/// Resolves a user's roles: its 1.2 `roles` when it has any, else its 1.1 `role` held in each of
/// its `orgs`. Unknown roles reject the user when it has no other role, and are warnings
/// otherwise; a user with no role at all is rejected.
pub(crate) fn resolve_roles(
    user: &OrUser,
    ctx: &MapContext<'_>,
    warnings: &mut Vec<Problem>,
) -> Result<ResolvedRoles, Problem> {
    let inputs = role_inputs(user);
    if inputs.is_empty() {
        let field = if user.role.is_none() && user.roles.is_empty() {
            Field::Role
        } else {
            Field::Roles
        };
        return Err(Problem::missing(field, "a role"));
    }
    let mut assignments: Vec<RoleAssignment> = Vec::new();
    let mut unknown: Vec<Problem> = Vec::new();
    let mut guardian: Option<(RelationshipKind, bool)> = None;
    for input in &inputs {
        let Some(meaning) = parse_role(input.raw) else {
            unknown.push(if input.raw.trim().is_empty() {
                Problem::missing(input.field, "the role of each role entry")
            } else {
                Problem::new(
                    input.field,
                    IssueCode::UnknownRole,
                    format!(
                        "`{}` is not a OneRoster role Homeroom knows (student, teacher, aide, administrator, proctor, parent, guardian, relative, …)",
                        quote(input.raw)
                    ),
                )
            });
            continue;
        };
        if let RoleMeaning::Guardian(kind) = meaning
            && guardian.is_none_or(|(_, primary)| !primary && input.primary)
        {
            guardian = Some((kind, input.primary));
        }
        let assignment = RoleAssignment {
            role: meaning.role_at(input.org, ctx),
            org_external_id: input.org.map(str::to_owned),
        };
        if !assignments.contains(&assignment) {
            assignments.push(assignment);
        }
    }
    if assignments.is_empty() {
        return Err(unknown.remove(0));
    }
    warnings.extend(unknown.into_iter().map(|mut p| {
        p.message.push_str("; that role is ignored");
        p
    }));
    Ok(ResolvedRoles {
        assignments,
        guardian_kind: guardian.map(|(kind, _)| kind),
    })
}

fn role_inputs(user: &OrUser) -> Vec<RoleInput<'_>> {
    if !user.roles.is_empty() {
        return user
            .roles
            .iter()
            .map(|r| RoleInput {
                raw: &r.role,
                org: r.org.as_deref(),
                primary: r.is_primary(),
                field: Field::Roles,
            })
            .collect();
    }
    let Some(role) = user.role.as_deref() else {
        return Vec::new();
    };
    if user.orgs.is_empty() {
        return vec![RoleInput {
            raw: role,
            org: None,
            primary: true,
            field: Field::Role,
        }];
    }
    user.orgs
        .iter()
        .map(|org| RoleInput {
            raw: role,
            org: Some(org),
            primary: true,
            field: Field::Role,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use homeroom_connector_core::{RelationshipKind, Role, RoleAssignment};

    use super::*;
    use crate::model::OrRole;

    fn ctx(districts: &HashSet<String>) -> MapContext<'_> {
        MapContext {
            blank_status_is_active: true,
            districts,
        }
    }

    #[test]
    fn administrators_depend_on_the_org_type() {
        let districts: HashSet<String> = ["dist".to_owned()].into();
        let user = OrUser {
            role: Some("Administrator".into()),
            orgs: vec!["dist".into(), "sch".into()],
            ..OrUser::default()
        };
        let resolved = resolve_roles(&user, &ctx(&districts), &mut Vec::new()).unwrap();
        assert_eq!(
            resolved.assignments,
            [
                RoleAssignment::new(Role::DistrictAdmin, "dist"),
                RoleAssignment::new(Role::SchoolAdmin, "sch")
            ]
        );
        assert_eq!(resolved.guardian_kind, None);
    }

    #[test]
    fn v1p2_roles_pick_the_primary_guardian_kind_and_skip_unknown_ones() {
        let districts = HashSet::new();
        let role = |role: &str, kind: &str| OrRole {
            role: role.into(),
            role_type: Some(kind.into()),
            org: Some("sch".into()),
            ..OrRole::default()
        };
        let user = OrUser {
            roles: vec![
                role("relative", "secondary"),
                role("teacher", "primary"),
                role("parent", "primary"),
                role("ext:coach", "secondary"),
            ],
            ..OrUser::default()
        };
        let mut warnings = Vec::new();
        let resolved = resolve_roles(&user, &ctx(&districts), &mut warnings).unwrap();
        assert_eq!(resolved.guardian_kind, Some(RelationshipKind::Parent));
        assert_eq!(
            resolved.assignments,
            [
                RoleAssignment::new(Role::Guardian, "sch"),
                RoleAssignment::new(Role::Teacher, "sch")
            ]
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, IssueCode::UnknownRole);
    }

    #[test]
    fn unknown_or_missing_roles_reject() {
        let districts = HashSet::new();
        let user = OrUser {
            role: Some("wizard".into()),
            ..OrUser::default()
        };
        let err = resolve_roles(&user, &ctx(&districts), &mut Vec::new()).unwrap_err();
        assert_eq!(err.code, IssueCode::UnknownRole);
        assert!(err.message.contains("`wizard`"));
        let err = resolve_roles(&OrUser::default(), &ctx(&districts), &mut Vec::new()).unwrap_err();
        assert_eq!(err.code, IssueCode::MissingValue);
        assert_eq!(err.field, Field::Role);
    }

    #[test]
    fn every_documented_role_parses() {
        for (raw, want) in [
            ("student", RoleMeaning::Person(Role::Student)),
            ("TEACHER", RoleMeaning::Person(Role::Teacher)),
            ("aide", RoleMeaning::Person(Role::Aide)),
            ("proctor", RoleMeaning::Person(Role::Staff)),
            ("staff", RoleMeaning::Person(Role::Staff)),
            ("counselor", RoleMeaning::Person(Role::Staff)),
            ("principal", RoleMeaning::Person(Role::SchoolAdmin)),
            ("siteAdministrator", RoleMeaning::Person(Role::SchoolAdmin)),
            (
                "districtAdministrator",
                RoleMeaning::Person(Role::DistrictAdmin),
            ),
            ("systemAdministrator", RoleMeaning::Administrator),
            ("parent", RoleMeaning::Guardian(RelationshipKind::Parent)),
            (
                "Guardian",
                RoleMeaning::Guardian(RelationshipKind::Guardian),
            ),
            (
                "relative",
                RoleMeaning::Guardian(RelationshipKind::Relative),
            ),
        ] {
            assert_eq!(parse_role(raw), Some(want), "{raw}");
        }
        assert_eq!(parse_role("ext:coach"), None);
    }
}
