//! OneRoster objects → canonical records, with every validation rule in one place.
//!
//! Each `map_*` function either returns the record or a [`Problem`] that rejects the object;
//! problems that do not reject it are pushed to `warnings`. Callers (the CSV and REST readers)
//! turn problems into [`crate::Issue`]s naming the file or endpoint, row and id.

mod class;
mod course;
mod enrollment;
mod field;
mod meta;
mod org;
mod person;
mod problem;
mod relationship;
mod roles;
mod term;

pub(crate) use class::map_class;
pub(crate) use course::map_course;
pub(crate) use enrollment::map_enrollment;
pub(crate) use field::{Dialect, Field};
pub(crate) use meta::map_status;
pub(crate) use org::{is_district, map_org};
pub(crate) use person::map_person;
pub(crate) use problem::Problem;
pub(crate) use relationship::{relationship_keys, relationships};
pub(crate) use roles::{RoleMeaning, parse_role};
pub(crate) use term::map_term;

use std::collections::HashSet;

/// What the mapping needs to know beyond the object itself.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MapContext<'a> {
    /// Whether a blank `status` means active (bulk CSV files, REST) or is an error (delta CSV
    /// files, where the status is required).
    pub blank_status_is_active: bool,
    /// The sourcedIds of the orgs of type `district` seen so far (an `administrator` there is a
    /// district admin; elsewhere a school admin).
    pub districts: &'a HashSet<String>,
}
