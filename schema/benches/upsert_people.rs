//! Storage benchmark: upserts N person rows (default 1,000,000) in batches through
//! `store::bulk::upsert_people` on each backend, and reports rows/s and peak RSS per pass.
//!
//! Passes, on a fresh database per backend:
//! 1. insert every row;
//! 2. the identical rows again, which must write nothing (unchanged `sis_hash`);
//! 3. the rows with 10% of them changed, which must write exactly those.
//!
//! Run: `cargo bench -p homeroom-schema --bench upsert_people [-- OPTIONS]`
//!
//! Options (arguments win over the environment):
//! - `--rows N` / `HOMEROOM_BENCH_ROWS` (default 1,000,000)
//! - `--backend sqlite,postgres` / `HOMEROOM_BENCH_BACKENDS` (default both)
//! - `--pg-url URL` / `HOMEROOM_BENCH_PG_URL` (default `postgres://postgres@127.0.0.1:5432`);
//!   the bench creates and drops its own database `homeroom_bench_<random>` there
//! - `--batch N` / `HOMEROOM_BENCH_BATCH`: rows per `upsert_people` call (default 10,000)
//! - `--tx batch|none` / `HOMEROOM_BENCH_TX`: run each call inside `Store::transaction`
//!   (default) or straight on a connection
//!
//! The default is `batch` because that is how the sync engine calls `upsert_people` (one page per
//! transaction). On the 2-core dev machine `none` measured about 8% faster on SQLite (each chunk
//! then commits its own transaction instead of being a savepoint inside the caller's, and SQLite
//! copies the pages a savepoint modifies to a sub-journal) and no different on PostgreSQL (a
//! 2,000-row statement runs for about 20 ms; its commit is a small part of that).
//!
//! Rows are generated deterministically per batch, so the process never holds more than one
//! batch; only the time spent inside `upsert_people` (and the transaction around it) counts
//! towards rows/s. Peak RSS is the bench process's `VmHWM`, reset before each pass where the
//! kernel allows (`/proc/self/clear_refs`); the database server's memory is not included.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use homeroom_schema::enums::{AccountState, Status};
use homeroom_schema::models::Person;
use homeroom_schema::store::{bulk, districts, people};
use homeroom_schema::{Backend, Conn, PoolOptions, Store, StoreError, tables};
use sha2::{Digest, Sha256};

const DEFAULT_ROWS: usize = 1_000_000;
const DEFAULT_BATCH: usize = 10_000;
const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432";

/// Targets from the foundation issue (rows/s of the insert pass).
const TARGET_SQLITE: f64 = 50_000.0;
const TARGET_POSTGRES: f64 = 100_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TxMode {
    /// Each `upsert_people` call inside `Store::transaction`.
    Batch,
    /// Each call on a plain connection: PostgreSQL commits every statement, SQLite every chunk.
    None,
}

#[derive(Debug, Clone)]
struct Options {
    rows: usize,
    batch: usize,
    backends: Vec<Backend>,
    pg_url: String,
    tx: TxMode,
}

const USAGE: &str = "usage: cargo bench -p homeroom-schema --bench upsert_people -- \
    [--rows N] [--backend sqlite,postgres] [--pg-url URL] [--batch N] [--tx batch|none]";

fn parse_count(what: &str, s: &str) -> Result<usize> {
    let digits: String = s.chars().filter(|c| !matches!(c, '_' | ',')).collect();
    let (num, mult) = match digits.to_ascii_lowercase() {
        d if d.ends_with('m') => (d[..d.len() - 1].to_owned(), 1_000_000),
        d if d.ends_with('k') => (d[..d.len() - 1].to_owned(), 1_000),
        d => (d, 1),
    };
    let n: usize = num
        .parse()
        .with_context(|| format!("{what}: {s:?} is not a count"))?;
    ensure!(n > 0, "{what} must be positive");
    Ok(n * mult)
}

fn parse_backends(s: &str) -> Result<Vec<Backend>> {
    let mut out = Vec::new();
    for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let backend = match name.to_ascii_lowercase().as_str() {
            "sqlite" => Backend::Sqlite,
            "postgres" | "postgresql" | "pg" => Backend::Postgres,
            "both" | "all" => {
                out.extend([Backend::Sqlite, Backend::Postgres]);
                continue;
            }
            other => bail!("unknown backend {other:?} (sqlite, postgres)"),
        };
        out.push(backend);
    }
    out.dedup();
    ensure!(!out.is_empty(), "no backend selected");
    Ok(out)
}

