//! Homeroom's GraphQL API: schema, per-request context, loaders, types and roots. Resolvers are
//! thin: they decode ids, call a use case of `homeroom_service` and map its plain result.

pub mod audit_api;
pub mod class_admin;
pub mod connection;
pub mod context;
pub mod errors;
pub mod families;
pub mod family_links;
pub mod ids;
pub mod imports_api;
pub mod loaders;
pub mod merge_confirm_api;
pub mod mutation;
pub mod people_admin;
pub mod query;
pub mod subscription;
pub mod sync_api;
pub mod time;
pub mod types;
pub mod user_error;
pub mod webhooks_api;

pub use user_error::UserError;

use async_graphql::Schema;

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;
/// Most complex query accepted (lists count `first` × their children).
pub const MAX_COMPLEXITY: usize = 50_000;

/// The query root.
#[derive(async_graphql::MergedObject, Default)]
pub struct Query(
    query::RosterQuery,
    sync_api::SyncQuery,
    families::FamilyQuery,
    people_admin::PeopleAdminQuery,
    audit_api::AuditQuery,
    imports_api::ImportQuery,
    webhooks_api::WebhookQuery,
    merge_confirm_api::MergeConfirmQuery,
);

/// The mutation root.
#[derive(async_graphql::MergedObject, Default)]
pub struct Mutation(
    mutation::ClassMutation,
    sync_api::SyncMutation,
    families::FamilyMutation,
    class_admin::ClassAdminMutation,
    people_admin::PeopleAdminMutation,
    audit_api::SettingsMutation,
    family_links::FamilyLinkMutation,
    imports_api::ImportMutation,
    webhooks_api::WebhookMutation,
    merge_confirm_api::MergeConfirmMutation,
);

/// The Homeroom schema type.
pub type HomeroomSchema = Schema<Query, Mutation, subscription::Subscription>;

/// Builds the schema with depth and complexity limits on.
pub fn schema() -> HomeroomSchema {
    Schema::build(
        Query::default(),
        Mutation::default(),
        subscription::Subscription,
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .finish()
}

/// The schema in SDL, as `homeroom schema print` prints it and `schema/homeroom.graphql` keeps it.
pub fn sdl() -> String {
    schema().sdl()
}
