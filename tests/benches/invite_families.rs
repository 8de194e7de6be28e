//! Families benchmark: invite all families of a 500-student school (about 850 guardians) in one
//! call, then deliver every invitation over real SMTP to a local sink with the delivery worker.
//! Goals: the call returns in ≤ 1 s; delivery runs at ≥ 100 messages/s.
//!
//! ```sh
//! cargo bench -p homeroom-tests --bench invite_families -- --students 500 --backend sqlite,postgres
//! ```

use std::time::{Duration, Instant};

use anyhow::Result;
use homeroom_delivery::email::{EmailSender, SmtpSettings};
use homeroom_delivery::{Delivery, WorkerOptions, worker};
use homeroom_schema::enums::{
    EnrollmentRole, OrgType, PrincipalKind, RecordSource, Role, TokenRole,
};
use homeroom_schema::store::{classes, contacts, districts, orgs, people, relationships};
use homeroom_service::auth::Principal;
use homeroom_service::invitations::Families;
use homeroom_service::invitations::invite::{Selection, invite_families};
use homeroom_tests::fixture::{class, email, enrollment, link, org};
use homeroom_tests::smtp_sink::SmtpSink;
use homeroom_tests::{Backend, TestDb};

struct Args {
    students: usize,
    backends: Vec<Backend>,
}

fn args() -> Args {
    let mut a = Args {
        students: 500,
        backends: vec![Backend::Sqlite, Backend::Postgres],
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let next = argv.get(i + 1).cloned().unwrap_or_default();
        match argv[i].as_str() {
            "--students" => {
                a.students = next.parse().unwrap_or(500);
                i += 1;
            }
            "--backend" => {
                a.backends = next
                    .split(',')
                    .filter_map(|b| match b {
                        "sqlite" => Some(Backend::Sqlite),
                        "postgres" => Some(Backend::Postgres),
                        _ => None,
                    })
                    .collect();
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    a
}

/// A school of `students` students in one class, 1.7 guardians per student (siblings share).
async fn school(db: &TestDb, students: usize) -> Result<(String, String, usize)> {
    let mut c = db.store.conn().await?;
    let d = districts::ensure_default(&mut c, "Bench District").await?;
    let school = org(&d.id, "Bench Elementary", OrgType::School);
    orgs::insert(&mut c, std::slice::from_ref(&school)).await?;
    let teacher = people::new_person(&d.id, "Tara", "Teacher");
    people::insert(&mut c, &teacher).await?;
    people::add_role(
        &mut c,
        &teacher,
        Role::Teacher,
        Some(&school.id),
        RecordSource::Sis,
    )
    .await?;
    let all = class(&d.id, &school.id, "Whole school");
    classes::insert(&mut c, std::slice::from_ref(&all)).await?;
    let mut enrollments = vec![enrollment(
        &d.id,
        &all.id,
        &teacher.id,
        EnrollmentRole::Teacher,
    )];
    let mut links = Vec::new();
    let mut cps = Vec::new();
    let mut guardians = 0;
    let mut family: Vec<String> = Vec::new();
    for i in 0..students {
        let mut s = people::new_person(&d.id, &format!("Kid{i}"), "Bench");
        s.is_student = true;
        s.student_number = Some(format!("B{i}"));
        people::insert(&mut c, &s).await?;
        enrollments.push(enrollment(&d.id, &all.id, &s.id, EnrollmentRole::Student));
        // One student in ten is a younger sibling sharing the previous family's guardians;
        // families have two guardians, one in nine has one: 1.7 guardians per student.
        if i % 10 != 9 || family.is_empty() {
            family.clear();
            let n = if i % 10 < 8 { 2 } else { 1 };
            for g in 0..n {
                let p = people::new_person(&d.id, &format!("Parent{i}x{g}"), "Bench");
                people::insert(&mut c, &p).await?;
                cps.push(email(
                    &d.id,
                    &p.id,
                    &format!("parent{i}x{g}@bench.test"),
                    true,
                ));
                family.push(p.id);
                guardians += 1;
            }
        }
        for g in &family {
            links.push(link(&d.id, g, &s.id));
        }
    }
    classes::insert_enrollments(&mut c, &enrollments).await?;
    contacts::insert(&mut c, &cps).await?;
    relationships::insert(&mut c, &links).await?;
    Ok((d.id, all.id, guardians))
}

async fn bench(backend: Backend, students: usize) -> Result<()> {
    let db = TestDb::new(backend).await?;
    let (district, class_id, guardians) = school(&db, students).await?;
    let admin = Principal {
        token_id: "bench".into(),
        district_id: district,
        kind: PrincipalKind::System,
        person_id: None,
        role: TokenRole::DistrictAdmin,
        scopes: Vec::new(),
    };
    let sink = SmtpSink::start().await?;
    let families = Families::new("https://homeroom.bench");

    let started = Instant::now();
    let outcome = invite_families(
        &db.store,
        &families,
        &admin,
        &class_id,
        Selection::All,
        None,
    )
    .await?;
    let call = started.elapsed();

    let smtp = SmtpSettings::parse(&sink.url()).map_err(anyhow::Error::msg)?;
    let delivery = Delivery {
        email: Some(EmailSender::new(&smtp, "bench@homeroom.test").map_err(anyhow::Error::msg)?),
        ..Delivery::default()
    };
    let options = WorkerOptions::default();
    let started = Instant::now();
    let mut delivered = 0;
    while delivered < outcome.invitations.len() {
        let n = worker::tick(&db.store, &families, &delivery, &options, "bench").await?;
        if n == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        delivered = sink.mails().len();
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(120),
            "delivery stalled at {delivered}"
        );
    }
    let took = started.elapsed();
    let rate = delivered as f64 / took.as_secs_f64();
    println!(
        "{backend:?}: {students} students, {guardians} guardians: inviteFamilies(all) made {} invitations in {:.3} s (goal ≤ 1 s); \
         worker delivered {delivered} emails to the SMTP sink in {:.2} s = {rate:.0} msg/s (goal ≥ 100)",
        outcome.invitations.len(),
        call.as_secs_f64(),
        took.as_secs_f64(),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args();
    for backend in a.backends {
        bench(backend, a.students).await?;
    }
    Ok(())
}
