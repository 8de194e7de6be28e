//! Lenient JSON values, read straight from a page body in one pass.
//!
//! Providers disagree on types, so every property is read by a visitor that accepts what a
//! provider may reasonably send and *records* anything else instead of failing: a failed
//! `serde` deserialization cannot be resumed, and one odd object must not cost the rest of its
//! page. The wire structs ([`super::wire`]) are made of these values; turning one into a
//! [`crate::model`] object reports every property of the wrong type (see [`Shape`]).
//!
//! * [`Text`]: a string, number or boolean, trimmed; `null` and blank are absent.
//! * [`Ref`]: a GUIDRef object `{"href","sourcedId","type"}` or a bare id.
//! * [`List`]: a list (of refs, `userIds` items, `roles` items); `null` is empty.
//! * [`TextList`]: a list of scalars, or one comma-separated string (`"09,10"`).
//! * [`Obj`]: an object read with [`FromMap`] (the wire structs), or a record of what else
//!   stood there.
//!
//! Objects take the last value of a repeated key (as a JSON object map would), and ignore keys
//! they do not know without building them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::values::split_multi;

/// What a value was, for messages ("a list", "an object", …).
pub(crate) type Kind = &'static str;

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A JSON number as text, as `serde_json` prints it.
fn float_text(v: f64) -> String {
    serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string())
}

/// A scalar property.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Text {
    /// Missing, `null` or blank.
    #[default]
    Absent,
    /// The trimmed text (numbers and booleans as JSON prints them).
    Given(String),
    /// A list or an object.
    Wrong(Kind),
}

