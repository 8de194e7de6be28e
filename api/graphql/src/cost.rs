//! Cost control before work: a request may carry at most one expensive mutation (sign-in,
//! accepting an invitation, merge codes, join codes, invitations, connector tests and syncs),
//! however it is aliased or spread through fragments. Checked right after parsing (by
//! [`crate::Api`], the one way requests execute), before any resolver runs; the refusal is a
//! `BAD_USER_INPUT` error and nothing executes.

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult};

/// Mutations that cost real work (password hashing, messages sent, outside systems called)
/// or that guess at a secret.
pub const EXPENSIVE: &[&str] = &[
    "login",
    "acceptInvitation",
    "requestMergeConfirmationCode",
    "confirmMergeSuggestion",
    "joinClass",
    "inviteFamilies",
    "inviteGuardian",
    "inviteCoGuardian",
    "resendInvitation",
    "testConnector",
    "runSync",
    "importRelationships",
    "inviteStaff",
    "uploadRosterFile",
    "requestPasswordReset",
    "resetPassword",
    "completeSignIn",
];

fn count(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> usize {
    if depth > 8 {
        return usize::MAX / 2; // fragments nested this deep at the root are not a real request
    }
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => usize::from(EXPENSIVE.contains(&f.node.name.node.as_str())),
            Selection::InlineFragment(f) => count(doc, &f.node.selection_set.node, depth + 1),
            Selection::FragmentSpread(s) => doc
                .fragments
                .get(&s.node.fragment_name.node)
                .map_or(0, |f| count(doc, &f.node.selection_set.node, depth + 1)),
        })
        .fold(0, usize::saturating_add)
}

/// Refuses a document whose mutation carries more than one expensive field.
///
/// A check of the parsed document, not a schema extension: an extension, even one that only
/// looks at parsing, makes the executor run every field of every request through the
/// extension chain (a registry lookup and a boxed future per field, a third of a roster's CPU).
pub fn one_expensive_mutation(doc: &ExecutableDocument) -> ServerResult<()> {
    let too_many = doc.operations.iter().any(|(_, op)| {
        op.node.ty == OperationType::Mutation && count(doc, &op.node.selection_set.node, 0) > 1
    });
    if too_many {
        return Err(ServerError::new(
            "a request may carry at most one sign-in, invitation, join-code, merge-code, \
             connector-test or sync mutation",
            None,
        ));
    }
    Ok(())
}

/// Whether every operation of the document is a query (it writes nothing, so the server may
/// cut it short at its time budget).
pub fn read_only(doc: &ExecutableDocument) -> bool {
    doc.operations
        .iter()
        .all(|(_, op)| op.node.ty == OperationType::Query)
}
