//! `kill -9` of `homeroom serve` while its delivery worker sends a batch of invitations to the
//! SMTP sink and the SMS fake, restarted on the same database each time, then left to drain.
//!
//! Each kill point comes from a seeded generator: "after the sink (or the SMS fake) has recorded
//! k more messages", and the fake then withholds its answer, so the server dies with messages
//! the provider has but the outbox has not recorded as sent: exactly the messages in flight.
//! Guarantees checked: every message is delivered at least once; a message arrives twice only
//! if it was in flight at a kill (at most the worker's concurrency per kill), and every copy
//! carries the first copy's Message-ID (email) or Idempotency-Key (SMS), which is the outbox
//! message's id; no invitation is lost (all `SENT` in GraphQL, every manager row `INVITED`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use homeroom_schema::enums::OutboxStatus;
use homeroom_schema::store::outbox;
use homeroom_tests::both_backends;
use homeroom_tests::invite_batch::{self, INVITE_ALL, MANAGER, manager_rows};
use homeroom_tests::server::Server;
use homeroom_tests::sms_fake::SmsFake;
use homeroom_tests::smtp_sink::SmtpSink;
use homeroom_tests::wait;
use serde_json::{Value, json};

/// The worker's concurrency in these runs (`HOMEROOM_OUTBOX_CONCURRENCY`): the bound on
/// messages in flight at a kill.
const CONCURRENCY: usize = 4;
/// Students (one guardian each); every second guardian has only a phone.
const FAMILIES: usize = 80;
/// Kills per run.
const KILLS: usize = 6;

const INVITATIONS: &str = "{ invitations(first: 500) { totalCount edges { node {
  id status channel attempts lastError } } } }";

/// xorshift64*: the kill points are reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// The outbox id a received copy names: `<ID@homeroom>` (email) or the idempotency key (SMS).
fn email_key(mail: &homeroom_tests::smtp_sink::Mail) -> Option<String> {
    let id = mail.header("Message-ID")?;
    Some(
        id.trim_start_matches('<')
            .trim_end_matches('>')
            .trim_end_matches("@homeroom")
            .to_owned(),
    )
}

/// Every copy received so far: (recipient, outbox id it names).
fn received(sink: &SmtpSink, sms: &SmsFake) -> Vec<(String, Option<String>)> {
    received_since(sink, sms, Received::default())
}

/// How many copies each provider had received at some moment.
#[derive(Clone, Copy, Default)]
struct Received {
    mails: usize,
    sms: usize,
}

impl Received {
    fn now(sink: &SmtpSink, sms: &SmsFake) -> Self {
        Self {
            mails: sink.mails().len(),
            sms: sms.messages().len(),
        }
    }
}

/// The copies received after `mark`: (recipient, outbox id it names).
fn received_since(sink: &SmtpSink, sms: &SmsFake, mark: Received) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = sink
        .mails()
        .iter()
        .skip(mark.mails)
        .map(|m| (m.to.join(","), email_key(m)))
        .collect();
    out.extend(
        sms.messages()
            .into_iter()
            .skip(mark.sms)
            .map(|s| (s.to, s.idempotency_key)),
    );
    out
}

async fn outbox_rows(
    db: &homeroom_tests::TestDb,
    district: &str,
) -> anyhow::Result<BTreeMap<String, homeroom_schema::models::OutboxMessage>> {
    let mut c = db.store.conn().await?;
    Ok(outbox::of_kind(&mut c, district, "")
        .await?
        .into_iter()
        .map(|m| (m.id.clone(), m))
        .collect())
}

/// Waits (bounded: an error after 30 s) until `held()` reports a withheld answer.
async fn until_held(held: impl Fn() -> usize) -> anyhow::Result<()> {
    wait::until(
        "a message reaches the held provider",
        Duration::from_secs(30),
        async || Ok(held() > 0),
    )
    .await
}

