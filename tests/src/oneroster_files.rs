//! Writing small OneRoster 1.1 CSV folders by hand, for identity-rule tests.

use std::path::Path;

use anyhow::Result;

/// Header of users.csv (OneRoster 1.1).
pub const USERS: &str = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password";

/// A user row: (id, role, given, family, identifier, email, phone, agents, grades).
pub struct User<'a> {
    /// sourcedId.
    pub id: &'a str,
    /// role (student, teacher, parent, guardian, relative, administrator, aide).
    pub role: &'a str,
    /// givenName.
    pub given: &'a str,
    /// familyName.
    pub family: &'a str,
    /// identifier (student number).
    pub identifier: &'a str,
    /// email.
    pub email: &'a str,
    /// phone.
    pub phone: &'a str,
    /// agentSourcedIds, comma-separated.
    pub agents: &'a str,
}

fn quote(s: &str) -> String {
    if s.contains(',') || s.contains('"') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Writes a one-school OneRoster 1.1 bulk folder with `users`, one class `c1` taught by the
/// first teacher, every student enrolled in it.
pub fn write(dir: &Path, users: &[User<'_>]) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let w = |name: &str, body: String| std::fs::write(dir.join(name), body);
    w(
        "manifest.csv",
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.academicSessions,bulk\nfile.categories,absent\nfile.classes,bulk\nfile.classResources,absent\nfile.courses,bulk\nfile.courseResources,absent\nfile.demographics,absent\nfile.enrollments,bulk\nfile.lineItems,absent\nfile.orgs,bulk\nfile.resources,absent\nfile.results,absent\nfile.users,bulk\n".into(),
    )?;
    w(
        "orgs.csv",
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nd1,,,Test District,district,TD,\ns1,,,Test School,school,TS,d1\n".into(),
    )?;
    w(
        "academicSessions.csv",
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\ny1,,,2026-2027,schoolYear,2026-08-24,2027-06-11,,2027\n".into(),
    )?;
    w(
        "courses.csv",
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\nk1,,,y1,Math 5,M5,05,s1,,\n".into(),
    )?;
    w(
        "classes.csv",
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\nc1,,,Math 5 - A,05,k1,M5A,scheduled,,s1,y1,,,\n".into(),
    )?;
    let mut u = format!("{USERS}\n");
    for x in users {
        let org = if matches!(x.role, "parent" | "guardian" | "relative") {
            ""
        } else {
            "s1"
        };
        let grades = if x.role == "student" { "05" } else { "" };
        u.push_str(&format!(
            "{},,,true,{org},{},{},,{},{},,{},{},,{},{},{grades},\n",
            x.id,
            x.role,
            x.id,
            x.given,
            x.family,
            x.identifier,
            x.email,
            x.phone,
            quote(x.agents)
        ));
    }
    w("users.csv", u)?;
    let mut e = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n".to_owned();
    let mut teacher_done = false;
    for x in users {
        let role = match x.role {
            "student" => "student",
            "teacher" if !teacher_done => {
                teacher_done = true;
                "teacher"
            }
            _ => continue,
        };
        e.push_str(&format!(
            "e-{},,,c1,s1,{},{role},{},,\n",
            x.id,
            x.id,
            role == "teacher"
        ));
    }
    w("enrollments.csv", e)?;
    Ok(())
}

/// A user of family name "Test"; a student's identifier is its id, an adult has none.
pub fn user<'a>(
    id: &'a str,
    role: &'a str,
    given: &'a str,
    email: &'a str,
    agents: &'a str,
) -> User<'a> {
    User {
        id,
        role,
        given,
        family: "Test",
        identifier: if role == "student" { id } else { "" },
        email,
        phone: "",
        agents,
    }
}

/// The files of `dir` (not its sub-folders) as a zip archive, as a SIS exports them.
pub fn zip(dir: &Path) -> Result<Vec<u8>> {
    use std::io::Write as _;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .collect();
    names.sort_by_key(|e| e.file_name());
    for entry in names {
        out.start_file(entry.file_name().to_string_lossy(), options)?;
        out.write_all(&std::fs::read(entry.path())?)?;
    }
    Ok(out.finish()?.into_inner())
}
