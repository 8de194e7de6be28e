//! What a delivery outcome does to an invitation: sent, delivered, or failed — in which case the
//! other channel is tried, and a recipient that cannot be reached is marked unreachable.

use homeroom_schema::Conn;
use homeroom_schema::enums::{Channel, InvitationStatus, Reachability};
use homeroom_schema::ids::now_micros;
use homeroom_schema::models::{Invitation, OutboxMessage};
use homeroom_schema::store::{
    classes as store_classes, contacts, districts, families, invitations, outbox, people,
    relationships,
};

use super::compose::{self, Context, InvitedBy};
use super::state;
use crate::error::{ServiceError, ServiceResult};
use homeroom_delivery::channels;

/// The message context of one invitation: who, from whom, which students.
pub async fn context_for(
    conn: &mut Conn,
    invitation: &Invitation,
    public_url: &str,
) -> ServiceResult<(Context, String, Vec<String>)> {
    let district = districts::get(conn, &invitation.district_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("district".into()))?;
    let inviter = InvitedBy::of(conn, &district.id, invitation.invited_by.as_deref()).await?;
    let class_title = match &invitation.class_id {
        Some(id) => store_classes::get(conn, &district.id, id)
            .await?
            .map(|c| c.title().to_owned()),
        None => None,
    };
    let guardian = people::get(conn, &district.id, &invitation.person_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("guardian".into()))?;
    let links = relationships::active_of_people(conn, std::slice::from_ref(&guardian.id)).await?;
    let student_ids: Vec<String> = links
        .iter()
        .filter(|l| l.guardian_id == guardian.id)
        .map(|l| l.student_id.clone())
        .collect();
    let students = people::get_many(conn, &student_ids)
        .await?
        .into_iter()
        .map(|p| p.given_name)
        .collect();
    Ok((
        Context {
            public_url: public_url.to_owned(),
            district: district.name.clone(),
            inviter,
            class_title,
        },
        guardian.given_name,
        students,
    ))
}

/// Queues the invitation again on `channel`'s best reachable contact point (skipping `skip`),
/// with a new link. Returns the message, or `None` when no contact point is left.
pub async fn requeue(
    conn: &mut Conn,
    invitation: &mut Invitation,
    public_url: &str,
    preferred: Channel,
    skip: &[Channel],
) -> ServiceResult<Option<OutboxMessage>> {
    let contacts = contacts::of_people(conn, std::slice::from_ref(&invitation.person_id)).await?;
    let Some((channel, contact)) = channels::choose(preferred, &contacts, skip) else {
        return Ok(None);
    };
    let (ctx, guardian, students) = context_for(conn, invitation, public_url).await?;
    let (token, token_hash) = compose::new_link();
    invitations::add_token(conn, &invitation.id, &token_hash).await?;
    invitation.channel = channel;
    invitation.contact_point_id = Some(contact.id.clone());
    let message = compose::message(
        &ctx, invitation, &guardian, &students, channel, contact, &token,
    );
    outbox::enqueue(conn, std::slice::from_ref(&message)).await?;
    Ok(Some(message))
}

async fn invitation_of(
    conn: &mut Conn,
    message: &OutboxMessage,
) -> ServiceResult<Option<Invitation>> {
    Ok(match &message.invitation_id {
        Some(id) => invitations::get(conn, &message.district_id, id).await?,
        None => None,
    })
}

/// An attempt failed for now and the message waits for another: a pending invitation shows
/// the attempt and why (e.g. the email relay is down), so its sender sees it is held up.
pub async fn retrying(conn: &mut Conn, message: &OutboxMessage, reason: &str) -> ServiceResult<()> {
    let Some(mut inv) = invitation_of(conn, message).await? else {
        return Ok(());
    };
    if inv.status == InvitationStatus::Pending {
        inv.attempts += 1;
        inv.last_error = Some(reason.to_owned());
        invitations::save(conn, &inv).await?;
    }
    Ok(())
}

/// The provider accepted the message.
pub async fn sent(conn: &mut Conn, message: &OutboxMessage) -> ServiceResult<()> {
    let Some(mut inv) = invitation_of(conn, message).await? else {
        return Ok(());
    };
    if matches!(
        inv.status,
        InvitationStatus::Pending | InvitationStatus::Failed
    ) {
        inv.status = InvitationStatus::Sent;
        inv.sent_at = Some(now_micros());
        inv.last_error = None;
    }
    inv.attempts += 1;
    invitations::save(conn, &inv).await?;
    Ok(())
}

/// The provider confirmed delivery: the invitation is delivered and the contact point
/// reachable again.
pub async fn delivered(conn: &mut Conn, message: &OutboxMessage) -> ServiceResult<()> {
    let Some(mut inv) = invitation_of(conn, message).await? else {
        return Ok(());
    };
    if let Some(cp) = contact_of(conn, &inv, message).await? {
        families::set_reachability(conn, &cp, Reachability::Ok, None).await?;
    }
    if matches!(
        inv.status,
        InvitationStatus::Pending | InvitationStatus::Sent | InvitationStatus::Failed
    ) {
        inv.status = InvitationStatus::Delivered;
        inv.delivered_at = Some(now_micros());
        inv.last_error = None;
        invitations::save(conn, &inv).await?;
    }
    Ok(())
}

/// The contact point a message went to.
async fn contact_of(
    conn: &mut Conn,
    inv: &Invitation,
    message: &OutboxMessage,
) -> ServiceResult<Option<String>> {
    let kind = match message.channel.as_str() {
        "sms" => channels::kind_of(Channel::Sms),
        _ => channels::kind_of(Channel::Email),
    };
    let contacts = contacts::of_people(conn, std::slice::from_ref(&inv.person_id)).await?;
    Ok(contacts
        .into_iter()
        .find(|cp| cp.kind == kind && cp.value == message.recipient)
        .map(|cp| cp.id))
}

/// Delivery over the message's channel failed for good. When `unreachable`, the contact point
/// is marked unreachable with `reason`. The invitation then goes out over the other channel
/// if it has a reachable contact point there, or is marked failed. Returns the new message.
pub async fn failed(
    conn: &mut Conn,
    message: &OutboxMessage,
    public_url: &str,
    reason: &str,
    unreachable: bool,
) -> ServiceResult<Option<OutboxMessage>> {
    let Some(mut inv) = invitation_of(conn, message).await? else {
        return Ok(None);
    };
    if unreachable && let Some(cp) = contact_of(conn, &inv, message).await? {
        families::set_reachability(conn, &cp, Reachability::Unreachable, Some(reason)).await?;
    }
    if !state::is_open(&inv, now_micros())
        || inv.status == InvitationStatus::Delivered && !unreachable
    {
        return Ok(None);
    }
    let failed_channel = if message.channel == "sms" {
        Channel::Sms
    } else {
        Channel::Email
    };
    let next = requeue(
        conn,
        &mut inv,
        public_url,
        channels::other(failed_channel),
        &[failed_channel],
    )
    .await?;
    inv.attempts += 1;
    inv.last_error = Some(format!(
        "{} delivery failed: {reason}",
        failed_channel.as_str()
    ));
    inv.status = if next.is_some() {
        InvitationStatus::Pending
    } else {
        InvitationStatus::Failed
    };
    invitations::save(conn, &inv).await?;
    Ok(next)
}
