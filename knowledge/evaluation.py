"""Accuracy and latency of the knowledge search on labelled consultation questions (CSV: question, expected_key).

No database here: `evaluate` takes any search function (text → article ids, best first) and the article keys.
`demo_index` builds the index straight from knowledge/demo/articles.json (catalog words from the starter
catalog), so the method can be measured without loading anything; evaluate_knowledge runs it on the database.
The questions are split in two fixed halves (even rows: the half the method was tuned on; odd rows: untouched).
"""

import csv
import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from hotline.suggest.evaluation import read_csv_rows

from .ranking import ArticleIndex, Document

DEMO_DIR = Path(__file__).resolve().parent / "demo"
ARTICLES_JSON = DEMO_DIR / "articles.json"
QUESTIONS_CSV = DEMO_DIR / "questions.csv"
STARTER_CATALOG = Path(__file__).resolve().parent.parent / "dispatch" / "data" / "catalog_starter.csv"


@dataclass
class Report:
    name: str = "全部"
    rows: int = 0
    top1: int = 0
    top3: int = 0
    latencies_ms: list = field(default_factory=list)
    misses: list = field(default_factory=list)  # (question, expected key, [found keys])
    unknown_keys: list = field(default_factory=list)

    def latency(self, quantile):
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] if ordered else 0.0

    def summary(self):
        if not self.rows:
            return f"{self.name}：没有可评估的问题"
        return (f"{self.name}：{self.rows} 题，top-1 {self.top1 / self.rows:.1%}，top-3 {self.top3 / self.rows:.1%}，"
                f"耗时 p50 {self.latency(0.5):.2f} ms，p95 {self.latency(0.95):.2f} ms，"
                f"平均 {statistics.fmean(self.latencies_ms):.2f} ms")

    def lines(self, with_misses=True):
        out = [self.summary()]
        if self.unknown_keys:
            out.append("找不到的条目编号：" + "、".join(sorted(set(self.unknown_keys))))
        if with_misses:
            for question, expected, found in self.misses:
                out.append(f"  未进前三：{question} → 应为 {expected}，得到 {'、'.join(found) or '（无）'}")
        return out


def read_questions(source=QUESTIONS_CSV):
    """[(question, expected_key)] from a path or CSV text (the suggester's reader: UTF-8 or GB18030)."""
    rows = [{k: (v or "").strip() for k, v in row.items()}
            for row in read_csv_rows(source, ("question", "expected_key"))]
    return [(row["question"], row["expected_key"]) for row in rows if row["question"] and row["expected_key"]]


def halves(rows):
    """(tuning half, untouched half): even and odd rows of the file."""
    return rows[0::2], rows[1::2]


def evaluate(search, rows, key_of_id, name="全部"):
    """Report of search (text → article ids best first) on rows [(question, expected key)]."""
    report, known = Report(name=name), set(key_of_id.values())
    for question, expected in rows:
        if expected not in known:
            report.unknown_keys.append(expected)
            continue
        started = time.perf_counter()
        found = [key_of_id.get(article_id, "?") for article_id in search(question)]
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        report.rows += 1
        report.top1 += found[:1] == [expected]
        if expected in found[:3]:
            report.top3 += 1
        else:
            report.misses.append((question, expected, found[:3]))
    return report


def starter_catalog_paths():
    """leaf name → "level1 level2 leaf" from the starter catalog (names are unique for the leaves articles use)."""
    with STARTER_CATALOG.open(encoding="utf-8-sig") as handle:
        return {row["level3"]: f"{row['level1']} {row['level2']} {row['level3']}" for row in csv.DictReader(handle)}


def demo_documents(articles=None):
    """Documents of the demo articles (id = position + 1) and {id: key}, without a database."""
    articles = json.loads(ARTICLES_JSON.read_text(encoding="utf-8")) if articles is None else articles
    paths = starter_catalog_paths()
    documents, keys = [], {}
    for position, article in enumerate(articles, start=1):
        catalog_words = " ".join(paths.get(name, name) for name in article.get("catalog", []))
        documents.append(Document(position, article["title"], " ".join(article.get("keywords", [])),
                                  article["body"], catalog_words))
        keys[position] = article["key"]
    return documents, keys


def demo_index():
    documents, keys = demo_documents()
    return ArticleIndex(documents), keys
