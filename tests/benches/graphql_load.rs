//! GraphQL load benchmark: a generated district synced through the OneRoster CSV connector by
//! the real binary, then `homeroom serve` driven by a closed-loop Rust HTTP load generator
//! (tokio tasks over keep-alive connections) at a fixed concurrency, one query at a time, as a
//! district admin, a teacher and a guardian of that district. Prints throughput, p50 and p99 per
//! query, and each throughput as a share of `viewer`'s (issue 19's goals are such ratios).
//!
//! ```sh
//! cargo bench -p homeroom-tests --bench graphql_load -- --students 50000
//! cargo bench -p homeroom-tests --bench graphql_load -- --students 5000 --backend sqlite
//! ```
//!
//! `--concurrency N` (default 16) requests in flight; `--seconds S` (default 10) measured per
//! query after `--warmup S` (default 2); `--backend postgres|sqlite` (default postgres);
//! `--pg URL`; `--bin PATH` runs a prebuilt `homeroom` instead of building the release binary
//! first; `--work DIR` keeps generated districts elsewhere than the temp dir; `--only NAME,…`
//! runs only the named rows; `--reuse` measures the district a previous run synced (its
//! database as that run and any changes since left it) instead of syncing it again. Any failed
//! request (transport error, non-200 answer or GraphQL `errors`) is counted, reported loudly,
//! and makes the bench exit non-zero.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use homeroom_tests::load::{self, Request, Serve};
use serde_json::{Value, json};

struct Args {
    students: Vec<usize>,
    backend: String,
    pg: String,
    work: PathBuf,
    bin: Option<PathBuf>,
    concurrency: usize,
    seconds: f64,
    warmup: f64,
    only: Vec<String>,
    reuse: bool,
}

