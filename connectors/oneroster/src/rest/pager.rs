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

use homeroom_connector_core::http::next_link;
use homeroom_connector_core::{ConnectorError, HttpResponse, Url};
use serde_json::Value;

use super::api::Api;
use super::endpoints::Collection;

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

    /// The next page of objects, or `None` when the collection is done.
    pub(crate) async fn next_page(
        &mut self,
        api: &Api,
    ) -> Result<Option<Vec<Value>>, ConnectorError> {
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        let response = api.get(url.clone()).await?;
        let items = self.items(&response)?;
        self.pages += 1;
        if items.is_empty() {
            return Ok(None);
        }
        let first_id = items
            .first()
            .and_then(|v| v.get("sourcedId"))
            .and_then(Value::as_str)
            .map(str::to_owned);
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

    /// The objects of a page: the list under the collection's envelope key.
    fn items(&self, response: &HttpResponse) -> Result<Vec<Value>, ConnectorError> {
        let what = || {
            format!(
                "{} page at offset {} ({})",
                self.collection.path(),
                self.offset,
                response.url
            )
        };
        let mut body: serde_json::Map<String, Value> = serde_json::from_slice(&response.body)
            .map_err(|e| {
                ConnectorError::malformed(
                    what(),
                    format!(
                        "the body is not a JSON object: {e}; it starts: {}",
                        response.body_excerpt(200)
                    ),
                )
            })?;
        let key = self.collection.envelope();
        match body.remove(key) {
            Some(Value::Array(items)) => Ok(items),
            Some(Value::Null) => Ok(Vec::new()),
            Some(other) => Err(ConnectorError::malformed(
                what(),
                format!("`{key}` is not a list but {}", kind_of(&other)),
            )),
            None => Err(ConnectorError::malformed(
                what(),
                format!(
                    "the body has no `{key}` list (keys: {})",
                    body.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
