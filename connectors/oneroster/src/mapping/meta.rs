//! Checks shared by every object: id, status, last-modified time.

use homeroom_connector_core::RecordStatus;

use super::{Field, MapContext, Problem};
use crate::model::ObjectMeta;
use crate::values::{parse_status, parse_timestamp};

/// The object's status. Rejects a blank `sourcedId` or an unreadable status; an unreadable
/// `dateLastModified` is only a warning (Homeroom does not use it per record).
pub(crate) fn map_status(
    meta: &ObjectMeta,
    ctx: &MapContext<'_>,
    warnings: &mut Vec<Problem>,
) -> Result<RecordStatus, Problem> {
    if meta.sourced_id.trim().is_empty() {
        return Err(Problem::missing(Field::SourcedId, "sourcedId"));
    }
    let status = parse_status(meta.status.as_deref(), ctx.blank_status_is_active)
        .map_err(|m| Problem::invalid(Field::Status, m))?;
    if let Some(text) = &meta.date_last_modified
        && let Err(message) = parse_timestamp(text)
    {
        warnings.push(Problem::invalid(
            Field::DateLastModified,
            format!("{message}; the value is ignored"),
        ));
    }
    Ok(status)
}
