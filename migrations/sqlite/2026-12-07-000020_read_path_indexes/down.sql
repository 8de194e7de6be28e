DROP INDEX person_roles_org;
DROP INDEX classes_school;
DROP INDEX classes_claimed_by;
