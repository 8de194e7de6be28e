//! relationships
