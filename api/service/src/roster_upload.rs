//! Roster file uploads: a OneRoster CSV export (a zip) sent over the API or from the command
//! line becomes the file a `oneroster-csv` connector reads. Callers never name a server path:
//! the file lands in the district's own folder under the import root
//! (`<root>[/<district>]/uploads/<connector id>.zip`), is checked as an export before it replaces
//! the previous one (a bad upload leaves the last good file in place), and is swapped in with a
//! rename, so a sync never reads half a file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use homeroom_connector_core::Registry;
use homeroom_core::secrets::SecretKey;
use homeroom_oneroster::{FileMode, OneRosterCsv};
use homeroom_schema::Store;
use homeroom_schema::enums::ConnectorKind;
use homeroom_schema::models::Connector as ConnectorRow;
use homeroom_schema::store::districts;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::connectors::{self, ConnectorChanges};
use crate::error::{ServiceError, ServiceResult};

/// Largest roster file accepted (the HTTP edge accepts GraphQL requests this large).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

fn refused(message: &str) -> ServiceError {
    ServiceError::Refused {
        code: "BAD_ROSTER_FILE",
        field: "file",
        message: message.into(),
    }
}

/// The district's folder under the import root (its own sub-folder once the database holds
/// more than one district), created when missing.
async fn district_folder(store: &Store, root: &Path, district_id: &str) -> ServiceResult<PathBuf> {
    let mut conn = store.conn().await?;
    let folder = if districts::count(&mut conn).await? > 1 {
        root.join(district_id)
    } else {
        root.to_path_buf()
    };
    Ok(folder)
}

/// Stores `bytes` as the roster file of the `oneroster-csv` connector `row` and points the
/// connector at it. `actor` was allowed to change the connector by the caller.
pub async fn upload(
    store: &Store,
    registry: &Registry,
    key: Option<&SecretKey>,
    actor: &Principal,
    import_root: Option<&Path>,
    row: ConnectorRow,
    bytes: &[u8],
) -> ServiceResult<ConnectorRow> {
    if row.kind != ConnectorKind::OneRosterCsv {
        return Err(refused("only oneroster-csv connectors read uploaded files"));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(refused(&format!(
            "the file is larger than {MAX_UPLOAD_BYTES} bytes"
        )));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(refused(
            "not a zip archive: upload the OneRoster CSV export as a .zip",
        ));
    }
    let root = import_root.ok_or_else(|| {
        ServiceError::Internal("no import folder is configured for uploads".into())
    })?;
    let folder = district_folder(store, root, &row.district_id)
        .await?
        .join("uploads");
    let target = folder.join(format!("{}.zip", row.id));
    // One partial file per upload: two uploads at once never write into the same file.
    let partial = folder.join(format!(
        ".{}.{}.zip.partial",
        row.id,
        homeroom_schema::ids::new_id()
    ));
    {
        let (folder, partial, bytes) = (folder.clone(), partial.clone(), bytes.to_vec());
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(&folder)?;
            let mut file = std::fs::File::create(&partial)?;
            file.write_all(&bytes)?;
            file.sync_all()
        })
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Internal(format!("cannot write the upload: {e}")))?;
    }
    // Checked as an export before it replaces anything. The reason stays fixed: the reader's
    // own message would name server paths.
    let check = OneRosterCsv::from_json(json!({ "path": partial.display().to_string() }));
    // A readable export that holds people at least (a zip of anything else is not one).
    let valid = match check {
        Ok(connector) => connector.inspect().await.is_ok_and(|info| {
            info.files
                .iter()
                .any(|(name, mode)| name.ends_with("users.csv") && *mode != FileMode::Absent)
        }),
        Err(_) => false,
    };
    if !valid {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(refused(
            "not a OneRoster CSV export: upload the zip of its CSV files (manifest.csv, users.csv, …)",
        ));
    }
    tokio::fs::rename(&partial, &target)
        .await
        .map_err(|e| ServiceError::Internal(format!("cannot store the upload: {e}")))?;
    let real = target
        .canonicalize()
        .map_err(|e| ServiceError::Internal(format!("cannot store the upload: {e}")))?;
    let mut config: Value = serde_json::from_str(&row.config_public).unwrap_or_else(|_| json!({}));
    if !config.is_object() {
        config = json!({});
    }
    config["path"] = Value::String(real.display().to_string());
    connectors::update(
        store,
        registry,
        key,
        actor,
        row,
        ConnectorChanges {
            config: Some(config),
            ..ConnectorChanges::default()
        },
    )
    .await
}
