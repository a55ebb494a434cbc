#!/bin/sh
# Builds the images of the compose stack's infrastructure, each from Debian's packages (Kafka from
# Maven Central's jars, which `./mvnw package -pl deploy/images` copies into target/kafka/libs):
#
#   bulwark/jre:17           Debian's OpenJDK 17 runtime: Kafka's base, and the services' with
#                            ./mvnw ... jib:dockerBuild -Dimage.base=docker://bulwark/jre:17
#   bulwark/patroni:15       PostgreSQL 15 with Patroni
#   bulwark/etcd:3.4         etcd, for Patroni's leader key
#   bulwark/kafka:4.1        Kafka in KRaft mode, configured by KAFKA_* variables
#   bulwark/prometheus:2.42  Prometheus
#
#   deploy/images/build.sh registry   on debian:bookworm-slim from the registry (the default)
#   deploy/images/build.sh local      on a Debian root filesystem made here by mmdebstrap and
#                                     imported as bulwark/debian:bookworm: no registry needed
#
# Uses the Docker Engine that `docker` reaches (DOCKER_HOST); prints each image's build time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
source=${1:-registry}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mirror=${BULWARK_DEBIAN_MIRROR:-http://deb.debian.org/debian}

timed() {
  started=$(date +%s)
  "$@"
  echo "    $(($(date +%s) - started)) s"
}

build() {
  name=$1
  shift
  echo "==> $name"
  # the legacy builder's notice of its deprecation is not an error
  timed sh -c 'docker build --quiet "$@" >/dev/null 2>"$0.err" || { cat "$0.err" >&2; exit 1; }' \
    "$work/build" "$@" -t "$name"
}

case "$source" in
  registry)
    base=debian:bookworm-slim
    ;;
  local)
    base=bulwark/debian:bookworm
    if ! docker image inspect "$base" >/dev/null 2>&1; then
      command -v mmdebstrap >/dev/null || { echo "mmdebstrap is needed: apt-get install mmdebstrap" >&2; exit 1; }
      echo "==> $base (mmdebstrap, minbase)"
      timed sh -c "mmdebstrap --quiet --variant=minbase --include=ca-certificates \
          --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
          --dpkgopt='path-exclude=/usr/share/locale/*' \
          bookworm - 'deb $mirror bookworm main' 'deb $mirror bookworm-updates main' \
          'deb ${mirror}-security bookworm-security main' | docker import - $base >/dev/null"
    fi
    ;;
  *)
    echo "usage: $0 [registry|local]" >&2
    exit 2
    ;;
esac

[ -d "$here/target/kafka/libs" ] || { echo "no $here/target/kafka/libs: ./mvnw package -pl deploy/images first" >&2; exit 1; }
build bulwark/jre:17 --build-arg BASE="$base" "$here/jre"
build bulwark/patroni:15 --build-arg BASE="$base" "$here/patroni"
build bulwark/etcd:3.4 --build-arg BASE="$base" "$here/etcd"
build bulwark/kafka:4.1 --build-arg JRE=bulwark/jre:17 -f "$here/kafka/Dockerfile" "$here"
build bulwark/prometheus:2.42 --build-arg BASE="$base" "$here/prometheus"