fn args() -> Result<Args> {
    let mut a = Args {
        students: vec![5_000],
        backend: "postgres".into(),
        pg: std::env::var("HOMEROOM_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into()),
        work: std::env::temp_dir().join("homeroom-load-bench"),
        bin: None,
        concurrency: 16,
        seconds: 10.0,
        warmup: 2.0,
        only: Vec::new(),
        reuse: false,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let next = argv.get(i + 1).cloned().unwrap_or_default();
        let mut takes_value = true;
        match argv[i].as_str() {
            "--students" => {
                a.students = next
                    .split(',')
                    .map(|s| s.parse().with_context(|| format!("--students {s}")))
                    .collect::<Result<_>>()?;
            }
            "--backend" => a.backend = next,
            "--pg" => a.pg = next,
            "--work" => a.work = PathBuf::from(next),
            "--bin" => a.bin = Some(PathBuf::from(next)),
            "--concurrency" => a.concurrency = next.parse().context("--concurrency")?,
            "--seconds" => a.seconds = next.parse().context("--seconds")?,
            "--warmup" => a.warmup = next.parse().context("--warmup")?,
            "--only" => a.only = next.split(',').map(str::to_owned).collect(),
            "--reuse" => {
                a.reuse = true;
                takes_value = false;
            }
            // `cargo bench` passes `--bench` to every harness-less bench.
            _ => takes_value = false,
        }
        i += if takes_value { 2 } else { 1 };
    }
    if !matches!(a.backend.as_str(), "postgres" | "sqlite") {
        bail!("--backend must be postgres or sqlite");
    }
    if a.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    Ok(a)
}

/// Runs `homeroom ARGS…` and returns its stdout; an error when it exits non-zero.
fn homeroom(bin: &Path, args: &[&str], key: &str) -> Result<String> {
    let out = Command::new(bin)
        .args(args)
        .env("HOMEROOM_LOG", "warn")
        .env("HOMEROOM_SECRET_KEY", key)
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if !out.status.success() {
        bail!(
            "homeroom {args:?} exited {}: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn psql(pg: &str, sql: &str) -> Result<()> {
    let out = Command::new("psql")
        .arg(format!("{pg}/postgres"))
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .context("running psql")?;
    if !out.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

/// Generates (once per size, kept in the work dir) and syncs a district; returns the
/// database URL.
fn prepare(a: &Args, bin: &Path, students: usize, key: &str) -> Result<String> {
    let dir = a.work.join(format!("d{students}"));
    if !dir.join("day1/manifest.csv").exists() {
        let started = Instant::now();
        homeroom(
            bin,
            &[
                "generate-district",
                "--students",
                &students.to_string(),
                "--out",
                &dir.display().to_string(),
                "--seed",
                "1",
            ],
            key,
        )?;
        eprintln!(
            "generated {students} students in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let db_name = format!("homeroom_load_{students}");
    // Written after a sync succeeds; `--reuse` then measures that database again as it is.
    let synced = dir.join(format!("synced-{}", a.backend));
    if a.reuse
        && let Ok(url) = std::fs::read_to_string(&synced)
    {
        eprintln!("reusing the {students}-student district synced before: {url}");
        return Ok(url);
    }
    let _ = std::fs::remove_file(&synced);
    let url = if a.backend == "postgres" {
        psql(
            &a.pg,
            &format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"),
        )?;
        psql(&a.pg, &format!("CREATE DATABASE {db_name}"))?;
        format!("{}/{db_name}", a.pg)
    } else {
        let file = a.work.join(format!("{db_name}.db"));
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", file.display()));
        }
        format!("sqlite://{}", file.display())
    };
    let config = json!({ "path": dir.join("day1").display().to_string() }).to_string();
    let connector = homeroom(
        bin,
        &[
            "connector",
            "add",
            "oneroster-csv",
            "--name",
            "bench",
            "--config",
            &config,
            "--database-url",
            &url,
        ],
        key,
    )?;
    let started = Instant::now();
    let report = homeroom(
        bin,
        &["sync", "run", &connector, "--database-url", &url, "--json"],
        key,
    )?;
    if !report.contains("\"succeeded\"") {
        bail!("the sync did not succeed: {report}");
    }
    eprintln!(
        "synced {students} students on {} in {:.1} s",
        a.backend,
        started.elapsed().as_secs_f64()
    );
    std::fs::write(&synced, &url).context("recording the synced district")?;
    Ok(url)
}

/// `value` at the JSON `path`, or an error naming the path and the whole answer.
fn at<'v>(value: &'v Value, path: &str) -> Result<&'v Value> {
    value
        .pointer(path)
        .filter(|v| !v.is_null())
        .with_context(|| format!("{path} missing or null in {value}"))
}

fn str_at(value: &Value, path: &str) -> Result<String> {
    at(value, path)?
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("{path} is not a string in {value}"))
}

/// The principals and records the queries read.
struct Cast {
    admin: String,
    teacher: String,
    guardian: String,
    class_id: String,
    class_students: usize,
    class_families: u64,
    student_id: String,
    guardian_students: usize,
    /// A school admin's token and a student of their school, when the district has one.
    school_admin: Option<(String, String)>,
    people: u64,
    students: u64,
    classes: u64,
}

/// The first person (in id order) the caller sees who holds `$role`.
const FIRST_WITH_ROLE: &str =
    "query($role: Role) { people(filter: { role: $role }, first: 1) { nodes { id } } }";

const CLASS_CANDIDATES: &str = r#"query($after: String) {
  classes(first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      teachers { id }
      students { id guardians { status guardian { id contactPoints { kind } } } }
    }
  }
}"#;

