//! Lenient readers for Aeries JSON values: ids and codes arrive as numbers or strings, flags as
//! `"Y"`/`"N"` or booleans, dates as `YYYY-MM-DDT00:00:00` or `null`.

use std::fmt;
use std::marker::PhantomData;

use homeroom_connector_core::SisDate;
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

/// What a JSON value was, for messages ("a list", "an object", …).
pub type Kind = &'static str;

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A property read leniently: the value, or what stood there instead.
pub(crate) struct Read<T>(pub(crate) Result<T, Kind>);

/// A number, string, boolean or `null` as trimmed text (`null` is empty); a list or an object
/// is the wrong type.
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Read<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Read(Ok(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Read(Ok(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Read(Ok(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        let text = serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string());
        Ok(Read(Ok(text)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Read(Ok(v.trim().to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        let trimmed = v.trim();
        Ok(Read(Ok(if trimmed.len() == v.len() {
            v
        } else {
            trimmed.to_owned()
        })))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Read(Ok(String::new())))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Read(Ok(String::new())))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        Ok(Read(Err("a list")))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        Ok(Read(Err("an object")))
    }
}

impl<'de> Deserialize<'de> for Read<String> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// A `Y`/`N`/`true`/`false`/boolean/number flag; anything else (blank, `null`, unknown text)
/// is unknown; a list or an object is the wrong type.
struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = Read<Option<bool>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a flag")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Read(Ok(Some(v))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Read(Ok(Some(v != 0))))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Read(Ok(Some(v != 0))))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Read(Ok(None)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Read(Ok(parse_flag(v))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Read(Ok(None)))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Read(Ok(None)))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        Ok(Read(Err("a list")))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        Ok(Read(Err("an object")))
    }
}

impl<'de> Deserialize<'de> for Read<Option<bool>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FlagVisitor)
    }
}

/// The properties of an object that had a type no reading fits (the first few).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Wrong(Vec<(&'static str, Kind)>);

impl Wrong {
    /// Notes that `field` held `kind`.
    pub(crate) fn note(&mut self, field: &'static str, kind: Kind) {
        if self.0.len() < 5 {
            self.0.push((field, kind));
        }
    }

