//! The delivery worker in-process: temporary SMTP failures are retried with backoff, running
//! out of attempts falls back to the other channel, two workers never send one message twice,
//! and a sync never sends anything.

use std::time::Duration;

use homeroom_delivery::email::{EmailSender, SmtpSettings};
use homeroom_delivery::{Delivery, WorkerOptions, worker};
use homeroom_schema::enums::{InvitationStatus, OutboxStatus};
use homeroom_schema::store::{invitations, outbox};
use homeroom_service::invitations::Families;
use homeroom_service::invitations::invite::{Selection, invite_families};
use homeroom_tests::both_backends;
use homeroom_tests::fixture;
use homeroom_tests::principals::district_admin as admin;
use homeroom_tests::smtp_sink::SmtpSink;

fn fast() -> WorkerOptions {
    WorkerOptions {
        backoff: Duration::from_millis(1),
        max_attempts: 3,
        ..WorkerOptions::default()
    }
}

async fn email_only(sink: &SmtpSink) -> anyhow::Result<Delivery> {
    let smtp = SmtpSettings::parse(&sink.url()).map_err(anyhow::Error::msg)?;
    Ok(Delivery {
        email: Some(EmailSender::new(&smtp, "school@homeroom.test").map_err(anyhow::Error::msg)?),
        sms_off: "SMS delivery is off: HOMEROOM_SMS_URL is not set".into(),
        ..Delivery::default()
    })
}

/// Runs the worker's pending work to the end.
async fn drain(
    db: &homeroom_tests::TestDb,
    families: &Families,
    delivery: &Delivery,
    options: &WorkerOptions,
) -> anyhow::Result<usize> {
    homeroom_tests::delivery::run_pending(&db.store, families, delivery, options).await
}

both_backends!(
    temporary_failures_are_retried_then_fall_back,
    |db| async move {
        let fx = fixture::load(&db.store).await?;
        let sink = SmtpSink::start().await?;
        let delivery = email_only(&sink).await?;
        let families = Families::new("https://homeroom.test");
        let p = admin(&fx.district_id);

        // Two 451s, then accepted: sent on the third attempt.
        sink.fail_temporarily("g1@example.org", 2);
        let out =
            invite_families(&db.store, &families, &p, fx.id("A1"), Selection::All, None).await?;
        assert_eq!(out.invitations.len(), 1);
        drain(&db, &families, &delivery, &fast()).await?;
        assert_eq!(sink.mails_to("g1@example.org").len(), 1);
        let mut c = db.store.conn().await?;
        let inv = invitations::get(&mut c, &fx.district_id, &out.invitations[0].id)
            .await?
            .expect("inv");
        assert_eq!(inv.status, InvitationStatus::Sent);
        let msgs = outbox::of_invitation(&mut c, &inv.id).await?;
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].status, OutboxStatus::Sent);
        assert_eq!(msgs[0].attempts, 3);
        assert!(
            !msgs[0].payload.contains("invitations/"),
            "the link is scrubbed after sending"
        );

        // Always 451 and no phone: out of attempts, no other channel, the invitation fails with
        // the reason.
        sink.fail_temporarily("g2@example.org", 100);
        let out =
            invite_families(&db.store, &families, &p, fx.id("A2"), Selection::All, None).await?;
        drain(&db, &families, &delivery, &fast()).await?;
        let inv = invitations::get(&mut c, &fx.district_id, &out.invitations[0].id)
            .await?
            .expect("inv");
        assert_eq!(inv.status, InvitationStatus::Failed);
        assert!(
            inv.last_error
                .as_deref()
                .unwrap_or_default()
                .contains("451"),
            "{:?}",
            inv.last_error
        );
        assert!(sink.mails_to("g2@example.org").is_empty());
        Ok(())
    }
);

both_backends!(two_workers_never_send_a_message_twice, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let sink = SmtpSink::start().await?;
    let delivery = email_only(&sink).await?;
    let families = Families::new("https://homeroom.test");
    let p = admin(&fx.district_id);
    for class in ["A1", "A2", "B1"] {
        invite_families(&db.store, &families, &p, fx.id(class), Selection::All, None).await?;
    }
    let options = WorkerOptions { batch: 1, ..fast() };
    let (a, b) = tokio::join!(
        async {
            let mut n = 0;
            for _ in 0..10 {
                n += worker::tick(&db.store, &families, &delivery, &options, "wa").await?;
            }
            anyhow::Ok(n)
        },
        async {
            let mut n = 0;
            for _ in 0..10 {
                n += worker::tick(&db.store, &families, &delivery, &options, "wb").await?;
            }
            anyhow::Ok(n)
        }
    );
    assert_eq!(a? + b?, 3);
    assert_eq!(sink.mails().len(), 3);
    Ok(())
});

both_backends!(a_sync_sends_nothing, |db| async move {
    let dir = homeroom_tests::db::TempDir::new("sync-sends-nothing")?;
    homeroom_district_gen::generate_to_dir(
        homeroom_district_gen::GenerateOptions {
            students: 60,
            seed: 7,
            churn_pct: None,
        },
        &dir.0,
    )?;
    let connector = homeroom_tests::sync::csv_connector(&db.store, &dir.0.join("day1")).await?;
    let done = homeroom_tests::sync::run(
        &db.store,
        &connector,
        homeroom_schema::enums::SyncMode::Full,
        false,
    )
    .await?;
    assert!(
        done.of("relationship").created > 0,
        "the district has families"
    );
    let mut c = db.store.conn().await?;
    assert_eq!(outbox::depth(&mut c).await?, 0);
    Ok(())
});
