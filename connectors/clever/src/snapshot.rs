//! One full snapshot, as a stream of pages in the record order contract.
//!
//! | step | request | emits |
//! | --- | --- | --- |
//! | 1 | `events?ending_before=last&limit=1` | nothing: the delta cursor (see [`crate::Clever`]) |
//! | 2 | `districts` | the district org |
//! | 3 | `schools` | school orgs (none at all is an empty roster) |
//! | 4 | `terms` | terms |
//! | 5 | `courses` | courses |
//! | 6 | `sections` | classes (their student/teacher lists go to a spool as enrollments) |
//! | 7 | `users?role=student`, `teacher`, `staff`, `district_admin`, `contact` | people (contacts' links go to a spool; no students is an empty roster) |
//! | 8 | — | relationships, replayed |
//! | 9 | — | enrollments, replayed |
//!
//! Every list is read with `limit=<page_size>` and `links[rel=next]`; one HTTP page becomes
//! one emitted page, so memory holds a page at a time.

use std::time::{Duration, SystemTime};

use homeroom_connector_core::{
    ConnectorError, CursorSlot, EntityKind, IssueSeverity, Page, PageBuffer, Record, SourceIssue,
};
use serde::de::DeserializeOwned;

use crate::api::{Api, Pager, parse_list};
use crate::mapping::{
    UserRole, map_course, map_district, map_relationships, map_school, map_section, map_term,
    map_user, section_enrollments,
};
use crate::object_id::ObjectId;
use crate::spool::{Spool, SpoolReader};
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
    Sections(Pager),
    Users(usize, Pager),
    Relationships(SpoolReader),
    Enrollments(SpoolReader),
    Done,
}

/// The state of one snapshot.
pub(crate) struct Snapshot<'a> {
    api: &'a Api,
    cursor: CursorSlot,
    stage: Stage,
    relationships: Option<Spool>,
    enrollments: Option<Spool>,
    issues: Vec<SourceIssue>,
    replay_page: usize,
    schools: u64,
    students: u64,
}

impl<'a> Snapshot<'a> {
    pub(crate) fn new(api: &'a Api, cursor: CursorSlot, replay_page: usize) -> Self {
        Self {
            api,
            cursor,
            stage: Stage::Seed,
            relationships: None,
            enrollments: None,
            issues: Vec::new(),
            replay_page: replay_page.max(1),
            schools: 0,
            students: 0,
        }
    }

