//! The fake's event feed: the changes between two datasets, as Clever events.
//!
//! Events are appended in this order, oldest first: created/updated districts, schools,
//! terms and courses; deleted users; created/updated users; created/updated sections;
//! deleted sections, courses, terms, schools and districts. So a contact without an SIS id
//! that changed shows up as `users.deleted` (old id) before `users.created` (new id), as
//! Clever sends such pairs. Updates carry `previous_attributes`: the old value of every
//! top-level field that changed.

use std::time::SystemTime;

use serde_json::{Map, Value, json};

use super::dataset::{CleverDataset, Collection, FakeObject};
use crate::object_id::ObjectId;

/// One stored event.
#[derive(Clone, Debug)]
pub(crate) struct FakeEvent {
    pub id: String,
    pub json: String,
}

/// Appends one event: collection, action, object JSON, previous attributes.
type Push<'p> = dyn FnMut(Collection, Action, &str, Option<Value>) + 'p;

enum Action {
    Created,
    Updated,
    Deleted,
}

/// Appends to `events` the changes from `old` to `new`; event ids start at `*seq + 1` and
/// carry the time `now`.
pub(crate) fn append_changes(
    old: &CleverDataset,
    new: &CleverDataset,
    now: SystemTime,
    seq: &mut u64,
    events: &mut Vec<FakeEvent>,
) {
    let created = chrono::DateTime::<chrono::Utc>::from(now)
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let mut push =
        |collection: Collection, action: Action, object: &str, previous: Option<Value>| {
            *seq += 1;
            let id = ObjectId::from_parts(now, *seq);
            let kind = match action {
                Action::Created => "created",
                Action::Updated => "updated",
                Action::Deleted => "deleted",
            };
            let object: Value = serde_json::from_str(object).unwrap_or(Value::Null);
            let mut data = json!({ "object": object });
            if let Some(previous) = previous {
                data["previous_attributes"] = previous;
            }
            events.push(FakeEvent {
                id: id.as_str().to_owned(),
                json: json!({"id": id.as_str(), "type": format!("{}.{kind}", collection.path()),
                "created": created, "data": data})
                .to_string(),
            });
        };
    let upserts = |c: Collection, push: &mut Push<'_>| {
        diff(
            old.collection(c),
            new.collection(c),
            |change| match change {
                Change::Added(o) => push(c, Action::Created, &o.json, None),
                Change::Changed(before, after) => push(
                    c,
                    Action::Updated,
                    &after.json,
                    Some(previous_attributes(before, after)),
                ),
                Change::Removed(_) => {}
            },
        );
    };
    let deletes = |c: Collection, push: &mut Push<'_>| {
        diff(old.collection(c), new.collection(c), |change| {
            if let Change::Removed(o) = change {
                push(c, Action::Deleted, &o.json, None);
            }
        });
    };
    for c in [
        Collection::Districts,
        Collection::Schools,
        Collection::Terms,
        Collection::Courses,
    ] {
        upserts(c, &mut push);
    }
    deletes(Collection::Users, &mut push);
    upserts(Collection::Users, &mut push);
    upserts(Collection::Sections, &mut push);
    for c in [
        Collection::Sections,
        Collection::Courses,
        Collection::Terms,
        Collection::Schools,
        Collection::Districts,
    ] {
        deletes(c, &mut push);
    }
}

enum Change<'a> {
    Added(&'a FakeObject),
    Changed(&'a FakeObject, &'a FakeObject),
    Removed(&'a FakeObject),
}

/// Walks two id-sorted lists.
fn diff<'a>(old: &'a [FakeObject], new: &'a [FakeObject], mut each: impl FnMut(Change<'a>)) {
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a.id == b.id => {
                if a.json != b.json {
                    each(Change::Changed(a, b));
                }
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a.id < b.id => {
                each(Change::Removed(a));
                i += 1;
            }
            (Some(a), None) => {
                each(Change::Removed(a));
                i += 1;
            }
            (_, Some(b)) => {
                each(Change::Added(b));
                j += 1;
            }
            (None, None) => break,
        }
    }
}

/// The old values of the top-level fields that differ (`null` for fields that are new).
fn previous_attributes(before: &FakeObject, after: &FakeObject) -> Value {
    let parse = |o: &FakeObject| -> Map<String, Value> {
        serde_json::from_str(&o.json).unwrap_or_default()
    };
    let (old, new) = (parse(before), parse(after));
    let mut previous = Map::new();
    for (k, v) in &old {
        if new.get(k) != Some(v) {
            previous.insert(k.clone(), v.clone());
        }
    }
    for k in new.keys() {
        if !old.contains_key(k) {
            previous.insert(k.clone(), Value::Null);
        }
    }
    Value::Object(previous)
}
