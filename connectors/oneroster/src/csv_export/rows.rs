//! CSV rows → OneRoster objects.

use super::table::Row;
use crate::model::{ObjectMeta, OrClass, OrCourse, OrEnrollment, OrOrg, OrRole, OrSession, OrUser};
use crate::report::{Issue, IssueCode, ReportHandle, Severity};
use crate::values::{parse_user_ids, split_multi};

/// `sourcedId`, `status`, `dateLastModified`.
pub(crate) fn meta(row: &Row<'_>) -> ObjectMeta {
    ObjectMeta {
        sourced_id: row.text("sourcedId").unwrap_or_default(),
        status: row.text("status"),
        date_last_modified: row.text("dateLastModified"),
    }
}

/// An `orgs.csv` row.
pub(crate) fn org(row: &Row<'_>) -> OrOrg {
    OrOrg {
        meta: meta(row),
        name: row.text("name"),
        org_type: row.text("type"),
        identifier: row.text("identifier"),
        parent: row.text("parentSourcedId"),
    }
}

/// An `academicSessions.csv` row.
pub(crate) fn session(row: &Row<'_>) -> OrSession {
    OrSession {
        meta: meta(row),
        title: row.text("title"),
        session_type: row.text("type"),
        start_date: row.text("startDate"),
        end_date: row.text("endDate"),
        parent: row.text("parentSourcedId"),
        school_year: row.text("schoolYear"),
    }
}

/// A `courses.csv` row.
pub(crate) fn course(row: &Row<'_>) -> OrCourse {
    OrCourse {
        meta: meta(row),
        title: row.text("title"),
        course_code: row.text("courseCode"),
        org: row.text("orgSourcedId"),
        school_year: row.text("schoolYearSourcedId"),
        grades: split_multi(row.get("grades")),
        subjects: split_multi(row.get("subjects")),
    }
}

/// A `classes.csv` row (`termSourcedIds`, `grades`, `subjects`, `periods` are multi-valued).
pub(crate) fn class(row: &Row<'_>) -> OrClass {
    OrClass {
        meta: meta(row),
        title: row.text("title"),
        class_code: row.text("classCode"),
        class_type: row.text("classType"),
        location: row.text("location"),
        school: row.text("schoolSourcedId"),
        course: row.text("courseSourcedId"),
        terms: split_multi(row.get("termSourcedIds")),
        grades: split_multi(row.get("grades")),
        subjects: split_multi(row.get("subjects")),
        periods: split_multi(row.get("periods")),
    }
}

/// A `users.csv` row. An unreadable `userIds` cell is a warning (the ids are only used for the
/// state id), reported to `report` against `file`.
pub(crate) fn user(row: &Row<'_>, file: &str, report: &ReportHandle) -> OrUser {
    let meta = meta(row);
    let user_ids = parse_user_ids(row.get("userIds")).unwrap_or_else(|message| {
        report.issue(
            Issue::new(
                Severity::Warning,
                IssueCode::InvalidValue,
                file,
                format!("{message}; the value is ignored"),
            )
            .at_row(Some(row.number))
            .for_id(Some(meta.sourced_id.as_str()).filter(|s| !s.is_empty()))
            .in_field("userIds"),
        );
        Vec::new()
    });
    OrUser {
        meta,
        enabled_user: row.text("enabledUser"),
        username: row.text("username"),
        user_ids,
        given_name: row.text("givenName"),
        family_name: row.text("familyName"),
        middle_name: row.text("middleName"),
        preferred_given_name: row.text("preferredGivenName"),
        preferred_middle_name: row.text("preferredMiddleName"),
        preferred_family_name: row.text("preferredFamilyName"),
        identifier: row.text("identifier"),
        email: row.text("email"),
        sms: row.text("sms"),
        phone: row.text("phone"),
        agents: split_multi(row.get("agentSourcedIds")),
        grades: split_multi(row.get("grades")),
        role: row.text("role"),
        orgs: split_multi(row.get("orgSourcedIds")),
        roles: Vec::new(),
        primary_org: row.text("primaryOrgSourcedId"),
        pronouns: row.text("pronouns"),
    }
}

/// A `roles.csv` row: the user it belongs to and the role (`None` without a role).
pub(crate) fn role(row: &Row<'_>) -> (Option<String>, Option<OrRole>) {
    let user = row.text("userSourcedId");
    let role = row.text("role").map(|role| OrRole {
        role_type: row.text("roleType"),
        role,
        org: row.text("orgSourcedId"),
        begin_date: row.text("beginDate"),
        end_date: row.text("endDate"),
    });
    (user, role)
}

/// An `enrollments.csv` row.
pub(crate) fn enrollment(row: &Row<'_>) -> OrEnrollment {
    OrEnrollment {
        meta: meta(row),
        class: row.text("classSourcedId"),
        school: row.text("schoolSourcedId"),
        user: row.text("userSourcedId"),
        role: row.text("role"),
        primary: row.text("primary"),
        begin_date: row.text("beginDate"),
        end_date: row.text("endDate"),
    }
}
