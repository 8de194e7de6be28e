//! A tiny civil date (proleptic Gregorian), enough for terms, enrollments and timestamps.

use std::fmt;

use serde::{Serialize, Serializer};

/// A calendar date, stored as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// The date `year-month-day`. `month` is 1–12 and `day` 1–31 (not checked further).
    pub const fn from_ymd(year: i32, month: u32, day: u32) -> Date {
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = month as i32;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date(era * 146_097 + doe - 719_468)
    }

    /// `(year, month, day)`.
    pub const fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// This date plus `days` (may be negative).
    pub const fn add_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }

    /// Days since 1970-01-01.
    pub const fn days_since_epoch(self) -> i32 {
        self.0
    }
}

impl fmt::Display for Date {
    /// ISO 8601, `2025-09-15`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(Date::from_ymd(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(Date::from_ymd(2000, 3, 1).days_since_epoch(), 11_017);
        let d = Date::from_ymd(2025, 12, 31);
        assert_eq!(d.add_days(1).to_string(), "2026-01-01");
        assert_eq!(
            Date::from_ymd(2024, 2, 28).add_days(1).to_string(),
            "2024-02-29"
        );
        for n in -1000..40_000 {
            let d = Date(n);
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), d);
        }
    }
}
