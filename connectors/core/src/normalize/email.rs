//! E-mail normalization.

use super::{ContactPointError, EmailProblem};

const MAX_LOCAL: usize = 64;
const MAX_TOTAL: usize = 254;
const MAX_LABEL: usize = 63;

/// Normalizes an e-mail address for matching: trims surrounding whitespace, lower-cases the
/// whole address (SIS data is case-inconsistent and no K-12 mail system treats local parts
/// case-sensitively) and rejects obviously invalid values.
///
/// Rejected: empty input, no `@` or several, an empty or over-long local part, a total over 254
/// characters, whitespace/control characters or any of `()<>[]:;,"\`, leading/trailing/double
/// dots in the local part, and domains that are not dotted host names (labels of 1–63 letters,
/// digits or inner hyphens; internationalised letters allowed).
pub fn normalize_email(raw: &str) -> Result<String, ContactPointError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ContactPointError::EmptyEmail);
    }
    let invalid = |problem| ContactPointError::InvalidEmail {
        value: raw.to_owned(),
        problem,
    };
    let lowered = trimmed.to_lowercase();
    if let Some(c) = lowered.chars().find(|c| is_forbidden(*c)) {
        return Err(invalid(EmailProblem::InvalidCharacter(c)));
    }
    if lowered.chars().count() > MAX_TOTAL {
        return Err(invalid(EmailProblem::TooLong));
    }
    let (local, domain) = match lowered.split_once('@') {
        None => return Err(invalid(EmailProblem::MissingAt)),
        Some((_, domain)) if domain.contains('@') => {
            return Err(invalid(EmailProblem::MultipleAt));
        }
        Some(parts) => parts,
    };
    if local.is_empty() {
        return Err(invalid(EmailProblem::EmptyLocalPart));
    }
    if local.chars().count() > MAX_LOCAL {
        return Err(invalid(EmailProblem::LocalPartTooLong));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(invalid(EmailProblem::MisplacedDot));
    }
    if !is_host_name(domain) {
        return Err(invalid(EmailProblem::BadDomain(domain.to_owned())));
    }
    Ok(lowered)
}

fn is_forbidden(c: char) -> bool {
    c.is_whitespace() || c.is_control() || "()<>[]:;,\"\\".contains(c)
}

fn is_host_name(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.chars().count() <= MAX_LABEL
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::normalize_email;
    use crate::normalize::{ContactPointError, EmailProblem};

    fn problem(raw: &str) -> EmailProblem {
        match normalize_email(raw) {
            Err(ContactPointError::InvalidEmail { problem, value }) => {
                assert_eq!(value, raw);
                problem
            }
            other => panic!("{raw}: expected InvalidEmail, got {other:?}"),
        }
    }

    #[test]
    fn trims_and_lowercases() {
        assert_eq!(
            normalize_email("  Jane.DOE@District.EDU\t").unwrap(),
            "jane.doe@district.edu"
        );
        assert_eq!(
            normalize_email("o'brien+kids@mail.example.org").unwrap(),
            "o'brien+kids@mail.example.org"
        );
        assert_eq!(normalize_email("ÉLÈVE@école.fr").unwrap(), "élève@école.fr");
    }

    #[test]
    fn rejects_empty() {
        assert_eq!(normalize_email(""), Err(ContactPointError::EmptyEmail));
        assert_eq!(normalize_email("   "), Err(ContactPointError::EmptyEmail));
    }

    #[test]
    fn rejects_obviously_invalid() {
        assert_eq!(problem("jane.doe"), EmailProblem::MissingAt);
        assert_eq!(problem("a@b@c.org"), EmailProblem::MultipleAt);
        assert_eq!(problem("@district.edu"), EmailProblem::EmptyLocalPart);
        assert_eq!(
            problem("jane doe@x.org"),
            EmailProblem::InvalidCharacter(' ')
        );
        assert_eq!(problem("<jane@x.org>"), EmailProblem::InvalidCharacter('<'));
        assert_eq!(problem(".jane@x.org"), EmailProblem::MisplacedDot);
        assert_eq!(problem("jane..doe@x.org"), EmailProblem::MisplacedDot);
        assert_eq!(
            problem("jane@localhost"),
            EmailProblem::BadDomain("localhost".into())
        );
        assert_eq!(
            problem("jane@x..org"),
            EmailProblem::BadDomain("x..org".into())
        );
        assert_eq!(
            problem("jane@-x.org"),
            EmailProblem::BadDomain("-x.org".into())
        );
        assert_eq!(
            problem("jane@x.org."),
            EmailProblem::BadDomain("x.org.".into())
        );
        assert_eq!(
            problem("jane@x_y.org"),
            EmailProblem::BadDomain("x_y.org".into())
        );
        assert_eq!(
            problem(&format!("{}@x.org", "a".repeat(65))),
            EmailProblem::LocalPartTooLong
        );
        assert_eq!(
            problem(&format!("a@{}.org", vec!["b".repeat(60); 5].join("."))),
            EmailProblem::TooLong
        );
    }
}
