//! First imports skip link lookups. A kind the connector has never linked cannot match a link
//! made before this run, only one made earlier in it (the SIS sent a record twice). Those are
//! remembered in a Bloom filter: a record of a fresh kind is looked up only when the filter says
//! its external id may have been linked already, which on a first import is almost never.
//!
//! The filter has a fixed size (16 MiB), so memory stays flat with district size; past a few
//! million links its false positives rise and more records are looked up, which is only slower.

use std::collections::HashSet;

use fastbloom::BloomFilter;
use homeroom_connector_core::EntityKind;
use homeroom_schema::Conn;
use homeroom_schema::error::StoreResult;
use homeroom_schema::store::links;

/// Bits in the filter: 16 MiB, about one false positive in a thousand at 4.5 million links.
const FILTER_BITS: usize = 16 * 8 * 1024 * 1024;

/// Kinds without links when the run started, and the external ids linked since.
pub struct FirstImport {
    fresh: HashSet<EntityKind>,
    linked: Option<BloomFilter>,
}

impl FirstImport {
    /// Nothing is fresh: every record is looked up (dry runs of a held hold, tests).
    pub fn none() -> Self {
        FirstImport {
            fresh: HashSet::new(),
            linked: None,
        }
    }

    /// Asks the store which kinds `connector_id` has never linked.
    pub async fn probe(conn: &mut Conn, connector_id: &str) -> StoreResult<Self> {
        let mut fresh = HashSet::new();
        for kind in EntityKind::ALL {
            if !links::any(conn, connector_id, kind.as_str()).await? {
                fresh.insert(*kind);
            }
        }
        let linked = (!fresh.is_empty())
            .then(|| BloomFilter::with_num_bits(FILTER_BITS).expected_items(4_500_000));
        Ok(FirstImport { fresh, linked })
    }

    /// Whether the connector had no link of `kind` when the run started: every link of that
    /// kind was then made (and so seen) by this run.
    pub fn is_fresh(&self, kind: EntityKind) -> bool {
        self.fresh.contains(&kind)
    }

    /// Whether `external_id` of `kind` may already have a link (and so must be looked up).
    pub fn may_be_linked(&self, kind: EntityKind, external_id: &str) -> bool {
        match &self.linked {
            Some(filter) if self.fresh.contains(&kind) => filter.contains(&(kind, external_id)),
            _ => true,
        }
    }

    /// Notes new links of `kind`.
    pub fn linked<'a>(&mut self, kind: EntityKind, external_ids: impl Iterator<Item = &'a str>) {
        if let Some(filter) = &mut self.linked
            && self.fresh.contains(&kind)
        {
            for id in external_ids {
                filter.insert(&(kind, id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(kinds: &[EntityKind]) -> FirstImport {
        FirstImport {
            fresh: kinds.iter().copied().collect(),
            linked: Some(BloomFilter::with_num_bits(FILTER_BITS).expected_items(4_500_000)),
        }
    }

    #[test]
    fn fresh_kinds_need_lookups_only_for_ids_linked_this_run() {
        let mut f = fresh(&[EntityKind::Person]);
        assert!(!f.may_be_linked(EntityKind::Person, "s1"));
        f.linked(EntityKind::Person, ["s1"].into_iter());
        assert!(f.may_be_linked(EntityKind::Person, "s1"));
        // The same id of another kind is a different record.
        assert!(f.may_be_linked(EntityKind::Class, "s1"), "not fresh");
        f.linked(EntityKind::Class, ["c1"].into_iter());
        assert!(
            f.may_be_linked(EntityKind::Class, "c9"),
            "not fresh: always looked up"
        );
    }

    #[test]
    fn nothing_fresh_means_every_id_is_looked_up() {
        let f = FirstImport::none();
        assert!(f.may_be_linked(EntityKind::Enrollment, "e1"));
    }

    #[test]
    fn false_positives_stay_rare_at_district_scale() {
        let mut f = fresh(&[EntityKind::Enrollment]);
        let ids: Vec<String> = (0..1_000_000).map(|i| format!("enr-{i}")).collect();
        f.linked(EntityKind::Enrollment, ids.iter().map(String::as_str));
        assert!(
            ids.iter()
                .all(|id| f.may_be_linked(EntityKind::Enrollment, id))
        );
        let false_pos = (0..100_000)
            .filter(|i| f.may_be_linked(EntityKind::Enrollment, &format!("other-{i}")))
            .count();
        assert!(false_pos < 100, "{false_pos} false positives in 100000");
    }
}
