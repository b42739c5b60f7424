"""Health of the parts the system needs: database, broker/cache, and the age of the last minute sweep.

Each check returns {"ok": bool, ...} and never the data it reads; /healthz and `manage.py healthcheck` share them.
"""

from pathlib import Path

from django.conf import settings
from django.db import connection

from assessment.clock import heartbeat


def database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any failure means the part is down
        return {"ok": False, "error": f"数据库无法连接（{type(error).__name__}）"}
    return {"ok": True}


def broker():
    """Redis ping when REDIS_URL is set (broker and cache); else the filesystem broker's folder is writable."""
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
        except Exception as error:
            return {"ok": False, "kind": "redis", "error": f"Redis 无法连接（{type(error).__name__}）"}
        return {"ok": True, "kind": "redis"}
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    if not (folder.is_dir() and _writable(folder)):
        return {"ok": False, "kind": "filesystem", "error": "消息队列目录不存在或不可写"}
    return {"ok": True, "kind": "filesystem"}


def _writable(folder):
    probe = folder / ".healthz"
    try:
        probe.write_text("")
        probe.unlink()
    except OSError:
        return False
    return True


def sweep():
    try:
        age = heartbeat.age_seconds(heartbeat.SWEEP)
    except Exception as error:  # the database check names the cause
        return {"ok": False, "error": f"无法读取定时扫描记录（{type(error).__name__}）"}
    limit = settings.SWEEP_MAX_AGE_SECONDS
    if age is None:
        return {"ok": False, "age_seconds": None, "error": "定时扫描尚未运行"}
    if age > limit:
        return {"ok": False, "age_seconds": round(age), "error": f"定时扫描已超过{limit}秒未运行"}
    return {"ok": True, "age_seconds": round(age)}


CHECKS = {"database": database, "broker": broker, "sweep": sweep}


def report(names=None):
    """(healthy, {"status": "ok"|"fail", "checks": {name: result}, "failing": [names]})."""
    results = {name: CHECKS[name]() for name in (names or CHECKS)}
    failing = [name for name, result in results.items() if not result["ok"]]
    return not failing, {"status": "fail" if failing else "ok", "checks": results, "failing": failing}
