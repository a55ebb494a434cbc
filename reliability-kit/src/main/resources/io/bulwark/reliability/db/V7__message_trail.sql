-- Which instance appended, published and processed each message, for an order's timeline: the
-- pool's connections name their instance as their application_name (the kit's default), so an
-- insert records it without a word from the code. Rows from before this migration name none.
ALTER TABLE bulwark.outbox ADD COLUMN appended_by text, ADD COLUMN published_by text;
ALTER TABLE bulwark.outbox ALTER COLUMN appended_by SET DEFAULT current_setting('application_name');
ALTER TABLE bulwark.inbox ADD COLUMN processed_by text;
ALTER TABLE bulwark.inbox ALTER COLUMN processed_by SET DEFAULT current_setting('application_name');

-- an aggregate's messages, by their key (the operator's trail of one order)
CREATE INDEX outbox_by_key ON bulwark.outbox (message_key);

-- the key whose first request created a resource, found by the resource's address
ALTER TABLE bulwark.idempotency_key
    ADD COLUMN resource text GENERATED ALWAYS AS (headers ->> 'Location') STORED;
CREATE INDEX idempotency_key_by_resource ON bulwark.idempotency_key (resource)
    WHERE resource IS NOT NULL;
