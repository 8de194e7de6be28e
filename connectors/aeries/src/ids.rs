//! The external ids this connector gives Aeries records.
//!
//! Aeries numbers students, staff, schools, sections and contacts in separate spaces (a
//! StudentID may equal a staff ID), so every id is prefixed with its kind and built with
//! [`compound_id`] (`student|99400001`, `section|994|1203`).

use homeroom_connector_core::records::compound_id;

/// A school (or the district office, school 0).
pub fn school(school_code: &str) -> String {
    compound_id(&["school", school_code])
}

/// A school's term (`Y`, `F`, `S`, …).
pub fn term(school_code: &str, term_code: &str) -> String {
    compound_id(&["term", school_code, term_code])
}

/// A course of the district catalogue.
pub fn course(course_id: &str) -> String {
    compound_id(&["course", course_id])
}

/// A section of a school.
pub fn section(school_code: &str, section_number: &str) -> String {
    compound_id(&["section", school_code, section_number])
}

/// A student, by the district-wide StudentID.
pub fn student(student_id: &str) -> String {
    compound_id(&["student", student_id])
}

/// A staff member, by staff ID.
pub fn staff(staff_id: &str) -> String {
    compound_id(&["staff", staff_id])
}

/// A contact (an adult listed on a student's contact rows).
///
/// With a non-zero `FamilyKey` the id is the family plus the normalized first, middle and last
/// name, so the same adult listed under several siblings is one person; without one it is the
/// contact row's own key (StudentID, SequenceNumber).
pub fn contact(
    family_key: &str,
    student_id: &str,
    sequence_number: &str,
    name: [&str; 3],
) -> String {
    let family = family_key.trim();
    let [first, middle, last] = name.map(normalize_name);
    if family.is_empty() || family == "0" || (first.is_empty() && last.is_empty()) {
        compound_id(&["contact", "row", student_id, sequence_number])
    } else {
        compound_id(&["contact", family, &first, &middle, &last])
    }
}

/// Lower case, inner whitespace collapsed, surrounding whitespace and `.` / `,` dropped.
fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name
        .split(|c: char| c.is_whitespace() || c == '.' || c == ',')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_of_one_family_share_an_id_across_siblings() {
        let a = contact("1234", "99400001", "1", ["Anne ", "", "ABBOTT"]);
        let b = contact("1234", "99400002", "3", ["anne", " ", "Abbott"]);
        assert_eq!(a, b);
        assert_eq!(a, "contact|1234|anne||abbott");
        assert_ne!(a, contact("1234", "99400001", "2", ["Allan", "", "Abbott"]));
        assert_ne!(
            a,
            contact("1234", "99400001", "2", ["Anne", "Marie", "Abbott"])
        );
        assert_eq!(
            contact("0", "99400001", "2", ["Allan", "", "Abbott"]),
            "contact|row|99400001|2"
        );
        assert_eq!(contact("", "7", "1", [" ", "", ""]), "contact|row|7|1");
    }

    #[test]
    fn kinds_never_collide() {
        assert_ne!(student("5"), staff("5"));
        assert_eq!(section("994", "12"), "section|994|12");
        assert_eq!(term("994", "F"), "term|994|F");
    }
}
