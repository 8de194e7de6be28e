//! Configuring connectors: validated config, secrets encrypted at rest, built through the
//! registry of connector kinds.

use homeroom_connector_core::{self as core, Connector, Registry};
use homeroom_schema::Store;
use homeroom_schema::enums::ConnectorKind;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::Connector as ConnectorRow;
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::{connectors, districts};
use serde_json::Value;

use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};
use homeroom_core::secrets::{self, SecretKey};

/// Every connector kind this build knows.
pub fn registry() -> Registry {
    let mut registry = Registry::new();
    homeroom_oneroster::register(&mut registry);
    homeroom_classlink::register(&mut registry);
    homeroom_clever::register(&mut registry);
    homeroom_aeries::register(&mut registry);
    registry
}

/// The connector kind behind a stored kind.
pub fn core_kind(kind: ConnectorKind) -> ServiceResult<core::ConnectorKind> {
    core::ConnectorKind::from_storage_name(kind.as_str())
        .map_err(|e| ServiceError::BadUserInput(e.to_string()))
}

/// A stored kind from a CLI or storage name (`oneroster-csv`, `oneroster_csv`, …).
pub fn parse_kind(name: &str) -> ServiceResult<ConnectorKind> {
    let core_kind: core::ConnectorKind = name
        .parse()
        .map_err(|e: core::UnknownConnectorKind| ServiceError::BadUserInput(e.to_string()))?;
    core_kind
        .storage_name()
        .parse()
        .map_err(|e: homeroom_schema::error::UnknownValue| {
            ServiceError::BadUserInput(e.to_string())
        })
}

/// What a new connector is.
#[derive(Debug, Clone)]
pub struct NewConnector {
    /// District (default district when `None`).
    pub district_id: Option<String>,
    /// Kind.
    pub kind: ConnectorKind,
    /// Unique name within the district.
    pub name: String,
    /// Configuration JSON (secrets included; they are split out and encrypted).
    pub config: Value,
    /// Cron schedule (e.g. `0 2 * * *`), if it syncs on its own.
    pub schedule: Option<String>,
}

/// Checks a cron schedule.
pub fn check_schedule(schedule: &str) -> ServiceResult<()> {
    schedule
        .parse::<croner::Cron>()
        .map(|_| ())
        .map_err(|e| ServiceError::BadUserInput(format!("invalid schedule {schedule:?}: {e}")))
}

/// Creates a connector after checking that its configuration builds.
pub async fn create(
    store: &Store,
    registry: &Registry,
    key: Option<&SecretKey>,
    actor: Option<&Principal>,
    input: NewConnector,
) -> ServiceResult<ConnectorRow> {
    if input.name.trim().is_empty() {
        return Err(ServiceError::BadUserInput(
            "a connector needs a name".into(),
        ));
    }
    if let Some(s) = &input.schedule {
        check_schedule(s)?;
    }
    if !input.config.is_object() {
        return Err(ServiceError::BadUserInput(
            "config must be a JSON object".into(),
        ));
    }
    registry
        .build(core_kind(input.kind)?, input.config.clone())
        .map_err(|e| ServiceError::BadUserInput(format!("invalid {} config: {e}", input.kind)))?;
    let (public, secret) = secrets::split(&input.config);
    let config_secret = if secret.is_empty() {
        None
    } else {
        let key =
            key.ok_or_else(|| ServiceError::BadUserInput(secrets::SecretError::NoKey.to_string()))?;
        Some(key.encrypt(&Value::Object(secret).to_string()))
    };
    let mut conn = store.conn().await?;
    let district = match &input.district_id {
        Some(id) => districts::get(&mut conn, id)
            .await?
            .ok_or_else(|| ServiceError::BadUserInput(format!("no district {id}")))?,
        None => districts::ensure_default(&mut conn, "Default District").await?,
    };
    let now = now_micros();
    let row = ConnectorRow {
        id: new_id(),
        district_id: district.id.clone(),
        kind: input.kind,
        name: input.name.trim().to_owned(),
        config_public: public.to_string(),
        config_secret,
        schedule: input.schedule,
        enabled: true,
        last_success_at: None,
        delta_cursor: None,
        created_at: now,
        updated_at: now,
    };
    match connectors::insert(&mut conn, &row).await {
        Err(homeroom_schema::StoreError::Conflict(_)) => {
            return Err(ServiceError::BadUserInput(format!(
                "a connector named {:?} already exists",
                row.name
            )));
        }
        other => other?,
    }
    let (actor_kind, actor_id) =
        actor.map_or((homeroom_schema::enums::ActorKind::System, None), |p| {
            let (k, id) = p.actor();
            (k, Some(id))
        });
    audit::record(
        &mut conn,
        NewEvent {
            district_id: &district.id,
            actor_kind,
            actor_id: actor_id.as_deref(),
            action: "connector.create",
            target_kind: "connector",
            target_id: &row.id,
            before: None,
            after: Some(
                serde_json::json!({ "kind": row.kind, "name": row.name, "config": public }),
            ),
        },
    )
    .await?;
    Ok(row)
}