both_backends!(kill_9_while_delivering_loses_nothing, |db| async move {
    let batch = invite_batch::class_of_families(&db.store, FAMILIES, 2).await?;
    let sink = SmtpSink::start().await?;
    let sms = SmsFake::start().await?;
    let mut server = Server::start_with_env(
        &db.url,
        &[],
        &[
            ("HOMEROOM_SMTP_URL", sink.url()),
            ("HOMEROOM_MAIL_FROM", "school@fault.test".into()),
            ("HOMEROOM_SMS_URL", sms.url.clone()),
            ("HOMEROOM_SMS_TOKEN", sms.token()),
            ("HOMEROOM_SMS_FROM", "+16035550100".into()),
            ("HOMEROOM_PUBLIC_URL", "https://homeroom.test".into()),
            ("HOMEROOM_OUTBOX_CONCURRENCY", CONCURRENCY.to_string()),
            // Claims of the killed worker run out quickly, so the next one takes them over. A
            // claim is not renewed, so it must outlast the slowest attempt of a living worker
            // (else the message is claimed again and sent twice without a kill): 1 s did not on a
            // loaded CI machine (SQLite waiting on its write lock). Production's 120 s default
            // outlasts every attempt: SMTP attempts end after 30 s, SMS after 20 s.
            ("HOMEROOM_OUTBOX_LEASE_MS", "4000".into()),
            ("HOMEROOM_OUTBOX_POLL_MS", "100".into()),
            ("HOMEROOM_OUTBOX_BACKOFF_MS", "50".into()),
        ],
    )
    .await?;
    let (manager_vars, invite_vars) = invite_batch::vars(&batch);
    let teacher = Some(batch.teacher_token.as_str());

    let mut rng = Rng(0x5EED_2026_0020_0001);
    // For each kill: the outbox ids the providers had but the outbox had not recorded as sent.
    let mut in_flight: Vec<BTreeSet<String>> = Vec::new();
    let mut invited = false;
    for round in 0..KILLS {
        // Where to kill: after k more messages on one channel (alternating), k from the seed,
        // never more than that channel still has to send.
        let rows = outbox_rows(&db, &batch.district_id).await?;
        let unsent = |channel: &str| {
            if !invited {
                return if channel == "email" {
                    batch.emails.len()
                } else {
                    batch.phones.len()
                };
            }
            rows.values()
                .filter(|m| m.channel == channel && m.status != OutboxStatus::Sent)
                .count()
        };
        let email_round = round % 2 == 0;
        let (channel, seen) = if email_round {
            ("email", sink.mails().len())
        } else {
            ("sms", sms.messages().len())
        };
        let left = unsent(channel);
        anyhow::ensure!(
            left > 0,
            "round {round}: no {channel} left to kill on (make FAMILIES larger)"
        );
        let k = seen + usize::try_from(rng.below(left.min(3) as u64))?;
        if email_round {
            sink.hold_after(k);
        } else {
            sms.hold_after(k);
        }
        // In flight at this kill: what this life of the server handed to a provider. A copy an
        // earlier life handed over and this one has not sent again (its dead claim not yet run
        // out) was not being sent when this one died.
        let life_began = Received::now(&sink, &sms);
        if invited {
            server.restart().await?;
        } else {
            let resp = server
                .graphql(teacher, INVITE_ALL, invite_vars.clone())
                .await?;
            let invs = resp["data"]["inviteFamilies"]["invitations"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert_eq!(invs.len(), FAMILIES, "{resp}");
            let by_sms = invs.iter().filter(|i| i["channel"] == "SMS").count();
            assert_eq!(by_sms, batch.phones.len(), "{resp}");
            invited = true;
        }
        if email_round {
            until_held(|| sink.held()).await?;
        } else {
            until_held(|| sms.held()).await?;
        }
        server.kill9()?;
        // The providers answer now, to a dead server.
        sink.release();
        sms.release();

        let rows = outbox_rows(&db, &batch.district_id).await?;
        let flying: BTreeSet<String> = received_since(&sink, &sms, life_began)
            .into_iter()
            .filter_map(|(_, id)| id)
            .filter(|id| rows.get(id).is_some_and(|m| m.status != OutboxStatus::Sent))
            .collect();
        assert!(
            !flying.is_empty(),
            "kill {round} ({channel} after {k}): a withheld message must be in flight"
        );
        assert!(
            flying.len() <= CONCURRENCY,
            "kill {round}: {} messages in flight, more than the worker's concurrency {CONCURRENCY}",
            flying.len()
        );
        in_flight.push(flying);
    }
    assert_eq!(in_flight.len(), KILLS);

    // The last restart drains the outbox (bounded wait: fails after 60 s).
    server.restart().await?;
    wait::outbox_drained(&db.store, Duration::from_secs(60)).await?;

    // Every message went out; each copy names its outbox message, the same on every copy.
    let rows = outbox_rows(&db, &batch.district_id).await?;
    assert_eq!(rows.len(), FAMILIES);
    for m in rows.values() {
        assert_eq!(m.status, OutboxStatus::Sent, "{m:?}");
    }
    let copies = received(&sink, &sms);
    let mut by_recipient: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
    for (to, id) in &copies {
        by_recipient.entry(to.clone()).or_default().push(id.clone());
    }
    for to in batch.emails.iter().chain(&batch.phones) {
        let ids = by_recipient
            .get(to)
            .unwrap_or_else(|| panic!("{to} never got their invitation"));
        let first = ids[0]
            .clone()
            .unwrap_or_else(|| panic!("the copy to {to} names no Message-ID / Idempotency-Key"));
        assert!(
            ids.iter().all(|id| id.as_deref() == Some(first.as_str())),
            "copies to {to} name different ids: {ids:?}"
        );
        let row = rows
            .get(&first)
            .unwrap_or_else(|| panic!("{to}'s copy names {first}, not an outbox message"));
        assert_eq!(&row.recipient, to);
        // A copy more than once only for a message in flight at a kill, once per such kill.
        let kills_in_flight = in_flight.iter().filter(|s| s.contains(&first)).count();
        assert!(
            ids.len() <= 1 + kills_in_flight,
            "{to} got {} copies but was in flight at {kills_in_flight} kills",
            ids.len()
        );
    }
    let duplicates = copies.len() - by_recipient.len();
    let flown: usize = in_flight.iter().map(BTreeSet::len).sum();
    assert!(
        duplicates >= 1 && duplicates <= flown && flown <= KILLS * CONCURRENCY,
        "{duplicates} duplicates, {flown} in flight over {KILLS} kills"
    );
    eprintln!(
        "kill -9 ×{KILLS} ({:?}): {} copies for {FAMILIES} invitations, {duplicates} duplicates, in flight per kill {:?}",
        db.backend(),
        copies.len(),
        in_flight.iter().map(BTreeSet::len).collect::<Vec<_>>()
    );

    // No invitation lost: all sent, and the manager shows every family invited.
    let resp = server.graphql(teacher, INVITATIONS, json!({})).await?;
    let invs: Vec<Value> = resp["data"]["invitations"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(invs.len(), FAMILIES, "{resp}");
    for i in &invs {
        assert_eq!(i["node"]["status"], "SENT", "{i}");
        assert_eq!(i["node"]["lastError"], Value::Null, "{i}");
    }
    let resp = server.graphql(teacher, MANAGER, manager_vars).await?;
    let rows = manager_rows(&resp);
    assert_eq!(rows.len(), FAMILIES, "{resp}");
    assert!(rows.iter().all(|r| r["state"] == "INVITED"), "{resp}");
    Ok(())
});