    /// Whether every property was readable.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// "`FirstName` is an object where text belongs; …".
    pub(crate) fn describe(&self) -> String {
        self.0
            .iter()
            .map(|(field, kind)| format!("`{field}` is {kind} where a value belongs"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Compares a map key with the names an object knows, without allocating.
pub(crate) struct KeySeed<F>(pub(crate) F);

impl<'de, F: FnOnce(&str) -> Option<usize>> DeserializeSeed<'de> for KeySeed<F> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct KeyVisitor<F>(F);
        impl<'de, F: FnOnce(&str) -> Option<usize>> Visitor<'de> for KeyVisitor<F> {
            type Value = Option<usize>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok((self.0)(v))
            }
        }
        d.deserialize_str(KeyVisitor(self.0))
    }
}

/// A type read from the entries of a JSON object (the wire structs).
pub(crate) trait FromMap: Sized {
    /// Reads the remaining entries of `map`.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// A list item: an object of type `T`, or what stood where it belongs.
pub(crate) enum Item<T> {
    /// The object.
    Object(T),
    /// Not an object.
    Wrong(Kind),
}

struct ItemVisitor<T>(PhantomData<T>);

impl<'de, T: FromMap> Visitor<'de> for ItemVisitor<T> {
    type Value = Item<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Item<T>, E> {
        Ok(Item::Wrong("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Item<T>, E> {
        Ok(Item::Wrong("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Item<T>, E> {
        Ok(Item::Wrong("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Item<T>, E> {
        Ok(Item::Wrong("a number"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Item<T>, E> {
        Ok(Item::Wrong("a string"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Item<T>, E> {
        Ok(Item::Wrong("null"))
    }

    fn visit_none<E: de::Error>(self) -> Result<Item<T>, E> {
        Ok(Item::Wrong("null"))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Item<T>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Item<T>, A::Error> {
        drain_seq(seq)?;
        Ok(Item::Wrong("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Item<T>, A::Error> {
        T::from_map(map).map(Item::Object)
    }
}

impl<'de, T: FromMap> Deserialize<'de> for Item<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ItemVisitor(PhantomData))
    }
}

/// A whole answer: a list of items, one object (some single-record endpoints answer so), or
/// `null` (nothing).
pub(crate) enum Answer<T> {
    /// The items.
    List(Vec<Item<T>>),
    /// A scalar: not an answer.
    Wrong(Kind),
}

struct AnswerVisitor<T>(PhantomData<T>);

impl<'de, T: FromMap> Visitor<'de> for AnswerVisitor<T> {
    type Value = Answer<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Answer<T>, E> {
        Ok(Answer::Wrong("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Answer<T>, E> {
        Ok(Answer::Wrong("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Answer<T>, E> {
        Ok(Answer::Wrong("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Answer<T>, E> {
        Ok(Answer::Wrong("a number"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Answer<T>, E> {
        Ok(Answer::Wrong("a string"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Answer<T>, E> {
        Ok(Answer::List(Vec::new()))
    }

    fn visit_none<E: de::Error>(self) -> Result<Answer<T>, E> {
        Ok(Answer::List(Vec::new()))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Answer<T>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Answer<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Answer::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Answer<T>, A::Error> {
        T::from_map(map).map(|one| Answer::List(vec![Item::Object(one)]))
    }
}

impl<'de, T: FromMap> Deserialize<'de> for Answer<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnswerVisitor(PhantomData))
    }
}

/// Defines an Aeries wire struct: `"JsonName" => field: text,` (a `String`, see
/// [`Read<String>`]) or `=> field: flag,` (an `Option<bool>`). Every field defaults when
/// missing, unknown keys are skipped without being built, the last of repeated keys wins, and
/// a property of the wrong type is noted in `wrong` (the object is then rejected by the
/// reader). Serializes back to the same names (for spooling).
macro_rules! aeries_object {
    (@ty text) => { String };
    (@ty flag) => { Option<bool> };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $key:literal => $field:ident : $reader:ident, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(rename = $key)]
                pub $field: aeries_object!(@ty $reader),
            )*
            /// The properties that had the wrong type (the object is rejected).
            #[serde(skip)]
            pub wrong: $crate::values::Wrong,
        }

        impl $crate::values::FromMap for $name {
            #[allow(unused_assignments, unused_mut)]
            fn from_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                let mut out = Self::default();
                let index = |key: &str| -> Option<usize> {
                    let mut i = 0usize;
                    $(
                        if key == $key {
                            return Some(i);
                        }
                        i += 1;
                    )*
                    None
                };
                while let Some(found) = map.next_key_seed($crate::values::KeySeed(index))? {
                    let Some(found) = found else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    };
                    let mut i = 0usize;
                    $(
                        if found == i {
                            let read: $crate::values::Read<aeries_object!(@ty $reader)> =
                                map.next_value()?;
                            match read.0 {
                                Ok(value) => out.$field = value,
                                Err(kind) => {
                                    out.$field = Default::default();
                                    out.wrong.note($key, kind);
                                }
                            }
                            continue;
                        }
                        i += 1;
                    )*
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(out)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                match <$crate::values::Item<$name> as serde::Deserialize>::deserialize(d)? {
                    $crate::values::Item::Object(object) => Ok(object),
                    $crate::values::Item::Wrong(kind) => Err(serde::de::Error::custom(format!(
                        "{kind} where an object belongs"
                    ))),
                }
            }
        }
    };
}

pub(crate) use aeries_object;

/// `Y`, `Yes`, `T`, `true`, `1` → true; `N`, `No`, `F`, `false`, `0` → false.
pub(crate) fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "t" | "true" | "1" => Some(true),
        "n" | "no" | "f" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// An Aeries date (`2025-08-18T00:00:00`, or a bare date); blank and `null` are `None`.
pub(crate) fn date(text: &str) -> Result<Option<SisDate>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    SisDate::parse_date_prefix(t)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// `Some(trimmed)` unless blank.
pub(crate) fn non_blank(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    aeries_object! {
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
        pub struct Row {
            "id" => id: text,
            "lives" => lives: flag,
        }
    }

    #[test]
    fn reads_numbers_strings_and_flags() {
        let r: Row = serde_json::from_str(r#"{"id": 994, "lives": "Y"}"#).unwrap();
        assert_eq!((r.id.as_str(), r.lives), ("994", Some(true)));
        let r: Row = serde_json::from_str(r#"{"id": " 12 ", "lives": false}"#).unwrap();
        assert_eq!((r.id.as_str(), r.lives), ("12", Some(false)));
        let r: Row = serde_json::from_str(r#"{"id": null, "lives": ""}"#).unwrap();
        assert_eq!((r.id.as_str(), r.lives), ("", None));
        let r: Row =
            serde_json::from_str(r#"{"id": {"a": [1]}, "lives": [], "id2": {"deep": [[]]}}"#)
                .unwrap();
        assert_eq!(r.id, "");
        assert_eq!(
            r.wrong.describe(),
            "`id` is an object where a value belongs; `lives` is a list where a value belongs"
        );
        let r: Row = serde_json::from_str(r#"{"id": 1, "id": " 2 "}"#).unwrap();
        assert_eq!(r.id, "2", "the last of repeated keys wins");
        assert!(serde_json::from_str::<Row>("[1]").is_err());
        assert_eq!(
            date("2025-08-18T00:00:00").unwrap(),
            SisDate::from_ymd(2025, 8, 18)
        );
        assert_eq!(date("").unwrap(), None);
        assert!(date("18/08/2025").is_err());
        assert_eq!(non_blank("  "), None);
    }
}
