//! Stable content hashes, so the sync engine can skip unchanged rows.

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::Record;

/// Domain separator and canonical-form version, hashed before the JSON. Bump the version when
/// the canonical serialization changes on purpose (every stored hash then differs once).
const DOMAIN: &[u8] = b"homeroom-record-v1\n";

/// A SHA-256 hash of a record's canonical form, shown and serialized as 64 lower-case hex digits.
///
/// # Canonical form
///
/// `SHA-256("homeroom-record-v1\n" ‖ serde_json::to_vec(record))`. The JSON is compact (no
/// whitespace) and its field order is **fixed by the order of the fields in the struct
/// definitions** of this crate (serde derives serialize in declaration order, and no record holds
/// a map). Reordering, renaming or adding a field therefore changes every hash: that is a
/// deliberate format change and must come with a new `DOMAIN` version. A test pins the exact
/// bytes and hash of a sample person so such a change cannot slip in unnoticed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

/// A string was not 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid content hash `{0}`: expected 64 hex digits")]
pub struct ParseContentHashError(pub String);

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl ContentHash {
    /// Hashes a record's canonical form (see the type docs). Streams the JSON into the hasher
    /// without building the string.
    pub fn of(record: &Record) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(DOMAIN);
        // Serializing a record cannot fail: every field is a string, number, bool, option,
        // sequence or string-backed enum (no maps with non-string keys), and the writer is
        // infallible. The `content_hash_covers_every_variant` test exercises every variant.
        serde_json::to_writer(HashWriter(&mut hasher), record)
            .expect("canonical records always serialize to JSON");
        Self(hasher.finalize().into())
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Builds a hash from raw bytes (e.g. read back from storage).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// 64 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", self.to_hex())
    }
}

impl FromStr for ContentHash {
    type Err = ParseContentHashError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|_| ParseContentHashError(s.to_owned()))?;
        Ok(Self(bytes))
    }
}

impl Serialize for ContentHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for ContentHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::ContentHash;
    use crate::records::*;

    fn sample_person() -> Person {
        let mut p = Person::new("usr-s-1", "Mary", "Jones");
        p.roles.push(RoleAssignment::new(Role::Student, "sch-1"));
        p.contact_points
            .push(ContactPoint::email("mary.jones@school.org").primary());
        p.grade = Some("09".into());
        p.student_number = Some("100234".into());
        p
    }

    /// Pins the canonical bytes (field order!) and the hash. The expected digest was computed
    /// outside Rust: `sha256(b"homeroom-record-v1\n" + JSON)` with Python's hashlib.
    #[test]
    fn canonical_form_and_hash_are_pinned() {
        let record = Record::Person(sample_person());
        let json = serde_json::to_string(&record).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"record":"person","external_id":"usr-s-1","status":"active","enabled":true,"#,
                r#""given_name":"Mary","family_name":"Jones","middle_name":null,"#,
                r#""preferred_given_name":null,"preferred_family_name":null,"#,
                r#""roles":[{"role":"student","org_external_id":"sch-1"}],"#,
                r#""contact_points":[{"kind":"email","value":"mary.jones@school.org","primary":true}],"#,
                r#""grade":"09","student_number":"100234","state_id":null,"sis_id":null}"#
            )
        );
        let mut h = Sha256::new();
        h.update(b"homeroom-record-v1\n");
        h.update(json.as_bytes());
        let expected = hex::encode(h.finalize());
        assert_eq!(record.content_hash().to_hex(), expected);
        assert_eq!(record.content_hash().to_hex(), PINNED_PERSON_HASH);
    }

    const PINNED_PERSON_HASH: &str =
        "5f4c9de40cb6e92551f1950fffb27ea08527ae8f85adbd86cd0b3e54d020fc6d";

    #[test]
    fn any_field_change_changes_the_hash() {
        let base = Record::Person(sample_person());
        let mut changed = sample_person();
        changed.grade = Some("10".into());
        assert_ne!(base.content_hash(), Record::Person(changed).content_hash());
        let mut changed = sample_person();
        changed.contact_points[0].primary = false;
        assert_ne!(base.content_hash(), Record::Person(changed).content_hash());
        assert_eq!(
            base.content_hash(),
            Record::Person(sample_person()).content_hash()
        );
    }

    #[test]
    fn content_hash_covers_every_variant() {
        let mut term = Term::new("trm-1", "Fall", TermKind::Semester);
        term.start_date = SisDate::from_ymd(2023, 8, 20);
        let mut enrollment = Enrollment::new("e", "c", "u", EnrollmentRole::Teacher);
        enrollment.end_date = SisDate::from_ymd(2024, 6, 10);
        let records: Vec<Record> = vec![
            Org::new("o", "Org", OrgType::District).into(),
            sample_person().into(),
            Course::new("c", "Math").into(),
            term.into(),
            Class::new("k", "Algebra", "o").into(),
            enrollment.into(),
            Relationship::new("p", "s", RelationshipKind::Guardian).into(),
            Deleted::new(EntityKind::Org, "o").into(),
        ];
        let mut hashes: Vec<ContentHash> = records.iter().map(Record::content_hash).collect();
        hashes.sort();
        hashes.dedup();
        assert_eq!(hashes.len(), records.len());
    }

    #[test]
    fn hex_round_trip() {
        let h = Record::Course(Course::new("c", "Math")).content_hash();
        let hex = h.to_string();
        assert_eq!(hex.len(), 64);
        assert_eq!(hex.parse::<ContentHash>().unwrap(), h);
        assert_eq!(
            serde_json::from_str::<ContentHash>(&format!("\"{hex}\"")).unwrap(),
            h
        );
        assert!("abc".parse::<ContentHash>().is_err());
        assert_eq!(ContentHash::from_bytes(*h.as_bytes()), h);
    }
}
