-- The read path decides visibility inside each query (schema/src/scope.rs): a teacher's
-- classes come from their claims, a school admin's from their schools' classes and staff.
-- These lookups start from the caller, so they need indexes on the columns they start from.
CREATE INDEX classes_claimed_by ON classes (claimed_by) WHERE claimed_by IS NOT NULL;
CREATE INDEX classes_school ON classes (school_id, id);
CREATE INDEX person_roles_org ON person_roles (org_id, person_id) WHERE org_id IS NOT NULL;
