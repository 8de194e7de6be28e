//! Fuzz target of contact-point normalization ([`normalize_email`], [`normalize_phone`] and
//! [`PhoneRegion`] parsing), which every connector, the sync engine's identity matching, the
//! relationship spreadsheet, invitations and sign-in run on text from outside.
//!
//! [`case`]: one raw value — a plausible address or number, one damaged (case, blanks, unicode,
//! separators, `tel:`, extensions, doubled `@` and dots), or anything at all — read as an email,
//! and as a phone number in a region from a plausible or hostile region code.
//!
//! The property: no panic; an accepted email is trimmed, lower-cased, has one `@`, and
//! normalizes to itself; an accepted phone number is `+` and 7–15 digits and normalizes to
//! itself in any region; a rejection is a typed [`ContactPointError`] whose message says what
//! kind of value it was.

use proptest::prelude::*;
use proptest::test_runner::TestRunner;

use super::{run_case, weird_string};
use crate::normalize::{ContactPointError, PhoneRegion, normalize_email, normalize_phone};

/// One generated case.
#[derive(Clone, Debug)]
pub struct Input {
    /// The raw value.
    pub raw: String,
    /// The region code to read phone numbers in.
    pub region: String,
}

fn email_like() -> BoxedStrategy<String> {
    (
        prop_oneof![
            4 => "[a-zA-Z0-9._%+'-]{1,20}",
            1 => weird_string(),
            1 => "[a-z]{1,3}\\.{1,2}[a-z]{0,3}",
        ],
        prop::sample::select(vec!["@", "@", "@", "", "@@", " @ ", "＠"]),
        prop_oneof![
            4 => "[a-zA-Z0-9-]{1,12}\\.(org|edu|com|k12\\.ca\\.us|école\\.fr)",
            1 => weird_string(),
            1 => "[a-z-]{0,4}\\.{0,2}[a-z-]{0,4}\\.?",
            1 => "[a-z]{60,70}\\.org",
        ],
        prop::sample::select(vec!["", " ", "\t", "\n", "\u{a0}", "\u{feff}"]),
    )
        .prop_map(|(local, at, domain, pad)| format!("{pad}{local}{at}{domain}{pad}"))
        .boxed()
}

fn phone_like() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "\\+?[0-9]{0,3}[ .-]?\\(?[0-9]{0,4}\\)?[ .-]?[0-9]{0,4}[ .-]?[0-9]{0,6}",
        2 => "(tel:)?\\+[0-9]{1,3}[ -]?[0-9]{2,14}( ?(x|ext\\.?|#) ?[0-9]{1,6})?",
        1 => "[0-9+()#*x .-]{0,40}",
        1 => "[+０-９]{1,20}",
        1 => weird_string(),
    ]
    .boxed()
}

fn region() -> BoxedStrategy<String> {
    prop_oneof![
        6 => prop::sample::select(vec!["US", "us", "GB", "CA", "MX", "FR", "DE", "IN", "BR", "AU", "NZ", "ZA", "JP"])
            .prop_map(str::to_owned),
        1 => "[A-Za-z]{2}",
        1 => weird_string(),
    ]
    .boxed()
}

/// The generator of [`case`].
pub fn input() -> BoxedStrategy<Input> {
    (
        prop_oneof![
            3 => email_like(),
            3 => phone_like(),
            1 => weird_string(),
        ],
        region(),
    )
        .prop_map(|(raw, region)| Input { raw, region })
        .boxed()
}

fn check_rejection(error: &ContactPointError, kind: &str) -> Result<(), String> {
    let message = error.to_string();
    if !message.contains(kind) {
        return Err(format!(
            "the rejection does not say it was {kind}: {message}"
        ));
    }
    Ok(())
}

/// Checks one input against the property.
pub fn check(input: &Input) -> Result<(), String> {
    match normalize_email(&input.raw) {
        Ok(email) => {
            if email != email.trim() || email != email.to_lowercase() {
                return Err(format!(
                    "accepted email {email:?} is not trimmed and lower-case"
                ));
            }
            if email.matches('@').count() != 1 {
                return Err(format!("accepted email {email:?} has not exactly one @"));
            }
            match normalize_email(&email) {
                Ok(again) if again == email => {}
                other => {
                    return Err(format!(
                        "accepted email {email:?} does not normalize to itself: {other:?}"
                    ));
                }
            }
        }
        Err(e) => check_rejection(&e, "e-mail")?,
    }
    let region: PhoneRegion = match input.region.parse() {
        Ok(region) => region,
        Err(e @ ContactPointError::UnknownRegion(_)) => {
            check_rejection(&e, "region")?;
            PhoneRegion::US
        }
        Err(other) => return Err(format!("a region code was refused oddly: {other:?}")),
    };
    match normalize_phone(&input.raw, region) {
        Ok(phone) => {
            let digits = phone.strip_prefix('+').unwrap_or_default();
            // E.164 sets no minimum: libphonenumber's validity decides, and some countries'
            // whole international numbers have 7 digits (Niue, Saint Helena, a short Vienna
            // line such as +43 1 3879 found by this generator).
            if !(7..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("accepted phone {phone:?} is not E.164"));
            }
            for other in [PhoneRegion::US, region, "GB".parse().unwrap_or_default()] {
                match normalize_phone(&phone, other) {
                    Ok(again) if again == phone => {}
                    result => {
                        return Err(format!(
                            "accepted phone {phone:?} does not normalize to itself in {other}: {result:?}"
                        ));
                    }
                }
            }
        }
        Err(e) => check_rejection(&e, "phone")?,
    }
    Ok(())
}

/// Runs one generated case (the `contact-points` target of the `fuzz_parsers` bench).
pub fn case(runner: &mut TestRunner) -> Result<(), String> {
    thread_local! {
        static INPUT: BoxedStrategy<Input> = input();
    }
    INPUT.with(|strategy| run_case(runner, strategy, check))
}

#[cfg(test)]
mod tests {
    use proptest::test_runner::Config;

    use super::*;

    #[test]
    fn odd_contact_points_never_panic_and_are_refused_clearly() {
        let mut runner = TestRunner::new(Config {
            failure_persistence: None,
            ..Config::default()
        });
        for _ in 0..2_000 {
            case(&mut runner).unwrap();
        }
    }
}
