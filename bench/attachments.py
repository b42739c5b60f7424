"""Benchmark: what a photo costs the web process (decode, turn, re-encode at 2048 px, thumbnail) by camera size,
and a document's content check, in ms per file (median and max of RUNS). Pure CPU: no database, no storage.

    .venv/bin/python bench/attachments.py
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key-" + "x" * 50)

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from attachments.validation import check_document, check_photo  # noqa: E402
from tests.attachment_helpers import docx, pdf  # noqa: E402

RUNS = 7
SIZES = [(1600, 1200), (4000, 3000), (8000, 6000)]  # an old phone, 12 MP, 48 MP


def camera_jpeg(size):
    """A noisy picture (compresses like a photo, not like a flat colour)."""
    image = Image.effect_noise(size, 60).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, size[1] * 2 // 3, size[0], size[1]), fill=(110, 110, 115))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def timed(make, check):
    times = []
    for _ in range(RUNS):
        upload = make()
        start = time.perf_counter()
        check(upload)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main():
    print(f"{'file':<28}{'bytes':>12}{'median ms':>12}{'max ms':>10}")
    for size in SIZES:
        data, label = camera_jpeg(size), f"JPEG {size[0]}x{size[1]}"
        if len(data) > 10 * 1024 * 1024:
            print(f"{label:<28}{len(data):>12}   refused: over 10 MB")
            continue
        median, worst = timed(lambda data=data: SimpleUploadedFile("p.jpg", data), check_photo)
        print(f"{label:<28}{len(data):>12}{median:>12.1f}{worst:>10.1f}")
    for name, make in (("PDF", pdf), ("docx", docx)):
        median, worst = timed(make, check_document)
        print(f"{name:<28}{make().size:>12}{median:>12.2f}{worst:>10.2f}")


if __name__ == "__main__":
    main()
