-- the trace context the record carried when it failed (W3C traceparent, tracestate, baggage): a
-- redrive's span links to that trace
ALTER TABLE bulwark.dead_letter ADD COLUMN trace_context jsonb;
