//! Which channel and contact point a message goes to.

use homeroom_schema::enums::{Channel, ContactKind, Reachability};
use homeroom_schema::models::ContactPoint;

/// The other channel.
pub fn other(channel: Channel) -> Channel {
    match channel {
        Channel::Email => Channel::Sms,
        Channel::Sms => Channel::Email,
    }
}

/// The contact-point kind a channel delivers to.
pub fn kind_of(channel: Channel) -> ContactKind {
    match channel {
        Channel::Email => ContactKind::Email,
        Channel::Sms => ContactKind::Phone,
    }
}

/// Picks a channel and contact point: the preferred channel first, then the other, skipping
/// unreachable contact points and channels in `skip`. Within a channel a verified contact point
/// wins, then the oldest.
pub fn choose<'a>(
    preferred: Channel,
    contacts: &'a [ContactPoint],
    skip: &[Channel],
) -> Option<(Channel, &'a ContactPoint)> {
    [preferred, other(preferred)]
        .into_iter()
        .filter(|c| !skip.contains(c))
        .find_map(|channel| {
            contacts
                .iter()
                .filter(|cp| cp.kind == kind_of(channel))
                .filter(|cp| cp.reachability == Reachability::Ok)
                .min_by_key(|cp| (cp.verified_at.is_none(), cp.created_at, cp.id.clone()))
                .map(|cp| (channel, cp))
        })
}

#[cfg(test)]
mod tests {
    use homeroom_schema::enums::ContactSource;

    use super::*;

    fn cp(id: &str, kind: ContactKind, reachable: bool) -> ContactPoint {
        ContactPoint {
            id: id.into(),
            district_id: "d".into(),
            person_id: "p".into(),
            kind,
            value: id.into(),
            display_value: id.into(),
            is_adult: true,
            source: ContactSource::Sis,
            verified_at: None,
            reachability: if reachable {
                Reachability::Ok
            } else {
                Reachability::Unreachable
            },
            unreachable_reason: None,
            unreachable_at: None,
            created_at: 1,
            updated_at: 1,
        }
    }

    #[test]
    fn preferred_then_other_skipping_unreachable() {
        let both = [
            cp("e", ContactKind::Email, true),
            cp("p", ContactKind::Phone, true),
        ];
        assert_eq!(
            choose(Channel::Email, &both, &[]).map(|c| c.1.id.as_str()),
            Some("e")
        );
        assert_eq!(
            choose(Channel::Sms, &both, &[]).map(|c| c.1.id.as_str()),
            Some("p")
        );
        assert_eq!(
            choose(Channel::Email, &both, &[Channel::Email]).map(|c| c.0),
            Some(Channel::Sms)
        );
        let bounced = [
            cp("e", ContactKind::Email, false),
            cp("p", ContactKind::Phone, true),
        ];
        assert_eq!(
            choose(Channel::Email, &bounced, &[]).map(|c| c.0),
            Some(Channel::Sms)
        );
        assert_eq!(choose(Channel::Email, &bounced, &[Channel::Sms]), None);
    }
}