fn parse_tx(s: &str) -> Result<TxMode> {
    match s.to_ascii_lowercase().as_str() {
        "batch" | "tx" | "yes" | "1" | "true" => Ok(TxMode::Batch),
        "none" | "no" | "0" | "false" => Ok(TxMode::None),
        other => bail!("unknown tx mode {other:?} (batch, none)"),
    }
}

impl Options {
    fn from_env_and_args() -> Result<Options> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let mut opts = Options {
            rows: DEFAULT_ROWS,
            batch: DEFAULT_BATCH,
            backends: vec![Backend::Sqlite, Backend::Postgres],
            pg_url: DEFAULT_PG_URL.to_owned(),
            tx: TxMode::Batch,
        };
        if let Some(v) = env("HOMEROOM_BENCH_ROWS") {
            opts.rows = parse_count("HOMEROOM_BENCH_ROWS", &v)?;
        }
        if let Some(v) = env("HOMEROOM_BENCH_BATCH") {
            opts.batch = parse_count("HOMEROOM_BENCH_BATCH", &v)?;
        }
        if let Some(v) = env("HOMEROOM_BENCH_BACKENDS") {
            opts.backends = parse_backends(&v)?;
        }
        if let Some(v) = env("HOMEROOM_BENCH_PG_URL") {
            opts.pg_url = v;
        }
        if let Some(v) = env("HOMEROOM_BENCH_TX") {
            opts.tx = parse_tx(&v)?;
        }

        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let (key, inline) = match arg.split_once('=') {
                Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                None => (arg.clone(), None),
            };
            let mut value = || -> Result<String> {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .with_context(|| format!("{key} needs a value\n{USAGE}"))
            };
            match key.as_str() {
                // `cargo bench` passes `--bench` to every bench binary.
                "--bench" => {}
                "--rows" | "-n" => opts.rows = parse_count("--rows", &value()?)?,
                "--batch" => opts.batch = parse_count("--batch", &value()?)?,
                "--backend" | "--backends" => opts.backends = parse_backends(&value()?)?,
                "--pg-url" => opts.pg_url = value()?,
                "--tx" => opts.tx = parse_tx(&value()?)?,
                "sqlite" | "postgres" | "pg" => opts.backends = parse_backends(&key)?,
                "--help" | "-h" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => bail!("unknown argument {other:?}\n{USAGE}"),
            }
        }
        opts.pg_url = opts.pg_url.trim_end_matches('/').to_owned();
        Ok(opts)
    }
}

// ---------------------------------------------------------------------------------------------
// Deterministic rows

const GIVEN: &[&str] = &[
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Charlotte",
    "Oliver",
    "Amelia",
    "James",
    "Sophia",
    "Elijah",
    "Mia",
    "Mateo",
    "Isabella",
    "Lucas",
    "Ava",
    "Levi",
    "Evelyn",
    "Ezra",
    "Luna",
    "Asher",
    "Harper",
    "Leo",
    "Sofia",
    "Benjamin",
    "Camila",
    "Henry",
    "Eleanor",
    "Jack",
    "Elizabeth",
    "Sebastian",
    "Violet",
    "Daniel",
    "Scarlett",
    "Aiden",
    "Emily",
    "Hudson",
    "Hazel",
    "Samuel",
    "Lily",
    "Ethan",
    "Gianna",
    "Muhammad",
    "Aurora",
    "Jayden",
    "Penelope",
    "Kai",
    "Aria",
    "Wei",
    "Priya",
    "José",
    "Zoë",
    "Nguyễn",
    "Siobhán",
    "Søren",
    "Chidi",
    "Aaliyah",
    "Hiroshi",
    "Fatima",
];

const FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "O'Brien",
    "Van der Berg",
    "Kowalski",
    "Müller",
    "Okafor",
    "Yamamoto",
    "Al-Sayed",
    "Ó Súilleabháin",
    "Chen",
    "Patel",
];

