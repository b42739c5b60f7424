"""Helpers of the 每月一题 tests: a month of sanitation orders at two streets and a topic about them."""

import datetime as dt

from django.utils import timezone

from topics import services

from .lifecycle_helpers import take_call

WANGJING, FATOU, HAIDIAN_STREET = "110105026", "110105019", "110108001"


def orders_at(users, directory, item, street, times):
    return [take_call(users, directory, item, street=street, content="楼下垃圾堆放多日无人清理", now=at)
            for at in times]


def new_topic(users, directory, catalog, *, now=None, streets=(WANGJING,), lead="D002"):
    now = now or timezone.now()
    return services.create_topic(
        users["leader"], month=timezone.localdate(now).replace(day=1), title="垃圾堆放治理",
        goal="两个月内垃圾堆放诉求下降一半", lead_unit=directory[lead],
        streets=[directory[s] for s in streets], item_ids=[catalog["sanitation"].pk],
        deadline=timezone.localdate(now) + dt.timedelta(days=60), now=now)
