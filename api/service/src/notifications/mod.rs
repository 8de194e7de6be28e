//! Notifications Homeroom sends on its own, through the outbox (email or SMS, the district's
//! preferred channel first, then the other): teachers told of classes new to them after a
//! maintenance sync, families told when a teacher claims their class, district admins told when
//! a sync fails or is held. An initial sync sends nothing. Each kind can be turned off per
//! district ([`homeroom_schema::models::NotificationSettings`]).
//!
//! Notices are queued in the transaction (or on the connection) of the change that causes them;
//! the delivery worker sends them.

pub mod admins;
pub mod families;
pub mod teachers;

use std::collections::HashMap;

use homeroom_schema::Conn;
use homeroom_schema::enums::Channel;
use homeroom_schema::store::{contacts, outbox};

use crate::error::ServiceResult;
use homeroom_delivery::channels;
use homeroom_delivery::notice_text::NoticeText;

/// Outbox kind of a teacher's new-classes notice.
pub const KIND_TEACHER_NEW_CLASSES: &str = "notice.teacher_new_classes";
/// Outbox kind of a family's class-claimed notice.
pub const KIND_CLASS_CLAIMED: &str = "notice.class_claimed";
/// Outbox kind of an admin's sync summary.
pub const KIND_SYNC_SUMMARY: &str = "notice.sync_summary";

/// Queues one notice per (person, text) on the person's best reachable contact point; people
/// without one are skipped. Returns how many were queued.
pub async fn queue(
    conn: &mut Conn,
    district_id: &str,
    preferred: Channel,
    kind: &str,
    notices: Vec<(String, NoticeText)>,
) -> ServiceResult<usize> {
    if notices.is_empty() {
        return Ok(0);
    }
    let ids: Vec<String> = notices.iter().map(|(p, _)| p.clone()).collect();
    let mut by_person: HashMap<String, Vec<_>> = HashMap::new();
    for cp in contacts::of_people(conn, &ids).await? {
        by_person.entry(cp.person_id.clone()).or_default().push(cp);
    }
    let mut rows = Vec::new();
    for (person, text) in notices {
        let Some(cps) = by_person.get(&person) else {
            continue;
        };
        let Some((channel, cp)) = channels::choose(preferred, cps, &[]) else {
            continue;
        };
        let payload = match channel {
            Channel::Email => text.email(),
            Channel::Sms => text.sms(),
        };
        rows.push(payload.into_message(district_id, kind, &cp.value));
    }
    outbox::enqueue(conn, &rows).await?;
    Ok(rows.len())
}
