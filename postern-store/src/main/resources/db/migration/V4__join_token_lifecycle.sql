-- Join tokens get a public id (for 'postern tokens list/revoke': never the secret nor its hash) and can be
-- revoked (issue 10). Numbered 4, leaving 3 free, so parallel work on the schema can merge without renumbering.
-- Same portable SQL rules as V1.

CREATE SEQUENCE join_token_id_seq START WITH 1 INCREMENT BY 1;

ALTER TABLE join_tokens ADD COLUMN id BIGINT;
UPDATE join_tokens SET id = nextval('join_token_id_seq');
ALTER TABLE join_tokens ALTER COLUMN id SET NOT NULL;
CREATE UNIQUE INDEX join_tokens_id_uq ON join_tokens (id);
CREATE INDEX join_tokens_app_ix ON join_tokens (app_id, id);

ALTER TABLE join_tokens ADD COLUMN revoked_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE join_tokens ADD COLUMN revoked_by VARCHAR(320);
