//! Homeroom's GraphQL API: schema, per-request context, loaders, types and roots. Resolvers are
//! thin: they decode ids, call a use case of `homeroom_service` and map its plain result.

use futures::future::BoxFuture;

pub mod audit_api;
pub mod class_admin;
pub mod connection;
pub mod context;
pub mod cost;
pub mod errors;
pub mod families;
pub mod family_links;
pub mod ids;
pub mod imports_api;
pub mod link_reviews_api;
pub mod loaders;
pub mod merge_confirm_api;
pub mod mutation;
pub mod people_admin;
pub mod query;
pub mod sign_in;
pub mod subscription;
pub mod sync_api;
pub mod time;
pub mod tokens_api;
pub mod types;
pub mod user_error;
pub mod webhooks_api;

pub use user_error::UserError;

use async_graphql::Schema;

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;
/// Most complex query accepted (lists count `first` × their children).
pub const MAX_COMPLEXITY: usize = 50_000;
/// What a list field inside a list counts for in the complexity: its children times this
/// (a nominal list length), so nested lists multiply (`people(first: 500) { classes {
/// students { … } } }` costs 500 × 10 × 10 × …). Connections count `first` instead.
pub const NESTED_LIST: usize = 10;

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
    tokens_api::TokenQuery,
    link_reviews_api::LinkReviewQuery,
    sign_in::SignInQuery,
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
    tokens_api::TokenMutation,
    sign_in::SignInMutation,
    link_reviews_api::LinkReviewMutation,
);

/// The Homeroom schema type.
pub type HomeroomSchema = Schema<Query, Mutation, subscription::Subscription>;

/// Builds the schema with depth and complexity limits on (introspection on).
pub fn schema() -> HomeroomSchema {
    schema_with(true)
}

/// Builds the schema as served: introspection only when `introspection` is on.
pub fn schema_with(introspection: bool) -> HomeroomSchema {
    let builder = Schema::build(
        Query::default(),
        Mutation::default(),
        subscription::Subscription,
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY);
    if introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The served schema behind one non-generic type. The binary executes requests and subscriptions
/// only through it, so the schema's execution (every resolver, monomorphized) is compiled in this
/// crate, once: a change to a resolver recompiles this crate and relinks the binary, instead of
/// instantiating the whole schema again in the binary (release builds do not share generic
/// instantiations across crates).
#[derive(Clone)]
pub struct Api(HomeroomSchema);

impl Api {
    /// The schema as served: introspection only when `introspection` is on.
    pub fn new(introspection: bool) -> Api {
        Api(schema_with(introspection))
    }

    /// Executes one request. The document is parsed once (the request keeps it for the
    /// executor), and one with more than one expensive mutation is refused before anything runs.
    pub fn run(
        &self,
        mut request: async_graphql::Request,
    ) -> BoxFuture<'static, async_graphql::Response> {
        let schema = self.0.clone();
        Box::pin(async move {
            match Self::refusal(&mut request) {
                Some(refused) => refused,
                None => schema.execute(request).await,
            }
        })
    }

    /// The answer to a request refused before it runs (it does not parse, or carries more than
    /// one expensive mutation); the parsed document stays in the request for the executor.
    fn refusal(request: &mut async_graphql::Request) -> Option<async_graphql::Response> {
        let checked = request
            .parsed_query()
            .and_then(cost::one_expensive_mutation);
        checked
            .err()
            .map(|e| async_graphql::Response::from_errors(vec![e]))
    }

    /// Whether the request only reads (every operation a query); parses it at most once
    /// (`run` reuses the document). A document that does not parse is not read-only.
    pub fn read_only(request: &mut async_graphql::Request) -> bool {
        request.parsed_query().is_ok_and(cost::read_only)
    }
}

impl async_graphql::Executor for Api {
    fn execute(
        &self,
        request: async_graphql::Request,
    ) -> impl std::future::Future<Output = async_graphql::Response> + Send {
        self.run(request)
    }

    fn execute_stream(
        &self,
        mut request: async_graphql::Request,
        session_data: Option<std::sync::Arc<async_graphql::Data>>,
    ) -> futures::stream::BoxStream<'static, async_graphql::Response> {
        if let Some(refused) = Self::refusal(&mut request) {
            return Box::pin(futures::stream::once(async move { refused }));
        }
        async_graphql::Executor::execute_stream(&self.0, request, session_data)
    }
}

/// The schema in SDL, as `homeroom schema print` prints it and `schema/homeroom.graphql` keeps it.
pub fn sdl() -> String {
    schema().sdl()
}
