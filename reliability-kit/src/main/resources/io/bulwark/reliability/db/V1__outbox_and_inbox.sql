-- The reliability kit's tables live in their own schema, "bulwark", migrated with their own history
-- table (bulwark.schema_history): they evolve independently of each service's own migrations, and
-- a service's Flyway sees an untouched "public" schema.

CREATE TABLE bulwark.outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    topic        text        NOT NULL,
    message_key  text        NOT NULL,
    event_type   text        NOT NULL,
    shard        integer     NOT NULL,
    message      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);

-- the relay reads a shard's unpublished messages in append order
CREATE INDEX outbox_unpublished ON bulwark.outbox (shard, id) WHERE published_at IS NULL;
-- retention deletes the oldest published messages
CREATE INDEX outbox_published ON bulwark.outbox (published_at) WHERE published_at IS NOT NULL;

-- wake the relays when new events commit (NOTIFY is delivered at commit, once per transaction)
CREATE FUNCTION bulwark.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bulwark_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON bulwark.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION bulwark.outbox_notify();

-- messages a consumer has processed; written in the transaction of the effect
CREATE TABLE bulwark.inbox (
    consumer     text        NOT NULL,
    message_id   uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (consumer, message_id)
);

CREATE INDEX inbox_processed_at ON bulwark.inbox (processed_at);
