//! Booleans (`enabledUser`, `primary`).

/// Reads `true`/`false` in any case (`TRUE`, `False`), and the `1`/`0`, `yes`/`no` some exports
/// write. Blank is `Ok(None)`.
pub(crate) fn parse_bool(raw: Option<&str>) -> Result<Option<bool>, String> {
    let Some(text) = super::non_blank(raw) else {
        return Ok(None);
    };
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "t" => Ok(Some(true)),
        "false" | "0" | "no" | "n" | "f" => Ok(Some(false)),
        _ => Err(format!(
            "`{}` is not a boolean (expected true or false)",
            super::quote(text)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_bool;

    #[test]
    fn any_case() {
        assert_eq!(parse_bool(Some("TRUE")), Ok(Some(true)));
        assert_eq!(parse_bool(Some(" false ")), Ok(Some(false)));
        assert_eq!(parse_bool(Some("True")), Ok(Some(true)));
        assert_eq!(parse_bool(Some("")), Ok(None));
        assert_eq!(parse_bool(None), Ok(None));
        assert!(parse_bool(Some("maybe")).unwrap_err().contains("`maybe`"));
    }
}
