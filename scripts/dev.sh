#!/usr/bin/env bash
# Set up a fresh machine and run samverkan: `bash scripts/dev.sh serve` or `bash scripts/dev.sh test [pytest args]`.
# Needs Python 3.11+ and the package index; Debian packages are installed
# when running as root on Debian (Chromium for the browser tests, Virtuoso for the remote-store tests),
# otherwise the tests that need them are skipped with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."

ensure_uv() {
  if ! python3 -m uv --version >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check uv
  fi
}

ensure_debian_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing Debian packages: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "Not installing ${missing[*]} (needs root and apt); tests that need them will be skipped." >&2
    fi
  fi
}

cmd="${1:-serve}"; shift || true
ensure_uv
case "$cmd" in
  serve)
    python3 -m uv run --frozen samverkan build --if-stale
    exec python3 -m uv run --frozen samverkan serve "$@"
    ;;
  test)
    ensure_debian_packages
    exec python3 -m uv run --frozen pytest "$@"
    ;;
  *)
    echo "usage: bash scripts/dev.sh serve|test [args]" >&2
    exit 2
    ;;
esac