const MIDDLE: &[&str] = &[
    "Marie",
    "James",
    "Grace",
    "Lee",
    "Rose",
    "Alexander",
    "Ann",
    "Michael",
    "Jane",
    "Joseph",
    "Lynn",
    "Thomas",
    "Mae",
    "David",
    "Elizabeth",
    "Ray",
];

const NICK: &[&str] = &[
    "Liv", "Em", "Charlie", "Ollie", "Soph", "Bella", "Ben", "Ellie", "Jack", "Sam", "Lulu",
    "Danny", "Kit", "Max", "Izzy", "AJ",
];

const GRADES: &[&str] = &[
    "PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

/// Fixed base for the ids' UUIDv7 timestamps (2026-09-01T00:00:00Z), so every run and every
/// pass produces the same ids, ascending like ids made in sequence by `new_id`.
const ID_BASE_MS: u64 = 1_788_220_800_000;

fn mix(mut z: u64) -> u64 {
    // splitmix64
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<'a>(list: &[&'a str], h: u64) -> &'a str {
    list[(h % list.len() as u64) as usize]
}

fn id_for(i: u64) -> String {
    let r = mix(i ^ 0xA5A5_5A5A_0F0F_F0F0).to_le_bytes();
    let tail = mix(i.rotate_left(17)).to_le_bytes();
    let mut rand = [0u8; 10];
    rand[..8].copy_from_slice(&r);
    rand[8..].copy_from_slice(&tail[..2]);
    uuid::Builder::from_unix_timestamp_millis(ID_BASE_MS + i, &rand)
        .into_uuid()
        .to_string()
}

/// Whether row `i` is among the 10% changed in pass 3.
fn is_changed(i: u64) -> bool {
    i % 10 == 7
}

/// Person `i`; `changed` applies the pass-3 edit (grade moves up, or a staff member's family
/// name changes), which changes its `sis_hash`.
fn person(district_id: &str, i: u64, changed: bool) -> Person {
    let h = mix(i);
    let given = pick(GIVEN, h);
    let mut family = pick(FAMILY, h >> 8).to_owned();
    let is_student = (h >> 16) % 100 < 88;
    let middle = ((h >> 24) % 100 < 35).then(|| pick(MIDDLE, h >> 32).to_owned());
    let preferred = ((h >> 40) % 100 < 8).then(|| pick(NICK, h >> 44).to_owned());
    let mut grade = is_student.then(|| ((h >> 48) % GRADES.len() as u64) as usize);
    if changed {
        match grade.as_mut() {
            Some(g) => *g = (*g + 1) % GRADES.len(),
            None => family = format!("{family}-{}", pick(FAMILY, h >> 52)),
        }
    }

    let mut p = people::new_person(district_id, given, &family);
    p.id = id_for(i);
    p.middle_name = middle;
    p.preferred_name = preferred;
    p.is_student = is_student;
    p.grade = grade.map(|g| GRADES[g].to_owned());
    p.student_number = is_student.then(|| format!("{}", 100_000_000 + i));
    p.state_id = is_student.then(|| format!("ST{:010}", mix(i ^ 0x5157) % 10_000_000_000));
    p.sis_id = Some(format!("sis-{i:08}"));
    p.search_text = Person::search_text_for(
        &p.given_name,
        &p.family_name,
        p.middle_name.as_deref(),
        p.preferred_name.as_deref(),
    );
    p.sis_hash = Some(sis_hash(&p));
    p
}

