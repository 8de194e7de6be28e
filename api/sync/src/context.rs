//! What every step of a run needs: ids, district settings, the report, and small caches.

use std::collections::HashMap;

use homeroom_connector_core::{EntityKind, PhoneRegion};
use homeroom_schema::models::DistrictSettings;

use crate::first_import::FirstImport;
use crate::report::Report;

/// State of one run.
pub struct RunCtx {
    /// The run.
    pub run_id: String,
    /// The connector.
    pub connector_id: String,
    /// The district.
    pub district_id: String,
    /// The district's settings (removal threshold, default phone region).
    pub settings: DistrictSettings,
    /// Region for phone numbers without a country code.
    pub region: PhoneRegion,
    /// The report.
    pub report: Report,
    /// Kinds this connector never linked before, whose records need no link lookup.
    pub first_import: FirstImport,
    /// Small entity kinds (orgs, terms, courses, classes) resolved this run: external → local.
    resolved: HashMap<(EntityKind, String), String>,
}

impl RunCtx {
    /// State for a run.
    pub fn new(
        run_id: &str,
        connector_id: &str,
        district_id: &str,
        settings: DistrictSettings,
    ) -> Self {
        let region = settings.default_country.parse().unwrap_or(PhoneRegion::US);
        RunCtx {
            run_id: run_id.to_owned(),
            connector_id: connector_id.to_owned(),
            district_id: district_id.to_owned(),
            settings,
            region,
            report: Report::default(),
            first_import: FirstImport::none(),
            resolved: HashMap::new(),
        }
    }

    /// Remembers a resolved org, term, course or class.
    pub fn remember(&mut self, kind: EntityKind, external: &str, local: &str) {
        if matches!(
            kind,
            EntityKind::Org | EntityKind::Term | EntityKind::Course | EntityKind::Class
        ) {
            self.resolved
                .insert((kind, external.to_owned()), local.to_owned());
        }
    }

    /// A remembered local id.
    pub fn recall(&self, kind: EntityKind, external: &str) -> Option<&String> {
        self.resolved.get(&(kind, external.to_owned()))
    }
}
