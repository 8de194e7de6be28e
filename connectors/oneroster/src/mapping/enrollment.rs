//! Enrollments.

use homeroom_connector_core::{Enrollment, EnrollmentRole};

use super::{Field, MapContext, Problem, map_status};
use crate::model::OrEnrollment;
use crate::report::IssueCode;
use crate::values::{parse_bool, parse_date, quote};

/// Class, user and role are required. Roles `student`, `teacher` and `aide` map to their
/// enrollment roles; `administrator` and `proctor` enrollments are valid OneRoster but Homeroom
/// enrolls no one in those roles, so they are rejected as unsupported. `primary` defaults to
/// false; unreadable booleans or dates reject.
pub(crate) fn map_enrollment(
    enrollment: &OrEnrollment,
    ctx: &MapContext<'_>,
    warnings: &mut Vec<Problem>,
) -> Result<Enrollment, Problem> {
    let status = map_status(&enrollment.meta, ctx, warnings)?;
    let class = enrollment
        .class
        .clone()
        .ok_or_else(|| Problem::missing(Field::Class, "the enrollment's class"))?;
    let user = enrollment
        .user
        .clone()
        .ok_or_else(|| Problem::missing(Field::User, "the enrolled user"))?;
    let raw_role = enrollment
        .role
        .as_deref()
        .ok_or_else(|| Problem::missing(Field::Role, "the enrollment role"))?;
    let role = match raw_role.to_ascii_lowercase().as_str() {
        "student" => EnrollmentRole::Student,
        "teacher" => EnrollmentRole::Teacher,
        "aide" => EnrollmentRole::Aide,
        "administrator" | "proctor" => {
            return Err(Problem::new(
                Field::Role,
                IssueCode::UnsupportedRole,
                format!(
                    "`{}` enrollments are not supported (Homeroom enrolls students, teachers and aides)",
                    quote(raw_role)
                ),
            ));
        }
        _ => {
            return Err(Problem::new(
                Field::Role,
                IssueCode::UnknownRole,
                format!(
                    "`{}` is not a OneRoster enrollment role (student, teacher, aide, administrator, proctor)",
                    quote(raw_role)
                ),
            ));
        }
    };
    let primary = parse_bool(enrollment.primary.as_deref())
        .map_err(|m| Problem::invalid(Field::Primary, m))?
        .unwrap_or(false);
    let begin_date = parse_date(enrollment.begin_date.as_deref())
        .map_err(|m| Problem::invalid(Field::BeginDate, m))?;
    let end_date = parse_date(enrollment.end_date.as_deref())
        .map_err(|m| Problem::invalid(Field::EndDate, m))?;
    Ok(Enrollment {
        external_id: enrollment.meta.sourced_id.clone(),
        status,
        class_external_id: class,
        user_external_id: user,
        role,
        primary,
        begin_date,
        end_date,
    })
}
