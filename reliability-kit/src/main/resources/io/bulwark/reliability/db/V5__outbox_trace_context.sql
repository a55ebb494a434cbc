-- the trace of the work that appended an event (W3C traceparent, tracestate, baggage), continued
-- by the relay's publish
ALTER TABLE bulwark.outbox ADD COLUMN trace_context jsonb;