/// Creates the tokens and picks the records: a real administrator for the admin token, a
/// teacher of a class of at least 20 students whose families have contact points, a student of
/// that class, and one of that student's guardians.
async fn cast(serve: &Serve, bin: &Path, url: &str, key: &str) -> Result<Cast> {
    let token = |role: &str, person: Option<&str>| -> Result<String> {
        let mut args = vec!["token", "create", "--role", role, "--database-url", url];
        if let Some(p) = person {
            args.extend(["--person", p]);
        }
        homeroom(bin, &args, key)
    };
    let operator = token("district_admin", None)?;
    // A real administrator from the SIS: a district admin, else a school admin (the generated
    // districts' `administrator` staff), who then acts with the district_admin role.
    let mut admin_person = None;
    for role in ["DISTRICT_ADMIN", "SCHOOL_ADMIN"] {
        let v = serve
            .graphql(&operator, FIRST_WITH_ROLE, json!({ "role": role }))
            .await?;
        if let Some(id) = v.pointer("/data/people/nodes/0/id").and_then(Value::as_str) {
            admin_person = Some(id.to_owned());
            break;
        }
    }
    let admin = match &admin_person {
        Some(id) => token("district_admin", Some(id))?,
        None => {
            eprintln!("the district has no administrator: the admin token stands for no person");
            operator.clone()
        }
    };
    let counts = serve
        .graphql(
            &admin,
            "{ people { totalCount } students: people(filter: { role: STUDENT }) { totalCount } \
             classes { totalCount } }",
            json!({}),
        )
        .await?;
    let count = |p: &str| at(&counts, p).map(|v| v.as_u64().unwrap_or(0));
    let (people, students, classes) = (
        count("/data/people/totalCount")?,
        count("/data/students/totalCount")?,
        count("/data/classes/totalCount")?,
    );

    // The first class (in creation order) with a teacher, ≥ 20 students, and a student with
    // an active guardian who has a contact point.
    let mut after = Value::Null;
    let picked = 'search: loop {
        let page = serve
            .graphql(&admin, CLASS_CANDIDATES, json!({ "after": after }))
            .await?;
        let nodes = at(&page, "/data/classes/nodes")?
            .as_array()
            .cloned()
            .unwrap_or_default();
        for class in &nodes {
            let students = class["students"].as_array().cloned().unwrap_or_default();
            let Some(teacher) = class.pointer("/teachers/0/id").and_then(Value::as_str) else {
                continue;
            };
            if students.len() < 20 {
                continue;
            }
            let families = students
                .iter()
                .flat_map(|s| s["guardians"].as_array().cloned().unwrap_or_default())
                .filter(|g| g["status"] == "ACTIVE")
                .count() as u64;
            for s in &students {
                for g in s["guardians"].as_array().into_iter().flatten() {
                    let has_contact = g
                        .pointer("/guardian/contactPoints")
                        .and_then(Value::as_array)
                        .is_some_and(|c| !c.is_empty());
                    if g["status"] == "ACTIVE" && has_contact {
                        break 'search (
                            str_at(class, "/id")?,
                            teacher.to_owned(),
                            students.len(),
                            families,
                            str_at(s, "/id")?,
                            str_at(g, "/guardian/id")?,
                        );
                    }
                }
            }
        }
        if at(&page, "/data/classes/pageInfo/hasNextPage")? != &Value::Bool(true) {
            bail!("no class has a teacher, 20 students and a guardian with a contact point");
        }
        after = at(&page, "/data/classes/pageInfo/endCursor")?.clone();
    };
    let (class_id, teacher_id, class_students, class_families, student_id, guardian_id) = picked;
    let teacher = token("teacher", Some(&teacher_id))?;
    let guardian = token("guardian", Some(&guardian_id))?;
    let mine = serve
        .graphql(
            &guardian,
            "{ viewer { person { students { student { id } } } } }",
            json!({}),
        )
        .await?;
    let guardian_students = at(&mine, "/data/viewer/person/students")?
        .as_array()
        .map_or(0, Vec::len);
    let school_admin = school_admin_and_student(serve, &operator, &token).await?;
    Ok(Cast {
        school_admin,
        admin,
        teacher,
        guardian,
        class_id,
        class_students,
        class_families,
        student_id,
        guardian_students,
        people,
        students,
        classes,
    })
}

const VIEWER: &str = "{ viewer { __typename } }";

const PERSON: &str = "query($id: ID!) {
  person(id: $id) { id displayName givenName familyName grade status }
}";

const ROSTER: &str = "query($id: ID!) {
  class(id: $id) {
    id title
    students {
      id displayName grade
      guardians {
        kind
        guardian { id displayName contactPoints { kind value masked reachable } }
      }
    }
  }
}";

/// The console's Families page query.
const INVITE_MANAGER: &str = "query($id: ID!) {
  class(id: $id) {
    id title
    students { id displayName }
    familyInviteManager(first: 500) {
      totalCount
      nodes {
        id kind state
        guardian { id displayName }
        student { id displayName }
        contactPoints { id kind value masked verified reachable unreachableReason }
        invitation { id status channel lastError attempts resendCount sentAt deliveredAt acceptedAt expiresAt }
      }
    }
  }
}";

const PEOPLE_PAGE: &str = "{
  people(filter: { role: STUDENT }, first: 20) {
    totalCount
    edges { cursor node { id displayName grade } }
    pageInfo { hasNextPage endCursor }
  }
}";

