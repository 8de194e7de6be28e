//! Clever objects → canonical records.

mod catalog;
mod person;
mod relationship;
mod section;

pub(crate) use catalog::{map_course, map_district, map_school, map_term};
pub(crate) use person::{UserRole, map_user};
pub(crate) use relationship::map_relationships;
pub(crate) use section::{map_section, section_enrollments};

/// `Some(trimmed)` for a non-blank string.
pub(crate) fn non_blank(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A value from Clever as messages quote it: at most 60 characters, with `…` when cut.
pub(crate) fn cut(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