/// SHA-256 (hex) of the SIS-owned fields, as a sync would compute it.
fn sis_hash(p: &Person) -> String {
    let mut h = Sha256::new();
    let opt = |v: &Option<String>| v.as_deref().unwrap_or("\u{0}").to_owned();
    for field in [
        p.given_name.clone(),
        p.family_name.clone(),
        opt(&p.middle_name),
        opt(&p.preferred_name),
        p.is_student.to_string(),
        opt(&p.grade),
        opt(&p.student_number),
        opt(&p.state_id),
        opt(&p.sis_id),
    ] {
        h.update(field.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

// ---------------------------------------------------------------------------------------------
// Memory

fn proc_status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))?
        .trim_start_matches(':')
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Resets `VmHWM` to the current RSS (Linux ≥ 4.0); false when the kernel refuses.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "n/a".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

// ---------------------------------------------------------------------------------------------
// Databases

/// A database of the bench's own: a temp-dir SQLite file, or a PostgreSQL database created
/// here and dropped by [`BenchDb::cleanup`].
struct BenchDb {
    url: String,
    store: Store,
    pg: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

async fn pg_admin(base: &str) -> Result<AsyncPgConnection> {
    let url = format!("{base}/postgres");
    AsyncPgConnection::establish(&url)
        .await
        .with_context(|| format!("connecting to {url} (set --pg-url or HOMEROOM_BENCH_PG_URL)"))
}

impl BenchDb {
    async fn create(backend: Backend, opts: &Options) -> Result<BenchDb> {
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        let pool = PoolOptions {
            max_size: 2,
            ..Default::default()
        };
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("homeroom-bench-{suffix}"));
                std::fs::create_dir_all(&dir)?;
                let url = format!("sqlite://{}", dir.join("bench.db").display());
                let store = Store::open_with(&url, &pool)?;
                let db = BenchDb {
                    url,
                    store,
                    pg: None,
                    dir: Some(dir),
                };
                db.store.migrate().await?;
                Ok(db)
            }
            Backend::Postgres => {
                let name = format!("homeroom_bench_{}", &suffix[..16]);
                pg_admin(&opts.pg_url)
                    .await?
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .await
                    .with_context(|| format!("creating database {name}"))?;
                let url = format!("{}/{name}", opts.pg_url);
                let db = BenchDb {
                    store: Store::open_with(&url, &pool)?,
                    url,
                    pg: Some((opts.pg_url.clone(), name)),
                    dir: None,
                };
                db.store.migrate().await?;
                Ok(db)
            }
        }
    }

    async fn cleanup(self) -> Result<()> {
        self.store.close();
        drop(self.store);
        if let Some(dir) = self.dir {
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
        if let Some((base, name)) = self.pg {
            pg_admin(&base)
                .await?
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .with_context(|| format!("dropping database {name}"))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Passes

#[derive(Debug, Clone, Copy)]
enum Pass {
    Insert,
    Unchanged,
    Changed,
}

impl Pass {
    fn label(self) -> &'static str {
        match self {
            Pass::Insert => "1 insert",
            Pass::Unchanged => "2 unchanged",
            Pass::Changed => "3 10% changed",
        }
    }
}

struct PassResult {
    backend: Backend,
    pass: Pass,
    rows: usize,
    written: usize,
    upsert: Duration,
    generate: Duration,
    peak_rss_kib: Option<u64>,
    /// One-minute load average at the end of the pass (this bench and the database add about
    /// one; much more means other work competed for the CPUs).
    load: Option<f64>,
}

impl PassResult {
    fn rows_per_sec(&self) -> f64 {
        self.rows as f64 / self.upsert.as_secs_f64().max(1e-9)
    }
}

/// One `upsert_people` call. Takes the batch by value: `Store::transaction` needs a closure whose
/// future borrows nothing but the connection.
async fn upsert_batch(store: &Store, tx: TxMode, rows: Vec<Person>) -> Result<usize, StoreError> {
    match tx {
        TxMode::Batch => {
            store
                .transaction(async move |conn| bulk::upsert_people(conn, &rows).await)
                .await
        }
        TxMode::None => bulk::upsert_people(&mut store.conn().await?, &rows).await,
    }
}

async fn run_pass(
    db: &BenchDb,
    backend: Backend,
    district_id: &str,
    opts: &Options,
    pass: Pass,
) -> Result<PassResult> {
    reset_peak_rss();
    let mut written = 0;
    let mut expected = 0;
    let mut upsert = Duration::ZERO;
    let mut generate = Duration::ZERO;
    let total = opts.rows as u64;
    let mut start = 0u64;
    while start < total {
        let end = (start + opts.batch as u64).min(total);
        let t = Instant::now();
        let mut rows = Vec::with_capacity(opts.batch);
        for i in start..end {
            let change = matches!(pass, Pass::Changed) && is_changed(i);
            expected += match pass {
                Pass::Insert => 1,
                Pass::Unchanged => 0,
                Pass::Changed => usize::from(change),
            };
            rows.push(person(district_id, i, change));
        }
        generate += t.elapsed();

        let t = Instant::now();
        written += upsert_batch(&db.store, opts.tx, rows)
            .await
            .with_context(|| format!("{backend:?} pass {}: rows {start}..{end}", pass.label()))?;
        upsert += t.elapsed();
        start = end;
    }
    ensure!(
        written == expected,
        "{backend:?} pass {}: upsert_people reported {written} rows written, expected {expected}",
        pass.label()
    );
    Ok(PassResult {
        backend,
        pass,
        rows: opts.rows,
        written,
        upsert,
        generate,
        peak_rss_kib: proc_status_kib("VmHWM"),
        load: load_average(),
    })
}

/// Runs `$body` with `$c` bound to the concrete connection of either backend.
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite(obj) => {
                let $c = &mut **obj;
                $body
            }
            Conn::Pg(obj) => {
                let $c = &mut **obj;
                $body
            }
        }
    };
}

