//! Merge suggestions.

use async_graphql::Object;

use crate::types::person::Person;
use homeroom_service::merges::Suggestion;

/// Two people a sync alert suggests are the same person.
pub struct MergeSuggestion(pub Suggestion);

#[Object]
impl MergeSuggestion {
    /// The alert code behind the suggestion (`merge_suggestion`, `contact_conflict`,
    /// `contact_point_taken`, `shared_phone`).
    async fn reason(&self) -> &str {
        &self.0.code
    }
    /// The alert text.
    async fn message(&self) -> &str {
        &self.0.message
    }
    /// Who would remain (a claimed account first, else the older record).
    async fn survivor(&self) -> Person {
        Person(self.0.survivor.clone())
    }
    /// Who would be merged into the survivor.
    async fn duplicate(&self) -> Person {
        Person(self.0.duplicate.clone())
    }
}
