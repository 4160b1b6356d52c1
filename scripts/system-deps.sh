#!/usr/bin/env bash
# The system parts the tests need: PostgreSQL, Chromium, poppler (PDF to image), fonts, pango;
# with --bench also wrk (the HTTP load tool `make bench` uses).
# In CI (CI=true) as root we install what is missing; otherwise we say loudly what is missing.
set -euo pipefail

missing=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || missing+=(postgresql)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "${1:-}" = "--bench" ]; then
  command -v wrk >/dev/null || missing+=(wrk)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing system packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "############################################################################" >&2
echo "# MISSING SYSTEM PACKAGES for the test suite: ${missing[*]}" >&2
echo "# Install them (Debian: sudo apt-get install ${missing[*]}) and run make test again." >&2
echo "############################################################################" >&2
exit 1