impl Text {
    fn from_str(text: &str) -> Self {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            Text::Absent
        } else {
            Text::Given(trimmed.to_owned())
        }
    }

    fn from_string(text: String) -> Self {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            Text::Absent
        } else if trimmed.len() == text.len() {
            Text::Given(text)
        } else {
            Text::Given(trimmed.to_owned())
        }
    }

    /// The text, when it is text.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Text::Given(text) => Some(text),
            _ => None,
        }
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
        Ok(Text::Given(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text::Given(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text::Given(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text::Given(float_text(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text::from_str(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text::from_string(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text::Absent)
    }

    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text::Absent)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text, A::Error> {
        drain_seq(seq)?;
        Ok(Text::Wrong("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text, A::Error> {
        drain_map(map)?;
        Ok(Text::Wrong("an object"))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// Compares a map key with the names a [`FromMap`] type knows, without allocating.
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

/// A reference to another object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Ref {
    /// Missing, `null`, or without a `sourcedId`.
    #[default]
    Absent,
    /// The `sourcedId`.
    Id(String),
    /// Something that is no reference.
    Wrong(Kind),
}

struct RefVisitor;

impl RefVisitor {
    fn of_text(text: Text) -> Ref {
        match text {
            Text::Absent => Ref::Absent,
            Text::Given(id) => Ref::Id(id),
            Text::Wrong(kind) => Ref::Wrong(kind),
        }
    }
}

impl<'de> Visitor<'de> for RefVisitor {
    type Value = Ref;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GUIDRef object or an id")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Ref, E> {
        TextVisitor.visit_bool(v).map(Self::of_text)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ref, E> {
        TextVisitor.visit_i64(v).map(Self::of_text)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ref, E> {
        TextVisitor.visit_u64(v).map(Self::of_text)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Ref, E> {
        TextVisitor.visit_f64(v).map(Self::of_text)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Ref, E> {
        Ok(Self::of_text(Text::from_str(v)))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Ref, E> {
        Ok(Self::of_text(Text::from_string(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Ref, E> {
        Ok(Ref::Absent)
    }

    fn visit_none<E: de::Error>(self) -> Result<Ref, E> {
        Ok(Ref::Absent)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Ref, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Ref, A::Error> {
        drain_seq(seq)?;
        Ok(Ref::Wrong("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ref, A::Error> {
        let mut id = Text::Absent;
        while let Some(key) =
            map.next_key_seed(KeySeed(|k: &str| (k == "sourcedId").then_some(0)))?
        {
            match key {
                Some(_) => id = map.next_value()?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(match id {
            Text::Absent => Ref::Absent,
            Text::Given(id) => Ref::Id(id),
            Text::Wrong("a list") => Ref::Wrong("a reference whose `sourcedId` is a list"),
            Text::Wrong(_) => Ref::Wrong("a reference whose `sourcedId` is an object"),
        })
    }
}

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RefVisitor)
    }
}

/// What a scalar that should have been a list or an object was.
fn scalar_kind(kind: ScalarKind) -> Kind {
    match kind {
        ScalarKind::Bool => "a boolean",
        ScalarKind::Number => "a number",
        ScalarKind::String => "a string",
    }
}

#[derive(Clone, Copy)]
enum ScalarKind {
    Bool,
    Number,
    String,
}

/// A list property whose items are `T`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum List<T> {
    /// The items (`null` and missing are empty).
    Items(Vec<T>),
    /// Not a list.
    Wrong(Kind),
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List::Items(Vec::new())
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<T> ListVisitor<T> {
    fn scalar<E>(kind: ScalarKind) -> Result<List<T>, E> {
        Ok(List::Wrong(scalar_kind(kind)))
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<List<T>, E> {
        Self::scalar(ScalarKind::Bool)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<List<T>, E> {
        Self::scalar(ScalarKind::Number)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<List<T>, E> {
        Self::scalar(ScalarKind::Number)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<List<T>, E> {
        Self::scalar(ScalarKind::Number)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<List<T>, E> {
        Self::scalar(ScalarKind::String)
    }

    fn visit_unit<E: de::Error>(self) -> Result<List<T>, E> {
        Ok(List::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<List<T>, E> {
        Ok(List::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<List<T>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(List::Items(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<List<T>, A::Error> {
        drain_map(map)?;
        Ok(List::Wrong("an object"))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// A list of scalars, or one comma-separated string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum TextList {
    /// Missing, `null` or blank.
    #[default]
    Empty,
    /// The non-blank items.
    Items(Vec<String>),
    /// An object, or a list holding a list or an object.
    Wrong(Kind),
}

impl TextList {
    fn of_one(text: Text) -> TextList {
        match text {
            Text::Given(text) => TextList::Items(split_multi(Some(&text))),
            _ => TextList::Empty,
        }
    }
}

struct TextListVisitor;

impl<'de> Visitor<'de> for TextListVisitor {
    type Value = TextList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings or one comma-separated string")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<TextList, E> {
        TextVisitor.visit_bool(v).map(TextList::of_one)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<TextList, E> {
        TextVisitor.visit_i64(v).map(TextList::of_one)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<TextList, E> {
        TextVisitor.visit_u64(v).map(TextList::of_one)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<TextList, E> {
        TextVisitor.visit_f64(v).map(TextList::of_one)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<TextList, E> {
        Ok(TextList::of_one(Text::from_str(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<TextList, E> {
        Ok(TextList::Empty)
    }

    fn visit_none<E: de::Error>(self) -> Result<TextList, E> {
        Ok(TextList::Empty)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<TextList, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TextList, A::Error> {
        let mut items = Vec::new();
        let mut wrong = None;
        while let Some(item) = seq.next_element::<Text>()? {
            match item {
                Text::Given(text) => items.push(text),
                Text::Absent => {}
                Text::Wrong("a list") => wrong = Some("a list holding a list"),
                Text::Wrong(_) => wrong = Some("a list holding an object"),
            }
        }
        Ok(match wrong {
            Some(kind) => TextList::Wrong(kind),
            None => TextList::Items(items),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TextList, A::Error> {
        drain_map(map)?;
        Ok(TextList::Wrong("an object"))
    }
}

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextListVisitor)
    }
}

/// A type read from the entries of a JSON object (the wire structs).
pub(crate) trait FromMap: Sized {
    /// Reads the remaining entries of `map`.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// An object of type `T`, or what stood where it belongs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Obj<T> {
    /// The object.
    Ok(T),
    /// Not an object (`null` included).
    Wrong(Kind),
}

impl<T> Default for Obj<T> {
    /// A missing object.
    fn default() -> Self {
        Obj::Wrong("missing")
    }
}

struct ObjVisitor<T>(PhantomData<T>);

impl<'de, T: FromMap> Visitor<'de> for ObjVisitor<T> {
    type Value = Obj<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("a number"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("a string"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("null"))
    }

    fn visit_none<E: de::Error>(self) -> Result<Obj<T>, E> {
        Ok(Obj::Wrong("null"))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Obj<T>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Obj<T>, A::Error> {
        drain_seq(seq)?;
        Ok(Obj::Wrong("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
        T::from_map(map).map(Obj::Ok)
    }
}

impl<'de, T: FromMap> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjVisitor(PhantomData))
    }
}

/// Defines a wire struct of lenient fields and its [`FromMap`]: `"jsonName" | "alias" =>
/// field: Type,` — every field defaults when missing, unknown keys are skipped, the last of
/// repeated keys wins.
macro_rules! wire_object {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $($key:literal)|+ => $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        $vis struct $name {
            $( pub(crate) $field: $ty, )*
        }

        impl $crate::rest::lenient::FromMap for $name {
            #[allow(unused_assignments, unused_variables, unused_mut)]
            fn from_map<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                let mut out = Self::default();
                let index = |key: &str| -> Option<usize> {
                    let mut i = 0usize;
                    $(
                        if $(key == $key)||+ {
                            return Some(i);
                        }
                        i += 1;
                    )*
                    None
                };
                while let Some(found) = map.next_key_seed($crate::rest::lenient::KeySeed(index))? {
                    let Some(found) = found else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    };
                    let mut i = 0usize;
                    $(
                        if found == i {
                            out.$field = map.next_value()?;
                            continue;
                        }
                        i += 1;
                    )*
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(out)
            }
        }
    };
}

pub(crate) use wire_object;

/// The properties of one object that had the wrong type, collected while converting it.
#[derive(Debug, Default)]
pub(crate) struct Shape {
    wrong: Vec<(String, Kind, &'static str)>,
}

impl Shape {
    fn note(&mut self, field: impl FnOnce() -> String, kind: Kind, expected: &'static str) {
        // Only the first few are named; one is enough to reject the object.
        if self.wrong.len() < 5 {
            self.wrong.push((field(), kind, expected));
        }
    }

    /// A scalar.
    pub(crate) fn text(&mut self, field: &'static str, value: Text) -> Option<String> {
        match value {
            Text::Given(text) => Some(text),
            Text::Absent => None,
            Text::Wrong(kind) => {
                self.note(|| field.to_owned(), kind, "text");
                None
            }
        }
    }

    /// A reference.
    pub(crate) fn reference(&mut self, field: &'static str, value: Ref) -> Option<String> {
        self.reference_at(|| field.to_owned(), value)
    }

    fn reference_at(&mut self, field: impl FnOnce() -> String, value: Ref) -> Option<String> {
        match value {
            Ref::Id(id) => Some(id),
            Ref::Absent => None,
            Ref::Wrong(kind) => {
                self.note(field, kind, "a reference");
                None
            }
        }
    }

    /// A list of references.
    pub(crate) fn references(&mut self, field: &'static str, value: List<Ref>) -> Vec<String> {
        let mut out = Vec::new();
        for (i, item) in self
            .list(field, value, "a list of references")
            .into_iter()
            .enumerate()
        {
            if let Some(id) = self.reference_at(|| format!("{field}[{i}]"), item) {
                out.push(id);
            }
        }
        out
    }

    /// A list of strings (or one comma-separated string).
    pub(crate) fn texts(&mut self, field: &'static str, value: TextList) -> Vec<String> {
        match value {
            TextList::Items(items) => items,
            TextList::Empty => Vec::new(),
            TextList::Wrong(kind) => {
                self.note(|| field.to_owned(), kind, "a list of strings");
                Vec::new()
            }
        }
    }

    /// A list of objects; items that are not objects are noted.
    pub(crate) fn objects<T>(&mut self, field: &'static str, value: List<Obj<T>>) -> Vec<T> {
        let mut out = Vec::new();
        for (i, item) in self
            .list(field, value, "a list of objects")
            .into_iter()
            .enumerate()
        {
            match item {
                Obj::Ok(item) => out.push(item),
                Obj::Wrong(kind) => self.note(|| format!("{field}[{i}]"), kind, "an object"),
            }
        }
        out
    }

    fn list<T>(&mut self, field: &'static str, value: List<T>, expected: &'static str) -> Vec<T> {
        match value {
            List::Items(items) => items,
            List::Wrong(kind) => {
                self.note(|| field.to_owned(), kind, expected);
                Vec::new()
            }
        }
    }

    /// The converted object, or what was wrong with it (see [`ShapeError`]); `id` finds the
    /// object's `sourcedId` in it.
    pub(crate) fn finish<T>(self, value: T, id: impl FnOnce(&T) -> &str) -> Result<T, ShapeError> {
        let Some((first, _, _)) = self.wrong.first() else {
            return Ok(value);
        };
        let field = first.clone();
        let sentence = self
            .wrong
            .iter()
            .map(|(field, kind, expected)| format!("`{field}` is {kind} where {expected} belongs"))
            .collect::<Vec<_>>()
            .join("; ");
        let id = id(&value);
        Err(ShapeError {
            id: (!id.is_empty()).then(|| id.to_owned()),
            field,
            sentence,
        })
    }
}

/// Why an object was rejected.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ShapeError {
    /// Its `sourcedId`, when it had a usable one.
    pub(crate) id: Option<String>,
    /// The first property at fault.
    pub(crate) field: String,
    /// A sentence naming every property at fault.
    pub(crate) sentence: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    wire_object! {
        struct Probe {
            "id" | "sourcedId" => id: Text,
            "ref" => reference: Ref,
            "refs" => refs: List<Ref>,
            "grades" => grades: TextList,
        }
    }

    fn probe(json: &str) -> Obj<Probe> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_scalars_refs_and_lists_leniently() {
        let Obj::Ok(p) = probe(
            r#"{"id": 12, "ref": {"href": "h", "sourcedId": " r1 "}, "refs": ["a", {"sourcedId": "b"}, null],
                "grades": "09, 10", "unknown": {"deep": [1, 2, {"x": null}]}}"#,
        ) else {
            panic!("not an object");
        };
        assert_eq!(p.id, Text::Given("12".into()));
        assert_eq!(p.reference, Ref::Id("r1".into()));
        assert_eq!(
            p.refs,
            List::Items(vec![Ref::Id("a".into()), Ref::Id("b".into()), Ref::Absent])
        );
        assert_eq!(p.grades, TextList::Items(vec!["09".into(), "10".into()]));
    }

    #[test]
    fn records_wrong_types_and_keeps_the_last_repeated_key() {
        let Obj::Ok(p) =
            probe(r#"{"id": [1], "sourcedId": " x ", "ref": [], "refs": 5, "grades": {"a": 1}}"#)
        else {
            panic!("not an object");
        };
        assert_eq!(p.id, Text::Given("x".into()), "alias, last wins");
        assert_eq!(p.reference, Ref::Wrong("a list"));
        assert_eq!(p.refs, List::Wrong("a number"));
        assert_eq!(p.grades, TextList::Wrong("an object"));
        let mut shape = Shape::default();
        shape.reference("ref", p.reference);
        shape.references("refs", p.refs);
        let error = shape.finish((), |_| "").unwrap_err();
        assert_eq!(error.field, "ref");
        assert_eq!(error.id, None);
        assert_eq!(
            error.sentence,
            "`ref` is a list where a reference belongs; `refs` is a number where a list of references belongs"
        );
        assert!(matches!(probe("7"), Obj::Wrong("a number")));
        assert!(matches!(probe("null"), Obj::Wrong("null")));
        assert!(matches!(probe(r#"["a"]"#), Obj::Wrong("a list")));
    }

    #[test]
    fn blank_and_null_are_absent() {
        let Obj::Ok(p) = probe(r#"{"id": "  ", "ref": {"sourcedId": null}, "grades": null}"#)
        else {
            panic!("not an object");
        };
        assert_eq!(p.id, Text::Absent);
        assert_eq!(p.reference, Ref::Absent);
        assert_eq!(p.grades, TextList::Empty);
    }
}
