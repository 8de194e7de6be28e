DROP TABLE sign_in_codes;
DROP TABLE sign_in_states;
DROP TABLE identity_providers;
