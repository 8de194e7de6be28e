//! Pieces shared by the connectors' property tests and the `fuzz_parsers` bench (feature
//! `fuzz`): generators of awkward input and the checks every rejection must pass.
//!
//! The generators make *structurally plausible but weird* input (unicode, blank and huge
//! values, values of the wrong JSON type, deep nesting, control characters, the separators a
//! format uses) as well as raw bytes; each connector builds its own files and pages from them.
//! [`run_case`] runs one generated case of a target, turning a panic into a failure, so that
//! a bench can run targets for as long as asked.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Map, Value};

use crate::ConnectorError;

pub mod contact_points;

/// The longest error message a connector may produce: a rejection quotes at most an excerpt
/// of what it read, never a whole body or cell.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// Strings that break naive parsers: blanks, separators, quotes, newlines, a BOM, control and
/// bidi characters, emoji, NUL, very long runs.
pub fn weird_string() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 ._-]{0,12}",
        2 => any::<String>(),
        1 => Just(String::new()),
        1 => Just("   ".to_owned()),
        1 => prop::sample::select(vec![
            "\u{feff}", "|", "\\", "\"", "'", ",", ";", "\n", "\r\n", "\r", "\t", "\0",
            "{", "}", "[", "]", ":", "null", "true", "0", "-1", "1e309", "NaN",
            "\u{202e}", "\u{200b}", "👩‍👩‍👧", "Zoë", "Ñandú", "名前", "..", "../../etc/passwd",
        ])
        .prop_map(str::to_owned),
        1 => ("[a-z]{1,3}", 1_000usize..40_000).prop_map(|(s, n)| s.repeat(n / s.len().max(1))),
        1 => prop::collection::vec(any::<char>(), 0..40).prop_map(|c| c.into_iter().collect()),
    ]
    .boxed()
}

/// A JSON scalar of any type, the odd ones included.
pub fn json_scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        weird_string().prop_map(Value::String),
    ]
    .boxed()
}

/// Any JSON value up to a few levels deep (lists and objects of scalars and of each other).
pub fn json_value() -> BoxedStrategy<Value> {
    json_scalar()
        .prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-zA-Z]{0,8}", inner), 0..6)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
            ]
        })
        .boxed()
}

/// One JSON object as text, from `(key, value)` pairs written in order: keys may repeat, which
/// a [`Map`] cannot express.
pub fn object_text(pairs: &[(String, Value)]) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(key.clone()).to_string());
        out.push(':');
        out.push_str(&value.to_string());
    }
    out.push('}');
    out
}

/// The value of one property: most often `valid` (a plausible value), else any JSON value.
pub fn property(valid: BoxedStrategy<Value>) -> BoxedStrategy<Option<Value>> {
    prop_oneof![
        6 => valid.prop_map(Some),
        1 => Just(None),
        2 => json_value().prop_map(Some),
    ]
    .boxed()
}

/// A JSON object with the properties `fields` (each `(name, plausible value)`): each property
/// is plausible, odd or missing, some are repeated, unknown ones are added, and the order is
/// shuffled. Returned as text.
pub fn json_object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<String> {
    let props: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .into_iter()
        .map(|(name, valid)| {
            property(valid)
                .prop_map(move |v| v.map(|v| (name.to_owned(), v)))
                .boxed()
        })
        .collect();
    (
        props,
        prop::collection::vec(("[a-zA-Z_]{1,10}", json_value()), 0..3),
        any::<bool>(),
        any::<prop::sample::Index>(),
    )
        .prop_flat_map(|(known, extra, repeat, at)| {
            let mut pairs: Vec<(String, Value)> = known.into_iter().flatten().collect();
            pairs.extend(extra);
            if repeat && !pairs.is_empty() {
                let copy = pairs[at.index(pairs.len())].clone();
                pairs.push(copy);
            }
            Just(pairs).prop_shuffle()
        })
        .prop_map(|pairs| object_text(&pairs))
        .boxed()
}

/// A plausible text value: usually short and tame, sometimes weird.
pub fn text_value() -> BoxedStrategy<Value> {
    prop_oneof![
        6 => "[A-Za-z0-9 '.-]{0,16}".prop_map(Value::String),
        2 => weird_string().prop_map(Value::String),
        1 => any::<u32>().prop_map(Value::from),
        1 => Just(Value::Null),
    ]
    .boxed()
}

/// Ways to damage a well-formed document.
#[derive(Clone, Debug)]
pub enum Damage {
    /// Left as it is.
    None,
    /// Cut after this fraction (per mille) of its bytes.
    Truncate(u16),
    /// One byte replaced (at a per-mille position) by this one (often not UTF-8).
    Byte(u16, u8),
    /// These bytes inserted at a per-mille position.
    Insert(u16, Vec<u8>),
}

/// Mostly [`Damage::None`]; sometimes a cut, a bad byte or an insertion.
pub fn damage() -> BoxedStrategy<Damage> {
    prop_oneof![
        6 => Just(Damage::None),
        1 => (0u16..1000).prop_map(Damage::Truncate),
        1 => (0u16..1000, any::<u8>()).prop_map(|(at, b)| Damage::Byte(at, b)),
        1 => (0u16..1000, prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Damage::Insert(at, bytes)),
    ]
    .boxed()
}

