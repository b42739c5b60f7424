"""Model files and the in-process cache: one file per catalog version under var/models/, trained on the fly.

A file is named catalog-v<version number>-<fingerprint>.joblib; the fingerprint covers the version's leaves,
so a file never serves another catalog. Retraining (command or Celery task) replaces the file atomically;
every process notices the new modification time on its next suggestion and reloads.
"""

import os
import tempfile
import threading
import time
from pathlib import Path

import joblib
from django.conf import settings

from dispatch.catalog.selectors import current_version
from dispatch.models import CatalogItem

from . import catalog_model, training

_lock = threading.Lock()
_leaves_by_version = {}  # (version pk, number) → (leaves, fingerprint); a version's leaves never change
_loaded = {}  # path → (mtime_ns, model)


def model_dir():
    return Path(getattr(settings, "SUGGEST_MODEL_DIR", None) or Path(settings.VAR_DIR) / "models")


def leaves_of(version):
    key = (version.pk, version.number)
    if key not in _leaves_by_version:
        leaves = training.catalog_leaves(version)
        _leaves_by_version[key] = (leaves, training.fingerprint(leaves))
    return _leaves_by_version[key]


def model_path(version):
    _, fingerprint = leaves_of(version)
    return model_dir() / f"catalog-v{version.number}-{fingerprint}.joblib"


def train(version=None, *, with_tickets=True, examples=(), labelled_csv=()):
    """A fresh model for `version` (default: current) from its leaves, closed tickets, extra examples and the
    labelled CSV files that exist (model.trained_on["labelled_files"] names them)."""
    version = version or current_version()
    if version is None:
        raise ValueError("没有当前派单目录版本，无法训练")
    leaves, fingerprint = leaves_of(version)
    labelled, files = training.labelled_examples(leaves, labelled_csv)
    tickets = training.ticket_examples(leaves) if with_tickets else []
    model = catalog_model.fit(leaves, list(examples) + labelled + tickets, fingerprint=fingerprint)
    model.trained_on.update(tickets=len(tickets), labelled=len(labelled), labelled_files=[str(p) for p in files])
    return model


def save(model, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    joblib.dump(model, tmp, compress=3)
    os.replace(tmp, path)
    return path


def train_and_save(version=None, *, with_tickets=True, labelled_csv=None):
    """Train for `version` (default: current) and write its model file. Returns (path, model, seconds).
    labelled_csv: labelled CSV files to learn from (default: settings.SUGGEST_LABELLED_CSV, absent ones skipped)."""
    version = version or current_version()
    started = time.perf_counter()
    if labelled_csv is None:
        labelled_csv = settings.SUGGEST_LABELLED_CSV
    model = train(version, with_tickets=with_tickets, labelled_csv=labelled_csv)
    path = save(model, model_path(version))
    return path, model, time.perf_counter() - started


def load_model(version=None):
    """The model of `version` (default: the current catalog), from cache, file, or trained now from the
    catalog alone when no file exists yet. None when there is no catalog."""
    version = version or current_version()
    if version is None:
        return None
    path = model_path(version)
    with _lock:
        mtime = path.stat().st_mtime_ns if path.exists() else None
        cached = _loaded.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        model = joblib.load(path) if mtime is not None else None
        if model is None or getattr(model, "format", None) != catalog_model.FORMAT \
                or model.fingerprint != leaves_of(version)[1]:
            save(train(version, with_tickets=False), path)
            mtime, model = path.stat().st_mtime_ns, joblib.load(path)
        _loaded[path] = (mtime, model)
        return model


def clear_cache():
    with _lock:
        _leaves_by_version.clear()
        _loaded.clear()


def suggest_leaves(text, k=3, *, fallback=True):
    """The k catalog leaves (current version) that best fit the request text: [(CatalogItem, score 0–1)],
    best first; [] only when the text has nothing to read (empty, or punctuation only). A text without any known
    word gets the likeliest first levels' leaves (low scores), unless fallback=False: then []."""
    model = load_model()
    if model is None or not (text or "").strip():
        return []
    ranked = model.top_leaves(text, k, fallback)
    items = CatalogItem.objects.select_related("parent__parent", "responsible_unit").in_bulk(
        [model.leaves[i].id for i, _ in ranked]
    )
    return [(items[model.leaves[i].id], round(score, 4)) for i, score in ranked if model.leaves[i].id in items]
