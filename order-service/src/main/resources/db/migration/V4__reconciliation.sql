-- reconciliation walks the orders changed within its window
CREATE INDEX orders_by_update ON orders (updated_at, id);

CREATE TABLE reconciliation_run (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at           timestamptz NOT NULL,
    finished_at          timestamptz NOT NULL,
    trigger              text        NOT NULL,
    requested_by         text,
    window_from          timestamptz NOT NULL,
    window_to            timestamptz NOT NULL,
    orders_checked       integer     NOT NULL,
    reservations_checked integer     NOT NULL,
    drift                integer     NOT NULL,
    repaired             integer     NOT NULL
);

CREATE TABLE reconciliation_drift (
    run_id             bigint NOT NULL REFERENCES reconciliation_run (id),
    order_id           text   NOT NULL,
    kind               text   NOT NULL,
    order_status       text,
    reservation_status text,
    repair             text,
    PRIMARY KEY (run_id, order_id)
);
