"""Inputs of the catalog suggester: the version's leaves and closed tickets (database), labelled CSV files."""

import hashlib
from pathlib import Path

from dispatch.models import CatalogItem
from hotline.choices import Status
from hotline.models import Ticket

from . import evaluation
from .catalog_model import Example, Leaf

KEYWORD_SPLIT = str.maketrans({"，": "、", ",": "、", ";": "、", "；": "、", " ": "、"})
MAX_TICKETS = 200_000  # the most recent closed tickets used for training


def catalog_leaves(version):
    items = (CatalogItem.objects.filter(version=version, level=3)
             .select_related("parent__parent").order_by("code"))
    return [
        Leaf(id=item.pk, code=item.code, name=item.name, level1=item.parent.parent.name, level2=item.parent.name,
             keywords=tuple(kw for kw in item.keywords.translate(KEYWORD_SPLIT).split("、") if kw))
        for item in items
    ]


def fingerprint(leaves):
    """Changes whenever a leaf's id, code, names or keywords change: a model file is valid for one catalog."""
    digest = hashlib.sha256()
    for leaf in leaves:
        digest.update(repr((leaf.id, leaf.code, leaf.name, leaf.level1, leaf.level2, leaf.keywords)).encode())
    return digest.hexdigest()[:12]


def ticket_examples(leaves, limit=MAX_TICKETS):
    """Closed tickets as leaf examples. A ticket filed under an older catalog version counts for the current
    leaf with the same code, else the same path of names; tickets whose leaf no longer exists are skipped."""
    by_code = {leaf.code: i for i, leaf in enumerate(leaves)}
    by_path = {(leaf.level1, leaf.level2, leaf.name): i for i, leaf in enumerate(leaves)}
    rows = (Ticket.objects.filter(status=Status.CLOSED, repeat_of__isnull=True)
            .order_by("-closed_at")
            .values_list("content", "catalog_item__code", "catalog_item__parent__parent__name",
                         "catalog_item__parent__name", "catalog_item__name")[:limit])
    examples = []
    for content, code, level1, level2, name in rows:
        leaf = by_code.get(code)
        if leaf is None or leaves[leaf].name != name:
            leaf = by_path.get((level1, level2, name))
        if leaf is not None:
            examples.append(Example(text=content, leaf=leaf))
    return examples


def labelled_examples(leaves, paths):
    """Examples from labelled CSV files (text,label; a label at any catalog level): (examples, the files read).
    A file that does not exist is skipped, so a clone without ../shared/data trains on catalog and tickets."""
    examples, used = [], []
    for path in map(Path, paths):
        if path.is_file():
            examples += evaluation.training_examples(evaluation.read_labelled_csv(path), leaves)
            used.append(path)
    return examples, used
