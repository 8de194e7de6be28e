//! A delta: the Events API from a cursor, as pages in the record order contract.
//!
//! Each events page becomes one emitted page: its created/updated records sorted into the
//! contract's stages (orgs, terms, courses, classes, people, relationships, enrollments).
//! Deletions are held back until the feed is read to its end and then emitted last,
//! dependents first — so a contact Clever deletes and re-creates under a new id (contacts
//! without `sis_id` churn ids) is first matched to its person through the new record, and
//! the old id's removal then leaves that person alone. An object deleted and later created
//! again in the same feed is not deleted. After each page the cursor advances to the last
//! event read.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use homeroom_connector_core::{ConnectorError, CursorSlot, Deleted, EntityKind, Page, Record};

use crate::api::{Api, parse_list};
use crate::events::map_event;
use crate::object_id::ObjectId;
use crate::wire::WireEvent;

/// How long Clever keeps events.
pub const EVENTS_WINDOW: Duration = Duration::from_secs(30 * 24 * 3_600);

/// A cursor older than the window minus this margin is treated as expired: events near the
/// window's edge may be gone by the time they are read.
pub const WINDOW_MARGIN: Duration = Duration::from_secs(24 * 3_600);

/// Checks a stored cursor: an ObjectID (else [`ConnectorError::Config`]) no older than the
/// events window minus [`WINDOW_MARGIN`] (else [`ConnectorError::CursorExpired`]). Clever
/// pages by id range, so an expired cursor would silently skip the events that fell out of
/// the window: only its age can tell.
pub(crate) fn check_cursor(cursor: &str, now: SystemTime) -> Result<ObjectId, ConnectorError> {
    let id = ObjectId::parse(cursor).ok_or_else(|| {
        ConnectorError::Config(format!(
            "the Clever delta cursor `{cursor}` is not an event id; run a full sync"
        ))
    })?;
    let age = now
        .duration_since(id.created_at())
        .unwrap_or(Duration::ZERO);
    if age > EVENTS_WINDOW.saturating_sub(WINDOW_MARGIN) {
        return Err(ConnectorError::CursorExpired(format!(
            "the last Clever event read is {} days old and Clever keeps events for 30 days",
            age.as_secs() / 86_400
        )));
    }
    Ok(id)
}

/// The stage rank of a created/updated record in an emitted page.
fn stage(record: &Record) -> u8 {
    match record.entity_kind() {
        EntityKind::Org => 0,
        EntityKind::Term => 1,
        EntityKind::Course => 2,
        EntityKind::Class => 3,
        EntityKind::Person => 4,
        EntityKind::Relationship => 5,
        EntityKind::Enrollment => 6,
    }
}

/// The order deletions are emitted in: dependents first.
fn delete_rank(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::Enrollment => 0,
        EntityKind::Relationship => 1,
        EntityKind::Person => 2,
        EntityKind::Class => 3,
        EntityKind::Course => 4,
        EntityKind::Term => 5,
        EntityKind::Org => 6,
    }
}

/// The state of one delta.
pub(crate) struct Delta<'a> {
    api: &'a Api,
    cursor: CursorSlot,
    next: Option<homeroom_connector_core::Url>,
    /// (kind, id) → order of the deletion.
    pending: HashMap<(EntityKind, String), u64>,
    seq: u64,
    /// Deletions being emitted, once the feed is read.
    outgoing: VecDeque<Deleted>,
    replay_page: usize,
    done: bool,
}

impl<'a> Delta<'a> {
    /// A delta reading events after `after`.
    pub(crate) fn new(
        api: &'a Api,
        cursor: CursorSlot,
        after: &ObjectId,
        replay_page: usize,
    ) -> Self {
        cursor.set(after.as_str());
        Self {
            next: Some(api.list_url("events", &[("starting_after", after.as_str())])),
            api,
            cursor,
            pending: HashMap::new(),
            seq: 0,
            outgoing: VecDeque::new(),
            replay_page: replay_page.max(1),
            done: false,
        }
    }

