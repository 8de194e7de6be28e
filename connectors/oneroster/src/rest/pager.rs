//! Paging through one collection.
//!
//! Each request asks for `limit` objects at `offset`. After a page:
//!
//! * an empty page ends the collection;
//! * when `X-Total-Count` is known and `offset` has reached it, the collection ends;
//! * otherwise a `Link` header with `rel="next"` gives the next URL (absolute or relative);
//! * otherwise the next request is the same query at `offset + objects received` (servers
//!   may return fewer than `limit`).
//!
//! A server that ignores `offset` (returning the same first object twice in a row) or a
//! `next` link pointing at the page just read would loop forever; both are
//! [`ConnectorError::Malformed`].

use std::fmt;
use std::marker::PhantomData;

use homeroom_connector_core::http::next_link;
use homeroom_connector_core::{ConnectorError, HttpResponse, Url};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::api::Api;
use super::endpoints::Collection;
use super::lenient::{FromMap, List, Obj, Text, wire_object};
use super::wire::WireObject;

/// The position in one collection.
#[derive(Debug)]
pub(crate) struct Pager {
    collection: Collection,
    filter: Option<String>,
    next: Option<Url>,
    offset: u64,
    pages: u64,
    previous_first_id: Option<String>,
}

impl Pager {
    /// Starts `collection` at offset 0, with an optional `filter` expression.
    pub(crate) fn new(api: &Api, collection: Collection, filter: Option<String>) -> Self {
        let next = Some(api.collection_url(collection, api.request_limit(), 0, filter.as_deref()));
        Self {
            collection,
            filter,
            next,
            offset: 0,
            pages: 0,
            previous_first_id: None,
        }
    }

    /// The collection.
    pub(crate) fn collection(&self) -> Collection {
        self.collection
    }

    /// Whether no page has been read yet.
    pub(crate) fn is_first(&self) -> bool {
        self.pages == 0
    }

    /// The next page of objects, read straight into `W`, or `None` when the collection is
    /// done.
    pub(crate) async fn next_page<W: WireObject>(
        &mut self,
        api: &Api,
    ) -> Result<Option<Vec<Obj<W>>>, ConnectorError> {
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        let response = api.get_page(url.clone()).await?;
        let items = self.items::<W>(&response)?;
        self.pages += 1;
        if items.is_empty() {
            return Ok(None);
        }
        let first_id = match items.first() {
            Some(Obj::Ok(first)) => first.sourced_id().map(str::to_owned),
            _ => None,
        };
        if first_id.is_some() && first_id == self.previous_first_id {
            return Err(ConnectorError::malformed(
                format!("{} page at offset {}", self.collection.path(), self.offset),
                format!(
                    "{url} returned the same objects as the previous page; the server ignores `offset`"
                ),
            ));
        }
        self.previous_first_id = first_id;
        self.offset += items.len() as u64;
        let total = response
            .header("x-total-count")
            .and_then(|t| t.trim().parse::<u64>().ok());
        self.next = if total.is_some_and(|t| self.offset >= t) {
            None
        } else if let Some(link) = next_link(&response.headers) {
            let next = api.resolve(&url, &link)?;
            if next == url {
                return Err(ConnectorError::malformed(
                    format!("{} page at offset {}", self.collection.path(), self.offset),
                    format!("the `Link` rel=\"next\" of {url} points at the same page"),
                ));
            }
            Some(next)
        } else {
            Some(api.collection_url(
                self.collection,
                api.request_limit(),
                self.offset,
                self.filter.as_deref(),
            ))
        };
        Ok(Some(items))
    }

