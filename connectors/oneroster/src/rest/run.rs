//! One full or delta read of a REST provider, as a stream of pages in contract order.
//!
//! | stage | request | emits |
//! | --- | --- | --- |
//! | 1 | `orgs` (always unfiltered: orgs are few, and which of them are districts decides admin roles) | orgs |
//! | 2 | `academicSessions` (or `terms` when the provider answers 404) | terms |
//! | 3 | `courses` | courses |
//! | 4 | `classes` | classes |
//! | 5 | `users` | people (their relationships go to the [`Spool`]) |
//! | 6 | — | relationships, replayed from the spool |
//! | 7 | `enrollments` | enrollments |
//!
//! A delta adds `filter=dateLastModified>'<since>'` to stages 2–5 and 7. `tobedeleted`
//! objects are emitted with [`homeroom_connector_core::RecordStatus::ToBeDeleted`].

use std::collections::{HashSet, VecDeque};

use chrono::Utc;
use homeroom_connector_core::{ConnectorError, CursorSlot, Page, PageBuffer, Record};

use super::api::Api;
use super::endpoints::Collection;
use super::lenient::Obj;
use super::pager::Pager;
use super::spool::{Spool, SpoolReader};
use super::wire::{
    WireClass, WireCourse, WireEnrollment, WireObject, WireOrg, WireSession, WireUser,
};
use crate::mapping::{
    Dialect, MapContext, Problem, is_district, map_class, map_course, map_enrollment, map_org,
    map_person, map_term, relationships,
};
use crate::model::OrUser;
use crate::report::{Issue, IssueCode, ReportHandle, Severity};
use crate::values::format_timestamp;

/// A full snapshot or a delta since a timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RestPurpose {
    /// Every object; zero orgs or users is an empty roster.
    Full,
    /// Objects modified after `since` (`YYYY-MM-DDTHH:MM:SSZ`).
    Delta {
        /// The lower bound of `dateLastModified`.
        since: String,
    },
}

/// One page of one collection, read straight into its wire type.
enum Items {
    Orgs(Vec<Obj<WireOrg>>),
    Sessions(Vec<Obj<WireSession>>),
    Courses(Vec<Obj<WireCourse>>),
    Classes(Vec<Obj<WireClass>>),
    Users(Vec<Obj<WireUser>>),
    Enrollments(Vec<Obj<WireEnrollment>>),
}

/// The next page of `pager`, read as its collection's wire type.
async fn fetch(pager: &mut Pager, api: &Api) -> Result<Option<Items>, ConnectorError> {
    Ok(match pager.collection() {
        Collection::Orgs => pager.next_page(api).await?.map(Items::Orgs),
        Collection::AcademicSessions | Collection::Terms => {
            pager.next_page(api).await?.map(Items::Sessions)
        }
        Collection::Courses => pager.next_page(api).await?.map(Items::Courses),
        Collection::Classes => pager.next_page(api).await?.map(Items::Classes),
        Collection::Users => pager.next_page(api).await?.map(Items::Users),
        Collection::Enrollments => pager.next_page(api).await?.map(Items::Enrollments),
    })
}

enum Stage {
    Fetch(Pager),
    Replay(SpoolReader),
    Finished,
}

/// The state of one read.
pub(crate) struct RestRun<'a> {
    api: &'a Api,
    report: ReportHandle,
    purpose: RestPurpose,
    page_size: usize,
    buffer: PageBuffer,
    ready: VecDeque<Page>,
    failure: Option<ConnectorError>,
    stage: Stage,
    districts: HashSet<String>,
    /// Objects received / records accepted in the current collection.
    seen: u64,
    accepted: u64,
    spool: Option<Spool>,
    cursor: CursorSlot,
    overlap: chrono::Duration,
    next_cursor: Option<String>,
    /// See [`super::RestCustomization::sis_id_user_id_type`].
    sis_id_user_id_type: Option<String>,
}

