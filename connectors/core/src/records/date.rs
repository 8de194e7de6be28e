//! A calendar date as SIS send it (`YYYY-MM-DD`), without a date-time library.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::shown::shown;

/// A validated calendar date (proleptic Gregorian, years 1000–9999), serialized as `YYYY-MM-DD`.
///
/// Ordering is chronological.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SisDate {
    year: u16,
    month: u8,
    day: u8,
}

/// A string was not a valid `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid date `{}`: {reason}", shown(input))]
pub struct ParseSisDateError {
    /// The rejected input.
    pub input: String,
    /// Why it was rejected.
    pub reason: &'static str,
}

impl SisDate {
    /// Builds a date from its parts, checking month length and leap years.
    pub fn from_ymd(year: u16, month: u8, day: u8) -> Option<Self> {
        if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        (day <= days_in_month(year, month)).then_some(Self { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(input: &str) -> Result<Self, ParseSisDateError> {
        let err = |reason| ParseSisDateError {
            input: input.to_owned(),
            reason,
        };
        let bytes = input.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(err("expected YYYY-MM-DD"));
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, ParseSisDateError> {
            let part = &input[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("expected digits"));
            }
            part.parse().map_err(|_| err("expected digits"))
        };
        let year = number(0..4)?;
        let month = u8::try_from(number(5..7)?).map_err(|_| err("month out of range"))?;
        let day = u8::try_from(number(8..10)?).map_err(|_| err("day out of range"))?;
        Self::from_ymd(year, month, day).ok_or_else(|| err("no such calendar day"))
    }

    /// Parses a date or the date part of a date-time: `2023-08-20`, `2023-08-20T00:00:00`,
    /// `2023-08-20T00:00:00.000Z` (Clever, Aeries, OneRoster). The time and any offset are
    /// ignored: the calendar date is taken as written.
    pub fn parse_date_prefix(input: &str) -> Result<Self, ParseSisDateError> {
        let trimmed = input.trim();
        match trimmed.get(10..11) {
            None => Self::parse(trimmed),
            Some("T") | Some(" ") => Self::parse(&trimmed[..10]),
            Some(_) => Err(ParseSisDateError {
                input: input.to_owned(),
                reason: "expected YYYY-MM-DD optionally followed by a time",
            }),
        }
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for SisDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for SisDate {
    type Err = ParseSisDateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for SisDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SisDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod long_input_tests {
    use super::SisDate;

    #[test]
    fn a_long_rejected_date_is_quoted_cut() {
        let message = SisDate::parse_date_prefix(&"9".repeat(50_000))
            .unwrap_err()
            .to_string();
        assert!(message.chars().count() < 120, "{message}");
    }
}

#[cfg(test)]
mod tests {
    use super::SisDate;

    #[test]
    fn parses_and_formats() {
        let d = SisDate::parse("2023-08-20").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2023, 8, 20));
        assert_eq!(d.to_string(), "2023-08-20");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2023-08-20\"");
        assert_eq!(
            serde_json::from_str::<SisDate>("\"2023-08-20\"").unwrap(),
            d
        );
    }

    #[test]
    fn checks_the_calendar() {
        assert!(SisDate::parse("2024-02-29").is_ok());
        assert!(SisDate::parse("2023-02-29").is_err());
        assert!(SisDate::parse("1900-02-29").is_err());
        assert!(SisDate::parse("2000-02-29").is_ok());
        assert!(SisDate::parse("2023-04-31").is_err());
        assert!(SisDate::parse("2023-13-01").is_err());
        assert!(SisDate::parse("2023-00-10").is_err());
        assert!(SisDate::parse("2023-01-00").is_err());
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in [
            "2023-8-20",
            "20230820",
            "2023/08/20",
            "+023-08-20",
            "2023-08-2x",
            "",
            "0999-01-01",
        ] {
            assert!(SisDate::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(serde_json::from_str::<SisDate>("\"1/31/2008\"").is_err());
    }

    #[test]
    fn takes_the_date_part_of_date_times() {
        let want = SisDate::from_ymd(2023, 8, 20).unwrap();
        for input in [
            "2023-08-20",
            "2023-08-20T00:00:00",
            "2023-08-20T00:00:00.000Z",
            " 2023-08-20 10:00 ",
        ] {
            assert_eq!(SisDate::parse_date_prefix(input).unwrap(), want, "{input}");
        }
        assert!(SisDate::parse_date_prefix("2023-08-20X").is_err());
    }

    #[test]
    fn orders_chronologically() {
        let a = SisDate::parse("2023-12-31").unwrap();
        let b = SisDate::parse("2024-01-01").unwrap();
        assert!(a < b);
    }
}
