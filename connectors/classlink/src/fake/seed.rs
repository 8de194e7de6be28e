//! Seeding the fake from the synthetic district generator.

use homeroom_connector_core::ConnectorError;
use homeroom_district_gen::{District, OneRosterCsvOptions, write_oneroster_csv};
use homeroom_oneroster::fake::FakeDataset;

use crate::FED_USER_ID_TYPE;

/// The OneRoster objects of `district`, exactly as its OneRoster 1.1 CSV export holds them
/// (written to a temporary folder and read back, so the fake serves what the CSV import of
/// the same district reads), each user with its ClassLink `FED` id.
pub fn dataset_from_district(district: &District) -> Result<FakeDataset, ConnectorError> {
    let dir = tempfile::tempdir()?;
    write_oneroster_csv(district, dir.path(), OneRosterCsvOptions::default())
        .map_err(|e| ConnectorError::Other(format!("writing the district's CSV export: {e}")))?;
    Ok(FakeDataset::from_csv(dir.path())?.with_user_id_type(FED_USER_ID_TYPE))
}