impl<'a> RestRun<'a> {
    /// A read that starts when first polled. On success the cursor slot receives the time the
    /// read started, minus `overlap` (see [`crate::OneRosterRest`]).
    pub(crate) fn new(
        api: &'a Api,
        report: ReportHandle,
        purpose: RestPurpose,
        page_size: usize,
        cursor: CursorSlot,
        overlap: std::time::Duration,
        sis_id_user_id_type: Option<String>,
    ) -> Self {
        let orgs = Pager::new(api, Collection::Orgs, None);
        Self {
            api,
            report,
            purpose,
            page_size,
            buffer: PageBuffer::new(page_size),
            ready: VecDeque::new(),
            failure: None,
            stage: Stage::Fetch(orgs),
            districts: HashSet::new(),
            seen: 0,
            accepted: 0,
            spool: None,
            cursor,
            overlap: chrono::Duration::from_std(overlap).unwrap_or(chrono::Duration::zero()),
            next_cursor: None,
            sis_id_user_id_type,
        }
    }

    /// The next page, an error (after which the stream ends), or `None` at the end.
    pub(crate) async fn next_page(&mut self) -> Option<Result<Page, ConnectorError>> {
        loop {
            if let Some(mut page) = self.ready.pop_front() {
                page.issues = self.report.take_source_issues();
                self.report.count_records(page.len());
                return Some(Ok(page));
            }
            if let Some(error) = self.failure.take() {
                self.stage = Stage::Finished;
                self.report.finish();
                return Some(Err(error));
            }
            if matches!(self.stage, Stage::Finished) {
                let issues = self.report.take_source_issues();
                if !issues.is_empty() {
                    return Some(Ok(Page {
                        records: Vec::new(),
                        issues,
                    }));
                }
                self.report.finish();
                return None;
            }
            if self.next_cursor.is_none() {
                self.next_cursor = Some(format_timestamp(Utc::now() - self.overlap));
            }
            if let Err(error) = self.step().await {
                self.flush();
                self.failure = Some(error);
            }
        }
    }

    /// One request (or one batch of replayed relationships).
    async fn step(&mut self) -> Result<(), ConnectorError> {
        match &mut self.stage {
            Stage::Fetch(pager) => {
                let collection = pager.collection();
                let first = pager.is_first();
                match fetch(pager, self.api).await {
                    Err(error)
                        if collection == Collection::AcademicSessions
                            && first
                            && error.http_status() == Some(404) =>
                    {
                        tracing::info!(
                            target: "homeroom_oneroster",
                            "the provider has no /academicSessions; reading /terms instead"
                        );
                        self.stage = Stage::Fetch(self.pager(Collection::Terms));
                    }
                    Err(error) => return Err(error),
                    Ok(Some(items)) => self.ingest(collection, items).await?,
                    Ok(None) => self.end_collection(collection).await?,
                }
            }
            Stage::Replay(reader) => {
                for _ in 0..self.page_size {
                    match reader.next().await? {
                        Some(relationship) => {
                            if let Some(page) = self.buffer.push(relationship) {
                                self.ready.push_back(page);
                            }
                        }
                        None => {
                            self.stage = Stage::Fetch(self.pager(Collection::Enrollments));
                            break;
                        }
                    }
                }
            }
            Stage::Finished => {}
        }
        Ok(())
    }

    fn pager(&self, collection: Collection) -> Pager {
        let filter = match &self.purpose {
            RestPurpose::Delta { since } if collection != Collection::Orgs => {
                Some(format!("dateLastModified>'{since}'"))
            }
            _ => None,
        };
        Pager::new(self.api, collection, filter)
    }

    fn push(&mut self, record: Record) {
        self.accepted += 1;
        if let Some(page) = self.buffer.push(record) {
            self.ready.push_back(page);
        }
    }

    fn flush(&mut self) {
        let buffer = std::mem::replace(&mut self.buffer, PageBuffer::new(self.page_size));
        self.ready.extend(buffer.finish());
    }

