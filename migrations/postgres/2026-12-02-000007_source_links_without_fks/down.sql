ALTER TABLE source_links
    ADD CONSTRAINT source_links_district_id_fkey
    FOREIGN KEY (district_id) REFERENCES districts (id) ON DELETE CASCADE;
ALTER TABLE source_links
    ADD CONSTRAINT source_links_connector_id_fkey
    FOREIGN KEY (connector_id) REFERENCES connectors (id) ON DELETE CASCADE;
