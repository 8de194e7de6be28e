//! Multi-valued CSV cells (`"09,10"`, `"as-1,as-2"`).

/// Splits a comma-separated cell into its trimmed, non-empty parts.
pub(crate) fn split_multi(raw: Option<&str>) -> Vec<String> {
    raw.map(|text| {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::split_multi;

    #[test]
    fn splits_and_trims() {
        assert_eq!(split_multi(Some("09, 10,,11 ")), ["09", "10", "11"]);
        assert_eq!(split_multi(Some("single")), ["single"]);
        assert!(split_multi(Some("")).is_empty());
        assert!(split_multi(None).is_empty());
    }
}
