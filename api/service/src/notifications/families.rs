//! When a teacher claims a class, the families already on their way to Homeroom (invited, or
//! with a claimed account) hear that the class is there. Archived students' families do not.

use std::collections::{BTreeMap, BTreeSet};

use homeroom_schema::Conn;
use homeroom_schema::enums::{
    AccountState, EnrollmentRole, InvitationStatus, RelationshipStatus, Status,
};
use homeroom_schema::models::Class;
use homeroom_schema::store::{classes, districts, invitations, people, relationships};

use super::{KIND_CLASS_CLAIMED, queue};
use crate::error::ServiceResult;
use homeroom_delivery::notice_text::{NoticeText, join_list};

fn on_their_way(status: InvitationStatus) -> bool {
    matches!(
        status,
        InvitationStatus::Pending
            | InvitationStatus::Sent
            | InvitationStatus::Delivered
            | InvitationStatus::Accepted
    )
}

/// Queues the notices of `class` being claimed by `teacher_id`. Returns how many were queued.
pub async fn class_claimed(
    conn: &mut Conn,
    class: &Class,
    teacher_id: &str,
) -> ServiceResult<usize> {
    let Some(district) = districts::get(conn, &class.district_id).await? else {
        return Ok(0);
    };
    let settings = district.settings();
    if !settings.notifications.families_class_claimed {
        return Ok(0);
    }
    let student_ids: Vec<String> =
        classes::enrollments_of_classes(conn, std::slice::from_ref(&class.id))
            .await?
            .into_iter()
            .filter(|e| e.role == EnrollmentRole::Student)
            .map(|e| e.person_id)
            .collect();
    let students: BTreeMap<String, String> = people::get_many(conn, &student_ids)
        .await?
        .into_iter()
        .filter(|p| p.status == Status::Active)
        .map(|p| (p.id, p.given_name))
        .collect();
    let ids: Vec<String> = students.keys().cloned().collect();
    let mut children: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for link in relationships::of_students(conn, &district.id, &ids).await? {
        if link.status == RelationshipStatus::Active
            && let Some(name) = students.get(&link.student_id)
        {
            children
                .entry(link.guardian_id)
                .or_default()
                .insert(name.clone());
        }
    }
    let guardian_ids: Vec<String> = children.keys().cloned().collect();
    let invited: BTreeSet<String> = invitations::of_people(conn, &guardian_ids)
        .await?
        .into_iter()
        .filter(|i| on_their_way(i.status))
        .map(|i| i.person_id)
        .collect();
    let guardians = people::get_many(conn, &guardian_ids).await?;
    let teacher = people::get(conn, &district.id, teacher_id)
        .await?
        .map_or_else(|| "Your teacher".to_owned(), |p| p.display_name());
    let notices = guardians
        .into_iter()
        .filter(|g| g.status == Status::Active)
        .filter(|g| g.account_state == AccountState::Claimed || invited.contains(&g.id))
        .map(|g| {
            let names: Vec<String> = children
                .get(&g.id)
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default();
            let text = text(
                &district.name,
                &teacher,
                class.title(),
                &g.given_name,
                &names,
            );
            (g.id, text)
        })
        .collect();
    queue(
        conn,
        &district.id,
        settings.preferred_channel,
        KIND_CLASS_CLAIMED,
        notices,
    )
    .await
}

fn text(
    district: &str,
    teacher: &str,
    class: &str,
    given: &str,
    students: &[String],
) -> NoticeText {
    let students = join_list(students);
    NoticeText {
        subject: format!("{teacher} is now on Homeroom for {class}"),
        greeting: Some(given.to_owned()),
        paragraphs: vec![
            format!(
                "{teacher} at {district} is now using Homeroom for {class}, the class of \
                 {students}. Class messages and updates will reach you there."
            ),
            "If you have not yet accepted your invitation, use the link in it to set up your \
             account."
                .into(),
        ],
        sms: format!("{district}: {teacher} is now on Homeroom for {class} ({students})."),
    }
}