    /// The next page, an error (after which the stream ends), or `None` at the end.
    pub(crate) async fn next_page(&mut self) -> Option<Result<Page, ConnectorError>> {
        if self.done {
            return None;
        }
        match self.step().await {
            Ok(Some(page)) => Some(Ok(page)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// One page of events as records (`None` once the feed is empty); deletions are held.
    async fn events_page(
        &mut self,
        url: homeroom_connector_core::Url,
    ) -> Result<Option<Page>, ConnectorError> {
        let response = self.api.get_unchecked(url.clone()).await?;
        match response.status.as_u16() {
            200..=299 => {}
            401 => {
                return Err(ConnectorError::Auth(format!(
                    "{url} rejected the Clever token (HTTP 401): {}",
                    response.body_excerpt(200)
                )));
            }
            403 | 404 => {
                return Err(ConnectorError::CursorExpired(format!(
                    "Clever answered HTTP {} for the events feed ({}); events may be switched off",
                    response.status.as_u16(),
                    response.body_excerpt(200)
                )));
            }
            status => {
                return Err(ConnectorError::Http {
                    status,
                    url: url.to_string(),
                    body_excerpt: response.body_excerpt(300),
                });
            }
        }
        let list = parse_list::<WireEvent>(&response, "Clever events")?;
        if list.data.is_empty() {
            return Ok(None);
        }
        if let Some(link) = list.next_link() {
            let next = self.api.resolve(link)?;
            if next == url {
                return Err(ConnectorError::malformed(
                    "Clever events page",
                    format!("the `next` link of {url} points at the same page"),
                ));
            }
            self.next = Some(next);
        }
        let mut upserts: Vec<(u8, Record)> = Vec::new();
        let mut last = None;
        for item in &list.data {
            let event = &item.data;
            let effect = map_event(event)?;
            for record in effect.upserts {
                self.pending
                    .remove(&(record.entity_kind(), record.external_id().into_owned()));
                upserts.push((stage(&record), record));
            }
            for d in effect.deletes {
                self.seq += 1;
                self.pending.insert((d.kind, d.external_id), self.seq);
            }
            last = Some(event.id.clone());
        }
        if let Some(last) = last {
            self.cursor.set(last);
        }
        upserts.sort_by_key(|(stage, _)| *stage);
        Ok(Some(Page::new(
            upserts.into_iter().map(|(_, r)| r).collect(),
        )))
    }

    async fn step(&mut self) -> Result<Option<Page>, ConnectorError> {
        if let Some(url) = self.next.take()
            && let Some(page) = self.events_page(url).await?
        {
            return Ok(Some(page));
        }
        if !self.pending.is_empty() {
            let mut deletes: Vec<((EntityKind, String), u64)> = self.pending.drain().collect();
            deletes.sort_by_key(|((kind, _), seq)| (delete_rank(*kind), *seq));
            self.outgoing = deletes
                .into_iter()
                .map(|((kind, id), _)| Deleted::new(kind, id))
                .collect();
        }
        if self.outgoing.is_empty() {
            return Ok(None);
        }
        let n = self.outgoing.len().min(self.replay_page);
        Ok(Some(Page::new(
            self.outgoing.drain(..n).map(Record::from).collect(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    #[test]
    fn cursor_age() {
        let now = SystemTime::now();
        let fresh = ObjectId::from_parts(now - Duration::from_secs(3 * 86_400), 1);
        assert_eq!(check_cursor(fresh.as_str(), now).unwrap(), fresh);
        let old = ObjectId::from_parts(now - Duration::from_secs(40 * 86_400), 1);
        assert!(matches!(
            check_cursor(old.as_str(), now),
            Err(ConnectorError::CursorExpired(m)) if m.contains("40 days")
        ));
        assert!(matches!(
            check_cursor("nope", now),
            Err(ConnectorError::Config(_))
        ));
    }
}
