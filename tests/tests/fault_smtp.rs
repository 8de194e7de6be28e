//! The SMTP relay refusing connections for a long stretch (nothing listens on its port), then
//! back, under the real binary: invitations wait (never failed, never given up after the usual
//! attempts), retries are spaced by the exponential backoff rather than hammering the relay,
//! the family invite manager shows every family `INVITED` with its invitation `PENDING`
//! throughout, and once the relay listens again every message goes out exactly once.
//!
//! A relay that accepts connections but never answers (a [`ChaosProxy`] stalls it) counts as
//! down once the SMTP timeout passes: the worker is never stuck on it, messages wait, and they go
//! out once when it answers again.
//!
//! The backoff is scaled down with `HOMEROOM_OUTBOX_BACKOFF_MS` (50 ms instead of 30 s), so the
//! outage spans more attempts than `max_attempts` (5) in a few seconds.

use std::collections::BTreeMap;
use std::time::Duration;

use homeroom_schema::enums::OutboxStatus;
use homeroom_schema::store::outbox;
use homeroom_tests::both_backends;
use homeroom_tests::chaos::ChaosProxy;
use homeroom_tests::invite_batch::{self, INVITE_ALL, MANAGER, manager_rows};
use homeroom_tests::server::{Server, free_port};
use homeroom_tests::smtp_sink::SmtpSink;
use homeroom_tests::wait;

const FAMILIES: usize = 6;
const BACKOFF_MS: i64 = 50;
/// The outage lasts until every message failed this many times (past the 5 attempts after which
/// a recipient's own temporary failures fall back or fail).
const OUTAGE_ATTEMPTS: i32 = 7;

/// `homeroom serve` sending email through `smtp_url`, with the backoff scaled down; ready.
async fn serve(database_url: &str, smtp_url: String) -> anyhow::Result<Server> {
    let mut server = Server::start_with_env(
        database_url,
        &[],
        &[
            ("HOMEROOM_SMTP_URL", smtp_url),
            ("HOMEROOM_MAIL_FROM", "school@fault.test".into()),
            ("HOMEROOM_PUBLIC_URL", "https://homeroom.test".into()),
            ("HOMEROOM_OUTBOX_BACKOFF_MS", BACKOFF_MS.to_string()),
            ("HOMEROOM_OUTBOX_POLL_MS", "20".into()),
        ],
    )
    .await?;
    server.wait_ready(Duration::from_secs(10)).await?;
    Ok(server)
}

