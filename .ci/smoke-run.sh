#!/usr/bin/env bash
# Starts the platform with `./bulwark run`, takes a customer's token with `./bulwark token`, places
# an order through the gateway with curl (as the README does), waits for CONFIRMED, kills the run
# with SIGKILL, starts it again on the same data (it stops what the killed run left first) and
# reads the order back with the same token, then stops with SIGTERM (what Ctrl-C does) and checks
# that nothing was left running.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
chmod 755 "$work"
export BULWARK_DATA="$work/data"
gateway=http://localhost:8080
# the actuator: on the management port, never on the gateway's public one
health=http://localhost:9080/actuator/health
pid=

# whatever happens, leave nothing running
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" || true
  fi
}
trap cleanup EXIT

start() {
  local began=$SECONDS
  ./bulwark run >"$work/run-$1.log" 2>&1 &
  pid=$!
  # up means this run said so and the gateway answers: what an earlier run left behind may still
  # answer while this one builds
  # the first start on a fresh clone builds everything and trains each service's start-up cache
  for _ in $(seq 1 600); do
    if grep -q '^Bulwark is up' "$work/run-$1.log" &&
      [[ "$(curl -fsS "$health" 2>/dev/null)" == *'"UP"'* ]]; then
      echo "smoke: platform up (start $1, after $((SECONDS - began)) s)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "smoke: ./bulwark run exited"; cat "$work/run-$1.log"; return 1
    fi
    sleep 1
  done
  echo "smoke: not up in 600 s"; cat "$work/run-$1.log"; return 1
}

stop() {
  kill -TERM "$pid"
  wait "$pid" || true
  sleep 1
  leftovers=$(pgrep -af "io.bulwark.devstack|kafka.Kafka|-exec.jar|$BULWARK_DATA" || true)
  if [ -n "$leftovers" ]; then
    echo "smoke: processes left behind:"; echo "$leftovers"; return 1
  fi
  echo "smoke: stopped, nothing left running"
}

status_of() {
  curl -fsS "$gateway$1" -H "Authorization: Bearer $TOKEN" | sed -E 's/.*"status":"([A-Z]+)".*/\1/'
}

start 1
anonymous=$(curl -s -o /dev/null -w '%{http_code}' "$gateway/api/orders")
echo "smoke: without a token the API answers $anonymous"
[ "$anonymous" = 401 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' "$gateway/actuator/health")" != 200 ]
TOKEN=$(./bulwark token customer-1)
if ! location=$(curl -sS --fail-with-body -o "$work/order.json" -w '%header{location}' -X POST "$gateway/api/orders" \
  -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -H "Idempotency-Key: smoke-$(date +%s%N)" \
  -d '{"items":[{"sku":"SKU-1","quantity":2}]}'); then
  echo "smoke: placing the order failed:"; cat "$work/order.json"; exit 1
fi
echo "smoke: placed $location"
for _ in $(seq 1 60); do
  status=$(status_of "$location")
  [ "$status" != PENDING ] && break
  sleep 1
done
echo "smoke: order is $status"
[ "$status" = CONFIRMED ]
[[ "$(curl -fsS "$gateway/api/inventory/SKU-1" -H "Authorization: Bearer $TOKEN")" == *'"reserved":2'* ]]
[[ "$(curl -fsS "$gateway/api/orders" -H "Authorization: Bearer $TOKEN")" == *"${location##*/}"* ]]
forbidden=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$gateway/api/inventory/SKU-1" \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"available":0}')
echo "smoke: a customer setting stock gets $forbidden"
[ "$forbidden" = 403 ]

# The run killed with SIGKILL leaves PostgreSQL, Kafka and the services running; the next run on
# the same data stops them first and comes up with every order there, and the token taken before
# still serves.
kill -KILL "$pid"
wait "$pid" || true
sleep 1
left=$(pgrep -f "kafka.Kafka|-exec.jar|$BULWARK_DATA" | wc -l)
echo "smoke: the run killed with SIGKILL left $left processes running"
[ "$left" -gt 0 ]
start 2
sed -n '/left on/,/==> PostgreSQL/p' "$work/run-2.log"
status=$(status_of "$location")
echo "smoke: after a SIGKILL of the run and a new run on the same data, the order is $status"
[ "$status" = CONFIRMED ]
# stopped as Ctrl-C does, it leaves nothing running
stop
rm -rf "$work"
echo "smoke: ok, in $SECONDS s"
