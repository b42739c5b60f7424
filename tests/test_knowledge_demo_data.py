"""The demo knowledge articles, the labelled questions and the generator fit the real directory and catalog."""

import json
import re
from datetime import date

import pytest

from dispatch.catalog.services import load_starter
from dispatch.models import CatalogItem, Unit
from knowledge import evaluation

ARTICLES = json.loads(evaluation.ARTICLES_JSON.read_text(encoding="utf-8"))
FIELDS = {"key", "title", "body", "keywords", "catalog", "owner", "source_document", "document_number",
          "valid_from", "valid_to", "review_due"}


def test_every_article_has_the_contract_shape():
    assert 55 <= len(ARTICLES) <= 90
    assert len({a["key"] for a in ARTICLES}) == len(ARTICLES)
    for article in ARTICLES:
        assert set(article) == FIELDS, article["key"]
        assert re.fullmatch(r"[a-z0-9-]+", article["key"])
        assert article["title"] and len(article["body"]) >= 120 and article["keywords"] and article["catalog"]
        valid_from = date.fromisoformat(article["valid_from"])
        assert article["valid_to"] is None or date.fromisoformat(article["valid_to"]) > valid_from
        assert date.fromisoformat(article["review_due"]) > valid_from


@pytest.mark.django_db
def test_every_owner_and_catalog_leaf_resolves(directory):
    load_starter()
    leaves = {}
    for item in CatalogItem.objects.filter(version__is_current=True, level=3).select_related("parent__parent"):
        leaves.setdefault(item.name, []).append(item)
    units = set(Unit.objects.values_list("code", flat=True))
    first_levels = set()
    for article in ARTICLES:
        assert article["owner"] == "center" or article["owner"] in units, article["key"]
        for name in article["catalog"]:
            assert len(leaves.get(name, [])) == 1, f"{article['key']}: {name} 不是唯一的三级条目"
            first_levels.add(leaves[name][0].parent.parent.name)
    assert len(first_levels) >= 10  # spread across the catalog's first levels


def test_every_question_points_at_an_article():
    keys = {a["key"] for a in ARTICLES}
    rows = evaluation.read_questions()
    assert len(rows) == 100 and {key for _, key in rows} <= keys
    titles = {a["title"] for a in ARTICLES}
    assert not {question for question, _ in rows} & titles  # phrased as callers speak, not copied titles
