//! A class whose families are invited in one batch, for the delivery fault scenarios: one
//! guardian per student, some reachable only by email and some only by phone, so one
//! `inviteFamilies(all: true)` queues a mix of emails and text messages.

use anyhow::Result;
use homeroom_graphql::ids::{NodeKind, encode};
use homeroom_schema::Store;
use homeroom_schema::enums::{ContactKind, EnrollmentRole, OrgType, RecordSource, Role, TokenRole};
use homeroom_schema::models::ContactPoint;
use homeroom_schema::store::{classes, contacts, districts, orgs, people, relationships};
use serde_json::{Value, json};

use crate::fixture::{class, email, enrollment, link, org};

/// The class's families and the teacher who invites them.
pub struct Batch {
    /// The district.
    pub district_id: String,
    /// The class's global id.
    pub class_gid: String,
    /// A token of the class's teacher.
    pub teacher_token: String,
    /// Guardians reachable only by email (their addresses).
    pub emails: Vec<String>,
    /// Guardians reachable only by phone (E.164 numbers).
    pub phones: Vec<String>,
}

/// The family invite manager of a class: each row's state and its invitation's status.
pub const MANAGER: &str = "query($id: ID!) { class(id: $id) {
  familyInviteManager(first: 500) { totalCount edges { node {
    state invitation { id status channel attempts lastError } } } } } }";

/// Invites every family of a class not yet invited.
pub const INVITE_ALL: &str = "mutation($c: ID!) { inviteFamilies(classId: $c, all: true) {
  invitations { id status channel } userErrors { code message } } }";

/// Builds a class of `students` students in a new school, each with one guardian: every
/// `phone_every`-th guardian has only a phone number, the others only an email address.
pub async fn class_of_families(
    store: &Store,
    students: usize,
    phone_every: usize,
) -> Result<Batch> {
    let mut c = store.conn().await?;
    let d = districts::ensure_default(&mut c, "Fault District").await?;
    let school = org(&d.id, "Fault Elementary", OrgType::School);
    orgs::insert(&mut c, std::slice::from_ref(&school)).await?;
    let teacher = people::new_person(&d.id, "Tess", "Teacher");
    people::insert(&mut c, &teacher).await?;
    people::add_role(
        &mut c,
        &teacher,
        Role::Teacher,
        Some(&school.id),
        RecordSource::Sis,
    )
    .await?;
    let room = class(&d.id, &school.id, "Room 1");
    classes::insert(&mut c, std::slice::from_ref(&room)).await?;
    let mut enrollments = vec![enrollment(
        &d.id,
        &room.id,
        &teacher.id,
        EnrollmentRole::Teacher,
    )];
    let (mut links, mut cps, mut emails, mut phones) = (vec![], vec![], vec![], vec![]);
    for i in 0..students {
        let mut s = people::new_person(&d.id, &format!("Kid{i}"), "Fault");
        s.is_student = true;
        s.student_number = Some(format!("F{i}"));
        people::insert(&mut c, &s).await?;
        enrollments.push(enrollment(&d.id, &room.id, &s.id, EnrollmentRole::Student));
        let g = people::new_person(&d.id, &format!("Parent{i}"), "Fault");
        people::insert(&mut c, &g).await?;
        if phone_every > 0 && i % phone_every == phone_every - 1 {
            let number = format!("+1603555{i:04}");
            let mut cp: ContactPoint = email(&d.id, &g.id, &number, true);
            cp.kind = ContactKind::Phone;
            cps.push(cp);
            phones.push(number);
        } else {
            let address = format!("parent{i}@fault.test");
            cps.push(email(&d.id, &g.id, &address, true));
            emails.push(address);
        }
        links.push(link(&d.id, &g.id, &s.id));
    }
    classes::insert_enrollments(&mut c, &enrollments).await?;
    contacts::insert(&mut c, &cps).await?;
    relationships::insert(&mut c, &links).await?;
    drop(c);
    let teacher_token = crate::graphql::token(store, TokenRole::Teacher, Some(&teacher.id)).await?;
    Ok(Batch {
        district_id: d.id,
        class_gid: encode(NodeKind::Class, &room.id).0,
        teacher_token,
        emails,
        phones,
    })
}

/// The nodes of a `familyInviteManager` answer.
pub fn manager_rows(resp: &Value) -> Vec<Value> {
    resp["data"]["class"]["familyInviteManager"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// Variables of [`MANAGER`] and [`INVITE_ALL`] for this class.
pub fn vars(batch: &Batch) -> (Value, Value) {
    (
        json!({"id": batch.class_gid}),
        json!({"c": batch.class_gid}),
    )
}
