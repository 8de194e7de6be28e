//! The `userIds` CSV cell: `{LDAP:12},{LTI:15}`.

use serde::{Deserialize, Serialize};

/// One entry of `userIds`: an identifier in some other system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct UserId {
    /// The system (`LDAP`, `LTI`, `FED`, `state`, …).
    #[serde(rename = "type")]
    pub id_type: String,
    /// The identifier there.
    pub identifier: String,
}

/// Parses `{type:id}` items separated by commas (spaces allowed). Blank is an empty list.
pub(crate) fn parse_user_ids(raw: Option<&str>) -> Result<Vec<UserId>, String> {
    let Some(text) = super::non_blank(raw) else {
        return Ok(Vec::new());
    };
    let mut ids = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if rest.is_empty() {
            return Ok(ids);
        }
        let bad = || {
            format!(
                "`{}` is not a list of {{type:identifier}} items",
                super::quote(text)
            )
        };
        let inner_start = rest.strip_prefix('{').ok_or_else(bad)?;
        let close = inner_start.find('}').ok_or_else(bad)?;
        let (id_type, identifier) = inner_start[..close].split_once(':').ok_or_else(bad)?;
        let (id_type, identifier) = (id_type.trim(), identifier.trim());
        if id_type.is_empty() || identifier.is_empty() {
            return Err(bad());
        }
        ids.push(UserId {
            id_type: id_type.to_owned(),
            identifier: identifier.to_owned(),
        });
        rest = &inner_start[close + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::{UserId, parse_user_ids};

    fn id(t: &str, i: &str) -> UserId {
        UserId {
            id_type: t.into(),
            identifier: i.into(),
        }
    }

    #[test]
    fn parses_lists() {
        assert_eq!(
            parse_user_ids(Some("{LDAP:12},{LTI:15}, {Fed:23}")).unwrap(),
            [id("LDAP", "12"), id("LTI", "15"), id("Fed", "23")]
        );
        assert_eq!(
            parse_user_ids(Some("{state:CA:991}")).unwrap(),
            [id("state", "CA:991")]
        );
        assert!(parse_user_ids(Some("")).unwrap().is_empty());
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in ["LDAP:12", "{LDAP12}", "{LDAP:12", "{:12}", "{LDAP:}"] {
            assert!(parse_user_ids(Some(bad)).is_err(), "{bad}");
        }
    }
}
