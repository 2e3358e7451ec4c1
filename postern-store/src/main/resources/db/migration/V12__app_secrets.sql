-- Secrets per app ('postern secrets set'): every change is a new version of the app's secrets; deploying
-- publishes a version to the app's machines. Values are sealed (AES-256-GCM) under the master key, never
-- plaintext; the digest is an HMAC under a key derived from the master key, so it cannot be brute-forced.
-- Same portable SQL rules as V1.

CREATE TABLE app_secret_versions (
    app_id           BIGINT PRIMARY KEY REFERENCES apps (id),
    latest_version   BIGINT NOT NULL,
    deployed_version BIGINT NOT NULL
);

CREATE TABLE app_secrets (
    app_id       BIGINT NOT NULL REFERENCES apps (id),
    name         VARCHAR(255) NOT NULL,
    version      BIGINT NOT NULL,
    sealed_value BYTEA,          -- null: the secret was unset in this version
    digest       VARCHAR(64),
    set_by       VARCHAR(320) NOT NULL,
    set_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT app_secrets_pk PRIMARY KEY (app_id, name, version)
);
