-- the correlation id of the request that caused an event, sent as a Kafka header
ALTER TABLE bulwark.outbox ADD COLUMN correlation_id text;
