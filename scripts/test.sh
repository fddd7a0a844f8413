#!/usr/bin/env bash
# Runs every test: set-up, services, go vet, go test.
#
#   scripts/test.sh [go test flags, e.g. -run TestUpload]
#
# This is what `make test` and CI run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

# PostgreSQL for the store conformance suite and the scale-out tests. Off
# CI a machine without it still runs everything else.
if [[ -x scripts/postgres.sh ]]; then
	if pg_env=$(scripts/postgres.sh); then
		eval "$pg_env"
	elif [[ -n ${CI:-} ]]; then
		echo "test: scripts/postgres.sh failed" >&2
		exit 1
	else
		echo "test: PostgreSQL unavailable; its tests are skipped" >&2
	fi
fi

go vet ./...
go test -count=1 -timeout 40m "$@" ./...
