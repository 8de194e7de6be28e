//! SQLite's disk filling up in the middle of a sync, through the real binary: the database
//! file lives on a small tmpfs volume (`mount -t tmpfs -o size=8m`; a loop-mounted ext4 image
//! if tmpfs cannot be mounted), a first import succeeds, then the volume is filled to within a
//! few pages and the next day's sync runs out of space part-way. The run fails with a clear
//! message (no panic), `PRAGMA integrity_check` is `ok`, nothing of the last good import is
//! lost or mangled (every row is either as it was or as the new files say, nothing removed),
//! and once space returns the next run converges to exactly what a clean import holds.
//!
//! Mounting needs root (CI runs as root); without it the test says loudly that it was skipped.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use homeroom_schema::Store;
use homeroom_schema::store::sync_runs;
use homeroom_tests::db::{TempDir, TestDb};
use homeroom_tests::server::run;
use homeroom_tests::{Backend, snapshot};

/// Bytes left free on the volume before the failing run: room for the run to start and apply
/// its first pages, not for the whole day's changes.
const LEFT_FREE: u64 = 768 * 1024;

/// A small file system mounted for the test, unmounted (and removed) on drop.
struct Volume {
    dir: PathBuf,
    image: Option<PathBuf>,
    _parent: TempDir,
}

impl Volume {
    /// Mounts an 8 MiB tmpfs, or else an 8 MiB ext4 image on a loop device; `Err` with both
    /// reasons when neither can be mounted here.
    fn mount() -> Result<Volume> {
        let parent = TempDir::new("homeroom-disk")?;
        let dir = parent.0.join("vol");
        std::fs::create_dir_all(&dir)?;
        let tmpfs = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(&dir)
            .output();
        let why_tmpfs = match tmpfs {
            Ok(o) if o.status.success() => {
                return Ok(Volume {
                    dir,
                    image: None,
                    _parent: parent,
                });
            }
            Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_owned(),
            Err(e) => e.to_string(),
        };
        let image = parent.0.join("vol.img");
        std::fs::File::create(&image)?.set_len(8 * 1024 * 1024)?;
        let loop_mount = Command::new("mkfs.ext4")
            .args(["-q", "-F"])
            .arg(&image)
            .status()
            .and_then(|s| {
                if !s.success() {
                    return Err(std::io::Error::other("mkfs.ext4 failed"));
                }
                Command::new("mount")
                    .args(["-o", "loop"])
                    .arg(&image)
                    .arg(&dir)
                    .output()
            });
        match loop_mount {
            Ok(o) if o.status.success() => Ok(Volume {
                dir,
                image: Some(image),
                _parent: parent,
            }),
            Ok(o) => bail!(
                "tmpfs: {why_tmpfs}; loop: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ),
            Err(e) => bail!("tmpfs: {why_tmpfs}; loop: {e}"),
        }
    }

    /// Fills the volume, then frees `left` bytes of the filler.
    fn fill_leaving(&self, left: u64) -> Result<PathBuf> {
        let path = self.dir.join("filler");
        let mut f = std::fs::File::create(&path)?;
        let chunk = vec![0xA5u8; 64 * 1024];
        let mut written: u64 = 0;
        loop {
            match f.write(&chunk) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
                Err(e) => return Err(e.into()),
            }
        }
        f.sync_all().ok();
        anyhow::ensure!(written > left, "the volume had less than {left} bytes free");
        f.set_len(written - left)?;
        f.sync_all()?;
        Ok(path)
    }
}

