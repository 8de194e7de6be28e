//! The REST collections Homeroom reads.

/// A OneRoster REST collection endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Collection {
    /// `/orgs` → `{"orgs": […]}`.
    Orgs,
    /// `/academicSessions` → `{"academicSessions": […]}`.
    AcademicSessions,
    /// `/terms` → `{"academicSessions": […]}` (the fallback when a provider lacks
    /// `/academicSessions`).
    Terms,
    /// `/courses` → `{"courses": […]}`.
    Courses,
    /// `/classes` → `{"classes": […]}`.
    Classes,
    /// `/users` → `{"users": […]}`.
    Users,
    /// `/enrollments` → `{"enrollments": […]}`.
    Enrollments,
}

impl Collection {
    /// The path below the API base.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Collection::Orgs => "orgs",
            Collection::AcademicSessions => "academicSessions",
            Collection::Terms => "terms",
            Collection::Courses => "courses",
            Collection::Classes => "classes",
            Collection::Users => "users",
            Collection::Enrollments => "enrollments",
        }
    }

    /// The key of the list in the response envelope (the plural of the base type).
    pub(crate) fn envelope(self) -> &'static str {
        match self {
            Collection::Orgs => "orgs",
            Collection::AcademicSessions | Collection::Terms => "academicSessions",
            Collection::Courses => "courses",
            Collection::Classes => "classes",
            Collection::Users => "users",
            Collection::Enrollments => "enrollments",
        }
    }

    /// The collection read after this one in a snapshot (users are followed by the
    /// relationship replay, then enrollments).
    pub(crate) fn next(self) -> Option<Collection> {
        match self {
            Collection::Orgs => Some(Collection::AcademicSessions),
            Collection::AcademicSessions | Collection::Terms => Some(Collection::Courses),
            Collection::Courses => Some(Collection::Classes),
            Collection::Classes => Some(Collection::Users),
            Collection::Users => Some(Collection::Enrollments),
            Collection::Enrollments => None,
        }
    }
}
