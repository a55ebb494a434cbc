#!/usr/bin/env sh
# Writes the compose stack's secrets, fresh and random, to an env file (default: .env beside
# docker-compose.yml, which docker compose reads by itself), readable by its owner only. An
# existing file keeps its secrets and gains only those it lacks (from a newer version of the
# stack), so a second run changes nothing. Nothing secret is committed.
#
#   deploy/compose/secrets.sh            # then: docker compose -f deploy/compose/docker-compose.yml up
#   deploy/compose/secrets.sh my.env     # then: docker compose --env-file my.env ...
set -eu
file="${1:-$(dirname "$0")/.env}"
fresh() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
umask 077
touch "$file"
added=0
for name in POSTGRES_PASSWORD REPLICATION_PASSWORD ORDERS_DB_PASSWORD INVENTORY_DB_PASSWORD \
  GATEWAY_CLIENT_SECRET ORDER_SERVICE_CLIENT_SECRET \
  CUSTOMER_1_PASSWORD CUSTOMER_2_PASSWORD OPERATOR_PASSWORD GRAFANA_ADMIN_PASSWORD \
  KAFKA_BROKER_PASSWORD KAFKA_ADMIN_PASSWORD ORDER_SERVICE_KAFKA_PASSWORD \
  INVENTORY_SERVICE_KAFKA_PASSWORD; do
  if ! grep -q "^$name=" "$file"; then
    echo "$name=$(fresh)" >>"$file"
    added=$((added + 1))
  fi
done
if [ "$added" -gt 0 ]; then
  echo "wrote $added secrets to $file"
else
  echo "kept $file"
fi