impl Drop for Volume {
    fn drop(&mut self) {
        let unmounted = Command::new("umount")
            .arg(&self.dir)
            .status()
            .is_ok_and(|s| s.success());
        if !unmounted {
            // Still busy (a connection of a failed test): detach it now, freed when closed.
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
        if let Some(image) = &self.image {
            let _ = std::fs::remove_file(image);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        std::fs::copy(e.path(), to.join(e.file_name()))?;
    }
    Ok(())
}

fn cli(args: &[&str]) -> Result<(i32, String)> {
    let (code, out, err) = run(args)?;
    Ok((code, format!("{out}{err}")))
}

fn add_connector(url: &str, files: &Path) -> Result<String> {
    let config = serde_json::json!({ "path": files.display().to_string(), "page_size": 50 });
    let (code, out) = cli(&[
        "connector",
        "add",
        "oneroster-csv",
        "--name",
        "Nightly export",
        "--config",
        &config.to_string(),
        "--database-url",
        url,
    ])?;
    anyhow::ensure!(code == 0, "connector add: {out}");
    let global = out.trim().lines().last().context("connector id")?;
    Ok(homeroom_core::ids::decode_as(
        homeroom_core::ids::NodeKind::Connector,
        global,
    )?)
}

fn sync(url: &str, connector: &str) -> Result<(i32, String)> {
    cli(&["sync", "run", connector, "--database-url", url])
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

async fn integrity(store: &Store) -> Result<Vec<String>> {
    let mut conn = store.conn().await?;
    let homeroom_schema::Conn::Sqlite(c) = &mut conn else {
        bail!("not SQLite");
    };
    let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut **c)
        .await?;
    Ok(rows.into_iter().map(|r| r.integrity_check).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_disk_full_mid_sync_fails_cleanly_and_converges() -> Result<()> {
    let volume = match Volume::mount() {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "\n!!!!!!!! SKIPPED fault_disk: cannot mount a small volume on this machine ({e:#}); \
                 run as root to test SQLite's disk filling up !!!!!!!!\n"
            );
            return Ok(());
        }
    };
    let files = TempDir::new("disk-district")?;
    let report = homeroom_district_gen::generate_to_dir(
        homeroom_district_gen::GenerateOptions {
            students: 150,
            seed: 20,
            churn_pct: Some(30.0),
        },
        &files.0,
    )?;
    let day1 = files.0.join("day1");
    let day2 = files.0.join("day2");
    let day2_summary = report.day2.context("day2")?.summary;
    let live = files.0.join("live");

    // The reference: day 1 then day 2 imported cleanly on an ordinary disk.
    let reference = TestDb::new(Backend::Sqlite).await?;
    copy_dir(&day1, &live)?;
    let connector = add_connector(&reference.url, &live)?;
    let (code, out) = sync(&reference.url, &connector)?;
    anyhow::ensure!(code == 0, "reference day 1: {out}");
    let good = snapshot::take(&reference.store).await?;
    copy_dir(&day2, &live)?;
    let (code, out) = sync(&reference.url, &connector)?;
    anyhow::ensure!(code == 0, "reference day 2: {out}");
    let want = snapshot::take(&reference.store).await?;
    assert_eq!(
        homeroom_tests::sync::census(&reference.store)
            .await?
            .students,
        i64::try_from(day2_summary.students)?
    );

    // Day 1 on the small volume.
    let url = format!("sqlite://{}", volume.dir.join("homeroom.db").display());
    let (code, out) = cli(&["migrate", "--database-url", &url])?;
    anyhow::ensure!(code == 0, "migrate: {out}");
    copy_dir(&day1, &live)?;
    let connector = add_connector(&url, &live)?;
    let (code, out) = sync(&url, &connector)?;
    anyhow::ensure!(code == 0, "day 1 on the volume: {out}");
    {
        let store = Store::open(&url)?;
        snapshot::assert_same(&snapshot::take(&store).await?, &good, "day 1 on the volume");
        store.close();
    }

    // Day 2 with the volume all but full: the run fails part-way, clearly, without a panic.
    copy_dir(&day2, &live)?;
    let left = std::env::var("HOMEROOM_TEST_DISK_LEFT_FREE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LEFT_FREE);
    let filler = volume.fill_leaving(left)?;
    let (code, failure) = sync(&url, &connector)?;
    let out = &failure;
    assert_ne!(code, 0, "the run cannot succeed on a full disk: {out}");
    assert!(!out.contains("panicked"), "{out}");
    assert!(
        out.contains("error: the database's disk is full: free space, then run again"),
        "the failure names the full disk: {out}"
    );

    // Consistent, and the last good import intact: every row is as day 1 or day 2 has it,
    // every row both days agree on is there, nothing was removed; part of day 2 was applied
    // (the disk filled mid-sync, not before it started).
    let store = Store::open(&url)?;
    assert_eq!(integrity(&store).await?, vec!["ok".to_owned()]);
    let got = snapshot::take(&store).await?;
    let mut applied = 0;
    for (table, rows) in &got {
        let before: BTreeSet<&String> = good[table].iter().collect();
        let after: BTreeSet<&String> = want[table].iter().collect();
        let now: BTreeSet<&String> = rows.iter().collect();
        for row in &now {
            assert!(
                before.contains(row) || after.contains(row),
                "{table}: a row neither day has: {row}"
            );
            if !before.contains(row) {
                applied += 1;
            }
        }
        for row in before.intersection(&after) {
            assert!(now.contains(row), "{table}: lost {row}");
        }
    }
    assert!(
        applied > 0,
        "the disk filled before any page of day 2 was applied"
    );
    let census = homeroom_tests::sync::census(&store).await?;
    assert_eq!(census.archived_people, 0, "nothing removed by a failed run");
    {
        let mut conn = store.conn().await?;
        let last = sync_runs::latest(&mut conn, &connector)
            .await?
            .context("the failed run")?;
        assert_ne!(
            last.status,
            homeroom_schema::enums::SyncStatus::Succeeded,
            "{last:?}"
        );
    }
    store.close();
    drop(store);

    // Space returns: the next run converges to the clean import.
    std::fs::remove_file(&filler)?;
    let (code, out) = sync(&url, &connector)?;
    assert_eq!(code, 0, "after space returned: {out}");
    let store = Store::open(&url)?;
    assert_eq!(integrity(&store).await?, vec!["ok".to_owned()]);
    snapshot::assert_same(
        &snapshot::take(&store).await?,
        &want,
        "after space returned",
    );
    eprintln!(
        "disk full mid-sync: {applied} rows of day 2 applied before the disk filled; failure: {}",
        failure.trim()
    );
    store.close();
    Ok(())
}
