//! One full snapshot, as a stream of pages whose references always point backwards.
//!
//! | step | request | emits |
//! | --- | --- | --- |
//! | 1 | `events?ending_before=last&limit=1` | nothing: the delta cursor (see [`crate::Clever`]) |
//! | 2 | `districts` | the district org |
//! | 3 | `schools` | school orgs (none at all is an empty roster) |
//! | 4 | `terms` | terms |
//! | 5 | `courses` | courses |
//! | 6 | `users?role=student`, `teacher`, `staff`, `district_admin`, `contact` | people (no students is an empty roster); after each contact page, that page's relationships |
//! | 7 | `sections` | classes, then their students/teachers as enrollments |
//!
//! People come before classes here (the OneRoster connector puts classes first): neither
//! refers to the other, and this way the relationships follow their contacts and the
//! enrollments their sections without being held back, so nothing but the page in hand is
//! kept. Every list is read with `limit=<page_size>` and `links[rel=next]`; what one HTTP
//! page yields is emitted in pages of at most `page_size` records.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use homeroom_connector_core::{
    ConnectorError, CursorSlot, EntityKind, IssueSeverity, Page, Record, Relationship, SourceIssue,
};
use serde::de::DeserializeOwned;

use crate::api::{Api, Pager, parse_list};
use crate::mapping::{
    UserRole, cut, map_course, map_district, map_relationships, map_school, map_section, map_term,
    map_user, section_enrollments,
};
use crate::object_id::ObjectId;
use crate::wire::{WireCourse, WireDistrict, WireId, WireSchool, WireSection, WireTerm, WireUser};

/// How far before the snapshot's start a made-up cursor points when the event feed is empty,
/// so a clock ahead of Clever's loses nothing (replayed events are harmless).
pub(crate) const CURSOR_SKEW: Duration = Duration::from_secs(300);

enum Stage {
    Seed,
    Districts(Pager),
    Schools(Pager),
    Terms(Pager),
    Courses(Pager),
    Users(usize, Pager),
    Sections(Pager),
    Done,
}

/// The state of one snapshot.
pub(crate) struct Snapshot<'a> {
    api: &'a Api,
    cursor: CursorSlot,
    stage: Stage,
    ready: VecDeque<Page>,
    /// Relationships of contacts that were read with an earlier role (a contact who is also a
    /// student, say), emitted once every student has been.
    deferred: Vec<Relationship>,
    issues: Vec<SourceIssue>,
    page_size: usize,
    schools: u64,
    students: u64,
}

impl<'a> Snapshot<'a> {
    pub(crate) fn new(api: &'a Api, cursor: CursorSlot, page_size: usize) -> Self {
        Self {
            api,
            cursor,
            stage: Stage::Seed,
            ready: VecDeque::new(),
            deferred: Vec::new(),
            issues: Vec::new(),
            page_size: page_size.max(1),
            schools: 0,
            students: 0,
        }
    }

