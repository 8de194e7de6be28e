//! `users.csv` (+ `roles.csv`) rows / `user` objects.

use super::ObjectMeta;
use crate::values::UserId;

/// A OneRoster user. A 1.1 user has one `role` held in each of its `orgs`; a 1.2 user has
/// `roles` (from `roles.csv` or the `roles[]` property).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OrUser {
    /// Id, status, last modified.
    pub meta: ObjectMeta,
    /// `enabledUser` (boolean or string).
    pub enabled_user: Option<String>,
    /// `username`.
    pub username: Option<String>,
    /// `userIds`.
    pub user_ids: Vec<UserId>,
    /// `givenName`.
    pub given_name: Option<String>,
    /// `familyName`.
    pub family_name: Option<String>,
    /// `middleName`.
    pub middle_name: Option<String>,
    /// 1.2 `preferredGivenName` (CSV) / `preferredFirstName` (JSON).
    pub preferred_given_name: Option<String>,
    /// 1.2 `preferredMiddleName`.
    pub preferred_middle_name: Option<String>,
    /// 1.2 `preferredFamilyName` (CSV) / `preferredLastName` (JSON).
    pub preferred_family_name: Option<String>,
    /// `identifier` (the SIS student number for students).
    pub identifier: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `sms`.
    pub sms: Option<String>,
    /// `phone`.
    pub phone: Option<String>,
    /// `agentSourcedIds` / `agents[].sourcedId`.
    pub agents: Vec<String>,
    /// `grades`.
    pub grades: Vec<String>,
    /// 1.1 `role`.
    pub role: Option<String>,
    /// 1.1 `orgSourcedIds` / `orgs[].sourcedId`.
    pub orgs: Vec<String>,
    /// 1.2 roles.
    pub roles: Vec<OrRole>,
    /// 1.2 `primaryOrgSourcedId` / `primaryOrg.sourcedId`.
    pub primary_org: Option<String>,
    /// 1.2 `pronouns`.
    pub pronouns: Option<String>,
}

/// One 1.2 role of a user (a `roles.csv` row or a `roles[]` item).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OrRole {
    /// `roleType`: primary or secondary.
    pub role_type: Option<String>,
    /// `role`.
    pub role: String,
    /// `orgSourcedId` / `org.sourcedId`.
    pub org: Option<String>,
    /// `beginDate`.
    pub begin_date: Option<String>,
    /// `endDate`.
    pub end_date: Option<String>,
}

impl OrRole {
    /// Whether `roleType` is `primary` (any case).
    pub fn is_primary(&self) -> bool {
        self.role_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("primary"))
    }
}
