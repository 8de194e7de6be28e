//! People and the identity rules: source link first; then students by student number only;
//! adults by normalized email, or by phone when the names agree too; never student↔adult; a
//! claimed account is joined only through a contact point it verified.

use std::collections::HashMap;

use homeroom_connector_core::{self as core, EntityKind, Record};
use homeroom_schema::Conn;
use homeroom_schema::enums::{
    AccountState, ContactKind, ContactSource, Reachability, RecordSource, Role, Status,
};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{ContactPoint, Person, PersonRole};
use homeroom_schema::store::status::{self, Archivable};
use homeroom_schema::store::{bulk, contacts, people};

use crate::apply::links::Seen;
use crate::apply::orgs::typed;
use crate::apply::{ApplyResult, Links, resolve};
use crate::context::RunCtx;
use crate::report::codes;

/// Who holds an adult contact point, as far as matching needs to know.
#[derive(Debug, Clone)]
struct Holder {
    person_id: String,
    verified: bool,
    claimed: bool,
    given: String,
    family: String,
}

impl Holder {
    fn same_names(&self, given: &str, family: &str) -> bool {
        self.given.trim().eq_ignore_ascii_case(given.trim())
            && self.family.trim().eq_ignore_ascii_case(family.trim())
    }
}

/// A record's contact points, normalized (value, as sent).
#[derive(Debug, Default)]
struct Normalized {
    emails: Vec<(String, String)>,
    phones: Vec<(String, String)>,
}

impl Normalized {
    fn all(&self) -> impl Iterator<Item = (ContactKind, &String, &String)> {
        self.emails
            .iter()
            .map(|(v, d)| (ContactKind::Email, v, d))
            .chain(self.phones.iter().map(|(v, d)| (ContactKind::Phone, v, d)))
    }
}

fn normalize(ctx: &mut RunCtx, p: &core::Person) -> Normalized {
    let mut out = Normalized::default();
    for cp in &p.contact_points {
        if cp.value.trim().is_empty() {
            continue;
        }
        let (list, result) = match cp.kind {
            core::ContactKind::Email => (
                &mut out.emails,
                core::normalize_email(&cp.value).map_err(|e| e.to_string()),
            ),
            core::ContactKind::Phone => (
                &mut out.phones,
                core::normalize_phone(&cp.value, ctx.region).map_err(|e| e.to_string()),
            ),
        };
        match result {
            Ok(v) => {
                if !list.iter().any(|(x, _)| *x == v) {
                    list.push((v, cp.value.trim().to_owned()));
                }
            }
            Err(why) => {
                let run = ctx.run_id.clone();
                ctx.report.alert_once(
                    &run,
                    codes::INVALID_CONTACT_POINT,
                    EntityKind::Person,
                    &p.external_id,
                    format!("{:?} was not stored: {why}", cp.value),
                );
            }
        }
    }
    out
}

fn role(r: core::Role) -> Role {
    match r {
        core::Role::Student => Role::Student,
        core::Role::Teacher => Role::Teacher,
        core::Role::Aide => Role::Aide,
        core::Role::Staff => Role::Staff,
        core::Role::SchoolAdmin => Role::SchoolAdmin,
        core::Role::DistrictAdmin => Role::DistrictAdmin,
        core::Role::Guardian => Role::Guardian,
    }
}

/// How a record found its person.
enum Identity {
    /// Its own link: update SIS fields.
    Linked(String),
    /// Joined an existing person by the identity rules.
    Merged(String),
    /// A new person.
    Created(String),
}

/// State of one batch: holders and students known so far, including those made in this batch.
struct Batch {
    emails: HashMap<String, Holder>,
    phones: HashMap<String, Holder>,
    students: HashMap<String, String>,
    /// Emails adults of this batch send (a student may come before the adult).
    adult_emails: std::collections::HashSet<String>,
    /// Emails students already hold (earlier batches or runs).
    student_emails: std::collections::HashSet<String>,
}