    /// The objects of a page: the list under the collection's envelope key, read in one pass
    /// (an `imsx_codeMajor: failure` body is an error even with a 2xx status).
    pub(crate) fn items<W: FromMap>(
        &self,
        response: &HttpResponse,
    ) -> Result<Vec<Obj<W>>, ConnectorError> {
        let what = || {
            format!(
                "{} page at offset {} ({})",
                self.collection.path(),
                self.offset,
                response.url
            )
        };
        let key = self.collection.envelope();
        let body = parse_envelope::<W>(&response.body, key).map_err(|e| {
            ConnectorError::malformed(
                what(),
                format!(
                    "the body is not a JSON object: {e}; it starts: {}",
                    response.body_excerpt(200)
                ),
            )
        })?;
        if let Some(failure) = body.imsx.failure() {
            return Err(ConnectorError::Http {
                status: response.status.as_u16(),
                url: response.url.to_string(),
                body_excerpt: format!("the provider reported a failure: {failure}"),
            });
        }
        match body.items {
            Found::Items(List::Items(items)) => Ok(items),
            Found::Items(List::Wrong(kind)) => Err(ConnectorError::malformed(
                what(),
                format!("`{key}` is not a list but {kind}"),
            )),
            Found::Missing => Err(ConnectorError::malformed(
                what(),
                format!(
                    "the body has no `{key}` list (keys: {})",
                    body.other_keys.join(", ")
                ),
            )),
        }
    }
}

/// Whether the envelope key was there.
enum Found<W> {
    Items(List<Obj<W>>),
    Missing,
}

/// A page body: the envelope list, a possible imsx status, and the first other keys (for
/// messages).
struct Envelope<W> {
    items: Found<W>,
    imsx: Imsx,
    other_keys: Vec<String>,
}

wire_object! {
    /// One `imsx_codeMinorField` item.
    struct CodeMinorField {
        "imsx_codeMinorFieldValue" => value: Text,
    }
}

wire_object! {
    /// `imsx_CodeMinor`.
    struct CodeMinor {
        "imsx_codeMinorField" => fields: List<Obj<CodeMinorField>>,
    }
}

wire_object! {
    /// An `imsx_StatusInfo`, bare at the top of the body or under `imsx_StatusInfo`.
    struct Imsx {
        "imsx_codeMajor" => code_major: Text,
        "imsx_description" => description: Text,
        "imsx_CodeMinor" => code_minor: Obj<CodeMinor>,
    }
}

impl Imsx {
    /// `description (codeMinor values)` when `imsx_codeMajor` is `failure`.
    fn failure(&self) -> Option<String> {
        let major = self.code_major.as_str()?;
        if !major.eq_ignore_ascii_case("failure") {
            return None;
        }
        let mut text = super::imsx::excerpt(self.description.as_str().unwrap_or("no description"));
        if let Obj::Ok(minor) = &self.code_minor
            && let List::Items(fields) = &minor.fields
        {
            let values: Vec<&str> = fields
                .iter()
                .filter_map(|f| match f {
                    Obj::Ok(f) => f.value.as_str(),
                    Obj::Wrong(_) => None,
                })
                .collect();
            if !values.is_empty() {
                text.push_str(&format!(" ({})", super::imsx::excerpt(&values.join(", "))));
            }
        }
        Some(text)
    }
}

/// At most this many other keys are named in a "no list" message, each cut to 40 characters.
const NAMED_KEYS: usize = 10;

/// Reads a page body in one pass: the list under `key` straight into `W`, everything else
/// skipped without being built.
fn parse_envelope<W: FromMap>(body: &[u8], key: &'static str) -> serde_json::Result<Envelope<W>> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let envelope = EnvelopeSeed::<W> {
        key,
        marker: PhantomData,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(envelope)
}

struct EnvelopeSeed<W> {
    key: &'static str,
    marker: PhantomData<W>,
}

/// A top-level key: the envelope list, an imsx part, or another key (kept for messages).
enum TopKey {
    Items,
    StatusInfo,
    CodeMajor,
    Description,
    CodeMinor,
    Other(Option<String>),
}

struct TopKeySeed {
    key: &'static str,
    keep: bool,
}

impl<'de> DeserializeSeed<'de> for TopKeySeed {
    type Value = TopKey;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<TopKey, D::Error> {
        struct V(TopKeySeed);
        impl<'de> Visitor<'de> for V {
            type Value = TopKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TopKey, E> {
                Ok(match v {
                    _ if v == self.0.key => TopKey::Items,
                    "imsx_StatusInfo" => TopKey::StatusInfo,
                    "imsx_codeMajor" => TopKey::CodeMajor,
                    "imsx_description" => TopKey::Description,
                    "imsx_CodeMinor" => TopKey::CodeMinor,
                    _ => TopKey::Other(self.0.keep.then(|| v.chars().take(40).collect())),
                })
            }
        }
        d.deserialize_str(V(self))
    }
}

