"""CPU time read from /proc (Linux): of given processes, of a gunicorn master's workers, of PostgreSQL, of the
whole machine. Shared by the intake bench and the peer bench."""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(command name, the stat fields after it) of a process; None when it has ended."""
    try:
        head, rest = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
    except OSError:
        return None
    return head.split("(", 1)[1], rest.split()


def _own_seconds(fields):
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _live_pids():
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def cpu_seconds(pids):
    """User+system CPU seconds of the given processes so far (0 for one that is gone)."""
    return sum(_own_seconds(stat[1]) for stat in map(_stat, pids) if stat)


def worker_pids(master):
    """The child processes of ``master`` (a gunicorn master's workers)."""
    return [pid for pid in _live_pids() if (stat := _stat(pid)) and int(stat[1][1]) == master]


def postgres_cpu_seconds():
    """CPU seconds PostgreSQL has used so far: every live server process, plus what the postmaster collected from
    the backends that ended (a worker's connection is replaced after CONN_MAX_AGE, so a round outlives some)."""
    total = 0.0
    for pid in _live_pids():
        stat = _stat(pid)
        if not stat or stat[0] != "postgres":
            continue
        parent = _stat(int(stat[1][1]))
        if parent is None:  # its parent ended meanwhile
            continue
        total += _own_seconds(stat[1])
        if parent[0] != "postgres":  # the postmaster: add what its ended children used
            total += (int(stat[1][13]) + int(stat[1][14])) / TICK
    return total


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICK
