"""Benchmark of the catalog suggester with the full-size (2 395-leaf) generated catalog. Prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench .venv/bin/python bench/suggest.py \
        [--csv labelled.csv --train-fraction 0.7]

On real complaints (full-length title + body; third-party, read in place): --csv ../shared/data/complaints_dev.csv.
Cross-validated accuracy on that file: manage.py evaluate_suggester CSV --cross-validate 5 --repeats 3.

Runs in a throwaway test database (created and dropped here). Measures: training time (catalog only), size
of the model file, memory of the loaded model (tracemalloc), latency of suggest_leaves() in-process (catalog
lookup, scoring and the fetch of the 3 items), and top-1/top-3 accuracy on a labelled CSV (default: the
shipped sample; with --train-fraction, trained on that share of the CSV and tested on the rest only).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

import joblib  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "hotline" / "suggest" / "data" / "labelled_sample.csv"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", default=str(SAMPLE))
    parser.add_argument("--train-fraction", type=float, default=0.0)
    parser.add_argument("--leaves", type=int, default=2395)
    parser.add_argument("--repeat", type=int, default=20, help="passes over the CSV texts for latency")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with tempfile.TemporaryDirectory() as models:
            settings.SUGGEST_MODEL_DIR = Path(models)
            run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args):
    from demodata.catalog import generate_rows
    from dispatch.catalog.fileformat import write_table
    from dispatch.catalog.services import import_catalog
    from dispatch.directory import load_directory
    from hotline.suggest import evaluation, store, suggest_leaves

    load_directory()
    version = import_catalog(write_table(generate_rows(args.leaves), "csv"), filename="full.csv", make_current=True)
    print(f"catalog: v{version.number}, {version.items.filter(level=3).count()} leaves")
    path, model, seconds = store.train_and_save(version, with_tickets=False)
    print(f"training (catalog only): {seconds:.1f} s; model file {path.stat().st_size / 1e6:.1f} MB; "
          f"{len(model.vectorizer.vocabulary_)} features")
    tracemalloc.start()
    loaded = joblib.load(path)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del loaded
    print(f"loaded model memory (tracemalloc): {current / 1e6:.1f} MB (peak while loading {peak / 1e6:.1f} MB)")

    rows = evaluation.read_labelled_csv(Path(args.csv))
    if args.train_fraction:
        train_rows, rows = evaluation.split(rows, args.train_fraction)
        model = store.train(version, with_tickets=False,
                            examples=evaluation.training_examples(train_rows, model.leaves))
        print(f"trained on {len(train_rows)} rows of {args.csv}, testing on the other {len(rows)}")
    print("\n".join(evaluation.evaluate(model, rows).lines()))

    store.clear_cache()
    suggest_leaves("暖气不热")  # load once
    timings = []
    for _ in range(args.repeat):
        for text, _label in rows:
            started = time.perf_counter()
            suggest_leaves(text)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"suggest_leaves() end to end, {len(timings)} calls: mean {statistics.fmean(timings):.2f} ms, "
          f"p50 {timings[len(timings) // 2]:.2f} ms, p95 {timings[int(len(timings) * 0.95)]:.2f} ms")


if __name__ == "__main__":
    main()
