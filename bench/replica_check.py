"""Run by bench/replica_local.sh: a month close row written to the primary is read back through the reports alias
(the replica), a write through the alias fails, an instance read there is saved to the primary."""

import datetime as dt
import time

from django.db import connections
from django.utils import timezone

from assessment.models import MonthClose
from assessment.monthly import selectors

month = dt.date(2026, 10, 1)
MonthClose.objects.filter(month=month).delete()
MonthClose.objects.create(month=month, status="computed", computed_at=timezone.now())
time.sleep(0.5)  # WAL replay
with connections["reports"].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
    print("reports alias -> (in recovery, port)", cursor.fetchone())
closes = selectors.month_closes()
print("month_closes() via", closes[0]._state.db, "->", [(close.month, close.status) for close in closes])
try:
    MonthClose.objects.using("reports").filter(month=month).update(status="frozen")
except Exception as error:  # noqa: BLE001  (the point is which error)
    print("write through the replica:", type(error).__name__, str(error).strip())
close = closes[0]
close.status = "frozen"
close.save(update_fields=["status"])
time.sleep(0.5)
print("saved instance read from the replica -> primary:", MonthClose.objects.get(month=month).status,
      "; replica now:", MonthClose.objects.using("reports").get(month=month).status)
