//! Class participants by hand: teachers and admins add and remove people (manual enrollments,
//! which sync never changes), students join a claimed class with its join code. With rostering
//! enforcement on, SIS-linked people leave classes only through sync or an admin.

use homeroom_schema::enums::{EnrollmentRole, RecordSource, Role, Status, TokenRole};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{Class, Enrollment, Person};
use homeroom_schema::store::classes as store_classes;
use homeroom_schema::store::{districts, families, links, people};
use homeroom_schema::{Conn, Store, StoreError};
use serde_json::json;

use crate::UserError;
use crate::audit_log;
use crate::auth::{Principal, policy};
use crate::classes::{administers, load_class, teaches_or_holds};
use crate::error::{ServiceError, ServiceResult};

/// A student created while being added to a class.
#[derive(Debug, Clone)]
pub struct NewStudent {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Student number (unique among the district's students).
    pub student_number: Option<String>,
    /// Grade.
    pub grade: Option<String>,
}

/// Who is added to a class.
#[derive(Debug, Clone)]
pub enum Participant {
    /// An existing person.
    Existing(String),
    /// A new student.
    New(NewStudent),
}

/// Join attempts a student may make in [`JOIN_WINDOW_MICROS`].
pub const JOIN_ATTEMPTS: i64 = 10;
/// The join-code rate-limit window.
pub const JOIN_WINDOW_MICROS: i64 = 15 * 60 * 1_000_000;

/// A class and the person whose place in it changed.
pub type Membership = (Class, Person);

/// Enrolls `person` by hand: reactivates an ended enrollment (now manual) or inserts one.
/// `Err(ALREADY_ENROLLED)` when already active.
async fn enroll(
    conn: &mut Conn,
    class: &Class,
    person: &Person,
    role: EnrollmentRole,
) -> ServiceResult<Result<Enrollment, UserError>> {
    match store_classes::enrollment_of(conn, &class.id, &person.id, role).await? {
        Some(e) if e.status == Status::Active => Ok(Err(UserError::new(
            Some("personId"),
            "ALREADY_ENROLLED",
            "the person is already in the class",
        ))),
        Some(e) => {
            store_classes::reactivate_manually(conn, &e.id).await?;
            Ok(Ok(e))
        }
        None => {
            let now = now_micros();
            let row = Enrollment {
                id: new_id(),
                district_id: class.district_id.clone(),
                class_id: class.id.clone(),
                person_id: person.id.clone(),
                role,
                is_primary: false,
                begin_date: None,
                end_date: None,
                source: RecordSource::Manual,
                status: Status::Active,
                created_at: now,
                updated_at: now,
            };
            store_classes::insert_enrollments(conn, std::slice::from_ref(&row)).await?;
            Ok(Ok(row))
        }
    }
}

async fn create_student(
    conn: &mut Conn,
    class: &Class,
    input: &NewStudent,
) -> ServiceResult<Result<Person, UserError>> {
    let given = input.given_name.trim();
    let family = input.family_name.trim();
    if given.is_empty() || family.is_empty() {
        return Ok(Err(UserError::new(
            Some("newStudent"),
            "NAME_REQUIRED",
            "a new student needs a given and a family name",
        )));
    }
    let mut person = people::new_person(&class.district_id, given, family);
    person.is_student = true;
    person.student_number = input
        .student_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    person.grade = input.grade.clone().filter(|g| !g.trim().is_empty());
    if let Some(n) = &person.student_number
        && !people::students_by_number(conn, &class.district_id, std::slice::from_ref(n))
            .await?
            .is_empty()
    {
        return Ok(Err(UserError::new(
            Some("newStudent.studentNumber"),
            "STUDENT_NUMBER_TAKEN",
            "another student has this student number",
        )));
    }
    people::insert(conn, &person).await?;
    people::add_role(
        conn,
        &person,
        Role::Student,
        class.school_id.as_deref(),
        RecordSource::Manual,
    )
    .await?;
    Ok(Ok(person))
}

/// Adds a person (or a new student) to a class by hand: a teacher of the class adds students;
/// an admin adds anyone. Guardians are never enrolled.
pub async fn add(
    store: &Store,
    principal: &Principal,
    class_id: &str,
    who: Participant,
    role: EnrollmentRole,
) -> ServiceResult<Result<Membership, UserError>> {
    store
        .transaction(async |conn| {
            let class = load_class(conn, principal, class_id).await?;
            let is_admin = administers(conn, principal, &class).await?;
            if !is_admin && !teaches_or_holds(conn, principal, &class).await? {
                return Err(ServiceError::Forbidden(
                    "only a teacher of the class or an admin may add people to it".into(),
                ));
            }
            if !is_admin && role != EnrollmentRole::Student {
                return Err(ServiceError::Forbidden(
                    "only an admin may add teachers or aides".into(),
                ));
            }
            if class.status != Status::Active {
                return Ok(Err(UserError::new(
                    Some("classId"),
                    "CLASS_ARCHIVED",
                    "the class is archived",
                )));
            }
            let (person, created) = match &who {
                Participant::Existing(id) => {
                    // The person argument is checked too: someone the caller may not place
                    // is answered exactly like an unknown id.
                    let found = match people::get(conn, &principal.district_id, id).await? {
                        Some(p) if policy::may_place(conn, principal, &class, &p).await? => Some(p),
                        _ => None,
                    };
                    let Some(p) = found else {
                        return Ok(Err(UserError::new(
                            Some("personId"),
                            "NOT_FOUND",
                            "no such person",
                        )));
                    };
                    (p, false)
                }
                Participant::New(input) => {
                    if role != EnrollmentRole::Student {
                        return Ok(Err(UserError::new(
                            Some("role"),
                            "NOT_A_STUDENT",
                            "a new participant is always a student",
                        )));
                    }
                    match create_student(conn, &class, input).await? {
                        Ok(p) => (p, true),
                        Err(e) => return Ok(Err(e)),
                    }
                }
            };
            if person.status != Status::Active {
                return Ok(Err(UserError::new(
                    Some("personId"),
                    "ARCHIVED",
                    "the person is archived",
                )));
            }
            match (role, person.is_student) {
                (EnrollmentRole::Student, false) => {
                    return Ok(Err(UserError::new(
                        Some("personId"),
                        "NOT_A_STUDENT",
                        "only students are enrolled as students (families follow their students)",
                    )));
                }
                (EnrollmentRole::Teacher | EnrollmentRole::Aide, true) => {
                    return Ok(Err(UserError::new(
                        Some("personId"),
                        "NOT_AN_ADULT",
                        "a student cannot teach a class",
                    )));
                }
                _ => {}
            }
            let enrollment = match enroll(conn, &class, &person, role).await? {
                Ok(e) => e,
                Err(e) => return Ok(Err(e)),
            };
            audit_log::record(
                conn,
                principal,
                "enrollment.add",
                ("class", &class.id),
                None,
                Some(json!({
                    "person_id": person.id, "role": role, "enrollment_id": enrollment.id,
                    "new_student": created,
                })),
            )
            .await?;
            Ok(Ok((class, person)))
        })
        .await
}

/// Whether rostering enforcement is on in the caller's district.
pub(crate) async fn rostering_enforced(conn: &mut Conn, district_id: &str) -> ServiceResult<bool> {
    Ok(districts::get(conn, district_id)
        .await?
        .ok_or(StoreError::NotFound)?
        .settings()
        .rostering_enforced)
}

/// Whether the person is linked to a live SIS record.
pub(crate) async fn sis_linked(conn: &mut Conn, person_id: &str) -> ServiceResult<bool> {
    Ok(!links::still_linked(conn, &[person_id.to_owned()], &[])
        .await?
        .is_empty())
}

/// Removes a person from a class (ends their enrollments in it): an admin; a teacher of the
/// class for its students; or the person themselves. With rostering enforcement on, only an
/// admin removes a SIS-linked person.
pub async fn remove(
    store: &Store,
    principal: &Principal,
    class_id: &str,
    person_id: &str,
) -> ServiceResult<Result<Membership, UserError>> {
    store
        .transaction(async |conn| {
            let class = load_class(conn, principal, class_id).await?;
            let is_admin = administers(conn, principal, &class).await?;
            let is_self = principal.person_id.as_deref() == Some(person_id);
            let is_teacher = teaches_or_holds(conn, principal, &class).await?;
            let Some(person) = people::get(conn, &principal.district_id, person_id).await? else {
                return Err(ServiceError::NotFound("person".into()));
            };
            let current = store_classes::active_enrollments_in(conn, &class.id, person_id).await?;
            let only_student = current.iter().all(|e| e.role == EnrollmentRole::Student);
            let allowed = is_admin || is_self || (is_teacher && only_student);
            if !allowed {
                return Err(ServiceError::Forbidden(
                    "only an admin, a teacher of the class (for its students) or the person \
                     themselves may remove someone from a class"
                        .into(),
                ));
            }
            if current.is_empty() {
                return Ok(Err(UserError::new(
                    Some("personId"),
                    "NOT_ENROLLED",
                    "the person is not in the class",
                )));
            }
            if !is_admin
                && rostering_enforced(conn, &principal.district_id).await?
                && sis_linked(conn, person_id).await?
            {
                return Ok(Err(UserError::new(
                    Some("personId"),
                    "ROSTERING_ENFORCED",
                    "the district enforces its SIS roster: this person leaves the class \
                     through the SIS or an admin",
                )));
            }
            let ids: Vec<String> = current.iter().map(|e| e.id.clone()).collect();
            store_classes::end_enrollments(conn, &ids).await?;
            audit_log::record(
                conn,
                principal,
                "enrollment.remove",
                ("class", &class.id),
                Some(json!({ "person_id": person_id, "enrollments": current })),
                None,
            )
            .await?;
            Ok(Ok((class, person)))
        })
        .await
}

/// A student joins a claimed class with its join code.
pub async fn join(
    store: &Store,
    principal: &Principal,
    join_code: &str,
) -> ServiceResult<Result<Membership, UserError>> {
    let (TokenRole::Student, Some(me)) = (principal.role, principal.person_id.clone()) else {
        return Err(ServiceError::Forbidden(
            "only a student joins a class with a code".into(),
        ));
    };
    // Rate limit first, increment-then-check in one statement each: concurrent guesses cannot
    // slip past the count.
    {
        let mut conn = store.conn().await?;
        let key = format!("join:{me}");
        families::record_login_failure(&mut conn, &key).await?;
        let since = homeroom_schema::ids::now_micros() - JOIN_WINDOW_MICROS;
        if families::login_failures_since(&mut conn, &key, since).await? > JOIN_ATTEMPTS {
            return Ok(Err(UserError::new(
                Some("joinCode"),
                "RATE_LIMITED",
                "too many join attempts; wait a few minutes and ask your teacher for the code",
            )));
        }
    }
    store
        .transaction(async |conn| {
            // One answer for a wrong code and a code of a class that cannot be joined.
            let class = store_classes::by_join_code(conn, &principal.district_id, join_code.trim())
                .await?
                .filter(|c| c.status == Status::Active && c.claimed_by.is_some());
            let Some(class) = class else {
                return Ok(Err(UserError::new(
                    Some("joinCode"),
                    "INVALID_JOIN_CODE",
                    "no open class has this join code",
                )));
            };
            let person = people::get(conn, &principal.district_id, &me)
                .await?
                .ok_or_else(|| ServiceError::NotFound("person".into()))?;
            let enrollment = match enroll(conn, &class, &person, EnrollmentRole::Student).await? {
                Ok(e) => e,
                Err(e) => return Ok(Err(e)),
            };
            audit_log::record(
                conn,
                principal,
                "enrollment.join",
                ("class", &class.id),
                None,
                Some(json!({ "person_id": me, "enrollment_id": enrollment.id })),
            )
            .await?;
            Ok(Ok((class, person)))
        })
        .await
}
