#!/usr/bin/env bash
# Runs the whole system: install, migrate, load reference + demo data, then web server + Celery worker with beat.
# SQLite and a server-less filesystem broker unless DATABASE_URL / REDIS_URL are set.
source "$(dirname "$0")/bootstrap.sh" requirements.txt
export DEBUG=${DEBUG:-1}
python manage.py migrate --noinput
python manage.py load_directory
python manage.py load_catalog
python manage.py seed_demo
python manage.py seed_demo_tickets --count "${DEMO_TICKETS:-2000}"  # only into a database without tickets
python manage.py train_suggester
mkdir -p var
celery -A config worker --beat --loglevel=INFO --concurrency=2 >var/celery.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null' EXIT
echo "Celery worker + beat started (log: var/celery.log). Open http://127.0.0.1:${PORT:-8000}/"
python manage.py runserver "0.0.0.0:${PORT:-8000}"
