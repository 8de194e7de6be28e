//! OneRoster objects as the provider sent them, independent of the wire format.
//!
//! The CSV reader builds these from rows and the REST reader from JSON; [`crate::mapping`]
//! turns them into canonical records, and the fake server renders them back as JSON. Values are
//! kept as text (trimmed, blank as `None`) so that validation happens in one place, the mapping.

mod class;
mod course;
mod enrollment;
mod meta;
mod org;
mod session;
mod user;

pub(crate) use class::OrClass;
pub(crate) use course::OrCourse;
pub(crate) use enrollment::OrEnrollment;
pub(crate) use meta::ObjectMeta;
pub(crate) use org::OrOrg;
pub(crate) use session::OrSession;
pub(crate) use user::{OrRole, OrUser};
