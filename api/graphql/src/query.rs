//! The query root: thin resolvers over the store, scoped to the caller.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, InputObject, Object, Result};
use homeroom_schema::store::classes::ClassFilter as DbClassFilter;
use homeroom_schema::store::people::PersonFilter as DbPersonFilter;
use homeroom_schema::store::relationships::RelationshipFilter as DbRelationshipFilter;
use homeroom_schema::store::{classes, people, relationships};
use homeroom_service::auth::policy::InvitationReach;

use crate::connection::{build, page_request};
use crate::context::req;
use crate::ids::{Cursor, NodeKind, decode, decode_as};
use crate::types::class::Class;
use crate::types::enums::{RelationshipStatus, Role, Status};
use crate::types::node::Node;
use crate::types::org::{Course, Org, Term};
use crate::types::person::Person;
use crate::types::relationship::Relationship;
use crate::types::viewer::{District, Viewer, load_district};
use homeroom_service::error::ServiceError;

/// Filters of `people`. Without `status`, only active people are listed.
#[derive(InputObject, Default, Clone)]
pub struct PersonFilter {
    /// Only people holding this role.
    pub role: Option<Role>,
    /// Only people in this status (default ACTIVE).
    pub status: Option<Status>,
    /// Case-insensitive text found in a name or an email address.
    pub search: Option<String>,
}

/// Filters of `classes`. Without `status`, only active classes are listed.
#[derive(InputObject, Default, Clone)]
pub struct ClassFilter {
    /// Claimed (true) or unclaimed (false) classes only.
    pub claimed: Option<bool>,
    /// Classes of this school.
    pub school_id: Option<ID>,
    /// Classes of this term.
    pub term_id: Option<ID>,
    /// Classes this person teaches.
    pub teacher_id: Option<ID>,
    /// Status (default ACTIVE).
    pub status: Option<Status>,
}

/// Filters of `relationships`. Without `status`, only active links are listed.
#[derive(InputObject, Default, Clone)]
pub struct RelationshipFilter {
    /// ACTIVE (default) or REMOVED.
    pub status: Option<RelationshipStatus>,
    /// Links of this student.
    pub student_id: Option<ID>,
    /// Links of this guardian.
    pub guardian_id: Option<ID>,
}

fn person_filter(f: Option<PersonFilter>, p: &homeroom_service::auth::Principal) -> DbPersonFilter {
    let f = f.unwrap_or_default();
    DbPersonFilter {
        role: f.role.map(Into::into),
        status: f.status.map(Into::into),
        search: f.search,
        names_only: !homeroom_service::auth::policy::sees_full_contacts(p),
    }
}

fn opt_id(kind: NodeKind, id: Option<&ID>) -> Result<Option<String>, ServiceError> {
    id.map(|i| decode_as(kind, i)).transpose()
}

fn class_filter(f: Option<ClassFilter>) -> Result<DbClassFilter, ServiceError> {
    let f = f.unwrap_or_default();
    Ok(DbClassFilter {
        claimed: f.claimed,
        school_id: opt_id(NodeKind::Org, f.school_id.as_ref())?,
        term_id: opt_id(NodeKind::Term, f.term_id.as_ref())?,
        teacher_id: opt_id(NodeKind::Person, f.teacher_id.as_ref())?,
        status: f.status.map(Into::into),
    })
}

fn relationship_filter(
    f: Option<RelationshipFilter>,
) -> Result<DbRelationshipFilter, ServiceError> {
    let f = f.unwrap_or_default();
    Ok(DbRelationshipFilter {
        status: f.status.map(Into::into),
        student_id: opt_id(NodeKind::Person, f.student_id.as_ref())?,
        guardian_id: opt_id(NodeKind::Person, f.guardian_id.as_ref())?,
    })
}

/// `totalCount` of a people list, counted only when asked for.
pub struct PeopleCount(DbPersonFilter);

