//! Principals for calling the service layer directly, as a token of that kind would.

use homeroom_schema::enums::{PrincipalKind, TokenRole};
use homeroom_service::auth::Principal;

use crate::fixture::Fixture;

/// A district admin token not bound to a person (what `homeroom token create` makes).
pub fn district_admin(district_id: &str) -> Principal {
    Principal {
        token_id: "test".into(),
        district_id: district_id.into(),
        kind: PrincipalKind::System,
        person_id: None,
        role: TokenRole::DistrictAdmin,
        scopes: Vec::new(),
    }
}

/// A token of `role` bound to the fixture person `who`.
pub fn person(fx: &Fixture, who: &str, role: TokenRole) -> Principal {
    Principal {
        token_id: "test".into(),
        district_id: fx.district_id.clone(),
        kind: PrincipalKind::Person,
        person_id: Some(fx.id(who).to_owned()),
        role,
        scopes: Vec::new(),
    }
}
