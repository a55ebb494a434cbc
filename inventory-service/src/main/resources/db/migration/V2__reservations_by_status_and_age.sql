-- reconciliation lists the reservations still held, changed within a window
CREATE INDEX reservation_by_status_and_age ON reservation (status, updated_at, order_id);
