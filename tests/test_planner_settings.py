"""core.planner.local_settings: planner settings for the statements of a block, each set back after it to what the
transaction had before (a month close's own SET LOCAL survives the pairs' statements)."""

import pytest
from django.db import connection, transaction

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner settings")]


def shown(cursor, name):
    cursor.execute(f"SHOW {name}")
    return cursor.fetchone()[0]


def test_settings_hold_inside_the_block_and_the_transactions_own_come_back_after():
    from core.planner import local_settings

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        default_hashjoin = shown(cursor, "enable_hashjoin")
        with local_settings(cursor, [("jit", "on"), ("enable_hashjoin", "off")]):
            assert (shown(cursor, "jit"), shown(cursor, "enable_hashjoin")) == ("on", "off")
        assert (shown(cursor, "jit"), shown(cursor, "enable_hashjoin")) == ("off", default_hashjoin)
