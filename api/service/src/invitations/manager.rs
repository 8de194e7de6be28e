//! The family invite manager of a class: every guardian of every active student in it, with
//! their invitation state.

use std::collections::HashMap;

use homeroom_schema::Store;
use homeroom_schema::ids::now_micros;
use homeroom_schema::models::{ContactPoint, Invitation};
use homeroom_schema::store::families::{self, FamilyRow};
use homeroom_schema::store::{contacts, invitations};
use homeroom_schema::{Conn, models::Class};

use super::permissions::managed_class;
use super::state::{self, InviteState};
use crate::auth::Principal;
use crate::error::ServiceResult;

/// One row of the manager.
#[derive(Debug, Clone)]
pub struct ManagerRow {
    /// Guardian, student and their link.
    pub family: FamilyRow,
    /// The guardian's contact points.
    pub contacts: Vec<ContactPoint>,
    /// Invitation state of the guardian.
    pub state: InviteState,
    /// The guardian's latest invitation.
    pub invitation: Option<Invitation>,
}

/// Every row of a class's manager (classes hold tens of families, so all rows are built and the
/// caller pages through them).
pub async fn rows(conn: &mut Conn, class: &Class) -> ServiceResult<Vec<ManagerRow>> {
    let family_rows = families::rows_for_class(conn, &class.id).await?;
    let mut guardian_ids: Vec<String> = family_rows.iter().map(|r| r.guardian.id.clone()).collect();
    guardian_ids.sort();
    guardian_ids.dedup();
    let mut contacts_of: HashMap<String, Vec<ContactPoint>> = HashMap::new();
    for cp in contacts::of_people(conn, &guardian_ids).await? {
        contacts_of
            .entry(cp.person_id.clone())
            .or_default()
            .push(cp);
    }
    let all_invitations = invitations::of_people(conn, &guardian_ids).await?;
    let mut invitations_of: HashMap<&str, Vec<&Invitation>> = HashMap::new();
    for inv in &all_invitations {
        invitations_of
            .entry(inv.person_id.as_str())
            .or_default()
            .push(inv);
    }
    let now = now_micros();
    Ok(family_rows
        .into_iter()
        .map(|family| {
            let invs = invitations_of
                .get(family.guardian.id.as_str())
                .cloned()
                .unwrap_or_default();
            ManagerRow {
                state: state::of_guardian(&family.guardian, &invs, now),
                invitation: state::latest(&invs).cloned(),
                contacts: contacts_of
                    .get(&family.guardian.id)
                    .cloned()
                    .unwrap_or_default(),
                family,
            }
        })
        .collect())
}

/// The manager of a class the caller may manage, optionally only rows in `state`.
pub async fn list(
    store: &Store,
    principal: &Principal,
    class_id: &str,
    state: Option<InviteState>,
) -> ServiceResult<Vec<ManagerRow>> {
    let mut conn = store.conn().await?;
    let class = managed_class(&mut conn, principal, class_id).await?;
    let mut all = rows(&mut conn, &class).await?;
    if let Some(wanted) = state {
        all.retain(|r| r.state == wanted);
    }
    Ok(all)
}
