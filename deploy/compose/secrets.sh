#!/usr/bin/env sh
# Writes the compose stack's secrets, fresh and random, to an env file (default: .env beside
# docker-compose.yml, which docker compose reads by itself), readable by its owner only. An
# existing file is kept, so a second run changes nothing. Nothing secret is committed.
#
#   deploy/compose/secrets.sh            # then: docker compose -f deploy/compose/docker-compose.yml up
#   deploy/compose/secrets.sh my.env     # then: docker compose --env-file my.env ...
set -eu
file="${1:-$(dirname "$0")/.env}"
if [ -f "$file" ]; then
  echo "kept $file"
  exit 0
fi
fresh() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
umask 077
cat >"$file" <<ENV
POSTGRES_PASSWORD=$(fresh)
REPLICATION_PASSWORD=$(fresh)
ORDERS_DB_PASSWORD=$(fresh)
INVENTORY_DB_PASSWORD=$(fresh)
GATEWAY_CLIENT_SECRET=$(fresh)
ORDER_SERVICE_CLIENT_SECRET=$(fresh)
CUSTOMER_1_PASSWORD=$(fresh)
CUSTOMER_2_PASSWORD=$(fresh)
OPERATOR_PASSWORD=$(fresh)
GRAFANA_ADMIN_PASSWORD=$(fresh)
ENV
echo "wrote $file"
