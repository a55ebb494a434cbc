#!/bin/sh
# Patroni's post_bootstrap hook: runs once, on the node that initialised the cluster. Each service
# gets its own login role, owning its own database and nothing else; nobody else may connect to it.
# pg_monitor lets a service read its standbys' replication state, for the console's health page.
set -e
: "${ORDERS_DB_PASSWORD:?}" "${INVENTORY_DB_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 -v orders="$ORDERS_DB_PASSWORD" -v inventory="$INVENTORY_DB_PASSWORD" "$1" <<'SQL'
CREATE ROLE order_service LOGIN PASSWORD :'orders';
CREATE ROLE inventory_service LOGIN PASSWORD :'inventory';
CREATE DATABASE orders OWNER order_service;
CREATE DATABASE inventory OWNER inventory_service;
REVOKE ALL ON DATABASE orders FROM PUBLIC;
REVOKE ALL ON DATABASE inventory FROM PUBLIC;
GRANT CONNECT ON DATABASE orders TO order_service;
GRANT CONNECT ON DATABASE inventory TO inventory_service;
GRANT pg_monitor TO order_service, inventory_service;
SQL