/// The full configuration of a stored connector (secrets decrypted).
pub fn full_config(row: &ConnectorRow, key: Option<&SecretKey>) -> ServiceResult<Value> {
    let mut config: Value = serde_json::from_str(&row.config_public)
        .map_err(|e| ServiceError::Internal(format!("stored config: {e}")))?;
    if let Some(sealed) = &row.config_secret {
        let key =
            key.ok_or_else(|| ServiceError::BadUserInput(secrets::SecretError::NoKey.to_string()))?;
        let plain = key
            .decrypt(sealed)
            .map_err(|e| ServiceError::BadUserInput(e.to_string()))?;
        let secret: serde_json::Map<String, Value> = serde_json::from_str(&plain)
            .map_err(|e| ServiceError::Internal(format!("stored secret: {e}")))?;
        if let Some(obj) = config.as_object_mut() {
            obj.extend(secret);
        }
    }
    Ok(config)
}

/// Builds the live connector of a stored row.
pub fn build(
    registry: &Registry,
    key: Option<&SecretKey>,
    row: &ConnectorRow,
) -> ServiceResult<Box<dyn Connector>> {
    let config = full_config(row, key)?;
    registry
        .build(core_kind(row.kind)?, config)
        .map_err(|e| ServiceError::BadUserInput(format!("connector {}: {e}", row.name)))
}

/// Changes to a connector; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct ConnectorChanges {
    /// New name.
    pub name: Option<String>,
    /// New configuration; secret fields left out keep their stored values.
    pub config: Option<Value>,
    /// New schedule; an empty string clears it.
    pub schedule: Option<String>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

