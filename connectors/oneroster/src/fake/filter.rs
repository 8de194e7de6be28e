//! The one filter the fake understands: a `dateLastModified` comparison.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use crate::values::parse_timestamp;

/// `dateLastModified <op> '<timestamp>'`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ModifiedFilter {
    op: Op,
    at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl ModifiedFilter {
    /// Parses `dateLastModified>'2024-01-01T00:00:00Z'` (spaces around the operator allowed).
    /// Anything else is an error message for an imsx `invalid_filter_field` answer.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let field_end = text
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
            .unwrap_or(text.len());
        let (field, rest) = text.split_at(field_end);
        if field != "dateLastModified" {
            return Err(format!(
                "the fake filters on dateLastModified only, not `{field}`"
            ));
        }
        let rest = rest.trim_start();
        let (op, rest) = [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("!=", Op::Ne),
            (">", Op::Gt),
            ("<", Op::Lt),
            ("=", Op::Eq),
        ]
        .into_iter()
        .find_map(|(token, op)| rest.strip_prefix(token).map(|r| (op, r)))
        .ok_or_else(|| format!("no comparison operator in `{text}`"))?;
        let value = rest
            .trim()
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .ok_or_else(|| format!("the value in `{text}` is not single-quoted"))?;
        Ok(Self {
            op,
            at: parse_timestamp(value)?,
        })
    }

    /// Whether an object last modified at `modified` passes (no timestamp never passes).
    pub(crate) fn matches(&self, modified: Option<DateTime<Utc>>) -> bool {
        let Some(modified) = modified else {
            return false;
        };
        let order = modified.cmp(&self.at);
        match self.op {
            Op::Gt => order == Ordering::Greater,
            Op::Ge => order != Ordering::Less,
            Op::Lt => order == Ordering::Less,
            Op::Le => order != Ordering::Greater,
            Op::Eq => order == Ordering::Equal,
            Op::Ne => order != Ordering::Equal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ModifiedFilter;
    use crate::values::parse_timestamp;

    #[test]
    fn parses_and_compares() {
        let f = ModifiedFilter::parse("dateLastModified>'2024-01-01T00:00:00Z'").unwrap();
        assert!(f.matches(Some(parse_timestamp("2024-01-02").unwrap())));
        assert!(!f.matches(Some(parse_timestamp("2024-01-01T00:00:00Z").unwrap())));
        assert!(!f.matches(None));
        let f = ModifiedFilter::parse("dateLastModified >= '2024-01-01'").unwrap();
        assert!(f.matches(Some(parse_timestamp("2024-01-01T00:00:00Z").unwrap())));
        assert!(ModifiedFilter::parse("role='student'").is_err());
        assert!(ModifiedFilter::parse("dateLastModified>2024").is_err());
    }
}
