//! Schools, terms and courses.

use homeroom_connector_core::{Course, Org, OrgType, Term, TermKind};

use super::status_of;
use crate::ids;
use crate::values::date;
use crate::wire;

/// A school; school 0 (the district office) is the district org, the parent of every school.
pub(crate) fn map_school(s: &wire::School, district: Option<&str>) -> Result<Org, String> {
    if s.school_code.is_empty() {
        return Err("the school has no SchoolCode".into());
    }
    let is_district = s.school_code == "0";
    let name = if s.name.is_empty() {
        format!("School {}", s.school_code)
    } else {
        s.name.clone()
    };
    let mut org = Org::new(
        ids::school(&s.school_code),
        name,
        if is_district {
            OrgType::District
        } else {
            OrgType::School
        },
    );
    org.identifier = Some(s.school_code.clone());
    org.status = status_of(&s.inactive_status_code);
    if !is_district {
        org.parent_external_id = district.map(str::to_owned);
    }
    Ok(org)
}

/// A school's term; `Y` is the school year, `F`/`S` (or a description naming a semester)
/// semesters, anything else a term. `school_year` is the id of the school's year term, the
/// parent of the others.
pub(crate) fn map_term(
    t: &wire::Term,
    school_code: &str,
    school_year: Option<&str>,
) -> Result<Term, String> {
    if t.term_code.is_empty() {
        return Err("the term has no TermCode".into());
    }
    let school = if t.school_code.is_empty() {
        school_code
    } else {
        &t.school_code
    };
    let description = t.term_description.to_ascii_lowercase();
    let kind = if t.term_code.eq_ignore_ascii_case("Y") || description.contains("year") {
        TermKind::SchoolYear
    } else if description.contains("semester")
        || description.contains("fall")
        || description.contains("spring")
    {
        TermKind::Semester
    } else {
        TermKind::Term
    };
    let title = if t.term_description.is_empty() {
        t.term_code.clone()
    } else {
        t.term_description.clone()
    };
    let mut term = Term::new(ids::term(school, &t.term_code), title, kind);
    term.start_date = date(&t.start_date).map_err(|e| format!("StartDate: {e}"))?;
    term.end_date = date(&t.end_date).map_err(|e| format!("EndDate: {e}"))?;
    if kind != TermKind::SchoolYear {
        term.parent_external_id = school_year.map(str::to_owned);
    }
    Ok(term)
}

/// A catalogue course: the long description when there is one (Title is 15 characters).
pub(crate) fn map_course(c: &wire::Course, district: Option<&str>) -> Result<Course, String> {
    if c.id.is_empty() {
        return Err("the course has no ID".into());
    }
    let title = if c.long_description.is_empty() {
        c.title.clone()
    } else {
        c.long_description.clone()
    };
    let mut course = Course::new(ids::course(&c.id), title);
    course.code = Some(c.id.clone());
    course.org_external_id = district.map(str::to_owned);
    course.status = status_of(&c.inactive_status_code);
    Ok(course)
}
