-- the saga deadline's scan: the oldest orders still waiting for the inventory
CREATE INDEX pending_orders_by_age ON orders (created_at) WHERE status = 'PENDING';