/// Rows whose local fields the bench sets by hand after pass 1: one that pass 3 changes and one
/// it does not. `upsert_people` must keep those fields.
fn marked_rows(rows: usize) -> Vec<(u64, bool)> {
    let changed = (0..rows as u64).rev().find(|&i| is_changed(i));
    let unchanged = (0..rows as u64).rev().find(|&i| !is_changed(i));
    changed
        .map(|i| (i, true))
        .into_iter()
        .chain(unchanged.map(|i| (i, false)))
        .collect()
}

const LOCAL_PASSWORD: &str = "bench-local-password-hash";

/// Sets the fields sync must never touch, as claiming an account or archiving by hand would.
async fn set_local_fields(db: &BenchDb, district_id: &str, opts: &Options) -> Result<()> {
    let mut conn = db.store.conn().await?;
    for (i, _) in marked_rows(opts.rows) {
        let id = person(district_id, i, false).id;
        let n = on_conn!(&mut conn, |c| {
            diesel::update(tables::people::table.find(&id))
                .set((
                    tables::people::password_hash.eq(LOCAL_PASSWORD),
                    tables::people::account_state.eq(AccountState::Claimed),
                    tables::people::status.eq(Status::Archived),
                    tables::people::archived_at.eq(Some(1_i64)),
                    tables::people::created_at.eq(1_i64),
                ))
                .execute(c)
                .await?
        });
        ensure!(n == 1, "row {i} ({id}) not found to mark");
    }
    Ok(())
}

/// Checks after the passes: the row count, and that the marked rows hold the last SIS values
/// with their local fields untouched.
async fn verify(db: &BenchDb, district_id: &str, opts: &Options) -> Result<()> {
    let mut conn = db.store.conn().await?;
    let count: i64 = on_conn!(&mut conn, |c| {
        tables::people::table
            .filter(tables::people::district_id.eq(district_id))
            .count()
            .get_result(c)
            .await?
    });
    ensure!(
        count == opts.rows as i64,
        "{count} people stored, expected {}",
        opts.rows
    );
    for (i, changed) in marked_rows(opts.rows) {
        let want = person(district_id, i, changed);
        let got = people::get(&mut conn, district_id, &want.id)
            .await?
            .with_context(|| format!("row {i} missing"))?;
        ensure!(
            got.sis_hash == want.sis_hash
                && got.given_name == want.given_name
                && got.family_name == want.family_name
                && got.grade == want.grade
                && got.search_text == want.search_text,
            "row {i} does not hold its pass-{} values",
            if changed { 3 } else { 1 }
        );
        ensure!(
            got.password_hash.as_deref() == Some(LOCAL_PASSWORD)
                && got.account_state == AccountState::Claimed
                && got.status == Status::Archived
                && got.archived_at == Some(1)
                && got.created_at == 1,
            "row {i}: upsert_people overwrote a local field: {got:?}"
        );
    }
    Ok(())
}