fn holder_map(
    rows: Vec<ContactPoint>,
    people_by_id: &HashMap<String, Person>,
) -> HashMap<String, Holder> {
    rows.into_iter()
        .filter_map(|cp| {
            let p = people_by_id.get(&cp.person_id)?;
            Some((
                cp.value,
                Holder {
                    person_id: cp.person_id,
                    verified: cp.verified_at.is_some(),
                    claimed: p.account_state == AccountState::Claimed,
                    given: p.given_name.clone(),
                    family: p.family_name.clone(),
                },
            ))
        })
        .collect()
}

/// Applies person records.
pub async fn apply(conn: &mut Conn, ctx: &mut RunCtx, group: Vec<Record>) -> ApplyResult<()> {
    let recs = typed(group, |r| match r {
        Record::Person(p) => Some(p),
        _ => None,
    });
    let ids: Vec<String> = recs.iter().map(|(p, _)| p.external_id.clone()).collect();
    let mut links = Links::load(conn, ctx, EntityKind::Person, &ids).await?;
    let mut work = Vec::new();
    for (p, hash) in recs {
        match links.classify(ctx, &p.external_id, &hash) {
            Seen::Unchanged => ctx.report.counts(EntityKind::Person).unchanged += 1,
            Seen::Duplicate => {}
            Seen::Changed(existing) => {
                let norm = normalize(ctx, &p);
                work.push((p, hash, existing, norm));
            }
        }
    }
    if work.is_empty() {
        return links.flush(conn, ctx).await;
    }

    // Everything identity matching needs, in a few bulk reads.
    let emails: Vec<String> = work
        .iter()
        .flat_map(|(_, _, _, n)| n.emails.iter().map(|(v, _)| v.clone()))
        .collect();
    let phones: Vec<String> = work
        .iter()
        .flat_map(|(_, _, _, n)| n.phones.iter().map(|(v, _)| v.clone()))
        .collect();
    let numbers: Vec<String> = work
        .iter()
        .filter(|(p, _, _, _)| p.is_student())
        .filter_map(|(p, _, _, _)| p.student_number.clone())
        .collect();
    let email_rows =
        contacts::holders(conn, &ctx.district_id, ContactKind::Email, &emails, true).await?;
    let phone_rows =
        contacts::holders(conn, &ctx.district_id, ContactKind::Phone, &phones, true).await?;
    let mut holder_ids: Vec<String> = email_rows
        .iter()
        .chain(&phone_rows)
        .map(|c| c.person_id.clone())
        .collect();
    holder_ids.sort();
    holder_ids.dedup();
    let holder_people: HashMap<String, Person> = people::get_many(conn, &holder_ids)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let students: HashMap<String, String> =
        people::students_by_number(conn, &ctx.district_id, &numbers)
            .await?
            .into_iter()
            .filter_map(|p| p.student_number.clone().map(|n| (n, p.id)))
            .collect();
    let adult_emails: std::collections::HashSet<String> = work
        .iter()
        .filter(|(p, _, _, _)| !p.is_student())
        .flat_map(|(_, _, _, n)| n.emails.iter().map(|(v, _)| v.clone()))
        .collect();
    let adult_email_list: Vec<String> = adult_emails.iter().cloned().collect();
    let student_emails = contacts::holders(
        conn,
        &ctx.district_id,
        ContactKind::Email,
        &adult_email_list,
        false,
    )
    .await?
    .into_iter()
    .map(|c| c.value)
    .collect();
    let mut batch = Batch {
        emails: holder_map(email_rows, &holder_people),
        phones: holder_map(phone_rows, &holder_people),
        students,
        adult_emails,
        student_emails,
    };
    let org_refs: Vec<String> = work
        .iter()
        .flat_map(|(p, _, _, _)| p.roles.iter().filter_map(|r| r.org_external_id.clone()))
        .collect();
    let orgs = resolve(conn, ctx, EntityKind::Org, &org_refs).await?;

    let now = now_micros();
    let mut upserts: Vec<Person> = Vec::new();
    let mut roles: Vec<PersonRole> = Vec::new();
    let mut new_contacts: Vec<ContactPoint> = Vec::new();
    let mut refresh: Vec<(String, Vec<(ContactKind, String)>)> = Vec::new();
    let mut restore: Vec<String> = Vec::new();
    let run = ctx.run_id.clone();

    for (p, hash, existing, norm) in work {
        let ext = p.external_id.clone();
        let is_student = p.is_student();
        let identity = match existing {
            Some(local) => Identity::Linked(local),
            None => identify(ctx, &mut batch, &p, &norm, is_student),
        };
        let local = match &identity {
            Identity::Linked(l) | Identity::Merged(l) | Identity::Created(l) => l.clone(),
        };
        // The person row for new and linked records (a merge keeps the existing person's names).
        if !matches!(identity, Identity::Merged(_)) {
            let mut row = people::new_person(&ctx.district_id, &p.given_name, &p.family_name);
            row.id = local.clone();
            row.middle_name = p.middle_name.clone().filter(|s| !s.is_empty());
            row.preferred_name = p.preferred_given_name.clone().filter(|s| !s.is_empty());
            row.search_text = Person::search_text_for(
                &p.given_name,
                &p.family_name,
                row.middle_name.as_deref(),
                row.preferred_name.as_deref(),
            );
            row.is_student = is_student;
            row.grade = p.grade.clone().filter(|s| !s.is_empty());
            row.student_number = p.student_number.clone().filter(|s| !s.is_empty());
            if let Some(n) = &row.student_number
                && batch.students.get(n).is_some_and(|holder| *holder != local)
            {
                ctx.report.alert_once(
                    &run,
                    codes::DUPLICATE_STUDENT_NUMBER,
                    EntityKind::Person,
                    &ext,
                    format!("student number {n} belongs to another student; not stored"),
                );
                row.student_number = None;
            }
            row.state_id = p.state_id.clone().filter(|s| !s.is_empty());
            row.sis_id = p.sis_id.clone().filter(|s| !s.is_empty());
            row.sis_hash = Some(hash.clone());
            row.created_at = now;
            row.updated_at = now;
            upserts.push(row);
        }
        match &identity {
            Identity::Linked(_) => {
                ctx.report.counts(EntityKind::Person).updated += 1;
                restore.push(local.clone());
                refresh.push((
                    local.clone(),
                    norm.all().map(|(k, v, _)| (k, v.clone())).collect(),
                ));
            }
            Identity::Merged(_) => ctx.report.counts(EntityKind::Person).merged += 1,
            Identity::Created(_) => ctx.report.counts(EntityKind::Person).created += 1,
        }
        if is_student && let Some(n) = p.student_number.clone().filter(|s| !s.is_empty()) {
            batch.students.insert(n, local.clone());
        }
        for assignment in &p.roles {
            let org_id = assignment
                .org_external_id
                .as_ref()
                .and_then(|o| orgs.get(o).cloned());
            roles.push(PersonRole {
                id: new_id(),
                district_id: ctx.district_id.clone(),
                person_id: local.clone(),
                role: role(assignment.role),
                org_id,
                source: RecordSource::Sis,
                created_at: now,
            });
        }
        // Contact points: adults hold theirs exclusively; a point another adult holds stays there.
        for (kind, value, display) in norm.all() {
            if kind == ContactKind::Email {
                let shared = if is_student {
                    batch.adult_emails.contains(value)
                        || batch
                            .emails
                            .get(value)
                            .is_some_and(|h| h.person_id != local)
                } else {
                    batch.student_emails.contains(value)
                };
                if shared {
                    ctx.report.alert_once(
                        &run,
                        codes::STUDENT_ADULT_SHARED_EMAIL,
                        EntityKind::Person,
                        &ext,
                        format!("the email {value} is shared by a student and an adult"),
                    );
                }
            }
            let map = match kind {
                ContactKind::Email => &mut batch.emails,
                ContactKind::Phone => &mut batch.phones,
            };
            if let Some(holder) = map.get(value)
                && holder.person_id != local
                && !is_student
            {
                let code = if kind == ContactKind::Phone
                    && !holder.same_names(&p.given_name, &p.family_name)
                {
                    codes::SHARED_PHONE
                } else {
                    codes::CONTACT_POINT_TAKEN
                };
                ctx.report.alert_contact(
                    &run,
                    code,
                    EntityKind::Person,
                    &ext,
                    &holder.person_id,
                    value,
                    format!(
                        "{} {value} is held by another person; left with them",
                        kind.as_str()
                    ),
                );
                continue;
            }
            if !is_student {
                map.insert(
                    value.clone(),
                    Holder {
                        person_id: local.clone(),
                        verified: false,
                        claimed: false,
                        given: p.given_name.clone(),
                        family: p.family_name.clone(),
                    },
                );
            }
            new_contacts.push(ContactPoint {
                id: new_id(),
                district_id: ctx.district_id.clone(),
                person_id: local.clone(),
                kind,
                value: value.clone(),
                display_value: display.clone(),
                is_adult: !is_student,
                source: ContactSource::Sis,
                verified_at: None,
                reachability: Reachability::Ok,
                unreachable_reason: None,
                unreachable_at: None,
                created_at: now,
                updated_at: now,
            });
        }
        links.record(ctx, &ext, &local, &hash);
    }

    bulk::upsert_people(conn, &upserts).await?;
    people::add_roles(conn, &roles).await?;
    for (person, keep) in &refresh {
        contacts::drop_stale_sis(conn, person, keep).await?;
    }
    contacts::insert_skipping_conflicts(conn, &new_contacts).await?;
    status::set(conn, Archivable::Person, &restore, Status::Active).await?;
    links.flush(conn, ctx).await
}

