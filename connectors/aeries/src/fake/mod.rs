//! A fake Aeries site for tests and benchmarks (feature `fake`).
//!
//! [`FakeAeries::start`] serves a district from `homeroom-district-gen` on
//! `127.0.0.1:<ephemeral port>` under `/aeries/api/v5/`, answering in Aeries' shapes (JSON
//! arrays of PascalCase objects, `{"Message": …}` errors):
//!
//! * auth: the `AERIES-CERT` header must carry the site's certificate, else 401;
//!   `DatabaseYear` other than the year served is a 400;
//! * paging: `StartingRecord` / `EndingRecord` on student lists;
//! * the endpoints the connector reads (schools, terms, teachers, sections and rosters,
//!   students, contacts, enrollment history, staff, courses, the `CON`/`RL` code table,
//!   systeminfo) and the
//!   change feeds, filled by [`FakeHandle::advance`];
//! * the shared fault switches ([`Faults`]): 429 with `Retry-After`, 500, slow answers, a
//!   connection cut mid-body, malformed JSON, an empty roster (every list empty), and
//!   endpoints answering 404 (`Faults::remove_collection("codes/CON/RL")`);
//! * a request counter and log.

mod changes;
mod data;
mod server;

pub use data::DATABASE_YEAR;
pub use homeroom_connector_core::fake::Faults;
pub use server::{FAKE_CERT, FakeAeries, FakeHandle, RecordedRequest, SITE_PATH};
