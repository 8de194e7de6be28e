//! Academic sessions: school years, semesters, terms, grading periods.

use serde::{Deserialize, Serialize};

use super::{RecordStatus, SisDate};

string_enum! {
    /// What kind of academic session a [`Term`] is.
    pub enum TermKind {
        /// A whole school year.
        SchoolYear => "school_year",
        /// A semester.
        Semester => "semester",
        /// A term (trimester, quarter, or any session the SIS just calls a term).
        Term => "term",
        /// A grading period.
        GradingPeriod => "grading_period",
        /// Anything else.
        Other => "other",
    }
}

/// An academic session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// The SIS's id for the session.
    pub external_id: String,
    /// SIS status.
    #[serde(default)]
    pub status: RecordStatus,
    /// Title ("Fall 2023").
    pub title: String,
    /// School year, semester, term, …
    pub kind: TermKind,
    /// First day, if known.
    pub start_date: Option<SisDate>,
    /// Last day as the SIS sends it (OneRoster 1.2 says exclusive; 1.1 and others inclusive).
    pub end_date: Option<SisDate>,
    /// External id of the enclosing session (a semester's school year), if any.
    pub parent_external_id: Option<String>,
}

impl Term {
    /// An active session with no dates or parent.
    pub fn new(external_id: impl Into<String>, title: impl Into<String>, kind: TermKind) -> Self {
        Self {
            external_id: external_id.into(),
            status: RecordStatus::Active,
            title: title.into(),
            kind,
            start_date: None,
            end_date: None,
            parent_external_id: None,
        }
    }
}
