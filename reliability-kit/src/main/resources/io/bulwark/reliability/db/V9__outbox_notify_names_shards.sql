-- the relays' wake-up names the shards that got new messages, so that a woken relay visits those
-- alone instead of probing every shard; still one notification per shard and transaction, at
-- commit. An empty payload (a trigger from before this) still means "any shard".
CREATE OR REPLACE FUNCTION bulwark.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bulwark_outbox', shard::text) FROM (SELECT DISTINCT shard FROM added) AS s;
    RETURN NULL;
END
$$;

DROP TRIGGER outbox_notify ON bulwark.outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON bulwark.outbox REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION bulwark.outbox_notify();
