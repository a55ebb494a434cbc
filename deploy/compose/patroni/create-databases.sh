#!/bin/sh
# Patroni's post_bootstrap hook: runs once, on the node that initialised the cluster.
set -e
psql -v ON_ERROR_STOP=1 "$1" <<SQL
CREATE DATABASE orders;
CREATE DATABASE inventory;
SQL
