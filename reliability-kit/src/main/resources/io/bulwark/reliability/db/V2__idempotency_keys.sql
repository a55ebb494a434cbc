-- HTTP Idempotency-Key records: the first request's fingerprint and response, per client scope and
-- key, written in the transaction of the request's effect.
CREATE TABLE bulwark.idempotency_key (
    scope       text        NOT NULL,
    key         text        NOT NULL,
    fingerprint bytea       NOT NULL,
    status      integer     NOT NULL,
    headers     jsonb       NOT NULL,
    body        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE INDEX idempotency_key_expires_at ON bulwark.idempotency_key (expires_at);