const PEOPLE_PAGE_NO_COUNT: &str = "{
  people(filter: { role: STUDENT }, first: 20) {
    edges { cursor node { id displayName grade } }
    pageInfo { hasNextPage endCursor }
  }
}";

const GUARDIAN_STUDENTS: &str = "{
  viewer {
    person {
      students {
        kind
        student {
          id displayName grade
          classes { id title teachers { id displayName } }
        }
      }
    }
  }
}";

/// The first school admin's token and the first student they see (a school admin sees whole
/// schools, so their checks are the widest a point read makes), or `None` without one.
async fn school_admin_and_student(
    serve: &Serve,
    operator: &str,
    token: &dyn Fn(&str, Option<&str>) -> Result<String>,
) -> Result<Option<(String, String)>> {
    let first = |v: &Value| {
        v.pointer("/data/people/nodes/0/id")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let found = serve
        .graphql(operator, FIRST_WITH_ROLE, json!({ "role": "SCHOOL_ADMIN" }))
        .await?;
    let Some(person) = first(&found) else {
        return Ok(None);
    };
    let sa = token("school_admin", Some(&person))?;
    let theirs = serve
        .graphql(&sa, FIRST_WITH_ROLE, json!({ "role": "STUDENT" }))
        .await?;
    Ok(first(&theirs).map(|student| (sa, student)))
}

/// One row of the table: a name, who asks, the request, and a JSON pointer that must be
/// non-null in the answer (so a query the caller may not see fails the setup instead of
/// measuring a fast `null`).
struct Case {
    name: &'static str,
    who: &'static str,
    query: &'static str,
    vars: Value,
    token: String,
    must: &'static str,
}

fn cases(c: &Cast) -> Vec<Case> {
    let id = |v: &str| json!({ "id": v });
    let case = |name, who, query, vars, token: &str, must| Case {
        name,
        who,
        query,
        vars,
        token: token.to_owned(),
        must,
    };
    let mut all = vec![
        case(
            "viewer",
            "admin",
            VIEWER,
            json!({}),
            &c.admin,
            "/data/viewer",
        ),
        case(
            "person",
            "admin",
            PERSON,
            id(&c.student_id),
            &c.admin,
            "/data/person/id",
        ),
        case(
            "person",
            "teacher",
            PERSON,
            id(&c.student_id),
            &c.teacher,
            "/data/person/id",
        ),
        case(
            "person",
            "guardian",
            PERSON,
            id(&c.student_id),
            &c.guardian,
            "/data/person/id",
        ),
        case(
            "roster",
            "teacher",
            ROSTER,
            id(&c.class_id),
            &c.teacher,
            "/data/class/students/19/guardians/0/guardian/contactPoints",
        ),
        case(
            "roster",
            "admin",
            ROSTER,
            id(&c.class_id),
            &c.admin,
            "/data/class/students/19/guardians/0/guardian/contactPoints",
        ),
        case(
            "invite-manager",
            "teacher",
            INVITE_MANAGER,
            id(&c.class_id),
            &c.teacher,
            "/data/class/familyInviteManager/nodes/0/state",
        ),
        case(
            "people-page",
            "admin",
            PEOPLE_PAGE,
            json!({}),
            &c.admin,
            "/data/people/edges/19/node/id",
        ),
        case(
            "people-page-no-count",
            "admin",
            PEOPLE_PAGE_NO_COUNT,
            json!({}),
            &c.admin,
            "/data/people/edges/19/node/id",
        ),
        case(
            "guardian-students",
            "guardian",
            GUARDIAN_STUDENTS,
            json!({}),
            &c.guardian,
            "/data/viewer/person/students/0/student/classes/0/teachers/0/displayName",
        ),
    ];
    if let Some((token, student)) = &c.school_admin {
        all.insert(
            4,
            case(
                "person",
                "school admin",
                PERSON,
                id(student),
                token,
                "/data/person/id",
            ),
        );
    }
    all
}

/// CPU time (user + system) of a process so far, in clock ticks (100 a second on Linux).
fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): state is 3rd, utime 14th, stime 15th.
    let rest: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?)
}

