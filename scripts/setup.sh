#!/usr/bin/env bash
# Makes sure this machine has what shoot needs to build, run and test.
#
#   scripts/setup.sh
#
# Idempotent: it only installs what is missing. As root with apt-get it
# installs Debian packages itself; otherwise it prints exactly what to
# install and exits 1. Messages go to stderr.
set -euo pipefail

log() { echo "setup: $*" >&2; }

# TOOLS maps each command the project needs to the Debian package that
# provides it. Later needs (a browser for UI tests, …) are added here.
TOOLS=(
	"ffmpeg:ffmpeg"
	"ffprobe:ffmpeg"
	# The web studio's end-to-end test drives Debian's chromium headless.
	"chromium:chromium"
	# npm fetches axe-core, the accessibility checker the browser tests run.
	"npm:npm"
)

# AXE_VERSION is the axe-core release the browser tests inject into the
# page; it is installed from npm into .cache/axe (never at test time).
AXE_VERSION=4.10.3
root=$(cd "$(dirname "$0")/.." && pwd)

install_axe() {
	local dir="$root/.cache/axe"
	if grep -qs "\"version\": \"$AXE_VERSION\"" "$dir/node_modules/axe-core/package.json"; then
		return 0
	fi
	log "installing axe-core $AXE_VERSION into $dir"
	mkdir -p "$dir"
	npm install --no-audit --no-fund --no-save --silent --prefix "$dir" "axe-core@$AXE_VERSION" >&2
}

if ! command -v go >/dev/null; then
	log "Go is missing: install Go $(sed -n 's/^go //p' "$(dirname "$0")/../go.mod") or newer from https://go.dev/dl/ and put it on PATH"
	exit 1
fi

missing=()
for entry in "${TOOLS[@]}"; do
	cmd=${entry%%:*}
	pkg=${entry#*:}
	if ! command -v "$cmd" >/dev/null; then
		[[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
	fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
	install_axe
	exit 0
fi

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
	log "missing packages: ${missing[*]}"
	log "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
	exit 1
fi

log "installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
	{ apt-get update >&2 && apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
install_axe