both_backends!(smtp_outage_then_back_delivers_once, |db| async move {
    let batch = invite_batch::class_of_families(&db.store, FAMILIES, 0).await?;
    // A port with nothing listening: every connection is refused.
    let port = free_port()?;
    let server = serve(&db.url, format!("smtp://127.0.0.1:{port}?tls=none")).await?;
    let (manager_vars, invite_vars) = invite_batch::vars(&batch);
    let teacher = Some(batch.teacher_token.as_str());
    let resp = server.graphql(teacher, INVITE_ALL, invite_vars).await?;
    let invited = resp["data"]["inviteFamilies"]["invitations"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(invited, FAMILIES, "{resp}");
    let started = tokio::time::Instant::now();

    // The outage: sample the outbox (each retry stamps `updated_at`) and the manager until every
    // message has failed OUTAGE_ATTEMPTS times; bounded at 60 s.
    let mut attempts_at: BTreeMap<String, BTreeMap<i32, i64>> = BTreeMap::new();
    loop {
        let rows = outbox::of_kind(&mut db.store.conn().await?, &batch.district_id, "").await?;
        assert_eq!(rows.len(), FAMILIES);
        for m in &rows {
            assert!(
                matches!(m.status, OutboxStatus::Pending | OutboxStatus::Sending),
                "a message left the queue during the outage: {m:?}"
            );
            if m.attempts > 0 && m.status == OutboxStatus::Pending {
                let reason = m.last_error.as_deref().unwrap_or_default();
                assert!(
                    reason.starts_with("the email relay could not be reached"),
                    "{reason}"
                );
                attempts_at
                    .entry(m.id.clone())
                    .or_default()
                    .entry(m.attempts)
                    .or_insert(m.updated_at);
            }
        }
        let resp = server
            .graphql(teacher, MANAGER, manager_vars.clone())
            .await?;
        let manager = manager_rows(&resp);
        assert_eq!(manager.len(), FAMILIES, "{resp}");
        for r in &manager {
            assert_eq!(r["state"], "INVITED", "{resp}");
            assert_eq!(r["invitation"]["status"], "PENDING", "{resp}");
        }
        if rows.iter().all(|m| m.attempts >= OUTAGE_ATTEMPTS) {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(60),
            "messages did not reach {OUTAGE_ATTEMPTS} attempts in 60 s: {:?}",
            rows.iter().map(|m| m.attempts).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let outage = started.elapsed();

    // Spaced, not hammered: consecutive attempts seen are at least the backoff apart (doubling,
    // less the 20% jitter), and the count fits the exponential schedule for the time elapsed.
    let mut gaps_checked = 0;
    for (id, seen) in &attempts_at {
        for (a, t) in seen {
            if let Some(next) = seen.get(&(a + 1)) {
                let min_gap = BACKOFF_MS * 1000 * (1 << (a - 1)) * 8 / 10;
                assert!(
                    next - t >= min_gap,
                    "{id}: attempt {} came {} µs after attempt {a}, sooner than the backoff {min_gap} µs",
                    a + 1,
                    next - t
                );
                gaps_checked += 1;
            }
        }
    }
    assert!(
        gaps_checked >= FAMILIES,
        "too few consecutive attempts seen: {gaps_checked}"
    );
    let rows = outbox::of_kind(&mut db.store.conn().await?, &batch.district_id, "").await?;
    #[allow(clippy::cast_precision_loss)]
    let bound = 1.0 + (outage.as_secs_f64() * 1000.0 / (0.8 * BACKOFF_MS as f64) + 1.0).log2();
    for m in &rows {
        assert!(
            f64::from(m.attempts) <= bound.ceil() + 1.0,
            "{} attempts in {outage:?}: the relay was hammered (bound {bound:.1})",
            m.attempts
        );
    }

    // The relay comes back on the same port: every message goes out once (bounded: 30 s).
    let sink = SmtpSink::start_on(port).await?;
    wait::outbox_drained(&db.store, Duration::from_secs(30)).await?;
    let mails = sink.mails();
    assert_eq!(mails.len(), FAMILIES, "each message exactly once");
    for address in &batch.emails {
        assert_eq!(sink.mails_to(address).len(), 1, "{address}");
    }
    let resp = server.graphql(teacher, MANAGER, manager_vars).await?;
    let manager = manager_rows(&resp);
    assert_eq!(manager.len(), FAMILIES, "{resp}");
    for r in &manager {
        assert_eq!(r["state"], "INVITED", "{resp}");
        assert_eq!(r["invitation"]["status"], "SENT", "{resp}");
        assert_eq!(
            r["invitation"]["lastError"],
            serde_json::Value::Null,
            "{resp}"
        );
        assert!(
            r["invitation"]["attempts"].as_i64() > Some(i64::from(OUTAGE_ATTEMPTS)),
            "{resp}"
        );
    }
    eprintln!(
        "SMTP outage ({:?}): {OUTAGE_ATTEMPTS}+ refused attempts per message over {outage:?}, {gaps_checked} gaps checked, all {FAMILIES} sent once after",
        db.backend()
    );
    Ok(())
});

both_backends!(smtp_relay_that_hangs_counts_as_down, |db| async move {
    const HUNG_FAMILIES: usize = 3;
    let batch = invite_batch::class_of_families(&db.store, HUNG_FAMILIES, 0).await?;
    let sink = SmtpSink::start().await?;
    let (proxy, proxied) = ChaosProxy::in_front_of(&sink.url()).await?;
    proxy.stall();
    let server = serve(&db.url, format!("{proxied}&timeout=1")).await?;
    let (manager_vars, invite_vars) = invite_batch::vars(&batch);
    let teacher = Some(batch.teacher_token.as_str());
    let resp = server.graphql(teacher, INVITE_ALL, invite_vars).await?;
    assert!(resp["errors"].is_null(), "{resp}");

    // The hang: every message times out twice (each attempt bounded by the 1 s timeout), and
    // the API answers meanwhile. Bounded at 60 s.
    let timed_out_twice = async || -> anyhow::Result<bool> {
        let rows = outbox::of_kind(&mut db.store.conn().await?, &batch.district_id, "").await?;
        assert_eq!(rows.len(), HUNG_FAMILIES);
        for m in rows.iter().filter(|m| m.attempts > 0) {
            assert!(
                matches!(m.status, OutboxStatus::Pending | OutboxStatus::Sending),
                "a message left the queue while the relay hung: {m:?}"
            );
        }
        let asked = tokio::time::Instant::now();
        let resp = server
            .graphql(teacher, MANAGER, manager_vars.clone())
            .await?;
        assert!(
            asked.elapsed() < Duration::from_secs(5),
            "the API waited on the hung relay"
        );
        for r in &manager_rows(&resp) {
            assert_eq!(r["invitation"]["status"], "PENDING", "{resp}");
        }
        Ok(rows.iter().all(|m| {
            m.attempts >= 2
                && m.status == OutboxStatus::Pending
                && m.last_error.as_deref()
                    == Some("the email relay could not be reached (timed out)")
        }))
    };
    wait::until(
        "every message timed out twice",
        Duration::from_secs(60),
        timed_out_twice,
    )
    .await?;
    assert!(sink.mails().is_empty(), "mail passed a stalled relay");
    assert!(proxy.accepted() >= 2, "the worker did not reconnect");

    // The relay answers again: every message goes out once (bounded: 30 s).
    proxy.restore();
    wait::outbox_drained(&db.store, Duration::from_secs(30)).await?;
    for address in &batch.emails {
        assert_eq!(sink.mails_to(address).len(), 1, "{address}");
    }
    assert_eq!(
        sink.mails().len(),
        HUNG_FAMILIES,
        "each message exactly once"
    );
    let resp = server.graphql(teacher, MANAGER, manager_vars).await?;
    for r in &manager_rows(&resp) {
        assert_eq!(r["invitation"]["status"], "SENT", "{resp}");
    }
    Ok(())
});
