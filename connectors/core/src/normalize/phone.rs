//! Phone normalization to E.164.

use std::fmt;
use std::str::FromStr;

use phonenumber::country;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ContactPointError;

/// The region (ISO 3166-1 alpha-2, e.g. `US`) used to read numbers written without a country
/// code — the district's default country.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PhoneRegion(country::Id);

impl PhoneRegion {
    /// The United States, the default for districts that do not say otherwise.
    pub const US: PhoneRegion = PhoneRegion(country::Id::US);

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }
}

impl Default for PhoneRegion {
    fn default() -> Self {
        Self::US
    }
}

impl FromStr for PhoneRegion {
    type Err = ContactPointError;

    /// Parses a two-letter region code, case-insensitively (`us`, `US`, `Gb`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        if upper.len() != 2 {
            return Err(ContactPointError::UnknownRegion(s.to_owned()));
        }
        country::Id::from_str(&upper)
            .map(PhoneRegion)
            .map_err(|_| ContactPointError::UnknownRegion(s.to_owned()))
    }
}

impl fmt::Display for PhoneRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PhoneRegion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PhoneRegion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Normalizes a phone number to E.164 (`+16039876543`).
///
/// Numbers with a country code (`+44 20 7946 0958`, `tel:+1-603-…`) are read as such; others are
/// read in `default_region`. Formatting characters (spaces, dots, dashes, parentheses) are
/// ignored; an extension (`x123`) is dropped, since E.164 has none. The number must be a
/// *valid* number for its country by libphonenumber's metadata, not merely digits.
pub fn normalize_phone(
    raw: &str,
    default_region: PhoneRegion,
) -> Result<String, ContactPointError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ContactPointError::EmptyPhone);
    }
    // A number written with its country code needs no default region, and must not get one:
    // the phonenumber crate then strips the region's trunk prefix from inside it (with US,
    // "+43 1 3879" became "+43 3879"; found by the contact-points fuzz target).
    let region = (!trimmed.starts_with('+')).then_some(default_region.0);
    let number =
        phonenumber::parse(region, trimmed).map_err(|e| ContactPointError::UnparsablePhone {
            value: raw.to_owned(),
            reason: e.to_string(),
        })?;
    if !phonenumber::is_valid(&number) {
        return Err(ContactPointError::InvalidPhone {
            value: raw.to_owned(),
        });
    }
    let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
    // Accept only a form that reads back as itself: stored numbers are compared and
    // re-normalized, so normalizing must be idempotent.
    // E.164 allows at most 15 digits; libphonenumber's metadata accepts some longer German
    // numbers (found by the contact-points fuzz target), which no SMS provider would take. It
    // also accepts German numbers of 6 digits in all (+49 1640, found the same way), shorter
    // than any country's subscriber numbers (the shortest, Niue's and Saint Helena's, have 7).
    let digits = e164.trim_start_matches('+').len();
    match phonenumber::parse(None, &e164) {
        Ok(again)
            if (7..=15).contains(&digits)
                && phonenumber::is_valid(&again)
                && again.format().mode(phonenumber::Mode::E164).to_string() == e164 =>
        {
            Ok(e164)
        }
        _ => Err(ContactPointError::InvalidPhone {
            value: raw.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{PhoneRegion, normalize_phone};
    use crate::normalize::ContactPointError;

    fn us() -> PhoneRegion {
        "US".parse().unwrap()
    }

    #[test]
    fn formats_national_numbers_in_the_default_region() {
        for raw in [
            "6039876543",
            "(603) 987-6543",
            "603.987.6543",
            " 603-987-6543 ",
            "1 603 987 6543",
        ] {
            assert_eq!(normalize_phone(raw, us()).unwrap(), "+16039876543", "{raw}");
        }
        let gb: PhoneRegion = "gb".parse().unwrap();
        assert_eq!(
            normalize_phone("020 7946 0958", gb).unwrap(),
            "+442079460958"
        );
    }

    #[test]
    fn country_codes_are_read_without_the_default_region() {
        // Found by the contact-points fuzz target: with US as the default region the
        // phonenumber crate read "+4313879" (a Vienna number) as "+433879".
        let gb: PhoneRegion = "GB".parse().unwrap();
        assert_eq!(normalize_phone("+ 4313.879", gb).unwrap(), "+4313879");
        assert_eq!(normalize_phone("+4313879", us()).unwrap(), "+4313879");
        assert_eq!(normalize_phone("+43 1 514440", us()).unwrap(), "+431514440");
        let de: PhoneRegion = "DE".parse().unwrap();
        assert!(
            normalize_phone("381(6510) 45 350627", de).is_err(),
            "17 digits"
        );
        for short in ["tel:+0 0491640# 3", "(1680.", "+491681x80"] {
            assert!(normalize_phone(short, de).is_err(), "{short}: 6 digits");
        }
    }

    #[test]
    fn keeps_explicit_country_codes() {
        assert_eq!(
            normalize_phone("+44 20 7946 0958", us()).unwrap(),
            "+442079460958"
        );
        assert_eq!(
            normalize_phone("tel:+1-603-987-6543", us()).unwrap(),
            "+16039876543"
        );
    }

    #[test]
    fn drops_extensions() {
        assert_eq!(
            normalize_phone("603-987-6543 x12", us()).unwrap(),
            "+16039876543"
        );
    }

    #[test]
    fn rejects_garbage_with_typed_errors() {
        assert_eq!(
            normalize_phone("  ", us()),
            Err(ContactPointError::EmptyPhone)
        );
        assert!(matches!(
            normalize_phone("call me", us()),
            Err(ContactPointError::UnparsablePhone { .. })
        ));
        // Parses, but too short / an unassigned area code: not a valid US number.
        assert!(matches!(
            normalize_phone("555-0100", us()),
            Err(ContactPointError::InvalidPhone { .. })
        ));
        assert!(matches!(
            normalize_phone("123-456-7890", us()),
            Err(ContactPointError::InvalidPhone { .. })
        ));
    }

    #[test]
    fn regions_parse_case_insensitively() {
        assert_eq!("us".parse::<PhoneRegion>().unwrap(), PhoneRegion::US);
        assert_eq!(PhoneRegion::default().to_string(), "US");
        assert!(matches!(
            "XX".parse::<PhoneRegion>(),
            Err(ContactPointError::UnknownRegion(_))
        ));
        assert!(matches!(
            "USA".parse::<PhoneRegion>(),
            Err(ContactPointError::UnknownRegion(_))
        ));
        assert_eq!(
            serde_json::from_str::<PhoneRegion>("\"ca\"")
                .unwrap()
                .as_str(),
            "CA"
        );
    }
}
