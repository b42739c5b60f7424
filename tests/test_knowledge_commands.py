"""manage.py generate_articles (the benchmark's articles through the bulk load) and evaluate_knowledge (figures)."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from dispatch.catalog.services import load_starter
from knowledge import search
from knowledge.choices import VersionStatus
from knowledge.demo.generate import generated_articles
from knowledge.models import Article, ArticleVersion

SHAPE = {"key", "title", "body", "keywords", "catalog", "owner", "source_document", "document_number",
         "valid_from", "valid_to", "review_due"}


@pytest.fixture
def starter_catalog(directory):
    load_starter()
    search._indexes.clear()  # a rolled-back earlier test may have left an index built at the same stamp
    yield
    search._indexes.clear()


def run(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_generated_articles_are_deterministic_and_have_the_demo_shape():
    first = list(generated_articles(40, seed=3))
    assert first == list(generated_articles(40, seed=3))
    assert [a["title"] for a in first] != [a["title"] for a in generated_articles(40, seed=4)]
    assert [a["key"] for a in first[:2]] == ["gen-00001", "gen-00002"]
    for article in first:
        assert set(article) == SHAPE
        assert len(article["body"]) >= 100 and article["catalog"] and article["keywords"]
    assert len({a["title"] for a in first}) >= 35  # varied, not one template repeated


@pytest.mark.django_db
def test_generate_articles_publishes_them_and_is_idempotent(starter_catalog):
    out = run("generate_articles", count=25)
    assert "新建并发布 25 条" in out
    versions = ArticleVersion.objects.filter(article__key__startswith="gen-")
    assert versions.filter(status=VersionStatus.PUBLISHED).count() == 25
    assert all(v.catalog_items.exists() for v in versions)
    assert "新建并发布 0 条，已存在跳过 25 条" in run("generate_articles", count=25)
    assert Article.objects.count() == 25
    assert len(search.article_index()) == 25


@pytest.mark.django_db
def test_generate_articles_refuses_a_count_out_of_range(starter_catalog):
    with pytest.raises(CommandError, match="--count"):
        run("generate_articles", count=0)


@pytest.mark.django_db
def test_evaluate_knowledge_prints_the_figures_of_the_published_articles(starter_catalog):
    run("load_demo_articles")
    out = run("evaluate_knowledge")
    assert "已发布条目 79 条" in out
    overall = re.search(r"全部：100 题，top-1 ([\d.]+)%，top-3 ([\d.]+)%，耗时 p50 [\d.]+ ms，p95 [\d.]+ ms", out)
    assert overall, out
    assert float(overall.group(2)) >= 90
    assert "调参半（偶数行）：50 题" in out and "未动半（奇数行）：50 题" in out
    misses = out.count("未进前三")
    assert misses == round(100 - float(overall.group(2)))  # every miss is listed


@pytest.mark.django_db
def test_evaluate_knowledge_without_articles_or_with_a_bad_file_says_why(starter_catalog, tmp_path):
    with pytest.raises(CommandError, match="没有已发布的知识条目"):
        run("evaluate_knowledge")
    with pytest.raises(CommandError, match="找不到文件"):
        run("evaluate_knowledge", str(tmp_path / "missing.csv"))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("text,label\n暖气不热,heating\n", encoding="utf-8")
    with pytest.raises(CommandError, match="question 和 expected_key"):
        run("evaluate_knowledge", str(wrong))


def test_evaluate_knowledge_demo_needs_no_database():
    out = run("evaluate_knowledge", demo=True)
    assert "演示条目 79 条" in out and "top-3" in out and "p95" in out
