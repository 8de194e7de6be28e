//! Starting the real binary for end-to-end tests (filled in with the API).
