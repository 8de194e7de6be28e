//! Classes.

use homeroom_connector_core::Class;

use super::{Field, MapContext, Problem, map_status};
use crate::model::OrClass;

/// Title and school are required; course and terms are optional.
pub(crate) fn map_class(
    class: &OrClass,
    ctx: &MapContext<'_>,
    warnings: &mut Vec<Problem>,
) -> Result<Class, Problem> {
    let status = map_status(&class.meta, ctx, warnings)?;
    let title = class
        .title
        .clone()
        .ok_or_else(|| Problem::missing(Field::Title, "the class title"))?;
    let school = class
        .school
        .clone()
        .ok_or_else(|| Problem::missing(Field::School, "the class's school"))?;
    Ok(Class {
        external_id: class.meta.sourced_id.clone(),
        status,
        title,
        class_code: class.class_code.clone(),
        school_external_id: school,
        course_external_id: class.course.clone(),
        term_external_ids: class.terms.clone(),
    })
}
