//! The files of a OneRoster CSV export that Homeroom reads, and their columns.

use homeroom_connector_core::EntityKind;

/// The columns of one CSV file: every column OneRoster 1.1 or 1.2 defines for it (so none of
/// them is reported as unknown), and the ones without which the file cannot be read.
#[derive(Debug)]
pub(crate) struct FileSpec {
    /// Known column names, as OneRoster spells them.
    pub columns: &'static [&'static str],
    /// Columns that must be present in the header.
    pub required: &'static [&'static str],
}

/// Every file name OneRoster 1.1 and 1.2 define (stems), for recognising files that are present
/// but not declared by the manifest.
pub(crate) const ALL_ONEROSTER_FILES: &[&str] = &[
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItems",
    "orgs",
    "resources",
    "results",
    "users",
    "roles",
    "userProfiles",
    "userResources",
    "scoreScales",
    "lineItemScoreScales",
    "resultScoreScales",
    "lineItemLearningObjectiveIds",
    "resultLearningObjectiveIds",
];

/// A file Homeroom reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum CsvFile {
    /// `manifest.csv`.
    Manifest,
    /// `orgs.csv`.
    Orgs,
    /// `academicSessions.csv`.
    AcademicSessions,
    /// `courses.csv`.
    Courses,
    /// `classes.csv`.
    Classes,
    /// `users.csv`.
    Users,
    /// `roles.csv` (1.2).
    Roles,
    /// `enrollments.csv`.
    Enrollments,
}

impl CsvFile {
    /// The data files, in the order a snapshot reads them.
    pub(crate) const DATA: [CsvFile; 7] = [
        CsvFile::Orgs,
        CsvFile::AcademicSessions,
        CsvFile::Courses,
        CsvFile::Classes,
        CsvFile::Users,
        CsvFile::Roles,
        CsvFile::Enrollments,
    ];

    /// The name without `.csv`, as the manifest's `file.<stem>` keys spell it.
    pub(crate) fn stem(self) -> &'static str {
        match self {
            CsvFile::Manifest => "manifest",
            CsvFile::Orgs => "orgs",
            CsvFile::AcademicSessions => "academicSessions",
            CsvFile::Courses => "courses",
            CsvFile::Classes => "classes",
            CsvFile::Users => "users",
            CsvFile::Roles => "roles",
            CsvFile::Enrollments => "enrollments",
        }
    }

    /// `users.csv`, …
    pub(crate) fn file_name(self) -> String {
        format!("{}.csv", self.stem())
    }

    /// The entity a file's rows are (for [`homeroom_connector_core::Deleted`] records).
    pub(crate) fn entity_kind(self) -> Option<EntityKind> {
        match self {
            CsvFile::Orgs => Some(EntityKind::Org),
            CsvFile::AcademicSessions => Some(EntityKind::Term),
            CsvFile::Courses => Some(EntityKind::Course),
            CsvFile::Classes => Some(EntityKind::Class),
            CsvFile::Users => Some(EntityKind::Person),
            CsvFile::Enrollments => Some(EntityKind::Enrollment),
            CsvFile::Manifest | CsvFile::Roles => None,
        }
    }

    /// The file's columns.
    pub(crate) fn spec(self) -> &'static FileSpec {
        match self {
            CsvFile::Manifest => &MANIFEST,
            CsvFile::Orgs => &ORGS,
            CsvFile::AcademicSessions => &ACADEMIC_SESSIONS,
            CsvFile::Courses => &COURSES,
            CsvFile::Classes => &CLASSES,
            CsvFile::Users => &USERS,
            CsvFile::Roles => &ROLES,
            CsvFile::Enrollments => &ENROLLMENTS,
        }
    }
}

static MANIFEST: FileSpec = FileSpec {
    columns: &["propertyName", "value"],
    required: &["propertyName", "value"],
};

static ORGS: FileSpec = FileSpec {
    columns: &[
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ],
    required: &["sourcedId", "name", "type"],
};

static ACADEMIC_SESSIONS: FileSpec = FileSpec {
    columns: &[
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ],
    required: &["sourcedId", "title", "type"],
};

static COURSES: FileSpec = FileSpec {
    columns: &[
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ],
    required: &["sourcedId", "title"],
};

static CLASSES: FileSpec = FileSpec {
    columns: &[
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ],
    required: &["sourcedId", "title", "schoolSourcedId"],
};

/// The union of the 1.1 and 1.2 columns (1.1 has `orgSourcedIds` and `role`; 1.2 moves them to
/// `roles.csv` and adds the preferred names and a few more).
static USERS: FileSpec = FileSpec {
    columns: &[
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ],
    required: &["sourcedId", "givenName", "familyName"],
};

static ROLES: FileSpec = FileSpec {
    columns: &[
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ],
    required: &["sourcedId", "userSourcedId", "role"],
};

static ENROLLMENTS: FileSpec = FileSpec {
    columns: &[
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ],
    required: &["sourcedId", "classSourcedId", "userSourcedId", "role"],
};

#[cfg(test)]
mod tests {
    use super::CsvFile;

    #[test]
    fn required_columns_are_known_columns() {
        for file in CsvFile::DATA.into_iter().chain([CsvFile::Manifest]) {
            let spec = file.spec();
            for required in spec.required {
                assert!(spec.columns.contains(required), "{file:?} {required}");
            }
        }
    }
}
