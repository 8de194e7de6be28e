//! Storage: migrations, constraints of the identity rules, pagination.

use homeroom_schema::enums::*;
use homeroom_schema::models::*;
use homeroom_schema::store::{contacts, districts, people};
use homeroom_schema::{StoreError, ids};
use homeroom_tests::both_backends;

fn contact(
    district: &str,
    person: &str,
    kind: ContactKind,
    value: &str,
    adult: bool,
) -> ContactPoint {
    let now = ids::now_micros();
    ContactPoint {
        id: ids::new_id(),
        district_id: district.into(),
        person_id: person.into(),
        kind,
        value: value.into(),
        display_value: value.into(),
        is_adult: adult,
        source: ContactSource::Sis,
        verified_at: None,
        reachability: Reachability::Ok,
        unreachable_reason: None,
        unreachable_at: None,
        created_at: now,
        updated_at: now,
    }
}

both_backends!(one_adult_per_contact_point, |db| async move {
    let mut c = db.store.conn().await?;
    let d = districts::ensure_default(&mut c, "Test District").await?;
    let a = people::new_person(&d.id, "Ann", "Lee");
    let b = people::new_person(&d.id, "Bo", "Lee");
    people::insert(&mut c, &a).await?;
    people::insert(&mut c, &b).await?;
    contacts::insert(
        &mut c,
        &[contact(
            &d.id,
            &a.id,
            ContactKind::Email,
            "fam@example.org",
            true,
        )],
    )
    .await?;
    let clash = contacts::insert(
        &mut c,
        &[contact(
            &d.id,
            &b.id,
            ContactKind::Email,
            "fam@example.org",
            true,
        )],
    )
    .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    // Students may share a family email.
    let s1 = people::new_person(&d.id, "Kid", "Lee");
    let s2 = people::new_person(&d.id, "Kiddo", "Lee");
    people::insert(&mut c, &s1).await?;
    people::insert(&mut c, &s2).await?;
    contacts::insert(
        &mut c,
        &[
            contact(&d.id, &s1.id, ContactKind::Email, "fam@example.org", false),
            contact(&d.id, &s2.id, ContactKind::Email, "fam@example.org", false),
        ],
    )
    .await?;
    let holder =
        contacts::adult_holder(&mut c, &d.id, ContactKind::Email, "fam@example.org").await?;
    assert_eq!(holder.map(|h| h.person_id), Some(a.id.clone()));
    Ok(())
});
