//! Building blocks shared by the fake SIS servers that each connector crate ships for tests
//! (feature `fake`): the run-time fault switches every fake honours.

mod faults;

pub use faults::{Faults, Outcome};