    /// The next page, an error (after which the stream ends), or `None` at the end.
    pub(crate) async fn next_page(&mut self) -> Option<Result<Page, ConnectorError>> {
        loop {
            if let Some(mut page) = self.ready.pop_front() {
                page.issues.append(&mut self.issues);
                return Some(Ok(page));
            }
            match self.step().await {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.stage = Stage::Done;
                    self.ready.clear();
                    return Some(Err(e));
                }
            }
        }
    }

    fn list(&self, path: &str) -> Pager {
        Pager::new(format!("Clever {path}"), self.api.list_url(path, &[]))
    }

    fn users(&self, index: usize) -> Stage {
        let role = UserRole::ORDER[index].as_str();
        Stage::Users(
            index,
            Pager::new(
                format!("Clever users (role={role})"),
                self.api.list_url("users", &[("role", role)]),
            ),
        )
    }

    /// Queues `records` as pages of at most `page_size`.
    fn emit(&mut self, records: Vec<Record>) {
        let mut records = records.into_iter().peekable();
        while records.peek().is_some() {
            let page: Vec<Record> = records.by_ref().take(self.page_size).collect();
            self.ready.push_back(Page::new(page));
        }
    }

    /// Advances one request (or one stage change); `false` once the snapshot is done.
    async fn step(&mut self) -> Result<bool, ConnectorError> {
        match &mut self.stage {
            Stage::Seed => {
                self.seed_cursor().await?;
                self.stage = Stage::Districts(self.list("districts"));
            }
            Stage::Districts(pager) => match page::<WireDistrict>(pager, self.api).await? {
                Some(items) => self.emit(records(items.iter().map(map_district))),
                None => self.stage = Stage::Schools(self.list("schools")),
            },
            Stage::Schools(pager) => match page::<WireSchool>(pager, self.api).await? {
                Some(items) => {
                    self.schools += items.len() as u64;
                    self.emit(records(items.iter().map(map_school)));
                }
                None if self.schools == 0 => {
                    return Err(ConnectorError::EmptyRoster(
                        "Clever listed no schools for this district".into(),
                    ));
                }
                None => self.stage = Stage::Terms(self.list("terms")),
            },
            Stage::Terms(pager) => match page::<WireTerm>(pager, self.api).await? {
                Some(items) => self.emit(records(items.iter().map(map_term))),
                None => self.stage = Stage::Courses(self.list("courses")),
            },
            Stage::Courses(pager) => match page::<WireCourse>(pager, self.api).await? {
                Some(items) => self.emit(records(items.iter().map(map_course))),
                None => self.stage = self.users(0),
            },
            Stage::Users(index, pager) => {
                let index = *index;
                match page::<WireUser>(pager, self.api).await? {
                    Some(items) => self.users_page(index, &items),
                    None if UserRole::ORDER[index] == UserRole::Student && self.students == 0 => {
                        return Err(ConnectorError::EmptyRoster(
                            "Clever listed no students for this district".into(),
                        ));
                    }
                    None if index + 1 < UserRole::ORDER.len() => {
                        self.stage = self.users(index + 1);
                        if UserRole::ORDER[index + 1] == UserRole::Contact {
                            let deferred = std::mem::take(&mut self.deferred);
                            self.emit(deferred.into_iter().map(Record::from).collect());
                        }
                    }
                    None => self.stage = Stage::Sections(self.list("sections")),
                }
            }
            Stage::Sections(pager) => match page::<WireSection>(pager, self.api).await? {
                Some(items) => self.sections(&items),
                None => self.stage = Stage::Done,
            },
            Stage::Done => return Ok(false),
        }
        Ok(true)
    }
    /// Records the delta cursor: the newest event's id, or (no events in the 30-day window) an
    /// id made from the snapshot's start time. Events switched off (403/404) leave no cursor,
    /// so the next sync is a full one again.
    async fn seed_cursor(&mut self) -> Result<(), ConnectorError> {
        let started = SystemTime::now();
        let url = self
            .api
            .list_url_with_limit("events", 1, &[("ending_before", "last")]);
        let response = self.api.get_unchecked(url.clone()).await?;
        match response.status.as_u16() {
            200..=299 => {
                let list = parse_list::<WireId>(&response, "Clever events")?;
                let cursor = match list.data.last() {
                    Some(event) => ObjectId::parse(&event.data.id).ok_or_else(|| {
                        ConnectorError::malformed(
                            "Clever events page",
                            format!("event id `{}` is not an ObjectID", cut(&event.data.id)),
                        )
                    })?,
                    None => {
                        ObjectId::from_parts(started.checked_sub(CURSOR_SKEW).unwrap_or(started), 0)
                    }
                };
                self.cursor.set(cursor.as_str());
            }
            401 => {
                return Err(ConnectorError::Auth(format!(
                    "{url} rejected the Clever token (HTTP 401): {}",
                    response.body_excerpt(200)
                )));
            }
            403 | 404 => {
                tracing::info!(
                    status = response.status.as_u16(),
                    "Clever events are not available to this token; the next sync will be a full one"
                );
            }
            status => {
                return Err(ConnectorError::Http {
                    status,
                    url: url.to_string(),
                    body_excerpt: response.body_excerpt(300),
                });
            }
        }
        Ok(())
    }

    fn sections(&mut self, items: &[WireSection]) {
        let mut classes = Vec::with_capacity(items.len());
        let mut enrollments = Vec::new();
        for section in items {
            match map_section(section) {
                Some(class) => {
                    classes.push(Record::from(class));
                    enrollments.extend(section_enrollments(section).into_iter().map(Record::from));
                }
                None => self.issues.push(SourceIssue {
                    severity: IssueSeverity::Error,
                    code: "missing_school".into(),
                    entity_kind: Some(EntityKind::Class),
                    external_id: Some(section.id.clone()),
                    message: format!(
                        "Clever section {} names no school; it and its enrollments were skipped",
                        cut(&section.id)
                    ),
                    more: 0,
                }),
            }
        }
        classes.append(&mut enrollments);
        self.emit(classes);
    }

    fn users_page(&mut self, index: usize, items: &[WireUser]) {
        let role = UserRole::ORDER[index];
        let mut people = Vec::with_capacity(items.len());
        let mut links = Vec::new();
        for user in items {
            if role == UserRole::Student {
                self.students += 1;
            }
            if role.already_read(user) {
                continue;
            }
            people.push(Record::from(map_user(user)));
            if let Some(contact) = &user.roles.contact {
                let found = map_relationships(&user.id, contact);
                if role == UserRole::Contact {
                    links.extend(found.into_iter().map(Record::from));
                } else {
                    self.deferred.extend(found);
                }
            }
        }
        people.append(&mut links);
        self.emit(people);
    }
}

async fn page<T: DeserializeOwned>(
    pager: &mut Pager,
    api: &Api,
) -> Result<Option<Vec<T>>, ConnectorError> {
    pager.next_page::<T>(api).await
}

fn records<R: Into<Record>>(items: impl Iterator<Item = R>) -> Vec<Record> {
    items.map(Into::into).collect()
}

#[cfg(any(test, feature = "fuzz"))]
impl Snapshot<'_> {
    /// The records and issues one users page of the `role`-th role gives (for the fuzz
    /// target), the relationships deferred to the contacts included.
    pub(crate) fn fuzz_users(
        &mut self,
        role: usize,
        users: &[WireUser],
    ) -> (Vec<Record>, Vec<String>) {
        self.users_page(role.min(UserRole::ORDER.len() - 1), users);
        let deferred = std::mem::take(&mut self.deferred);
        self.emit(deferred.into_iter().map(Record::from).collect());
        self.drain_for_fuzz()
    }

    /// The records and issues one sections page gives (for the fuzz target).
    pub(crate) fn fuzz_sections(&mut self, sections: &[WireSection]) -> (Vec<Record>, Vec<String>) {
        self.sections(sections);
        self.drain_for_fuzz()
    }

    fn drain_for_fuzz(&mut self) -> (Vec<Record>, Vec<String>) {
        let records = self.ready.drain(..).flat_map(|p| p.records).collect();
        let issues = self.issues.drain(..).map(|i| i.message).collect();
        (records, issues)
    }
}