impl Damage {
    /// `bytes` damaged.
    pub fn apply(&self, mut bytes: Vec<u8>) -> Vec<u8> {
        let at = |per_mille: u16, len: usize| len * usize::from(per_mille) / 1000;
        match self {
            Damage::None => {}
            Damage::Truncate(p) => bytes.truncate(at(*p, bytes.len())),
            Damage::Byte(p, b) => {
                if !bytes.is_empty() {
                    let i = at(*p, bytes.len()).min(bytes.len() - 1);
                    bytes[i] = *b;
                }
            }
            Damage::Insert(p, extra) => {
                let i = at(*p, bytes.len());
                bytes.splice(i..i, extra.iter().copied());
            }
        }
        bytes
    }
}

/// Nesting `depth` lists deep (`[[[…]]]`), beyond what any parser should recurse into.
pub fn deep_nesting(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Checks that `error` is a clear rejection: a short message (at most
/// [`MAX_MESSAGE_CHARS`]) that says where (`where_hint` is called with the message and must
/// find a file, endpoint, row or field in it), with no Rust `Debug` dump of the input.
pub fn check_error(
    error: &ConnectorError,
    where_hint: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let message = error.to_string();
    let chars = message.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(format!(
            "the message has {chars} characters (at most {MAX_MESSAGE_CHARS}): {}…",
            message.chars().take(300).collect::<String>()
        ));
    }
    // An excerpt of the body ("…; it starts: …", "body starts: …") quotes the source as it
    // is, so only the connector's own words before it are searched for dumps.
    let own_words = message.split(" starts: ").next().unwrap_or_default();
    for dump in ["Object {", "Array [", "String(\"", "Number(", "Some(\""] {
        if own_words.contains(dump) {
            return Err(format!(
                "the message holds a Debug dump (`{dump}`): {message}"
            ));
        }
    }
    if let ConnectorError::Malformed { what, .. } = error
        && what.trim().is_empty()
    {
        return Err(format!("a Malformed error names nothing: {message}"));
    }
    if !where_hint(&message) {
        return Err(format!("the message does not say where: {message}"));
    }
    Ok(())
}

/// Checks that a source issue's message is short.
pub fn check_issue_message(message: &str) -> Result<(), String> {
    let chars = message.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(format!(
            "an issue message has {chars} characters (at most {MAX_MESSAGE_CHARS}): {}…",
            message.chars().take(300).collect::<String>()
        ));
    }
    if message.trim().is_empty() {
        return Err("an issue has no message".to_owned());
    }
    Ok(())
}

/// Generates one value of `strategy` and runs `check` on it; a panic is a failure too. The
/// failure carries the input's `Debug` form, cut to a few hundred characters.
pub fn run_case<T: std::fmt::Debug>(
    runner: &mut TestRunner,
    strategy: &BoxedStrategy<T>,
    check: impl Fn(&T) -> Result<(), String>,
) -> Result<(), String> {
    let tree = strategy
        .new_tree(runner)
        .map_err(|e| format!("the generator failed: {e}"))?;
    let input = tree.current();
    let outcome = catch_unwind(AssertUnwindSafe(|| check(&input)));
    let failure = match outcome {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(message)) => message,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic".to_owned());
            format!("panicked: {what}")
        }
    };
    let shown: String = format!("{input:?}").chars().take(600).collect();
    Err(format!("{failure}\n    input: {shown}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_keeps_lengths_sane() {
        let bytes = b"{\"a\": 1}".to_vec();
        assert_eq!(Damage::Truncate(500).apply(bytes.clone()).len(), 4);
        assert_eq!(Damage::Byte(999, 0xff).apply(bytes.clone())[7], 0xff);
        assert_eq!(Damage::Insert(0, vec![1, 2]).apply(bytes).len(), 10);
        assert!(Damage::Byte(0, 1).apply(Vec::new()).is_empty());
    }

    #[test]
    fn errors_must_be_short_and_say_where() {
        let short = ConnectorError::malformed("users.csv row 3", "bad");
        assert!(check_error(&short, |m| m.contains("row 3")).is_ok());
        assert!(check_error(&short, |m| m.contains("row 4")).is_err());
        let long = ConnectorError::malformed("users.csv", "x".repeat(5_000));
        assert!(check_error(&long, |_| true).is_err());
        let dump = ConnectorError::malformed("users page", "got Object {\"a\": 1}");
        assert!(check_error(&dump, |_| true).is_err());
        // A body excerpt may hold anything (the source's own text, a damaged key).
        let excerpt = ConnectorError::malformed(
            "change feed",
            r#"the body is not JSON: expected `:`; it starts: [{"SequenceNumber(:"R"}]"#,
        );
        assert!(check_error(&excerpt, |_| true).is_ok());
        assert_eq!(
            object_text(&[("a".into(), Value::from(1)), ("a".into(), Value::Null)]),
            r#"{"a":1,"a":null}"#
        );
    }
}