    fn context(&self) -> MapContext<'_> {
        MapContext {
            blank_status_is_active: true,
            districts: &self.districts,
        }
    }

    /// Maps and emits one page of objects.
    async fn ingest(&mut self, collection: Collection, items: Items) -> Result<(), ConnectorError> {
        match items {
            Items::Orgs(items) => {
                for item in items {
                    if let Some(org) = self.decode(collection, item) {
                        if is_district(&org) && !org.meta.sourced_id.is_empty() {
                            self.districts.insert(org.meta.sourced_id.clone());
                        }
                        let mut warnings = Vec::new();
                        let result = map_org(&org, &self.context(), &mut warnings);
                        self.emit(collection, &org.meta.sourced_id, warnings, result);
                    }
                }
            }
            Items::Sessions(items) => {
                for item in items {
                    if let Some(session) = self.decode(collection, item) {
                        let mut warnings = Vec::new();
                        let result = map_term(&session, &self.context(), &mut warnings);
                        self.emit(collection, &session.meta.sourced_id, warnings, result);
                    }
                }
            }
            Items::Courses(items) => {
                for item in items {
                    if let Some(course) = self.decode(collection, item) {
                        let mut warnings = Vec::new();
                        let result = map_course(&course, &self.context(), &mut warnings);
                        self.emit(collection, &course.meta.sourced_id, warnings, result);
                    }
                }
            }
            Items::Classes(items) => {
                for item in items {
                    if let Some(class) = self.decode(collection, item) {
                        let mut warnings = Vec::new();
                        let result = map_class(&class, &self.context(), &mut warnings);
                        self.emit(collection, &class.meta.sourced_id, warnings, result);
                    }
                }
            }
            Items::Enrollments(items) => {
                for item in items {
                    if let Some(enrollment) = self.decode(collection, item) {
                        let mut warnings = Vec::new();
                        let result = map_enrollment(&enrollment, &self.context(), &mut warnings);
                        self.emit(collection, &enrollment.meta.sourced_id, warnings, result);
                    }
                }
            }
            Items::Users(items) => {
                for item in items {
                    if let Some(user) = self.decode(collection, item) {
                        let mut warnings = Vec::new();
                        let outcome = self.user(&user, &mut warnings).await?;
                        let id = Some(user.meta.sourced_id.as_str()).filter(|id| !id.is_empty());
                        self.report_problems(collection, id, warnings, outcome);
                    }
                }
            }
        }
        Ok(())
    }

    /// Pushes a mapped record, or reports its rejection; reports the warnings either way.
    fn emit<R: Into<Record>>(
        &mut self,
        collection: Collection,
        id: &str,
        warnings: Vec<Problem>,
        result: Result<R, Problem>,
    ) {
        let id = Some(id).filter(|id| !id.is_empty());
        let rejection = match result {
            Ok(record) => {
                self.push(record.into());
                None
            }
            Err(problem) => Some(problem),
        };
        self.report_problems(collection, id, warnings, rejection);
    }

    /// Emits a person and spools its relationships; returns the rejection, if any.
    async fn user(
        &mut self,
        user: &OrUser,
        warnings: &mut Vec<Problem>,
    ) -> Result<Option<Problem>, ConnectorError> {
        let mut mapped = match map_person(user, &self.context(), warnings) {
            Ok(mapped) => mapped,
            Err(problem) => return Ok(Some(problem)),
        };
        if let Some(wanted) = &self.sis_id_user_id_type
            && let Some(id) = user
                .user_ids
                .iter()
                .find(|id| id.id_type.eq_ignore_ascii_case(wanted))
        {
            mapped.person.sis_id = Some(id.identifier.clone());
        }
        let found = relationships(user, mapped.guardian_kind, mapped.person.status, warnings);
        self.push(mapped.person.into());
        if !found.is_empty() {
            let spool = match &mut self.spool {
                Some(spool) => spool,
                None => self.spool.insert(Spool::new().await?),
            };
            for relationship in &found {
                spool.push(relationship).await?;
            }
        }
        Ok(None)
    }

    /// One object as its model; an object of the wrong shape is rejected (reported).
    fn decode<W: WireObject>(&mut self, collection: Collection, item: Obj<W>) -> Option<W::Model> {
        self.seen += 1;
        let (id, field, message) = match item {
            Obj::Ok(wire) => match wire.into_model() {
                Ok(model) => return Some(model),
                Err(shape) => (
                    shape.id,
                    Some(shape.field),
                    format!(
                        "the object does not have the OneRoster shape: {}; it is skipped",
                        shape.sentence
                    ),
                ),
            },
            Obj::Wrong(kind) => (
                None,
                None,
                format!(
                    "the `{}` list holds {kind} where an object belongs; it is skipped",
                    collection.envelope()
                ),
            ),
        };
        let mut issue = Issue::new(
            Severity::Error,
            IssueCode::MalformedObject,
            collection.path(),
            message,
        )
        .for_id(id.as_deref());
        if let Some(field) = field {
            issue = issue.in_field(field);
        }
        self.report.issue(issue);
        None
    }

    fn report_problems(
        &self,
        collection: Collection,
        id: Option<&str>,
        warnings: Vec<Problem>,
        rejection: Option<Problem>,
    ) {
        let source = collection.path();
        for warning in warnings {
            self.report.issue(warning.into_issue(
                Severity::Warning,
                Dialect::Json,
                source,
                None,
                id,
            ));
        }
        if let Some(problem) = rejection {
            self.report
                .issue(problem.into_issue(Severity::Error, Dialect::Json, source, None, id));
        }
    }

    /// After the last page of `collection`: the empty-roster check, then the next stage.
    async fn end_collection(&mut self, collection: Collection) -> Result<(), ConnectorError> {
        let (seen, accepted) = (self.seen, self.accepted);
        self.seen = 0;
        self.accepted = 0;
        if self.purpose == RestPurpose::Full
            && matches!(collection, Collection::Orgs | Collection::Users)
            && accepted == 0
        {
            let what = collection.path();
            let url = self.api.collection_url(collection, 1, 0, None);
            let detail = if seen == 0 {
                format!("{url} returned no {what}")
            } else {
                format!("{url} returned {seen} {what}, none of them usable (see the report)")
            };
            return Err(ConnectorError::EmptyRoster(detail));
        }
        self.stage = match collection {
            Collection::Users => match self.spool.take() {
                Some(spool) => Stage::Replay(spool.into_reader().await?),
                None => Stage::Fetch(self.pager(Collection::Enrollments)),
            },
            other => match other.next() {
                Some(next) => Stage::Fetch(self.pager(next)),
                None => {
                    self.flush();
                    if let Some(cursor) = &self.next_cursor {
                        self.cursor.set(cursor.clone());
                    }
                    Stage::Finished
                }
            },
        };
        Ok(())
    }
}

