//! Claiming and releasing classes.

use homeroom_graphql::ids::{NodeKind, encode};
use homeroom_schema::enums::TokenRole;
use homeroom_schema::store::audit;
use homeroom_tests::both_backends;
use homeroom_tests::fixture;
use homeroom_tests::graphql::{error_codes, execute, token};
use serde_json::json;

const CLAIM: &str = "mutation($id: ID!, $t: ID) { claimClass(id: $id, teacherId: $t) {
  class { title claimed claimedBy { displayName } } userErrors { field code message } } }";
const RELEASE: &str = "mutation($id: ID!) { releaseClass(id: $id) {
  class { claimed } userErrors { code } } }";
const UNCLAIMED: &str =
    "{ classes(filter: {claimed: false}) { totalCount edges { node { title } } } }";

both_backends!(
    teachers_claim_their_classes_and_admins_see_unclaimed,
    |db| async move {
        let fx = fixture::load(&db.store).await?;
        let s = &db.store;
        let ta = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
        let tb = token(s, TokenRole::Teacher, Some(fx.id("TB"))).await?;
        let admin = token(s, TokenRole::DistrictAdmin, None).await?;
        let a1 = encode(NodeKind::Class, fx.id("A1")).0;
        let b1 = encode(NodeKind::Class, fx.id("B1")).0;

        let resp = execute(s, Some(&admin), UNCLAIMED, json!({})).await;
        assert_eq!(resp["data"]["classes"]["totalCount"], 2, "{resp}");

        // A teacher claims a class they teach.
        let resp = execute(s, Some(&ta), CLAIM, json!({ "id": a1 })).await;
        assert_eq!(
            resp["data"]["claimClass"]["class"]["claimed"], true,
            "{resp}"
        );
        assert_eq!(
            resp["data"]["claimClass"]["class"]["claimedBy"]["displayName"],
            "Tia Alpha"
        );
        // Claiming again is a no-op, and leaves one audit event.
        let resp = execute(s, Some(&ta), CLAIM, json!({ "id": a1 })).await;
        assert_eq!(
            resp["data"]["claimClass"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let mut c = s.conn().await?;
        let events = audit::for_target(&mut c, fx.id("A1")).await?;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "class.claim");
        assert_eq!(events[0].actor_id.as_deref(), Some(fx.id("TA")));

        // Not their class: forbidden. Someone else's claim: a user error.
        let resp = execute(s, Some(&ta), CLAIM, json!({ "id": b1 })).await;
        assert_eq!(error_codes(&resp), vec!["FORBIDDEN"], "{resp}");
        let resp = execute(s, Some(&tb), CLAIM, json!({ "id": a1 })).await;
        assert_eq!(
            error_codes(&resp),
            vec!["FORBIDDEN"],
            "TB does not teach A1: {resp}"
        );
        let resp = execute(
            s,
            Some(&admin),
            CLAIM,
            json!({ "id": a1, "t": encode(NodeKind::Person, fx.id("TB")).0 }),
        )
        .await;
        assert_eq!(
            resp["data"]["claimClass"]["userErrors"][0]["code"], "ALREADY_CLAIMED",
            "{resp}"
        );

        let resp = execute(s, Some(&admin), UNCLAIMED, json!({})).await;
        assert_eq!(resp["data"]["classes"]["totalCount"], 1);
        assert_eq!(resp["data"]["classes"]["edges"][0]["node"]["title"], "B1");

        // Only the holder or an admin releases.
        let resp = execute(s, Some(&tb), RELEASE, json!({ "id": a1 })).await;
        assert_eq!(error_codes(&resp), vec!["FORBIDDEN"], "{resp}");
        let resp = execute(s, Some(&ta), RELEASE, json!({ "id": a1 })).await;
        assert_eq!(
            resp["data"]["releaseClass"]["class"]["claimed"], false,
            "{resp}"
        );
        let resp = execute(s, Some(&ta), RELEASE, json!({ "id": a1 })).await;
        assert_eq!(
            resp["data"]["releaseClass"]["userErrors"][0]["code"],
            "NOT_CLAIMED"
        );

        // An admin claims for a teacher; a system token must name the teacher.
        let resp = execute(s, Some(&admin), CLAIM, json!({ "id": b1 })).await;
        assert_eq!(
            resp["data"]["claimClass"]["userErrors"][0]["code"],
            "TEACHER_REQUIRED"
        );
        let resp = execute(
            s,
            Some(&admin),
            CLAIM,
            json!({ "id": b1, "t": encode(NodeKind::Person, fx.id("TC")).0 }),
        )
        .await;
        assert_eq!(
            resp["data"]["claimClass"]["class"]["claimedBy"]["displayName"], "Tess Gamma",
            "{resp}"
        );
        let resp = execute(s, Some(&admin), UNCLAIMED, json!({})).await;
        assert_eq!(
            resp["data"]["classes"]["totalCount"], 1,
            "only A1 again: {resp}"
        );

        // Unauthenticated mutations are refused.
        let resp = execute(s, None, CLAIM, json!({ "id": a1 })).await;
        assert_eq!(error_codes(&resp), vec!["UNAUTHENTICATED"]);
        Ok(())
    }
);
