-- Machines and app-scoped join tokens (issue 4). Same portable SQL rules as V1.

CREATE TABLE join_tokens (
    hash       VARCHAR(128) PRIMARY KEY, -- SHA-256 hex of the secret
    org_id     BIGINT NOT NULL REFERENCES orgs (id),
    app_id     BIGINT NOT NULL REFERENCES apps (id),
    uses_left  INTEGER NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by VARCHAR(320) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE SEQUENCE machine_number_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE machines (
    id                   VARCHAR(32) PRIMARY KEY,
    org_id               BIGINT NOT NULL REFERENCES orgs (id),
    app_id               BIGINT NOT NULL REFERENCES apps (id),
    region               VARCHAR(64) NOT NULL,
    address              VARCHAR(64) NOT NULL,
    host_key_fingerprint VARCHAR NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen            TIMESTAMP WITH TIME ZONE NOT NULL,
    online               BOOLEAN NOT NULL
);
CREATE INDEX machines_app_ix ON machines (app_id, id);
