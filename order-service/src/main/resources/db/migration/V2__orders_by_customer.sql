-- a customer's orders, newest first: the listing's keyset pages walk this index
CREATE INDEX orders_by_customer ON orders (customer_id, created_at DESC, id DESC);
