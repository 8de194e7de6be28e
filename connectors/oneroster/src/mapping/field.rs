//! Names of the properties a problem can be about, in CSV and in JSON.

/// Which spelling of property names to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// CSV column names (`schoolSourcedId`).
    Csv,
    /// JSON property names (`school`).
    Json,
}

/// A OneRoster property a [`super::Problem`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    /// `sourcedId`.
    SourcedId,
    /// `status`.
    Status,
    /// `dateLastModified`.
    DateLastModified,
    /// Org `name`.
    Name,
    /// Org or session `type`.
    Type,
    /// Session, course or class `title`.
    Title,
    /// Session `startDate`.
    StartDate,
    /// `endDate`.
    EndDate,
    /// Class `schoolSourcedId` / `school`.
    School,
    /// User `enabledUser`.
    EnabledUser,
    /// 1.1 user `role`, enrollment `role`, `roles.csv` `role`.
    Role,
    /// 1.2 JSON `roles`.
    Roles,
    /// User `agentSourcedIds` / `agents`.
    Agents,
    /// Enrollment `classSourcedId` / `class`.
    Class,
    /// Enrollment or role `userSourcedId` / `user`.
    User,
    /// Enrollment `primary`.
    Primary,
    /// Enrollment `beginDate`.
    BeginDate,
}

impl Field {
    /// The property's name in `dialect`.
    pub(crate) fn name(self, dialect: Dialect) -> &'static str {
        let (csv, json) = match self {
            Field::SourcedId => ("sourcedId", "sourcedId"),
            Field::Status => ("status", "status"),
            Field::DateLastModified => ("dateLastModified", "dateLastModified"),
            Field::Name => ("name", "name"),
            Field::Type => ("type", "type"),
            Field::Title => ("title", "title"),
            Field::StartDate => ("startDate", "startDate"),
            Field::EndDate => ("endDate", "endDate"),
            Field::School => ("schoolSourcedId", "school"),
            Field::EnabledUser => ("enabledUser", "enabledUser"),
            Field::Role => ("role", "role"),
            Field::Roles => ("role", "roles"),
            Field::Agents => ("agentSourcedIds", "agents"),
            Field::Class => ("classSourcedId", "class"),
            Field::User => ("userSourcedId", "user"),
            Field::Primary => ("primary", "primary"),
            Field::BeginDate => ("beginDate", "beginDate"),
        };
        match dialect {
            Dialect::Csv => csv,
            Dialect::Json => json,
        }
    }
}
