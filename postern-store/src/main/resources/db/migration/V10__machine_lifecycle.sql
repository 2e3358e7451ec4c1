-- Machine lifecycle (issue 10): removed machines, and the host keys they may never use again. Same portable SQL
-- rules as V1. (V10: after the other migrations of the same issue, V3 to V9.)

-- The host public key line a machine joined with (NULL for machines that joined before this migration), so
-- that its removal can revoke the key itself (KRL, known_hosts @revoked) and a renewal can be checked against it.
ALTER TABLE machines ADD COLUMN host_key VARCHAR;
-- NULL while the machine belongs to its app; set once, by 'postern machines remove'.
ALTER TABLE machines ADD COLUMN removed_at TIMESTAMP WITH TIME ZONE;

-- Host keys of removed machines. Kept when the app or the org is deleted (no foreign keys): a removed machine's
-- identity must never join or tunnel again, in any org.
CREATE TABLE revoked_host_keys (
    fingerprint VARCHAR(128) PRIMARY KEY, -- SHA256:... of the host public key
    org_id      BIGINT NOT NULL,
    machine_id  VARCHAR(32) NOT NULL,
    app         VARCHAR(255) NOT NULL,
    host_key    VARCHAR,                  -- the public key line; NULL when the machine joined before V6
    revoked_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_by  VARCHAR(320) NOT NULL
);
CREATE INDEX revoked_host_keys_org_ix ON revoked_host_keys (org_id);