    /// The next page, an error (after which the stream ends), or `None` at the end.
    pub(crate) async fn next_page(&mut self) -> Option<Result<Page, ConnectorError>> {
        match self.step().await {
            Ok(Some(mut page)) => {
                page.issues.append(&mut self.issues);
                Some(Ok(page))
            }
            Ok(None) => None,
            Err(e) => {
                self.stage = Stage::Done;
                Some(Err(e))
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

    async fn step(&mut self) -> Result<Option<Page>, ConnectorError> {
        loop {
            match &mut self.stage {
                Stage::Seed => {
                    self.seed_cursor().await?;
                    self.relationships = Some(Spool::new().await?);
                    self.enrollments = Some(Spool::new().await?);
                    self.stage = Stage::Districts(self.list("districts"));
                }
                Stage::Districts(pager) => match page::<WireDistrict>(pager, self.api).await? {
                    Some(items) => return Ok(Some(records(items.iter().map(map_district)))),
                    None => self.stage = Stage::Schools(self.list("schools")),
                },
                Stage::Schools(pager) => match page::<WireSchool>(pager, self.api).await? {
                    Some(items) => {
                        self.schools += items.len() as u64;
                        return Ok(Some(records(items.iter().map(map_school))));
                    }
                    None if self.schools == 0 => {
                        return Err(ConnectorError::EmptyRoster(
                            "Clever listed no schools for this district".into(),
                        ));
                    }
                    None => self.stage = Stage::Terms(self.list("terms")),
                },
                Stage::Terms(pager) => match page::<WireTerm>(pager, self.api).await? {
                    Some(items) => return Ok(Some(records(items.iter().map(map_term)))),
                    None => self.stage = Stage::Courses(self.list("courses")),
                },
                Stage::Courses(pager) => match page::<WireCourse>(pager, self.api).await? {
                    Some(items) => return Ok(Some(records(items.iter().map(map_course)))),
                    None => self.stage = Stage::Sections(self.list("sections")),
                },
                Stage::Sections(pager) => match page::<WireSection>(pager, self.api).await? {
                    Some(items) => return self.sections(&items).await.map(Some),
                    None => self.stage = self.users(0),
                },
                Stage::Users(index, pager) => {
                    let index = *index;
                    match page::<WireUser>(pager, self.api).await? {
                        Some(items) => return self.users_page(index, &items).await.map(Some),
                        None if UserRole::ORDER[index] == UserRole::Student
                            && self.students == 0 =>
                        {
                            return Err(ConnectorError::EmptyRoster(
                                "Clever listed no students for this district".into(),
                            ));
                        }
                        None if index + 1 < UserRole::ORDER.len() => {
                            self.stage = self.users(index + 1);
                        }
                        None => {
                            let spool = self.relationships.take().ok_or_else(missing_spool)?;
                            self.stage = Stage::Relationships(spool.into_reader().await?);
                        }
                    }
                }
                Stage::Relationships(reader) => match replay(reader, self.replay_page).await? {
                    Some(page) => return Ok(Some(page)),
                    None => {
                        let spool = self.enrollments.take().ok_or_else(missing_spool)?;
                        self.stage = Stage::Enrollments(spool.into_reader().await?);
                    }
                },
                Stage::Enrollments(reader) => match replay(reader, self.replay_page).await? {
                    Some(page) => return Ok(Some(page)),
                    None => self.stage = Stage::Done,
                },
                Stage::Done => return Ok(None),
            }
        }
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
                            format!("event id `{}` is not an ObjectID", event.data.id),
                        )
                    })?,
                    None => ObjectId::from_parts(
                        started.checked_sub(CURSOR_SKEW).unwrap_or(started),
                        0,
                    ),
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

    async fn sections(&mut self, items: &[WireSection]) -> Result<Page, ConnectorError> {
        let spool = self.enrollments.as_mut().ok_or_else(missing_spool)?;
        let mut out = Vec::with_capacity(items.len());
        for section in items {
            match map_section(section) {
                Some(class) => {
                    out.push(Record::from(class));
                    for e in section_enrollments(section) {
                        spool.push(&e.into()).await?;
                    }
                }
                None => self.issues.push(SourceIssue {
                    severity: IssueSeverity::Error,
                    code: "missing_school".into(),
                    entity_kind: Some(EntityKind::Class),
                    external_id: Some(section.id.clone()),
                    message: format!(
                        "Clever section {} names no school; it and its enrollments were skipped",
                        section.id
                    ),
                }),
            }
        }
        Ok(Page::new(out))
    }

    async fn users_page(&mut self, index: usize, items: &[WireUser]) -> Result<Page, ConnectorError> {
        let role = UserRole::ORDER[index];
        let spool = self.relationships.as_mut().ok_or_else(missing_spool)?;
        let mut out = Vec::with_capacity(items.len());
        for user in items {
            if role == UserRole::Student {
                self.students += 1;
            }
            if role.already_read(user) {
                continue;
            }
            out.push(Record::from(map_user(user)));
            if let Some(contact) = &user.roles.contact {
                for r in map_relationships(&user.id, contact) {
                    spool.push(&r.into()).await?;
                }
            }
        }
        Ok(Page::new(out))
    }
}

async fn page<T: DeserializeOwned>(
    pager: &mut Pager,
    api: &Api,
) -> Result<Option<Vec<T>>, ConnectorError> {
    pager.next_page::<T>(api).await
}

fn records<R: Into<Record>>(items: impl Iterator<Item = R>) -> Page {
    Page::new(items.map(Into::into).collect())
}

/// Up to `size` spooled records.
async fn replay(reader: &mut SpoolReader, size: usize) -> Result<Option<Page>, ConnectorError> {
    let mut buffer = PageBuffer::new(size);
    while let Some(record) = reader.next().await? {
        if let Some(page) = buffer.push(record) {
            return Ok(Some(page));
        }
    }
    Ok(buffer.finish())
}

fn missing_spool() -> ConnectorError {
    ConnectorError::Other("the Clever snapshot lost its temporary record file".into())
}
