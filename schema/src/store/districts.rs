//! districts
