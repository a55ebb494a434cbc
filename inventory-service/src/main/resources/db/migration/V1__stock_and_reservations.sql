CREATE TABLE stock_item (
    sku        text        PRIMARY KEY,
    available  integer     NOT NULL CHECK (available >= 0),
    reserved   integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- one decision per order: RESERVED, REJECTED or RELEASED
CREATE TABLE reservation (
    order_id   text        PRIMARY KEY,
    status     text        NOT NULL CHECK (status IN ('RESERVED', 'REJECTED', 'RELEASED')),
    reason     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reservation_line (
    order_id text    NOT NULL REFERENCES reservation (order_id),
    sku      text    NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, sku)
);
