//! # homeroom-aeries
//!
//! The Aeries SIS connector of Homeroom (kind `aeries`): Aeries API v5 read with the
//! district-issued `AERIES-CERT` certificate, full snapshots and deltas through the Aeries
//! change feeds, turned into the canonical records of [`homeroom_connector_core::records`].
//! [`fake`] (feature `fake`) is an Aeries server on 127.0.0.1 seeded from the synthetic
//! district generator, with switchable faults, for tests and benchmarks.
//!
//! ## Configuration
//!
//! `{"base_url", "cert", "database_year"?, "school_codes"?}` ([`AeriesConfig`]); `base_url` is
//! the site root (`https://host/aeries`), `cert` is a secret (encrypted at rest by the API).
//! Every request carries `AERIES-CERT: <cert>`, `Accept: application/json` and, when
//! `database_year` is set, `?DatabaseYear=<year>` (pinning the year database across
//! rollover). An optional `relationship_codes` map overrides relationship-code decoding.
//!
//! ## What is read, and how it maps
//!
//! * `/schools` → orgs: school 0 (the district office) is the district org and the parent of
//!   the others; `school_codes` limits which schools are read.
//! * `/schools/{sc}/terms` → terms (`Y` school year, other codes semesters/terms under it).
//! * `/courses` → courses (title: `LongDescription`, else `Title`; code: `ID`).
//! * `/schools/{sc}/teachers` → ties school-scoped `TeacherNumber`s to staff (`StaffID1`).
//! * `/schools/{sc}/sections` → classes titled `<course> - P<period>`, term from `Semester`;
//!   teachers from `TeacherNumber1..3` (the first is primary).
//! * `/staff` → people: teacher where they have an active teacher record, otherwise from
//!   `Title` (aide, superintendent → district admin, principal → school admin, else staff).
//! * `/schools/{sc}/students` in `StartingRecord`/`EndingRecord` windows of 2,000 → students.
//!   A StudentID listed by several schools (concurrent enrollment, transfers) is one person
//!   with the student role at each school holding an active record for them. The
//!   district-wide `StudentID` is the student number used for identity (Aeries'
//!   `StudentNumber` is only unique within a school).
//! * `/schools/{sc}/contacts` → guardians and relationships. Contacts are per-student rows
//!   keyed (StudentID, SequenceNumber); the adult's external id is the student's non-zero
//!   `FamilyKey` plus the normalized first, middle and last name, so the same adult listed under
//!   several siblings is **one** person (the engine's identity rules — e-mail, or phone with
//!   the same names — then join an adult who is also staff). Two different adults of one
//!   family with the same full name are told apart by their order among the student's rows
//!   (`…|2`). Without a FamilyKey the row key is the id. `LivesWithStudentIndicator` is kept
//!   on the relationship.
//!   `RelationshipToStudentCode` is decoded through the code table `/codes/CON/RL`
//!   ([`codes`](crate::RelationshipCodes)) and `relationship_codes`.
//! * `/schools/{sc}/classes/` → student enrollments: every class schedule row of the school in
//!   one request (a few schools at a time), grouped by `SectionNumber`; rows of inactive
//!   sections are not enrollments, rows naming a section the school does not list and rows
//!   naming a StudentID on no school's list are reported and skipped. A site that answers 404
//!   there, or no row for a school with live sections, is read the documented per-section way,
//!   `/schools/{sc}/sections/{sn}/students` (a few rosters at a time).
//! * Objects that cannot be read (an item that is no object, a property that is a list or an
//!   object where a value belongs) are skipped and reported as `malformed_object` issues
//!   naming the endpoint, the item's position and key, and the property.
//! * `InactiveStatusCode` non-blank = inactive: such students and staff stay on the roster
//!   disabled; such sections and courses are sent as to-be-deleted.
//!
//! Zero schools or zero students is [`ConnectorError::EmptyRoster`] (the engine holds the run);
//! 401/403 is [`ConnectorError::Auth`]; 429, 5xx, timeouts and cut connections are retried by
//! the core HTTP client; a body that is not the expected JSON is
//! [`ConnectorError::Malformed`]. Objects that cannot be used are skipped and reported as
//! source issues on the pages.
//!
//! ## Delta
//!
//! The cursor is the district server's clock (`/systeminfo` `LocalDateTime`) when a read
//! started, minus 5 minutes, as `YYYY-MM-DDTHH:MM`; reading the server's own clock sidesteps
//! the feeds' undocumented time zone. A delta reads the `*DataChanges` feeds since the cursor
//! and re-reads the named records; see [`delta`](crate::Aeries::delta) and the table in the
//! `delta` module: deletions are found by diffing each changed section's roster and each
//! changed student's contact rows against the keys the feed names.
//!
//! ## Choices where the Aeries documentation is silent or unconfirmed
//!
//! * Rate limits: none documented; the client honours 429 with `Retry-After` and sets no
//!   client-side limit.
//! * Feed time zone: the server's local clock (see Delta). Feed items: JSON arrays of
//!   objects holding the keys of the changed record (`StudentID`, `SchoolCode`,
//!   `SequenceNumber`, `SectionNumber`, `StaffID`, `CourseID` as the feed concerns).
//! * Code table for contact relationships: table `CON`, field `RL`, items `{Code, Description}`.
//! * Teacher fields: `SchoolCode`, `TeacherNumber`, names, `EmailAddress`, `StaffID1..3`,
//!   `InactiveStatusCode`. Section fields: `SchoolCode`, `SectionNumber`, `CourseID`,
//!   `TeacherNumber1..3`, `Period`, `Room`, `Semester` (a term code), `InactiveStatusCode`.
//!   Roster rows: `StudentID`, `SectionNumber`, `DateStarted`, `DateEnded`. Terms:
//!   `SchoolCode`, `TermCode`, `TermDescription`, `StartDate`, `EndDate`. Schools:
//!   `SchoolCode`, `Name`, `InactiveStatusCode`.
//! * Flags (`LivesWithStudentIndicator`) may be `Y`/`N`, booleans or `true`/`false`; ids and
//!   codes may be numbers or strings; dates `YYYY-MM-DDT00:00:00`.
//! * Grades: Aeries numbers, sent as codes (`-2` IT, `-1` PK, `0` KG, `1`–`12` `01`–`12`).
//! * School-wide class schedules: the public API documentation lists
//!   `/schools/{sc}/classes/{StudentID}` for
//!   one student only; Aeries' own PowerShell module (`Get-AeriesStudentClassSchedule`,
//!   `AeriesSoftware/Posh-AeriesApi`) documents that leaving the StudentID out returns every
//!   class schedule of the school. Its rows are read with the roster row's field names
//!   (`StudentID`, `SectionNumber`, `DateStarted`, `DateEnded`: the same `SEC` rows), which
//!   the public documentation does not spell out either; the per-section fallback keeps a
//!   site that differs readable. Per-school contacts (`/schools/{sc}/contacts`, every contact
//!   of the school's students) are confirmed by Aeries' knowledge base article on SchoolCode
//!   in the student and contact endpoints.
//! * A repeated key in an object: the last value wins (as a JSON object map would keep it).
//! * Values quoted in issues (ids, codes, dates) are cut to a few dozen characters.
//!
//! ## Fuzzing
//!
//! The feature `fuzz` exposes `fuzz`: the generator and properties of the answer readers,
//! which this crate's property tests run a bounded number of times and the `fuzz_parsers`
//! bench of `homeroom-connector-fuzz` runs for as long as asked.
//!
//! [`ConnectorError::EmptyRoster`]: homeroom_connector_core::ConnectorError::EmptyRoster
//! [`ConnectorError::Auth`]: homeroom_connector_core::ConnectorError::Auth
//! [`ConnectorError::Malformed`]: homeroom_connector_core::ConnectorError::Malformed

mod api;
mod codes;
mod config;
mod connector;
mod cursor;
mod delta;
mod emit;
#[cfg(feature = "fake")]
pub mod fake;
#[cfg(any(test, feature = "fuzz"))]
pub mod fuzz;
mod ids;
mod mapping;
mod register;
mod site;
mod snapshot;
mod spool;
mod values;
mod wire;

pub use crate::codes::RelationshipCodes;
pub use crate::config::{AeriesConfig, PAGE_SIZE, ROSTER_CONCURRENCY, STUDENTS_PER_REQUEST};
pub use crate::connector::Aeries;
pub use crate::cursor::{Cursor, DELTA_OVERLAP};
pub use crate::register::{register, try_register};
