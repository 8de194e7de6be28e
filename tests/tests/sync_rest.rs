//! The sync engine through the OneRoster REST connector against the fake OneRoster server.