/// Applies changes to a connector, re-checking and re-encrypting its configuration.
pub async fn update(
    store: &Store,
    registry: &Registry,
    key: Option<&SecretKey>,
    actor: &Principal,
    mut row: ConnectorRow,
    changes: ConnectorChanges,
) -> ServiceResult<ConnectorRow> {
    let before = serde_json::json!({
        "name": row.name, "schedule": row.schedule, "enabled": row.enabled,
        "config": serde_json::from_str::<Value>(&row.config_public).unwrap_or_default(),
    });
    if let Some(name) = changes.name {
        if name.trim().is_empty() {
            return Err(ServiceError::BadUserInput(
                "a connector needs a name".into(),
            ));
        }
        row.name = name.trim().to_owned();
    }
    if let Some(schedule) = changes.schedule {
        row.schedule = if schedule.trim().is_empty() {
            None
        } else {
            check_schedule(&schedule)?;
            Some(schedule)
        };
    }
    if let Some(enabled) = changes.enabled {
        row.enabled = enabled;
    }
    if let Some(mut config) = changes.config {
        let Some(obj) = config.as_object_mut() else {
            return Err(ServiceError::BadUserInput(
                "config must be a JSON object".into(),
            ));
        };
        // Secrets are bound to where they are sent: a change of any destination (base URL,
        // token URL, proxy, host) requires restating every stored secret.
        let old_public: Value = serde_json::from_str(&row.config_public).unwrap_or_default();
        let moved = destination_changed(&old_public, obj);
        if moved && row.config_secret.is_some() {
            let stored: Vec<String> = match full_config(&row, key) {
                Ok(Value::Object(old)) => secrets::SECRET_FIELDS
                    .iter()
                    .filter(|f| old.contains_key(**f))
                    .map(|f| (*f).to_owned())
                    .collect(),
                _ => Vec::new(),
            };
            let missing: Vec<&String> = stored.iter().filter(|f| !obj.contains_key(*f)).collect();
            if !missing.is_empty() {
                return Err(ServiceError::Refused {
                    code: "SECRETS_REQUIRED",
                    field: "config",
                    message: format!(
                        "the connector's address changed: restate its secrets ({})",
                        missing
                            .iter()
                            .map(|f| f.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
        }
        // Otherwise secrets not restated keep their stored values.
        if let Ok(Value::Object(old)) = full_config(&row, key) {
            for field in secrets::SECRET_FIELDS {
                if !obj.contains_key(*field)
                    && let Some(v) = old.get(*field)
                {
                    obj.insert((*field).to_owned(), v.clone());
                }
            }
        }
        registry
            .build(core_kind(row.kind)?, config.clone())
            .map_err(|e| ServiceError::BadUserInput(format!("invalid {} config: {e}", row.kind)))?;
        let (public, secret) = secrets::split(&config);
        row.config_public = public.to_string();
        row.config_secret = if secret.is_empty() {
            None
        } else {
            let key = key.ok_or_else(|| {
                ServiceError::BadUserInput(secrets::SecretError::NoKey.to_string())
            })?;
            Some(key.encrypt(&Value::Object(secret).to_string()))
        };
    }
    row.updated_at = now_micros();
    let mut conn = store.conn().await?;
    match connectors::update(&mut conn, &row).await {
        Err(homeroom_schema::StoreError::Conflict(_)) => {
            return Err(ServiceError::BadUserInput(format!(
                "a connector named {:?} already exists",
                row.name
            )));
        }
        other => other?,
    }
    let (actor_kind, actor_id) = actor.actor();
    audit::record(
        &mut conn,
        NewEvent {
            district_id: &row.district_id,
            actor_kind,
            actor_id: Some(&actor_id),
            action: "connector.update",
            target_kind: "connector",
            target_id: &row.id,
            before: Some(before),
            after: Some(serde_json::json!({
                "name": row.name, "schedule": row.schedule, "enabled": row.enabled,
                "config": serde_json::from_str::<Value>(&row.config_public).unwrap_or_default(),
            })),
        },
    )
    .await?;
    Ok(row)
}

/// Whether a config key names where the connector connects (secrets are sent there).
fn is_destination(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.ends_with("url") || k.contains("proxy") || k.ends_with("host") || k.ends_with("domain")
}

/// Whether `new` changes, adds or drops any destination of `old`.
fn destination_changed(old: &Value, new: &serde_json::Map<String, Value>) -> bool {
    let empty = serde_json::Map::new();
    let old = old.as_object().unwrap_or(&empty);
    old.keys()
        .chain(new.keys())
        .filter(|k| is_destination(k))
        .any(|k| old.get(k) != new.get(k))
}

/// A refusal of a file path (one answer whether or not the path exists outside the root).
fn path_refused() -> ServiceError {
    ServiceError::Refused {
        code: "PATH_NOT_ALLOWED",
        field: "config.path",
        message: "file connectors read only from the server's import folder \
                  (HOMEROOM_IMPORT_DIR): name an existing folder or file inside it"
            .into(),
    }
}

/// Confines a file connector's `path` (API callers) to the import root: the district's
/// sub-folder when the database holds more than one district. The path is taken relative to
/// that folder (or absolute inside it), canonicalized (symlinks and `..` resolved) and must
/// stay inside it; the stored config holds the canonical path.
pub async fn confine_paths(
    store: &Store,
    import_root: Option<&std::path::Path>,
    district_id: &str,
    kind: ConnectorKind,
    config: &mut Value,
) -> ServiceResult<()> {
    if kind != ConnectorKind::OneRosterCsv {
        return Ok(());
    }
    let Some(obj) = config.as_object_mut() else {
        return Ok(()); // refused later as not an object
    };
    // Without a root (an embedder that sets none) paths are not confined; `homeroom serve`
    // always sets one.
    let Some(root) = import_root else {
        return Ok(());
    };
    let mut base = root.to_path_buf();
    {
        let mut conn = store.conn().await?;
        if districts::count(&mut conn).await? > 1 {
            base = base.join(district_id);
        }
    }
    let base = base.canonicalize().map_err(|_| path_refused())?;
    let raw = obj
        .get("path")
        .and_then(Value::as_str)
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(path_refused)?;
    let raw = std::path::Path::new(raw.trim());
    let candidate = if raw.is_absolute() {
        raw.to_path_buf()
    } else {
        base.join(raw)
    };
    let real = candidate.canonicalize().map_err(|_| path_refused())?;
    if !real.starts_with(&base) {
        return Err(path_refused());
    }
    obj.insert("path".into(), Value::String(real.display().to_string()));
    Ok(())
}