impl<'de, W: FromMap> DeserializeSeed<'de> for EnvelopeSeed<W> {
    type Value = Envelope<W>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Envelope<W>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, W: FromMap> Visitor<'de> for EnvelopeSeed<W> {
    type Value = Envelope<W>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` list", self.key)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Envelope<W>, A::Error> {
        Err(de::Error::custom("the body is a list"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Envelope<W>, E> {
        Err(E::custom("the body is a string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Envelope<W>, E> {
        Err(E::custom("the body is a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Envelope<W>, E> {
        Err(E::custom("the body is a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Envelope<W>, E> {
        Err(E::custom("the body is a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Envelope<W>, E> {
        Err(E::custom("the body is a number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Envelope<W>, E> {
        Err(E::custom("the body is null"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<W>, A::Error> {
        let mut items = Found::Missing;
        let mut imsx = Imsx::default();
        let mut other_keys = Vec::new();
        loop {
            let seed = TopKeySeed {
                key: self.key,
                keep: other_keys.len() < NAMED_KEYS,
            };
            let Some(top) = map.next_key_seed(seed)? else {
                break;
            };
            match top {
                TopKey::Items => items = Found::Items(map.next_value()?),
                TopKey::StatusInfo => {
                    if let Obj::Ok(info) = map.next_value::<Obj<Imsx>>()? {
                        imsx = info;
                    }
                }
                TopKey::CodeMajor => imsx.code_major = map.next_value()?,
                TopKey::Description => imsx.description = map.next_value()?,
                TopKey::CodeMinor => imsx.code_minor = map.next_value()?,
                TopKey::Other(name) => {
                    other_keys.extend(name);
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Envelope {
            items,
            imsx,
            other_keys,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::wire::WireOrg;

    fn parse(body: &str) -> serde_json::Result<Envelope<WireOrg>> {
        parse_envelope::<WireOrg>(body.as_bytes(), "orgs")
    }

    #[test]
    fn reads_the_envelope_list_and_skips_the_rest() {
        let page = parse(
            r#"{"meta": {"x": [1, 2]}, "orgs": [{"sourcedId": "o1", "name": "A"}, 5, {"sourcedId": "o2"}]}"#,
        )
        .unwrap();
        let Found::Items(List::Items(items)) = page.items else {
            panic!("no items");
        };
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[1], Obj::Wrong("a number")));
        assert_eq!(page.other_keys, ["meta"]);
        assert!(page.imsx.failure().is_none());
    }

    #[test]
    fn notices_imsx_failures_bare_or_wrapped() {
        let bare = r#"{"imsx_codeMajor": "failure", "imsx_description": "Bad filter",
            "imsx_CodeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "x", "imsx_codeMinorFieldValue": "invalid_filter_field"}]}}"#;
        assert_eq!(
            parse(bare).unwrap().imsx.failure().as_deref(),
            Some("Bad filter (invalid_filter_field)")
        );
        let wrapped = r#"{"imsx_StatusInfo": {"imsx_codeMajor": "FAILURE"}, "orgs": []}"#;
        assert_eq!(
            parse(wrapped).unwrap().imsx.failure().as_deref(),
            Some("no description")
        );
        let success = r#"{"imsx_codeMajor": "success", "orgs": []}"#;
        assert!(parse(success).unwrap().imsx.failure().is_none());
    }

    #[test]
    fn a_long_imsx_description_is_cut() {
        let body = json_failure(&"a".repeat(10_000));
        let failure = parse(&body).unwrap().imsx.failure().unwrap();
        assert!(failure.chars().count() < 450, "{}", failure.len());
        assert!(failure.contains('…'));
    }

    fn json_failure(description: &str) -> String {
        serde_json::json!({
            "imsx_codeMajor": "failure", "imsx_description": description,
            "imsx_CodeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldValue": description}]}
        })
        .to_string()
    }

    #[test]
    fn rejects_bodies_that_are_not_objects() {
        assert!(parse("[]").is_err());
        assert!(parse("\"orgs\"").is_err());
        assert!(parse(r#"{"orgs": []} x"#).is_err());
        assert!(parse(r#"{"orgs": [}"#).is_err());
    }
}