#[Object]
impl PeopleCount {
    /// Rows matching the filter, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let r = req(ctx);
        let p = r.principal()?;
        let scope = r.scope()?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        Ok(people::count(&mut conn, &p.district_id, &scope, &self.0)
            .await
            .map_err(ServiceError::from)?)
    }
}

/// `totalCount` of a class list.
pub struct ClassesCount(DbClassFilter);

#[Object]
impl ClassesCount {
    /// Rows matching the filter, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let r = req(ctx);
        let p = r.principal()?;
        let scope = r.scope()?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        Ok(classes::count(&mut conn, &p.district_id, &scope, &self.0)
            .await
            .map_err(ServiceError::from)?)
    }
}

/// `totalCount` of a relationship list.
pub struct RelationshipsCount(DbRelationshipFilter);

#[Object]
impl RelationshipsCount {
    /// Rows matching the filter, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let r = req(ctx);
        let p = r.principal()?;
        let scope = r.scope()?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        Ok(
            relationships::count(&mut conn, &p.district_id, &scope, &self.0)
                .await
                .map_err(ServiceError::from)?,
        )
    }
}

/// Entry points for reading the roster.
#[derive(Default)]
pub struct RosterQuery;

#[Object]
impl RosterQuery {
    /// The caller.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer> {
        Ok(Viewer(req(ctx).principal()?.clone()))
    }

    /// The caller's district.
    async fn district(&self, ctx: &Context<'_>) -> Result<District> {
        let district_id = req(ctx).principal()?.district_id.clone();
        load_district(ctx, &district_id).await
    }

    /// Any object by global id; null when it does not exist or is not visible to the caller.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let r = req(ctx);
        let district_id = r.principal()?.district_id.clone();
        let (kind, row) = decode(&id)?;
        // Schools, courses and terms are roster data: not for partners without roster:read.
        let roster = homeroom_service::auth::policy::may_read_roster(r.principal()?);
        if kind == NodeKind::District {
            return Ok(if row == district_id {
                Some(Node::District(load_district(ctx, &district_id).await?))
            } else {
                None
            });
        }
        Ok(match kind {
            NodeKind::Person => self.person(ctx, id).await?.map(Node::Person),
            NodeKind::Class => self.class(ctx, id).await?.map(Node::Class),
            NodeKind::Relationship => {
                let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
                let link = relationships::get(&mut conn, &district_id, &row)
                    .await
                    .map_err(ServiceError::from)?;
                match link {
                    Some(l) => {
                        let seen = r
                            .seen_people([l.student_id.clone(), l.guardian_id.clone()])
                            .await?;
                        (seen.contains(&l.student_id) && seen.contains(&l.guardian_id))
                            .then_some(Node::Relationship(Relationship(l)))
                    }
                    None => None,
                }
            }
            NodeKind::Org => r
                .loaders
                .org
                .load_one(row)
                .await?
                .filter(|o| o.district_id == district_id && roster)
                .map(|o| Node::Org(Org(o))),
            NodeKind::Course => r
                .loaders
                .course
                .load_one(row)
                .await?
                .filter(|c| c.district_id == district_id && roster)
                .map(|c| Node::Course(Course(c))),
            NodeKind::Term => r
                .loaders
                .term
                .load_one(row)
                .await?
                .filter(|t| t.district_id == district_id && roster)
                .map(|t| Node::Term(Term(t))),
            // Import jobs, webhooks, merge suggestions and identity providers are read through
            // their own fields.
            NodeKind::ImportJob
            | NodeKind::IdentityProvider
            | NodeKind::Webhook
            | NodeKind::WebhookDelivery
            | NodeKind::MergeSuggestion => None,
            NodeKind::Connector | NodeKind::SyncRun => {
                let Ok(p) = crate::sync_api::connector_admin(r) else {
                    return Ok(None);
                };
                let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
                if kind == NodeKind::Connector {
                    homeroom_schema::store::connectors::get(&mut conn, &p.district_id, &row)
                        .await
                        .map_err(ServiceError::from)?
                        .map(|c| Node::Connector(crate::types::sync::Connector(c)))
                } else {
                    homeroom_schema::store::sync_runs::get(&mut conn, &row)
                        .await
                        .map_err(ServiceError::from)?
                        .filter(|run| run.district_id == p.district_id)
                        .map(|run| Node::SyncRun(crate::types::sync::SyncRun(run)))
                }
            }
            NodeKind::Invitation => {
                let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
                let inv = homeroom_schema::store::invitations::get(&mut conn, &district_id, &row)
                    .await
                    .map_err(ServiceError::from)?;
                // The same reach as the `invitations` list.
                let reach = homeroom_service::auth::policy::invitation_reach(r.principal()?);
                let inv = match (inv, reach) {
                    (Some(i), Ok(InvitationReach::District)) => Some(i),
                    (Some(i), Ok(InvitationReach::PeopleInView)) => {
                        r.sees_person(&i.person_id).await?.then_some(i)
                    }
                    (Some(i), Ok(InvitationReach::Own(me))) => (i.person_id == me).then_some(i),
                    _ => None,
                };
                inv.map(|i| Node::Invitation(crate::types::invitation::Invitation(i)))
            }
            NodeKind::District | NodeKind::AuditEvent => None,
        })
    }

    /// People the caller may see, in creation order.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 500) as usize * child_complexity")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, Person, PeopleCount, EmptyFields>> {
        let r = req(ctx);
        let p = r.principal()?;
        let page = page_request(first, after.as_deref())?;
        let filter = person_filter(filter, p);
        let scope = r.scope()?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        let rows = people::list(&mut conn, &p.district_id, &scope, &filter, &page)
            .await
            .map_err(ServiceError::from)?;
        Ok(build(
            rows,
            page.after.is_some(),
            PeopleCount(filter),
            |x| x.id.clone(),
            Person,
        ))
    }

    /// One person; null when it does not exist or is not visible to the caller.
    async fn person(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Person>> {
        let r = req(ctx);
        let row = decode_as(NodeKind::Person, &id)?;
        let district_id = r.principal()?.district_id.clone();
        Ok(r.visible_person(&row)
            .await?
            .filter(|x| x.district_id == district_id)
            .map(Person))
    }

    /// Classes the caller may see, in creation order.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 500) as usize * child_complexity")]
    async fn classes(
        &self,
        ctx: &Context<'_>,
        filter: Option<ClassFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, Class, ClassesCount, EmptyFields>> {
        let r = req(ctx);
        let p = r.principal()?;
        let page = page_request(first, after.as_deref())?;
        let filter = class_filter(filter)?;
        let scope = r.scope()?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        let rows = classes::list(&mut conn, &p.district_id, &scope, &filter, &page)
            .await
            .map_err(ServiceError::from)?;
        Ok(build(
            rows,
            page.after.is_some(),
            ClassesCount(filter),
            |x| x.id.clone(),
            Class,
        ))
    }

    /// One class; null when it does not exist or is not visible to the caller.
    async fn class(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Class>> {
        let r = req(ctx);
        let row = decode_as(NodeKind::Class, &id)?;
        let district_id = r.principal()?.district_id.clone();
        if !r.sees_class(&row).await? {
            return Ok(None);
        }
        Ok(r.loaders
            .class
            .load_one(row)
            .await?
            .filter(|x| x.district_id == district_id)
            .map(Class))
    }

    /// Guardian–student links the caller may see (both people visible), in creation order.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 500) as usize * child_complexity")]
    async fn relationships(
        &self,
        ctx: &Context<'_>,
        filter: Option<RelationshipFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, Relationship, RelationshipsCount, EmptyFields>> {
        let r = req(ctx);
        let p = r.principal()?;
        let page = page_request(first, after.as_deref())?;
        let filter = relationship_filter(filter)?;
        let scope = r.scope()?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        let rows = relationships::list(&mut conn, &p.district_id, &scope, &filter, &page)
            .await
            .map_err(ServiceError::from)?;
        Ok(build(
            rows,
            page.after.is_some(),
            RelationshipsCount(filter),
            |x| x.id.clone(),
            Relationship,
        ))
    }
}
