//! What every read loads first: the schools, the relationship code table and the teacher
//! records (which tie school-scoped teacher numbers to staff).

use homeroom_connector_core::{ConnectorError, EntityKind, IssueSeverity};

use crate::api::Api;
use crate::codes::RelationshipCodes;
use crate::config::AeriesConfig;
use crate::cursor::Cursor;
use crate::emit::{Emitter, Halt};
use crate::ids;
use crate::mapping::{StaffSchools, TeacherIndex, is_active, map_school};
use crate::wire;

/// The schools read, the district org and the lookups built from them.
#[derive(Debug, Default)]
pub(crate) struct Site {
    /// External id of the district org (school 0), when the site serves it.
    pub district: Option<String>,
    /// The district office's record, if any.
    pub district_school: Option<wire::School>,
    /// The schools read (the district office excluded).
    pub schools: Vec<wire::School>,
    /// Relationship code decoding.
    pub codes: RelationshipCodes,
    /// (SchoolCode, TeacherNumber) → StaffID.
    pub teachers: TeacherIndex,
    /// StaffID → schools where they teach.
    pub teaches_at: StaffSchools,
}

/// The district server's clock (`GET /systeminfo`).
pub(crate) async fn server_time(api: &Api) -> Result<Cursor, ConnectorError> {
    let info: wire::SystemInfo = api.object("systeminfo", "Aeries systeminfo").await?;
    Cursor::from_server_time(&info.local_date_time)
}

impl Site {
    /// Loads the schools (emitting their orgs when `emit_orgs`), the code table and the
    /// teacher records. No school is an empty roster.
    pub(crate) async fn load(
        api: &Api,
        config: &AeriesConfig,
        em: &mut Emitter,
    ) -> Result<Site, Halt> {
        let all: Vec<wire::School> = api.list("schools", &[], "schools").await?;
        let mut site = Site::default();
        for school in all {
            let code: u32 = match school.school_code.parse() {
                Ok(code) => code,
                Err(_) => {
                    em.issue(
                        IssueSeverity::Error,
                        "invalid_value",
                        Some(EntityKind::Org),
                        Some(school.school_code.clone()),
                        format!(
                            "/schools: SchoolCode `{}` is not a number; the school is skipped",
                            school.school_code
                        ),
                    );
                    continue;
                }
            };
            if code == 0 {
                site.district = Some(ids::school("0"));
                site.district_school = Some(school);
            } else if config.reads_school(code) {
                site.schools.push(school);
            }
        }
        if site.schools.is_empty() {
            return Err(ConnectorError::EmptyRoster(format!(
                "{} listed no {}schools",
                api.url("schools", &[]),
                if config.school_codes.is_some() {
                    "configured "
                } else {
                    ""
                }
            ))
            .into());
        }
        site.codes = match api
            .list_or_missing::<wire::Code>("codes/CON/RL", &[], "contact relationship codes")
            .await
        {
            Ok(Some(table)) => RelationshipCodes::new(&table, &config.relationship_codes),
            Ok(None) | Err(ConnectorError::Auth(_)) => {
                em.issue(
                    IssueSeverity::Warning,
                    "code_table_unavailable",
                    None,
                    None,
                    "the contact relationship code table (/codes/CON/RL) could not be read; only the configured relationship_codes are decoded".into(),
                );
                RelationshipCodes::new(&[], &config.relationship_codes)
            }
            Err(e) => return Err(e.into()),
        };
        for school in &site.schools {
            let path = format!("schools/{}/teachers", school.school_code);
            let teachers: Vec<wire::Teacher> = api.list(&path, &[], "teachers").await?;
            for t in teachers {
                if t.teacher_number.is_empty() || t.staff_id1.is_empty() || t.staff_id1 == "0" {
                    continue;
                }
                site.teachers.insert(
                    (school.school_code.clone(), t.teacher_number.clone()),
                    t.staff_id1.clone(),
                );
                if is_active(&t.inactive_status_code) {
                    let schools = site.teaches_at.entry(t.staff_id1.clone()).or_default();
                    if !schools.contains(&school.school_code) {
                        schools.push(school.school_code.clone());
                    }
                }
            }
        }
        Ok(site)
    }

    /// Emits the district org and the schools.
    pub(crate) async fn emit_orgs(&self, em: &mut Emitter) -> Result<(), Halt> {
        for school in self.district_school.iter().chain(&self.schools) {
            match map_school(school, self.district.as_deref()) {
                Ok(org) => em.push(org).await?,
                Err(why) => em.issue(
                    IssueSeverity::Error,
                    "invalid_value",
                    Some(EntityKind::Org),
                    Some(school.school_code.clone()),
                    format!("/schools: {why}"),
                ),
            }
        }
        Ok(())
    }
}
