//! Districts and schools (orgs), terms and courses.

use homeroom_connector_core::{Course, Org, OrgType, SisDate, Term, TermKind};

use super::non_blank;
use crate::wire::{WireCourse, WireDistrict, WireSchool, WireTerm};

/// A district → an org of type district (identifier: the NCES id).
pub(crate) fn map_district(d: &WireDistrict) -> Org {
    let mut org = Org::new(
        d.id.clone(),
        non_blank(d.name.as_deref()).unwrap_or_else(|| d.id.clone()),
        OrgType::District,
    );
    org.identifier = non_blank(d.nces_id.as_deref());
    org
}

/// A school → an org of type school under its district (identifier: the school number, else
/// the SIS id).
pub(crate) fn map_school(s: &WireSchool) -> Org {
    let mut org = Org::new(
        s.id.clone(),
        non_blank(s.name.as_deref()).unwrap_or_else(|| s.id.clone()),
        OrgType::School,
    );
    org.identifier =
        non_blank(s.school_number.as_deref()).or_else(|| non_blank(s.sis_id.as_deref()));
    org.parent_external_id = non_blank(s.district.as_deref());
    org
}

/// A term. Clever terms carry no type, so every one is a [`TermKind::Term`]; dates are read
/// from their `YYYY-MM-DD` prefix (Clever sends dates or midnight timestamps).
pub(crate) fn map_term(t: &WireTerm) -> Term {
    let mut term = Term::new(
        t.id.clone(),
        non_blank(t.name.as_deref()).unwrap_or_else(|| t.id.clone()),
        TermKind::Term,
    );
    term.start_date = date(t.start_date.as_deref());
    term.end_date = date(t.end_date.as_deref());
    term
}

/// A course (district-wide in Clever).
pub(crate) fn map_course(c: &WireCourse) -> Course {
    let mut course = Course::new(
        c.id.clone(),
        non_blank(c.name.as_deref()).unwrap_or_else(|| c.id.clone()),
    );
    course.code = non_blank(c.number.as_deref());
    course.org_external_id = non_blank(c.district.as_deref());
    course
}

fn date(text: Option<&str>) -> Option<SisDate> {
    text.and_then(|t| SisDate::parse_date_prefix(t.trim()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_catalog_objects() {
        let s: WireSchool = serde_json::from_value(serde_json::json!({
            "id": "s1", "district": "d1", "name": "Elm", "school_number": "101", "sis_id": "x"
        }))
        .unwrap();
        let org = map_school(&s);
        assert_eq!(org.org_type, OrgType::School);
        assert_eq!(org.identifier.as_deref(), Some("101"));
        assert_eq!(org.parent_external_id.as_deref(), Some("d1"));
        let t: WireTerm = serde_json::from_value(serde_json::json!({
            "id": "t1", "name": "Fall", "start_date": "2025-08-18T00:00:00.000Z", "end_date": "2025-12-19"
        }))
        .unwrap();
        let term = map_term(&t);
        assert_eq!(term.start_date, SisDate::from_ymd(2025, 8, 18));
        assert_eq!(term.end_date, SisDate::from_ymd(2025, 12, 19));
    }
}
