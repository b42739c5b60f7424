"""Shared by the benchmarks: make sure the PostgreSQL database named by DATABASE_URL exists."""

import os
import sys

# Benchmarks run the real settings over plain http on this machine; a throw-away key unless one is set.
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("LOCAL_HTTP", "1")


def admin_connection(url):
    """An autocommit connection to the `postgres` database of the server a PostgreSQL URL names."""
    import dj_database_url
    import psycopg2

    db = dj_database_url.parse(url)
    admin = psycopg2.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
                             port=db["PORT"] or 5432)
    admin.autocommit = True
    return admin


def recreate_databases(url, names):
    """Drop (forcing out any session) and create each named database on the server of ``url``."""
    admin = admin_connection(url)
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def ensure_postgres_database(script):
    """Create the DATABASE_URL database if missing; exit with a message when it is not PostgreSQL."""
    import dj_database_url

    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in db["ENGINE"]:
        sys.exit(f"{script} needs DATABASE_URL=postgres://…")
    admin = admin_connection(os.environ["DATABASE_URL"])
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()


def timed_get(client, url, runs, quantile=1.0):
    """One warm-up GET, then ``runs`` timed ones: (the warm-up's response, median ms, the ``quantile`` ms by nearest
    rank: the worst unless given; 0.95 of 20 runs is the 19th)."""
    import math
    import statistics
    import time

    warm_up = client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return warm_up, statistics.median(times), sorted(times)[max(math.ceil(quantile * runs), 1) - 1]


def prepare_for_pages():
    """Set Django up for in-process page requests (DEBUG off, any host), migrate, load the directory, the starter
    catalog and the demo users. Returns the demo users by username."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from demodata.users import seed_demo_users

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    call_command("load_directory", verbosity=0)
    call_command("load_catalog", verbosity=0)
    return {u.username: u for u in seed_demo_users()}
