//! OneRoster 1.2 `roles.csv`, joined to users.
//!
//! In 1.2 a user's roles live in `roles.csv`, which may list them in any order, so the users
//! pass needs them at hand: this is the one place the CSV connector holds a map over a whole
//! file — `userSourcedId → roles`, for 1.2 exports only. It costs a few dozen bytes per role row
//! (a 500k-user district: tens of megabytes) and is dropped when the snapshot ends. Every
//! other file is streamed.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::Read;

use super::table::Table;
use super::{rows, sink::Halt};
use crate::mapping::{Dialect, Field, Problem, RoleMeaning, parse_role};
use crate::model::OrRole;
use crate::report::{Issue, IssueCode, ReportHandle, Severity};
use crate::values::parse_status;
use crate::values::quote;

/// The roles of one user.
#[derive(Debug, Default)]
struct UserRoles {
    /// Active roles.
    roles: Vec<OrRole>,
    /// Whether any of the user's role rows (active or `tobedeleted`) is a guardian role.
    any_guardian: bool,
    /// The first `roles.csv` row of this user, for reporting orphans.
    first_row: u64,
    /// Whether `users.csv` had this user.
    claimed: Cell<bool>,
}

/// `userSourcedId → roles` from `roles.csv`.
#[derive(Debug, Default)]
pub(crate) struct RoleMap {
    users: HashMap<String, UserRoles>,
}

impl RoleMap {
    /// Reads `roles.csv`. Rows with an unknown role, no user or an unreadable status are
    /// rejected (reported as errors); `tobedeleted` rows give the user no role (they only tell
    /// the direction of a deleted guardian's agents).
    pub(crate) fn load(
        table: &mut Table<&mut dyn Read>,
        file: &str,
        blank_status_is_active: bool,
        report: &ReportHandle,
    ) -> Result<Self, Halt> {
        let mut map = RoleMap::default();
        while let Some(row) = table.next_row()? {
            let sourced_id = row.get("sourcedId");
            let reject = |problem: Problem| {
                report.issue(problem.into_issue(
                    Severity::Error,
                    Dialect::Csv,
                    file,
                    Some(row.number),
                    sourced_id,
                ));
            };
            let status = match parse_status(row.get("status"), blank_status_is_active) {
                Ok(status) => status,
                Err(message) => {
                    reject(Problem::invalid(Field::Status, message));
                    continue;
                }
            };
            let (user, role) = rows::role(&row);
            let Some(user) = user else {
                reject(Problem::missing(Field::User, "the role's user"));
                continue;
            };
            let Some(role) = role else {
                reject(Problem::missing(Field::Role, "the role"));
                continue;
            };
            let Some(meaning) = parse_role(&role.role) else {
                reject(Problem::new(
                    Field::Role,
                    IssueCode::UnknownRole,
                    format!(
                        "`{}` is not a OneRoster role Homeroom knows (student, teacher, aide, administrator, proctor, parent, guardian, relative, …)",
                        role.role
                    ),
                ));
                continue;
            };
            let entry = map.users.entry(user).or_insert_with(|| UserRoles {
                first_row: row.number,
                ..UserRoles::default()
            });
            entry.any_guardian |= matches!(meaning, RoleMeaning::Guardian(_));
            if status.is_active() {
                entry.roles.push(role);
            }
        }
        Ok(map)
    }

    /// The roles of `user` (empty if none), marking the user as present in `users.csv`.
    pub(crate) fn claim(&self, user: &str) -> Vec<OrRole> {
        match self.users.get(user) {
            Some(entry) => {
                entry.claimed.set(true);
                entry.roles.clone()
            }
            None => Vec::new(),
        }
    }

    /// The roles of `user` (empty if none).
    pub(crate) fn roles_of(&self, user: &str) -> Vec<OrRole> {
        self.users
            .get(user)
            .map(|e| e.roles.clone())
            .unwrap_or_default()
    }

    /// Whether any role row of `user`, active or deleted, is a parent/guardian/relative role
    /// (which decides the direction of its agents, also when the user is being deleted).
    pub(crate) fn has_guardian_role(&self, user: &str) -> bool {
        self.users.get(user).is_some_and(|e| e.any_guardian)
    }

    /// Reports, as warnings, the users that have roles but are not in `users.csv` (in a delta
    /// export: role changes that cannot be applied because the user is not in the delta).
    pub(crate) fn report_orphans(&self, file: &str, delta: bool, report: &ReportHandle) {
        let mut orphans: Vec<(&String, &UserRoles)> = self
            .users
            .iter()
            .filter(|(_, e)| !e.claimed.get() && !e.roles.is_empty())
            .collect();
        orphans.sort_by_key(|(_, e)| e.first_row);
        for (user, entry) in orphans {
            let message = if delta {
                format!(
                    "roles.csv changes the roles of user `{}`, but users.csv does not carry that user, so the change is not applied",
                    quote(user)
                )
            } else {
                format!(
                    "roles.csv gives user `{}` roles but users.csv has no such user",
                    quote(user)
                )
            };
            report.issue(
                Issue::new(Severity::Warning, IssueCode::OrphanRole, file, message)
                    .at_row(Some(entry.first_row))
                    .in_field("userSourcedId"),
            );
        }
    }
}
