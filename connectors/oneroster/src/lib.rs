//! OneRoster connector (CSV and REST).
