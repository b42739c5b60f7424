"""How often the suggested 诉求类型 is right on labelled samples written for it. Prints figures.

    .venv/bin/python bench/request_type.py [--csv other.csv] [--misses]

No database needed: the suggester is cue words over the text (hotline/suggest/request_type.py). The three samples
in bench/data: ``sample`` (66 messages the cues were written from: says little), ``holdout`` (31, measured once at
26 % and then used to widen the cues: says little now), ``fresh`` (36, written after the last change to the cues
and never tuned on: the honest figure)."""

import argparse
import csv
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")

import django  # noqa: E402

django.setup()

from dispatch.choices import RequestType  # noqa: E402
from hotline.suggest.request_type import suggest_request_type  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SAMPLES = [DATA / f"request_type_{name}.csv" for name in ("sample", "holdout", "fresh")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", action="append", help="a CSV of text,type (default: the three samples)")
    parser.add_argument("--misses", action="store_true", help="list the messages the suggestion got wrong")
    args = parser.parse_args()
    for path in args.csv or SAMPLES:
        measure(Path(path), args.misses)


def measure(path, misses):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    started = time.perf_counter()
    guesses = [suggest_request_type(row["text"])[0] for row in rows]
    elapsed = time.perf_counter() - started
    right, none, per_type, per_type_right = 0, 0, Counter(), Counter()
    for row, guess in zip(rows, guesses, strict=True):
        per_type[row["type"]] += 1
        if guess is None:
            none += 1
        if guess == row["type"]:
            right += 1
            per_type_right[row["type"]] += 1
        elif misses:
            print(f"  miss: {row['text']}  expected {RequestType(row['type']).label}, got "
                  f"{RequestType(guess).label if guess else '（无建议）'}")
    suggested = len(rows) - none
    print(f"{path.name}: {len(rows)} messages")
    print(f"  right: {right} ({right / len(rows):.1%}); no suggestion: {none}; wrong: {suggested - right}; "
          f"right when suggested: {right / suggested if suggested else 0:.1%}")
    for kind in RequestType:
        if per_type[kind]:
            print(f"    {kind.label}: {per_type_right[kind]}/{per_type[kind]}")
    print(f"  time per message: {elapsed / len(rows) * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
