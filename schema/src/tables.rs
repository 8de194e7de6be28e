//! Diesel table definitions, written once for both backends.
//!
//! Column types are the portable subset: `Text` ids (UUIDv7), `BigInt` timestamps in Unix epoch
//! microseconds, `Bool`, `Integer`, and JSON stored as `Text`. The two migration folders create
//! exactly these columns (a test compares them).

diesel::table! {
    districts (id) {
        id -> Text,
        name -> Text,
        settings -> Text,
        is_default -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    orgs (id) {
        id -> Text,
        district_id -> Text,
        name -> Text,
        identifier -> Nullable<Text>,
        org_type -> Text,
        parent_id -> Nullable<Text>,
        status -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        district_id -> Text,
        given_name -> Text,
        family_name -> Text,
        middle_name -> Nullable<Text>,
        preferred_name -> Nullable<Text>,
        status -> Text,
        account_state -> Text,
        is_student -> Bool,
        grade -> Nullable<Text>,
        student_number -> Nullable<Text>,
        state_id -> Nullable<Text>,
        sis_id -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        search_text -> Text,
        sis_hash -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        archived_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    person_roles (id) {
        id -> Text,
        district_id -> Text,
        person_id -> Text,
        role -> Text,
        org_id -> Nullable<Text>,
        source -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    /// People per (district, role, status), kept by database triggers (migration
    /// `2026-12-08-000021_people_counts`); `role = ''` is the any-role total. Read only.
    people_counts (district_id, role, status) {
        district_id -> Text,
        role -> Text,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    contact_points (id) {
        id -> Text,
        district_id -> Text,
        person_id -> Text,
        kind -> Text,
        value -> Text,
        display_value -> Text,
        is_adult -> Bool,
        source -> Text,
        verified_at -> Nullable<BigInt>,
        reachability -> Text,
        unreachable_reason -> Nullable<Text>,
        unreachable_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    connectors (id) {
        id -> Text,
        district_id -> Text,
        kind -> Text,
        name -> Text,
        config_public -> Text,
        config_secret -> Nullable<Text>,
        schedule -> Nullable<Text>,
        enabled -> Bool,
        last_success_at -> Nullable<BigInt>,
        delta_cursor -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    sync_runs (id) {
        id -> Text,
        district_id -> Text,
        connector_id -> Text,
        mode -> Text,
        dry_run -> Bool,
        status -> Text,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<BigInt>,
        counts -> Text,
        delta_cursor -> Nullable<Text>,
        error -> Nullable<Text>,
        requested_by -> Nullable<Text>,
        created_at -> BigInt,
        started_at -> Nullable<BigInt>,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    sync_issues (id) {
        id -> Text,
        run_id -> Text,
        severity -> Text,
        code -> Text,
        entity_kind -> Nullable<Text>,
        external_id -> Nullable<Text>,
        message -> Text,
        created_at -> BigInt,
        related_id -> Nullable<Text>,
        contact_value -> Nullable<Text>,
    }
}

diesel::table! {
    /// Exact issue counts of a run per code and severity (the report's summary).
    sync_issue_counts (run_id, code, severity) {
        run_id -> Text,
        code -> Text,
        severity -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    source_links (id) {
        id -> Text,
        district_id -> Text,
        connector_id -> Text,
        entity_kind -> Text,
        external_id -> Text,
        local_id -> Text,
        last_run_id -> Nullable<Text>,
        content_hash -> Nullable<Text>,
        removed_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    /// Links a run saw unchanged (no primary key in the database: only inserted, probed and
    /// deleted by run).
    sync_seen (run_id, link_id) {
        run_id -> Text,
        link_id -> Text,
    }
}

diesel::table! {
    courses (id) {
        id -> Text,
        district_id -> Text,
        org_id -> Nullable<Text>,
        title -> Text,
        code -> Nullable<Text>,
        status -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    terms (id) {
        id -> Text,
        district_id -> Text,
        title -> Text,
        term_type -> Nullable<Text>,
        start_date -> Nullable<Text>,
        end_date -> Nullable<Text>,
        parent_id -> Nullable<Text>,
        status -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    classes (id) {
        id -> Text,
        district_id -> Text,
        school_id -> Nullable<Text>,
        course_id -> Nullable<Text>,
        term_id -> Nullable<Text>,
        sis_title -> Text,
        local_title -> Nullable<Text>,
        class_code -> Nullable<Text>,
        join_code -> Nullable<Text>,
        status -> Text,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    enrollments (id) {
        id -> Text,
        district_id -> Text,
        class_id -> Text,
        person_id -> Text,
        role -> Text,
        is_primary -> Bool,
        begin_date -> Nullable<Text>,
        end_date -> Nullable<Text>,
        source -> Text,
        status -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    relationships (id) {
        id -> Text,
        district_id -> Text,
        guardian_id -> Text,
        student_id -> Text,
        kind -> Text,
        source -> Text,
        source_connector_id -> Nullable<Text>,
        lives_with_student -> Nullable<Bool>,
        status -> Text,
        removed_by -> Nullable<Text>,
        removed_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        district_id -> Text,
        person_id -> Text,
        relationship_id -> Nullable<Text>,
        class_id -> Nullable<Text>,
        invited_by -> Nullable<Text>,
        channel -> Text,
        contact_point_id -> Nullable<Text>,
        token_hash -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        expires_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        delivered_at -> Nullable<BigInt>,
        accepted_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
        resend_count -> Integer,
        last_resent_at -> Nullable<BigInt>,
        purpose -> Text,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Text,
        district_id -> Text,
        person_id -> Text,
        contact_point_id -> Text,
        token_hash -> Text,
        sent -> Bool,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    link_reviews (relationship_id) {
        relationship_id -> Text,
        district_id -> Text,
        state -> Text,
        requested_by -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    invitation_tokens (token_hash) {
        token_hash -> Text,
        invitation_id -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        email -> Text,
        at -> BigInt,
        client -> Text,
    }
}

diesel::table! {
    outbox_messages (id) {
        id -> Text,
        district_id -> Text,
        invitation_id -> Nullable<Text>,
        kind -> Text,
        channel -> Text,
        recipient -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        provider_message_id -> Nullable<Text>,
        webhook_id -> Nullable<Text>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        district_id -> Text,
        url -> Text,
        events -> Text,
        secret -> Text,
        enabled -> Bool,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    verification_codes (id) {
        id -> Text,
        district_id -> Text,
        person_id -> Text,
        contact_point_id -> Text,
        purpose -> Text,
        subject_id -> Text,
        code_hash -> Text,
        attempts -> Integer,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        district_id -> Text,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        target_kind -> Text,
        target_id -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        district_id -> Text,
        principal_kind -> Text,
        person_id -> Nullable<Text>,
        partner_name -> Nullable<Text>,
        role -> Text,
        scopes -> Text,
        token_hash -> Text,
        label -> Nullable<Text>,
        expires_at -> Nullable<BigInt>,
        last_used_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    /// A district's OpenID Connect identity providers (single sign-on).
    identity_providers (id) {
        id -> Text,
        district_id -> Text,
        kind -> Text,
        display_name -> Text,
        issuer -> Text,
        client_id -> Text,
        client_secret -> Text,
        allowed_domains -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        archived_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Sign-ins under way (state hash → nonce, PKCE verifier, browser binding).
    sign_in_states (state_hash) {
        state_hash -> Text,
        provider_id -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        browser_hash -> Text,
        expires_at -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    /// One-time codes a sign-in callback hands the front end (only hashes).
    sign_in_codes (code_hash) {
        code_hash -> Text,
        district_id -> Text,
        provider_id -> Text,
        person_id -> Text,
        matched_by -> Text,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::joinable!(orgs -> districts (district_id));
diesel::table! {
    import_jobs (id) {
        id -> Text,
        district_id -> Text,
        kind -> Text,
        state -> Text,
        dry_run -> Bool,
        only_valid_rows -> Bool,
        invite -> Bool,
        file_name -> Nullable<Text>,
        created_by -> Nullable<Text>,
        plan -> Text,
        total_rows -> BigInt,
        valid_rows -> BigInt,
        invalid_rows -> BigInt,
        processed -> BigInt,
        counts -> Text,
        errors -> Text,
        message -> Nullable<Text>,
        attempts -> BigInt,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
        started_at -> Nullable<BigInt>,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(people -> districts (district_id));
diesel::joinable!(person_roles -> people (person_id));
diesel::joinable!(contact_points -> people (person_id));
diesel::joinable!(enrollments -> classes (class_id));
diesel::joinable!(enrollments -> people (person_id));
diesel::joinable!(sync_issues -> sync_runs (run_id));
diesel::joinable!(sync_runs -> connectors (connector_id));

diesel::allow_tables_to_appear_in_same_query!(
    districts,
    orgs,
    people,
    person_roles,
    people_counts,
    contact_points,
    connectors,
    sync_runs,
    sync_issues,
    sync_issue_counts,
    source_links,
    sync_seen,
    courses,
    terms,
    classes,
    enrollments,
    relationships,
    invitations,
    invitation_tokens,
    login_failures,
    outbox_messages,
    webhooks,
    verification_codes,
    audit_events,
    api_tokens,
    import_jobs,
    password_resets,
    link_reviews,
    identity_providers,
    sign_in_states,
    sign_in_codes,
);
