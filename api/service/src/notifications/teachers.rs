//! After a maintenance sync, each teacher hears about the classes new to them.

use std::collections::BTreeMap;

use homeroom_schema::Conn;
use homeroom_schema::models::SyncRun;
use homeroom_schema::store::{classes, districts, notices, people};

use super::{KIND_TEACHER_NEW_CLASSES, queue};
use crate::error::ServiceResult;
use homeroom_delivery::notice_text::{NoticeText, join_list};

/// Queues the new-classes notices of a finished run: nothing for a dry run or an initial sync
/// (`initial`: the connector had never synced successfully), else one notice per teacher
/// enrolled in classes since the run started. Returns how many were queued.
pub async fn after_sync(conn: &mut Conn, run: &SyncRun, initial: bool) -> ServiceResult<usize> {
    if run.dry_run || initial {
        return Ok(0);
    }
    let Some(district) = districts::get(conn, &run.district_id).await? else {
        return Ok(0);
    };
    let settings = district.settings();
    if !settings.notifications.teacher_new_classes {
        return Ok(0);
    }
    let since = run.started_at.unwrap_or(run.created_at);
    let rows = notices::teacher_enrollments_since(conn, &district.id, since).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut per_teacher: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (teacher, class) in rows {
        per_teacher.entry(teacher).or_default().push(class);
    }
    let class_ids: Vec<String> = per_teacher.values().flatten().cloned().collect();
    let titles: BTreeMap<String, String> = classes::get_many(conn, &class_ids)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c.title().to_owned()))
        .collect();
    let teacher_ids: Vec<String> = per_teacher.keys().cloned().collect();
    let names: BTreeMap<String, String> = people::get_many(conn, &teacher_ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.given_name))
        .collect();
    let notices = per_teacher
        .into_iter()
        .map(|(teacher, classes)| {
            let mut list: Vec<String> = classes
                .iter()
                .filter_map(|c| titles.get(c).cloned())
                .collect();
            list.sort();
            let text = text(&district.name, names.get(&teacher).cloned(), &list);
            (teacher, text)
        })
        .collect();
    queue(
        conn,
        &district.id,
        settings.preferred_channel,
        KIND_TEACHER_NEW_CLASSES,
        notices,
    )
    .await
}

fn text(district: &str, given: Option<String>, classes: &[String]) -> NoticeText {
    let what = if classes.len() == 1 {
        "a new class".to_owned()
    } else {
        format!("{} new classes", classes.len())
    };
    let list = join_list(classes);
    NoticeText {
        subject: format!("{district}: you have {what} in Homeroom"),
        greeting: given,
        paragraphs: vec![
            format!("{district} added you to {what} in Homeroom: {list}."),
            "Sign in to Homeroom to claim your classes and invite their families.".into(),
        ],
        sms: format!("{district}: you have {what} in Homeroom ({list}). Sign in to claim them."),
    }
}
