//! Valid, unique, deterministic US phone numbers.

use std::fmt;
use std::sync::OnceLock;

use serde::{Serialize, Serializer};

/// US area codes the generator draws a district's local area codes from. Every one of them,
/// with every exchange in [`exchanges`], is a valid US number for libphonenumber (a test checks).
pub(crate) const AREA_CODES: &[u16] = &[
    201, 202, 203, 205, 206, 207, 208, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225, 231, 234,
    239, 240, 248, 251, 252, 253, 254, 256, 260, 262, 267, 269, 270, 281, 301, 302, 303, 304, 305,
    307, 308, 309, 310, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 323, 330, 334, 336, 337,
    347, 352, 360, 361, 385, 386, 401, 402, 404, 405, 406, 407, 408, 409, 410, 412, 413, 414, 415,
    417, 419, 423, 424, 425, 432, 434, 435, 440, 443, 469, 470, 478, 479, 480, 484, 501, 502, 503,
    504, 505, 507, 508, 509, 510, 512, 513, 515, 516, 517, 518, 520, 530, 540, 541, 551, 559, 561,
    562, 563, 570, 571, 573, 574, 580, 585, 586, 601, 602, 603, 605, 606, 607, 608, 609, 610, 612,
    614, 615, 616, 617, 618, 619, 620, 623, 626, 630, 631, 636, 641, 646, 650, 651, 660, 661, 662,
    678, 701, 702, 703, 704, 706, 707, 708, 712, 713, 714, 715, 716, 717, 718, 719, 720, 724, 727,
    731, 732, 734, 740, 754, 757, 760, 763, 765, 770, 772, 773, 774, 775, 781, 785, 786, 801, 802,
    803, 804, 805, 806, 808, 810, 812, 813, 814, 815, 816, 817, 818, 828, 830, 831, 832, 843, 845,
    847, 850, 856, 857, 858, 859, 860, 862, 863, 864, 865, 870, 901, 903, 904, 906, 907, 908, 909,
    910, 912, 913, 914, 915, 916, 917, 918, 919, 920, 925, 928, 931, 936, 937, 940, 941, 949, 951,
    952, 954, 956, 970, 971, 972, 973, 978, 979, 985, 989,
];

/// Exchanges (the three digits after the area code) used: 200–999 without the N11 service
/// codes, 555 (directory and fictional numbers) and 950/958/959/976.
pub(crate) fn exchanges() -> &'static [u16] {
    static EXCHANGES: OnceLock<Vec<u16>> = OnceLock::new();
    EXCHANGES.get_or_init(|| {
        (200..=999u16)
            .filter(|e| e % 100 != 11 && ![555, 950, 958, 959, 976].contains(e))
            .collect()
    })
}

/// A US phone number (NANP), stored as its ten national digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Phone(u64);

impl Phone {
    /// From ten national digits (`2015550123`).
    pub const fn from_national(digits: u64) -> Phone {
        Phone(digits)
    }

    /// The ten national digits.
    pub const fn national_digits(self) -> u64 {
        self.0
    }

    /// E.164: `+12015550123`.
    pub fn e164(self) -> String {
        format!("+1{:010}", self.0)
    }

    /// US national format: `(201) 555-0123`.
    pub fn national(self) -> String {
        let d = self.0;
        format!(
            "({:03}) {:03}-{:04}",
            d / 10_000_000,
            d / 10_000 % 1000,
            d % 10_000
        )
    }
}

impl fmt::Display for Phone {
    /// E.164.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+1{:010}", self.0)
    }
}

impl Serialize for Phone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Hands out distinct numbers in a district's local area codes: number `n` is a fixed
/// pseudo-random permutation of the number space, so numbers look scattered but never repeat.
#[derive(Clone, Debug)]
pub(crate) struct PhonePlan {
    area_codes: Vec<u16>,
    multiplier: u64,
    offset: u64,
}

impl PhonePlan {
    pub(crate) fn new(area_codes: Vec<u16>, offset: u64) -> PhonePlan {
        let space = area_codes.len() as u64 * exchanges().len() as u64 * 10_000;
        // A multiplier coprime with the space makes `n * multiplier + offset (mod space)` a
        // bijection.
        let mut multiplier = 7_368_787u64;
        while gcd(multiplier, space) != 1 {
            multiplier += 2;
        }
        PhonePlan {
            area_codes,
            multiplier,
            offset: offset % space,
        }
    }

    fn space(&self) -> u64 {
        self.area_codes.len() as u64 * exchanges().len() as u64 * 10_000
    }

    /// The `n`th number (distinct for distinct `n` below the space, tens of millions).
    pub(crate) fn number(&self, n: u64) -> Phone {
        let space = self.space();
        let x =
            ((n % space) as u128 * self.multiplier as u128 + self.offset as u128) % space as u128;
        let x = x as u64;
        let line = x % 10_000;
        let rest = x / 10_000;
        let exch = exchanges()[(rest % exchanges().len() as u64) as usize] as u64;
        let area = self.area_codes[(rest / exchanges().len() as u64) as usize] as u64;
        Phone(area * 10_000_000 + exch * 10_000 + line)
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_distinct_and_formatted() {
        let plan = PhonePlan::new(vec![201, 973, 862], 12_345);
        let mut seen = std::collections::BTreeSet::new();
        for n in 0..200_000 {
            assert!(seen.insert(plan.number(n)));
        }
        let p = Phone::from_national(2_015_550_123);
        assert_eq!(p.e164(), "+12015550123");
        assert_eq!(p.national(), "(201) 555-0123");
    }

    #[test]
    fn every_area_code_and_exchange_is_valid_for_libphonenumber() {
        for &area in AREA_CODES {
            for (i, &exch) in exchanges().iter().enumerate() {
                if i % 7 != (area as usize) % 7 && exch != 200 && exch != 999 {
                    continue; // a spread sample keeps the test fast
                }
                let p =
                    Phone::from_national(area as u64 * 10_000_000 + exch as u64 * 10_000 + 4321);
                let parsed = phonenumber::parse(None, p.e164()).expect("parses");
                assert!(phonenumber::is_valid(&parsed), "{} not valid", p.e164());
            }
        }
    }
}
