//! Academic sessions → terms.

use homeroom_connector_core::{Term, TermKind};

use super::{Field, MapContext, Problem, map_status};
use crate::model::OrSession;
use crate::values::{parse_date, quote};

/// `schoolYear`, `semester`, `term`, `gradingPeriod` map to their kinds; an unknown type is
/// read as other with a warning. Title and type are required; unreadable dates reject.
pub(crate) fn map_term(
    session: &OrSession,
    ctx: &MapContext<'_>,
    warnings: &mut Vec<Problem>,
) -> Result<Term, Problem> {
    let status = map_status(&session.meta, ctx, warnings)?;
    let title = session
        .title
        .clone()
        .ok_or_else(|| Problem::missing(Field::Title, "the session title"))?;
    let raw_type = session
        .session_type
        .as_deref()
        .ok_or_else(|| Problem::missing(Field::Type, "the session type"))?;
    let kind = match raw_type.to_ascii_lowercase().as_str() {
        "schoolyear" => TermKind::SchoolYear,
        "semester" => TermKind::Semester,
        "term" => TermKind::Term,
        "gradingperiod" => TermKind::GradingPeriod,
        _ => {
            warnings.push(Problem::invalid(
                Field::Type,
                format!(
                    "`{}` is not a OneRoster session type (schoolYear, semester, term, gradingPeriod); read as other",
                    quote(raw_type)
                ),
            ));
            TermKind::Other
        }
    };
    let start_date = parse_date(session.start_date.as_deref())
        .map_err(|m| Problem::invalid(Field::StartDate, m))?;
    let end_date =
        parse_date(session.end_date.as_deref()).map_err(|m| Problem::invalid(Field::EndDate, m))?;
    Ok(Term {
        external_id: session.meta.sourced_id.clone(),
        status,
        title,
        kind,
        start_date,
        end_date,
        parent_external_id: session.parent.clone(),
    })
}
