//! Who is calling, and what they may see.

use homeroom_schema::enums::{PrincipalKind, TokenRole};
use homeroom_schema::models::ApiToken;
use homeroom_schema::scope::Scope;

use crate::error::ServiceError;

/// Scope that lets an integration partner read the roster.
pub const SCOPE_ROSTER_READ: &str = "roster:read";
/// Scope that lets an integration partner configure connectors.
pub const SCOPE_CONNECTORS_WRITE: &str = "connectors:write";
/// Scope that lets an integration partner register outgoing webhooks.
pub const SCOPE_WEBHOOKS_WRITE: &str = "webhooks:write";

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token used.
    pub token_id: String,
    /// The caller's district.
    pub district_id: String,
    /// Person, partner, or an operator (system) token.
    pub kind: PrincipalKind,
    /// The person the token stands for, if any.
    pub person_id: Option<String>,
    /// The role the token acts with.
    pub role: TokenRole,
    /// Partner scopes.
    pub scopes: Vec<String>,
}

impl Principal {
    /// The operator at the command line (`homeroom …` run by whoever holds the server):
    /// a district admin of `district_id` that no token stands for.
    pub fn operator(district_id: &str) -> Principal {
        Principal {
            token_id: "cli".into(),
            district_id: district_id.into(),
            kind: PrincipalKind::System,
            person_id: None,
            role: TokenRole::DistrictAdmin,
            scopes: Vec::new(),
        }
    }
}

impl From<&ApiToken> for Principal {
    fn from(t: &ApiToken) -> Self {
        Principal {
            token_id: t.id.clone(),
            district_id: t.district_id.clone(),
            kind: t.principal_kind,
            person_id: t.person_id.clone(),
            role: t.role,
            scopes: t.scope_list(),
        }
    }
}

impl Principal {
    /// Whether the caller administers the whole district.
    pub fn is_district_admin(&self) -> bool {
        self.role == TokenRole::DistrictAdmin
    }

    /// Whether a partner token carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    fn me(&self) -> Result<String, ServiceError> {
        self.person_id
            .clone()
            .ok_or_else(|| ServiceError::Forbidden("this token is not bound to a person".into()))
    }

    /// The roster visibility of this caller.
    pub fn scope(&self) -> Result<Scope, ServiceError> {
        Ok(match self.role {
            TokenRole::DistrictAdmin => Scope::District,
            TokenRole::Partner => {
                if self.has_scope(SCOPE_ROSTER_READ) {
                    Scope::District
                } else {
                    return Err(ServiceError::Forbidden(format!(
                        "partner token lacks the {SCOPE_ROSTER_READ} scope"
                    )));
                }
            }
            TokenRole::SchoolAdmin => Scope::SchoolAdmin(self.me()?),
            TokenRole::Teacher | TokenRole::Aide => Scope::Teacher(self.me()?),
            TokenRole::Guardian => Scope::Guardian(self.me()?),
            TokenRole::Student | TokenRole::Staff => Scope::SelfOnly(self.me()?),
        })
    }

    /// Whether the caller may see people's contact points in full (not masked).
    pub fn sees_full_contacts(&self) -> bool {
        matches!(self.role, TokenRole::DistrictAdmin | TokenRole::SchoolAdmin)
            || (self.role == TokenRole::Partner && self.has_scope(SCOPE_ROSTER_READ))
    }

    /// The actor recorded in audit events.
    pub fn actor(&self) -> (homeroom_schema::enums::ActorKind, String) {
        use homeroom_schema::enums::ActorKind;
        match (&self.kind, &self.person_id) {
            (PrincipalKind::Person, Some(p)) => (ActorKind::Person, p.clone()),
            (PrincipalKind::Partner, _) => (ActorKind::Partner, self.token_id.clone()),
            _ => (ActorKind::System, self.token_id.clone()),
        }
    }
}
