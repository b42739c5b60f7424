#!/usr/bin/env bash
# Runs the whole system: install, migrate, load reference + demo data, then web server + Celery worker with beat.
# SQLite and a server-less filesystem broker unless DATABASE_URL / REDIS_URL are set.
# DEBUG is off (DEBUG=1 bash scripts/run.sh for Django's debug pages); plain http on 127.0.0.1 (HOST=0.0.0.0 to listen
# on every interface, with ALLOWED_HOSTS naming the address); without SECRET_KEY a key generated once in var/secret_key.
source "$(dirname "$0")/bootstrap.sh" requirements.txt
export DEBUG=${DEBUG:-0}
export LOCAL_HTTP=${LOCAL_HTTP:-1}  # runserver speaks http: no HTTPS redirect, HSTS or secure-only cookies
mkdir -p var
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s var/secret_key ] || (umask 077 && python -c "import secrets; print(secrets.token_urlsafe(50))" >var/secret_key)
  SECRET_KEY=$(cat var/secret_key)
  export SECRET_KEY
fi
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0  # WhiteNoise serves static files with DEBUG off
python manage.py load_directory
python manage.py load_catalog
python manage.py seed_demo
python manage.py load_demo_articles  # the demo knowledge base (published; idempotent)
python manage.py seed_demo_tickets --count "${DEMO_TICKETS:-8000}"  # only into a database without tickets
python manage.py train_suggester
# one local worker for every queue (celery: the default; the routed groups: CELERY_TASK_ROUTES in settings)
celery -A config worker --beat -Q celery,clock,notify,reports,training --loglevel=INFO --concurrency=2 >var/celery.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null' EXIT
echo "Celery worker + beat started (log: var/celery.log). Open http://${HOST:-127.0.0.1}:${PORT:-8000}/"
python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
