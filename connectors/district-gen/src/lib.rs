//! Synthetic district generator.
