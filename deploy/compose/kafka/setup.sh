#!/bin/sh
# Run once the brokers are up, as the brokers' administrator (SASL/PLAIN on the brokers' own
# listener, 9094): creates the topics, signs each service's Kafka user up (SCRAM-SHA-512, password
# from the environment: ORDER_SERVICE_KAFKA_PASSWORD for order-service, and so on) and grants it
# exactly the ACLs in acls. Idempotent: a second run changes nothing.
#
#   ADMIN_PASSWORD          the administrator's password
#   KAFKA_BOOTSTRAP         the brokers' listener (default kafka-1:9094,kafka-2:9094,kafka-3:9094)
#   KAFKA_BIN               Kafka's scripts (default /opt/kafka/bin)
set -eu
here=$(dirname "$0")
bin=${KAFKA_BIN:-/opt/kafka/bin}
bootstrap=${KAFKA_BOOTSTRAP:-kafka-1:9094,kafka-2:9094,kafka-3:9094}
config=$(mktemp)
trap 'rm -f "$config"' EXIT
cat >"$config" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${ADMIN_PASSWORD:?the administrator's password}";
PROPERTIES

# the data files without their comments and blank lines
rows() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/$1"; }

rows topics | while read -r topic partitions retention; do
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$config" \
    --create --if-not-exists --topic "$topic" --partitions "$partitions" \
    --config "retention.ms=$retention"
done

for user in $(rows acls | awk '{print $1}' | sort -u); do
  variable=$(echo "$user" | tr 'a-z-' 'A-Z_')_KAFKA_PASSWORD
  password=$(printenv "$variable") || { echo "$variable is not set" >&2; exit 1; }
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --command-config "$config" \
    --alter --entity-type users --entity-name "$user" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]"
done

rows acls | while read -r user resource name operations; do
  set --
  for operation in $(echo "$operations" | tr ',' ' '); do
    set -- "$@" --operation "$operation"
  done
  "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --command-config "$config" \
    --add --allow-principal "User:$user" "--$resource" "$name" "$@"
done
echo "topics, users and ACLs in place"
