-- Source links are the sync engine's bookkeeping: one row per SIS record (about nine per student
-- in a large district), written in bulk by every full sync. Their two foreign keys cost a lookup
-- and a row lock on the parent per inserted link (about a third of the insert time at 50,000
-- students) and protect nothing that happens: connectors and districts are disabled, never
-- deleted. The columns stay; the engine always writes them from the run's own connector.
ALTER TABLE source_links DROP CONSTRAINT IF EXISTS source_links_district_id_fkey;
ALTER TABLE source_links DROP CONSTRAINT IF EXISTS source_links_connector_id_fkey;
