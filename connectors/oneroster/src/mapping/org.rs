//! Orgs.

use homeroom_connector_core::{Org, OrgType};

use super::{Field, MapContext, Problem, map_status};
use crate::model::OrOrg;
use crate::values::quote;

/// `school` → school, `district` → district, `department`/`local`/`state`/`national` → other;
/// an unknown type is read as other with a warning. Name and type are required.
pub(crate) fn map_org(
    org: &OrOrg,
    ctx: &MapContext<'_>,
    warnings: &mut Vec<Problem>,
) -> Result<Org, Problem> {
    let status = map_status(&org.meta, ctx, warnings)?;
    let name = org
        .name
        .clone()
        .ok_or_else(|| Problem::missing(Field::Name, "the org name"))?;
    let raw_type = org
        .org_type
        .as_deref()
        .ok_or_else(|| Problem::missing(Field::Type, "the org type"))?;
    let org_type = match raw_type.to_ascii_lowercase().as_str() {
        "school" => OrgType::School,
        "district" => OrgType::District,
        "department" | "local" | "state" | "national" => OrgType::Other,
        _ => {
            warnings.push(Problem::invalid(
                Field::Type,
                format!(
                    "`{}` is not a OneRoster org type (department, school, district, local, state, national); read as other",
                    quote(raw_type)
                ),
            ));
            OrgType::Other
        }
    };
    Ok(Org {
        external_id: org.meta.sourced_id.clone(),
        status,
        name,
        identifier: org.identifier.clone(),
        org_type,
        parent_external_id: org.parent.clone(),
    })
}

/// Whether an org object is of type `district` (any case).
pub(crate) fn is_district(org: &OrOrg) -> bool {
    org.org_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("district"))
}
