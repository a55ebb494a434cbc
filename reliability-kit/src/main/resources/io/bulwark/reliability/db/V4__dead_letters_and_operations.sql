-- Records a consumer gave up on, collected from the service's dead-letter topics: one row per event
-- (or, for a record without a readable event id, per dead-letter record), so a record dead-lettered
-- again after a redrive updates its row instead of adding another.
CREATE TABLE bulwark.dead_letter (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dlt_topic          text        NOT NULL,
    dlt_partition      integer     NOT NULL,
    dlt_offset         bigint      NOT NULL,
    original_topic     text        NOT NULL,
    original_partition integer,
    original_offset    bigint,
    consumer_group     text,
    message_key        text,
    event_id           uuid,
    event_type         text,
    correlation_id     text,
    exception_class    text,
    exception_message  text,
    attempts           integer     NOT NULL,
    times_dead_lettered integer    NOT NULL DEFAULT 1,
    first_failed_at    timestamptz NOT NULL,
    last_failed_at     timestamptz NOT NULL,
    payload            bytea       NOT NULL,
    status             text        NOT NULL DEFAULT 'OPEN'
        CHECK (status IN ('OPEN', 'REDRIVEN', 'DISCARDED')),
    redriven_at        timestamptz,
    redrive_outcome    text,
    discarded_at       timestamptz,
    discarded_by       text,
    discard_reason     text,
    UNIQUE (dlt_topic, dlt_partition, dlt_offset)
);

CREATE UNIQUE INDEX dead_letter_event ON bulwark.dead_letter (original_topic, event_id)
    WHERE event_id IS NOT NULL;
CREATE INDEX dead_letter_by_status ON bulwark.dead_letter (status, id);

-- A redrive: the records it covers, fixed when it starts, worked through at a set rate by
-- whichever instance holds the job's row lock, so the rate holds across instances and a job
-- outlives the instance that started it.
CREATE TABLE bulwark.redrive_job (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    requested_by  text        NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    description   text        NOT NULL,
    rate_per_sec  integer     NOT NULL CHECK (rate_per_sec > 0),
    total         integer     NOT NULL,
    status        text        NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'DONE')),
    worked_at     timestamptz,
    finished_at   timestamptz
);

CREATE TABLE bulwark.redrive_item (
    job_id         bigint      NOT NULL REFERENCES bulwark.redrive_job (id),
    dead_letter_id bigint      NOT NULL REFERENCES bulwark.dead_letter (id),
    outcome        text        NOT NULL DEFAULT 'PENDING'
        CHECK (outcome IN ('PENDING', 'APPLIED', 'DUPLICATE', 'IGNORED', 'FAILED', 'SKIPPED')),
    detail         text,
    done_at        timestamptz,
    PRIMARY KEY (job_id, dead_letter_id)
);

CREATE INDEX redrive_item_pending ON bulwark.redrive_item (job_id, dead_letter_id)
    WHERE outcome = 'PENDING';

-- What operators did: who, when, what, to which records, and how it ended.
CREATE TABLE bulwark.operation_audit (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor    text        NOT NULL,
    action   text        NOT NULL,
    target   text        NOT NULL,
    outcome  text        NOT NULL
);

-- What each purge removed, last time and in all, across instances.
CREATE TABLE bulwark.housekeeping (
    task          text        PRIMARY KEY,
    last_run_at   timestamptz NOT NULL,
    last_removed  bigint      NOT NULL,
    total_removed bigint      NOT NULL
);
