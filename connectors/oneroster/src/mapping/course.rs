//! Courses.

use homeroom_connector_core::Course;

use super::{Field, MapContext, Problem, map_status};
use crate::model::OrCourse;

/// Title is required; `courseCode` and the org are optional.
pub(crate) fn map_course(
    course: &OrCourse,
    ctx: &MapContext<'_>,
    warnings: &mut Vec<Problem>,
) -> Result<Course, Problem> {
    let status = map_status(&course.meta, ctx, warnings)?;
    let title = course
        .title
        .clone()
        .ok_or_else(|| Problem::missing(Field::Title, "the course title"))?;
    Ok(Course {
        external_id: course.meta.sourced_id.clone(),
        status,
        title,
        code: course.course_code.clone(),
        org_external_id: course.org.clone(),
    })
}
