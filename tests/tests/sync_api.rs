//! Connectors and sync runs through GraphQL and the command line.