/// Finds the person an unlinked record is, or makes a new id.
fn identify(
    ctx: &mut RunCtx,
    batch: &mut Batch,
    p: &core::Person,
    norm: &Normalized,
    is_student: bool,
) -> Identity {
    let run = ctx.run_id.clone();
    let ext = p.external_id.as_str();
    if is_student {
        // Students merge only on the same student number; never by contact point.
        return match p
            .student_number
            .as_ref()
            .and_then(|n| batch.students.get(n))
        {
            Some(existing) => Identity::Merged(existing.clone()),
            None => Identity::Created(new_id()),
        };
    }
    let by_email = norm
        .emails
        .iter()
        .find_map(|(v, _)| batch.emails.get(v).map(|h| (v.clone(), h.clone())));
    let by_phone = norm
        .phones
        .iter()
        .find_map(|(v, _)| batch.phones.get(v).map(|h| (v.clone(), h.clone())));
    let candidate = match (&by_email, &by_phone) {
        (Some(email), phone) => {
            if let Some((value, phone)) = phone
                .as_ref()
                .filter(|(_, ph)| ph.person_id != email.1.person_id)
            {
                ctx.report.alert_contact(
                    &run,
                    codes::CONTACT_CONFLICT,
                    EntityKind::Person,
                    ext,
                    &phone.person_id,
                    value,
                    format!(
                        "email matches person {} but phone matches person {}; linked by email",
                        email.1.person_id, phone.person_id
                    ),
                );
            }
            Some(email.clone())
        }
        (None, Some(phone)) if phone.1.same_names(&p.given_name, &p.family_name) => {
            Some(phone.clone())
        }
        (None, Some(_)) => {
            // A shared home phone: different names never join (alerted when the phone is kept).
            None
        }
        (None, None) => None,
    };
    match candidate {
        Some((value, holder)) if holder.claimed && !holder.verified => {
            ctx.report.alert_contact(
                &run,
                codes::MERGE_SUGGESTION,
                EntityKind::Person,
                ext,
                &holder.person_id,
                &value,
                format!(
                    "matches the claimed account {} by a contact point it has not verified; \
                     kept apart until the account holder or an admin confirms",
                    holder.person_id
                ),
            );
            Identity::Created(new_id())
        }
        Some((_, holder)) => Identity::Merged(holder.person_id),
        None => Identity::Created(new_id()),
    }
}
