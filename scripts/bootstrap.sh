#!/usr/bin/env bash
# Install everything the project needs on a fresh machine (Python and PostgreSQL given):
# system packages for PDF rendering and browser tests, then a virtualenv with the
# project and its test extras. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(chromium chromium-driver poppler-utils fonts-dejavu-core fonts-liberation
                 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
                 redis-server  # the tests of the shared rate-limit storage
                 nginx openssl)  # tests/deploy runs deploy/nginx.conf over TLS
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "bootstrap: please install: ${missing[*]} (needs root)" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v -i warning || true
  .venv/bin/python -m pip install -q -e ".[test]" 2>&1 | grep -v -i warning || true
  .venv/bin/python -c "import assess, scoring, questionnaires, weasyprint, playwright"
  touch "$stamp"
fi