/// CPU ticks of this process, of the server, and of every `postgres` process on the machine.
fn cpu_snapshot(server: u32) -> [u64; 3] {
    let mut pg = 0;
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let name = e.file_name();
            let Some(pid) = name
                .to_str()
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            else {
                continue;
            };
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if comm.trim() == "postgres" {
                pg += cpu_ticks(pid).unwrap_or(0);
            }
        }
    }
    [
        cpu_ticks("self").unwrap_or(0),
        cpu_ticks(&server.to_string()).unwrap_or(0),
        pg,
    ]
}

fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let bin = match a.bin.clone() {
        Some(bin) => bin,
        None => homeroom_tests::server::binary()?,
    };
    std::fs::create_dir_all(&a.work)?;
    let key = homeroom_tests::sync::test_key_base64();
    let mut failed = Vec::new();
    for &n in &a.students {
        let url = prepare(&a, &bin, n, &key)?;
        let serve = Serve::start(&bin, &url, &[("HOMEROOM_SECRET_KEY", key.clone())]).await?;
        let cast = cast(&serve, &bin, &url, &key).await?;
        let cases = cases(&cast);
        // Every query answers, without errors and with what it is meant to read, before any
        // is measured.
        for c in &cases {
            let answer = serve
                .graphql(&c.token, c.query, c.vars.clone())
                .await
                .with_context(|| format!("{} as {}", c.name, c.who))?;
            at(&answer, c.must).with_context(|| format!("{} as {}", c.name, c.who))?;
        }
        println!();
        println!(
            "## {n} students on {} ({} people, {} students, {} classes); concurrency {}, {} s per query after {} s warm-up",
            a.backend, cast.people, cast.students, cast.classes, a.concurrency, a.seconds, a.warmup
        );
        println!(
            "class: {} students, {} active guardian links; the guardian has {} student(s); binary {}",
            cast.class_students,
            cast.class_families,
            cast.guardian_students,
            bin.display()
        );
        println!();
        println!(
            "| query | as | rps | % of viewer | p50 ms | p99 ms | max ms | requests | errors | CPU cores: load gen / server / postgres |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|");
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(a.concurrency)
            .tcp_nodelay(true)
            .build()?;
        let endpoint = format!("{}/graphql", serve.base);
        let mut floor = None;
        for c in &cases {
            if !a.only.is_empty() && !a.only.iter().any(|o| o == c.name) && c.name != "viewer" {
                continue;
            }
            let req = Request::new(c.query, &c.vars, &c.token);
            load::drive(
                &client,
                &endpoint,
                &req,
                a.concurrency,
                Duration::from_secs_f64(a.warmup),
                Duration::ZERO,
            )
            .await?;
            let before = cpu_snapshot(serve.pid());
            let out = load::drive(
                &client,
                &endpoint,
                &req,
                a.concurrency,
                Duration::ZERO,
                Duration::from_secs_f64(a.seconds),
            )
            .await?;
            let after = cpu_snapshot(serve.pid());
            let cores = |i: usize| {
                after[i].saturating_sub(before[i]) as f64 / 100.0 / out.elapsed.as_secs_f64()
            };
            let rps = out.rps();
            let floor_rps = *floor.get_or_insert(rps);
            println!(
                "| {} | {} | {rps:.0} | {:.0}% | {:.1} | {:.1} | {:.1} | {} | {} | {:.2} / {:.2} / {:.2} |",
                c.name,
                c.who,
                100.0 * rps / floor_rps,
                out.ms(0.5),
                out.ms(0.99),
                out.ms(1.0),
                out.requests,
                if out.errors == 0 {
                    "0".to_owned()
                } else {
                    format!("**{}**", out.errors)
                },
                cores(0),
                cores(1),
                cores(2),
            );
            if out.errors > 0 {
                failed.push(format!(
                    "{n} students, {} as {}: {} of {} requests failed, e.g. {:?}",
                    c.name, c.who, out.errors, out.requests, out.samples
                ));
            }
        }
        println!();
        if let Some(mb) = rss_mb(serve.pid()) {
            println!("server RSS after the run: {mb:.0} MB");
        }
        // The machine is shared: say how busy it was (other processes skew every figure).
        if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
            println!(
                "load average at the end (1/5/15 min): {}",
                load.split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
    if !failed.is_empty() {
        eprintln!();
        eprintln!("!!!!!!!! REQUESTS FAILED: these figures are not valid !!!!!!!!");
        for f in &failed {
            eprintln!("!!! {f}");
        }
        bail!("{} queries had failed requests", failed.len());
    }
    Ok(())
}
