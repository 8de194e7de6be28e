//! Class ownership: local title and join code, participants added and removed by hand, and
//! students joining a claimed class with its code.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use crate::UserError;
use crate::context::req;
use crate::ids::{NodeKind, decode_as};
use crate::types::class::Class;
use crate::types::enums::EnrollmentRole;
use crate::types::person::Person;
use homeroom_service::classes::{ClassChanges, Edit};
use homeroom_service::error::ServiceError;
use homeroom_service::participants::{Membership, NewStudent, Participant};

/// Result of `updateClass`.
#[derive(SimpleObject)]
pub struct UpdateClassPayload {
    /// The class after the change (null when refused).
    pub class: Option<Class>,
    /// Why the change was refused, if it was.
    pub user_errors: Vec<UserError>,
}

/// Result of adding, removing or joining.
#[derive(SimpleObject)]
pub struct ParticipantPayload {
    /// The class (null when refused).
    pub class: Option<Class>,
    /// The person whose place changed (null when refused).
    pub person: Option<Person>,
    /// Why the change was refused, if it was.
    pub user_errors: Vec<UserError>,
}

impl From<Result<Membership, homeroom_service::UserError>> for ParticipantPayload {
    fn from(outcome: Result<Membership, homeroom_service::UserError>) -> Self {
        match outcome {
            Ok((class, person)) => ParticipantPayload {
                class: Some(Class(class)),
                person: Some(Person(person)),
                user_errors: Vec::new(),
            },
            Err(e) => ParticipantPayload {
                class: None,
                person: None,
                user_errors: vec![e.into()],
            },
        }
    }
}

/// A student created while being added to a class.
#[derive(InputObject)]
pub struct NewStudentInput {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Student number (unique among the district's students).
    pub student_number: Option<String>,
    /// Grade.
    pub grade: Option<String>,
}

fn edit(value: MaybeUndefined<String>) -> Edit {
    match value {
        MaybeUndefined::Undefined => Edit::Keep,
        MaybeUndefined::Null => Edit::Clear,
        MaybeUndefined::Value(v) => Edit::Set(v),
    }
}

/// Class ownership mutations.
#[derive(Default)]
pub struct ClassAdminMutation;

#[Object]
impl ClassAdminMutation {
    /// Sets local fields sync never overwrites: `title` (shown instead of the SIS title) and
    /// `joinCode`. Omit an argument to keep the field; null clears it (a declared variable left
    /// unset counts as null). A teacher of the class or an admin.
    async fn update_class(
        &self,
        ctx: &Context<'_>,
        id: ID,
        title: MaybeUndefined<String>,
        join_code: MaybeUndefined<String>,
    ) -> Result<UpdateClassPayload> {
        let r = req(ctx);
        let class_id = decode_as(NodeKind::Class, &id)?;
        let changes = ClassChanges {
            title: edit(title),
            join_code: edit(join_code),
        };
        let outcome =
            homeroom_service::classes::update(&r.store, r.principal()?, &class_id, changes).await?;
        Ok(match outcome {
            Ok(class) => UpdateClassPayload {
                class: Some(Class(class)),
                user_errors: Vec::new(),
            },
            Err(e) => UpdateClassPayload {
                class: None,
                user_errors: vec![e.into()],
            },
        })
    }

    /// Adds an existing person (`personId`) or a new student (`newStudent`) to a class by hand;
    /// sync never removes such an enrollment. Teachers add students; admins add anyone.
    async fn add_participant(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        person_id: Option<ID>,
        new_student: Option<NewStudentInput>,
        #[graphql(desc = "Role in the class (default STUDENT).")] role: Option<EnrollmentRole>,
    ) -> Result<ParticipantPayload> {
        let r = req(ctx);
        let class = decode_as(NodeKind::Class, &class_id)?;
        let who = match (person_id, new_student) {
            (Some(p), None) => Participant::Existing(decode_as(NodeKind::Person, &p)?),
            (None, Some(s)) => Participant::New(NewStudent {
                given_name: s.given_name,
                family_name: s.family_name,
                student_number: s.student_number,
                grade: s.grade,
            }),
            _ => {
                return Err(ServiceError::BadUserInput(
                    "give exactly one of personId and newStudent".into(),
                )
                .into());
            }
        };
        Ok(homeroom_service::participants::add(
            &r.store,
            r.principal()?,
            &class,
            who,
            role.unwrap_or(EnrollmentRole::Student).into(),
        )
        .await?
        .into())
    }

    /// Removes a person from a class: an admin, a teacher of the class (for its students), or
    /// the person themselves; with rostering enforcement on, SIS-linked people only by an admin.
    async fn remove_participant(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        person_id: ID,
    ) -> Result<ParticipantPayload> {
        let r = req(ctx);
        let class = decode_as(NodeKind::Class, &class_id)?;
        let person = decode_as(NodeKind::Person, &person_id)?;
        Ok(
            homeroom_service::participants::remove(&r.store, r.principal()?, &class, &person)
                .await?
                .into(),
        )
    }

    /// A student joins a claimed class with its join code.
    async fn join_class(&self, ctx: &Context<'_>, join_code: String) -> Result<ParticipantPayload> {
        let r = req(ctx);
        Ok(
            homeroom_service::participants::join(&r.store, r.principal()?, &join_code)
                .await?
                .into(),
        )
    }
}