/// Reads single page bodies the way a read does (for the fuzz targets): a REST client that
/// never sends a request, and a runtime for the spool.
#[cfg(any(test, feature = "fuzz"))]
pub(crate) struct RestFuzz {
    api: Api,
    runtime: tokio::runtime::Runtime,
}

#[cfg(any(test, feature = "fuzz"))]
impl RestFuzz {
    pub(crate) fn new(
        http: homeroom_connector_core::HttpConfig,
        auth: homeroom_connector_core::RequestAuth,
    ) -> Result<Self, ConnectorError> {
        let config = super::OneRosterRestConfig::from_json(serde_json::json!({
            "base_url": "http://127.0.0.1/",
            "version": "1.1",
            "client_id": "fuzz",
            "client_secret": "fuzz",
        }))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(ConnectorError::Io)?;
        Ok(Self {
            api: Api::new(&config, http, Some(auth))?,
            runtime,
        })
    }

    /// The records and reported issues of one page of `collection`, relationships found on
    /// users replayed after them; or the error that ends the read.
    pub(crate) fn page(
        &self,
        collection: Collection,
        response: &homeroom_connector_core::HttpResponse,
    ) -> Result<(Vec<Record>, Vec<String>), ConnectorError> {
        let report = ReportHandle::new();
        let mut run = RestRun::new(
            &self.api,
            report.clone(),
            RestPurpose::Full,
            1_000,
            CursorSlot::new(),
            std::time::Duration::ZERO,
            Some("FED".to_owned()),
        );
        let records = self.runtime.block_on(async {
            let pager = Pager::new(&self.api, collection, None);
            let items = match collection {
                Collection::Orgs => Items::Orgs(pager.items(response)?),
                Collection::AcademicSessions | Collection::Terms => {
                    Items::Sessions(pager.items(response)?)
                }
                Collection::Courses => Items::Courses(pager.items(response)?),
                Collection::Classes => Items::Classes(pager.items(response)?),
                Collection::Users => Items::Users(pager.items(response)?),
                Collection::Enrollments => Items::Enrollments(pager.items(response)?),
            };
            run.ingest(collection, items).await?;
            if let Some(spool) = run.spool.take() {
                let mut reader = spool.into_reader().await?;
                while let Some(relationship) = reader.next().await? {
                    run.push(relationship.into());
                }
            }
            run.flush();
            Ok::<_, ConnectorError>(
                run.ready
                    .drain(..)
                    .flat_map(|page| page.records)
                    .collect::<Vec<Record>>(),
            )
        })?;
        let issues = report
            .snapshot()
            .issues
            .into_iter()
            .map(|i| i.message)
            .collect();
        Ok((records, issues))
    }
}
