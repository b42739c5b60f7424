#!/usr/bin/env bash
# Runs every quality gate: ruff, Django checks, migrations check, then the whole pytest suite.
source "$(dirname "$0")/bootstrap.sh" requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then  # the browser tests drive Debian's Chromium
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null;
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi
fi
# Tests speak plain http and need a key (tests/settings.py sets the same for pytest).
export LOCAL_HTTP=1 SECRET_KEY=${SECRET_KEY:-test-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz}
set -x
ruff check .
python manage.py check
python manage.py makemigrations --check --dry-run
set +e
python -m pytest "$@"
status=$?
if [ "$status" = 5 ]; then echo "pytest collected no tests: failing on purpose" >&2; exit 1; fi
if [ "$status" = 0 ] && [ $# = 0 ] && [ -n "${DATABASE_URL:-}" ]; then
  # The run command's embedded default (SQLite, no Redis) gets the suite too, less the browser stories.
  env -u DATABASE_URL -u REDIS_URL python -m pytest -q -m "not e2e"
  status=$?
fi
exit "$status"
