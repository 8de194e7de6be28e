//! Synthetic school districts for Homeroom's tests, benchmarks and fake SIS servers.
//!
//! - [`District::generate`] builds a deterministic district in memory (same seed → same
//!   district, byte for byte once written): a district org, elementary (~500 students),
//!   middle (~800) and high (~1,500) schools, a school year with two semesters, courses,
//!   classes of ~23, teachers (~1 per 20 students, several classes each), administrators,
//!   aides, students in families of 1–4 children with 1–2 guardians, enrollments and
//!   guardian links, plus a small deterministic share of identity quirks
//!   ([`District::quirks`]).
//! - [`District::next_day`] makes the next day's full snapshot with churn and reports exact
//!   counts ([`ChurnSummary`]); [`District::diff`] recomputes them from two snapshots.
//! - [`write_oneroster_csv`] writes a OneRoster 1.1 bulk CSV set; [`generate_to_dir`] is what
//!   `homeroom generate-district` calls (`DIR/day1`, and `DIR/day2` with churn).

mod catalog;
mod churn;
mod date;
mod generate;
mod model;
mod names;
mod oneroster;
mod phone;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use churn::{Changes, ChurnBreakdown, ChurnSummary, DistrictDiff};
pub use date::Date;
pub use generate::{DAY_ONE, FALL_END, GenerateOptions, SPRING_START, YEAR_END, YEAR_START};
pub use model::*;
pub use oneroster::{
    ACADEMIC_SESSIONS_HEADER, BULK_FILES, CLASSES_HEADER, COURSES_HEADER, CsvWriteReport,
    ENROLLMENTS_HEADER, MANIFEST_FILES, ORGS_HEADER, OneRosterCsvOptions, PhoneStyle, USERS_HEADER,
    write_oneroster_csv,
};
pub use phone::Phone;

/// Why generating or writing failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// Options out of range.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
    /// A file or directory could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The CSV writer failed.
    #[error("{}: {source}", path.display())]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
}

impl GenerateError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> GenerateError {
        GenerateError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// One written snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayReport {
    pub dir: PathBuf,
    pub summary: DistrictSummary,
    pub files: CsvWriteReport,
}

/// What [`generate_to_dir`] wrote.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GenerateReport {
    pub students: usize,
    pub seed: u64,
    pub churn_pct: Option<f64>,
    /// `DIR/day1`.
    pub day1: DayReport,
    /// `DIR/day2`, when churn was asked for.
    pub day2: Option<DayReport>,
    /// What changed from day 1 to day 2.
    pub churn: Option<ChurnSummary>,
}

/// Generates the district of `options` and writes `out_dir/day1/` (OneRoster 1.1 bulk CSV)
/// and, when `options.churn_pct` is set, `out_dir/day2/`: the next day's full snapshot
/// carrying that churn (same seed). Existing files of the same names are overwritten.
pub fn generate_to_dir(
    options: GenerateOptions,
    out_dir: impl AsRef<Path>,
) -> Result<GenerateReport, GenerateError> {
    if let Some(pct) = options.churn_pct
        && !(pct.is_finite() && (0.0..=100.0).contains(&pct))
    {
        return Err(GenerateError::InvalidOptions(format!(
            "churn must be a percentage between 0 and 100, not {pct}"
        )));
    }
    if options.students > 50_000_000 {
        return Err(GenerateError::InvalidOptions(format!(
            "{} students is more than this generator supports (50,000,000)",
            options.students
        )));
    }
    let out_dir = out_dir.as_ref();
    let mut district = District::generate(&options);
    let csv = OneRosterCsvOptions::default();
    let day1_dir = out_dir.join("day1");
    let files = write_oneroster_csv(&district, &day1_dir, csv)?;
    let day1 = DayReport {
        dir: day1_dir,
        summary: district.summary(),
        files,
    };
    let (day2, churn) = match options.churn_pct {
        Some(pct) => {
            let churn = district.advance_day(pct, options.seed);
            let dir = out_dir.join("day2");
            let files = write_oneroster_csv(&district, &dir, csv)?;
            (
                Some(DayReport {
                    dir,
                    summary: district.summary(),
                    files,
                }),
                Some(churn),
            )
        }
        None => (None, None),
    };
    Ok(GenerateReport {
        students: options.students,
        seed: options.seed,
        churn_pct: options.churn_pct,
        day1,
        day2,
        churn,
    })
}