async fn run_backend(backend: Backend, opts: &Options) -> Result<Vec<PassResult>> {
    let db = BenchDb::create(backend, opts).await?;
    eprintln!("{backend:?}: database {}", db.url);
    let result = async {
        let district =
            districts::ensure_default(&mut db.store.conn().await?, "Bench District").await?;
        let mut out = Vec::new();
        for pass in [Pass::Insert, Pass::Unchanged, Pass::Changed] {
            let r = run_pass(&db, backend, &district.id, opts, pass).await?;
            eprintln!(
                "{backend:?} {:<14} {:>12.0} rows/s  ({} written, {:.2}s upsert, {:.2}s generate)",
                pass.label(),
                r.rows_per_sec(),
                r.written,
                r.upsert.as_secs_f64(),
                r.generate.as_secs_f64()
            );
            out.push(r);
            if matches!(pass, Pass::Insert) {
                set_local_fields(&db, &district.id, opts).await?;
            }
        }
        verify(&db, &district.id, opts).await?;
        anyhow::Ok(out)
    }
    .await;
    let cleaned = db.cleanup().await;
    let out = result?;
    cleaned?;
    Ok(out)
}

fn thousands(n: f64) -> String {
    let s = format!("{:.0}", n);
    let mut out = String::new();
    for (k, ch) in s.chars().enumerate() {
        if k > 0 && (s.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn report(opts: &Options, results: &[PassResult], peak_resettable: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\nupsert_people: {} rows, {} rows per call, {}, {} threads available",
        thousands(opts.rows as f64),
        thousands(opts.batch as f64),
        match opts.tx {
            TxMode::Batch => "each call in Store::transaction",
            TxMode::None => "no transaction around calls",
        },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let _ = writeln!(
        s,
        "{:<9} {:<14} {:>10} {:>10} {:>9} {:>12} {:>11} {:>11} {:>5}  target",
        "backend",
        "pass",
        "rows",
        "written",
        "upsert s",
        "rows/s",
        "generate s",
        "peak RSS",
        "load"
    );
    let _ = writeln!(s, "{}", "-".repeat(106));
    for r in results {
        let (target, first) = match r.backend {
            Backend::Sqlite => (TARGET_SQLITE, "sqlite"),
            Backend::Postgres => (TARGET_POSTGRES, "postgres"),
        };
        let verdict = match r.pass {
            Pass::Insert => {
                let ok = r.rows_per_sec() >= target;
                format!(
                    "{} (≥ {})",
                    if ok { "met" } else { "MISSED" },
                    thousands(target)
                )
            }
            Pass::Unchanged => {
                let insert = results
                    .iter()
                    .find(|o| o.backend == r.backend && matches!(o.pass, Pass::Insert));
                match insert {
                    Some(i) if r.rows_per_sec() >= i.rows_per_sec() => "met (≥ pass 1)".to_owned(),
                    Some(_) => "MISSED (< pass 1)".to_owned(),
                    None => String::new(),
                }
            }
            Pass::Changed => String::new(),
        };
        let _ = writeln!(
            s,
            "{:<9} {:<14} {:>10} {:>10} {:>9.2} {:>12} {:>11.2} {:>11} {:>5}  {}",
            first,
            r.pass.label(),
            thousands(r.rows as f64),
            thousands(r.written as f64),
            r.upsert.as_secs_f64(),
            thousands(r.rows_per_sec()),
            r.generate.as_secs_f64(),
            mib(r.peak_rss_kib),
            r.load
                .map_or_else(|| "n/a".to_owned(), |l| format!("{l:.1}")),
            verdict
        );
    }
    let _ = writeln!(
        s,
        "rows/s counts only the time inside upsert_people; peak RSS is this process's VmHWM{} \
         (max {}), the database server not included",
        if peak_resettable {
            ", reset before each pass"
        } else {
            " (could not be reset: cumulative)"
        },
        mib(results.iter().filter_map(|r| r.peak_rss_kib).max()),
    );
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    if results
        .iter()
        .filter_map(|r| r.load)
        .any(|l| l > cpus + 0.5)
    {
        let _ = writeln!(
            s,
            "warning: load average above {cpus:.0} CPUs + 0.5: other work competed for the CPUs, \
             figures are low"
        );
    }
    s
}

fn main() -> Result<()> {
    let opts = Options::from_env_and_args()?;
    let peak_resettable = reset_peak_rss();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let results = runtime.block_on(async {
        let mut all = Vec::new();
        for &backend in &opts.backends {
            all.extend(run_backend(backend, &opts).await?);
        }
        anyhow::Ok(all)
    })?;
    print!("{}", report(&opts, &results, peak_resettable));
    Ok(())
}
