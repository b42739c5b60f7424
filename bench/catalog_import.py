"""Benchmark: import and export of a full-size generated dispatch catalog (2 395 leaves). Prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline .venv/bin/python bench/catalog_import.py [--leaves N]

Needs a migrated database; loads the org directory if missing. Everything it writes is rolled back.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bench.benchdb  # noqa: E402,F401  (the benchmarks' environment)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from demodata.catalog import FULL_SIZE, generate_rows  # noqa: E402
from dispatch.catalog import selectors  # noqa: E402
from dispatch.catalog.fileformat import CSV, XLSX, write_table  # noqa: E402
from dispatch.catalog.services import import_catalog  # noqa: E402
from dispatch.directory import load_directory  # noqa: E402


def timed(label, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<34} {time.perf_counter() - start:7.3f} s")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--leaves", type=int, default=FULL_SIZE)
    leaves = parser.parse_args().leaves
    print(f"database: {connection.vendor}; leaves: {leaves}")
    load_directory()
    rows = timed("generate rows", lambda: generate_rows(leaves))
    files = {fmt: timed(f"write {fmt}", lambda fmt=fmt: write_table(rows, fmt)) for fmt in (CSV, XLSX)}
    with transaction.atomic():
        for fmt, content in files.items():
            version = timed(f"import {fmt} ({len(content) // 1024} KiB)",
                            lambda fmt=fmt, content=content: import_catalog(content, filename=f"bench.{fmt}"))
        timed("export csv", lambda: selectors.export_catalog(version, CSV))
        timed("export xlsx", lambda: selectors.export_catalog(version, XLSX))
        timed("search_leaves('暖气') x100", lambda: [selectors.search_leaves("暖气", version) for _ in range(100)])
        print(f"items written per import: {version.items.count()}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
