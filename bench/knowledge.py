"""Benchmark of the knowledge base's search (issue 17). Prints figures; nothing here is a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_bench .venv/bin/python bench/knowledge.py [--count 20000]

1. The method in memory (knowledge/ranking.py, no database): index build time for the demo + N generated
   articles, top-1/top-3 of the 100 labelled questions (both halves) without and with the N distractors, latency
   p50/p95 of a search (limit 10) and of an intake suggestion (limit 3, on a caller's longer description).
2. The same documents and questions in PostgreSQL full-text search: the same bigrams as 'simple' tokens, title /
   keywords / catalog words / body weighted A/B/C/D, a GIN index, OR-query ranked by ts_rank (a temp table in the
   DATABASE_URL database). Build time, accuracy and latency side by side with 1.
3. The real path through the database (knowledge.selectors: article_index, search_articles, suggest_for_intake):
   a throwaway test database on PostgreSQL, then in a subprocess the SQLite default (a file); directory, starter
   catalog, the demo articles and `manage.py generate_articles --count N` loaded first.
Without DATABASE_URL only 1 and the SQLite part of 3 run. `--skip-real` runs 1 and 2 only.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
import django  # noqa: E402

import bench.benchdb  # noqa: E402, F401  (a throw-away key, plain http)

django.setup()

from knowledge import evaluation  # noqa: E402
from knowledge.demo.generate import generated_with_topics  # noqa: E402
from knowledge.ranking import ArticleIndex, Document, index_terms, weighted_query  # noqa: E402

CONTEXT = ("您好，我是{district}的居民，{question}，麻烦帮我查一下具体是怎么规定的，"
           "我之前也打过电话问过，说法不太一样，希望能给个准确答复，谢谢。")
DISTRICTS = ["朝阳区望京街道", "海淀区中关村街道", "丰台区方庄地区", "通州区梨园镇"]


def quantiles(samples):
    """Wall-clock and this process's CPU quantiles of [(wall ms, cpu ms)]: on a loaded machine the wall time
    includes waiting for a core, the CPU time is what one call costs (the database server's share not included)."""
    def pick(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))]

    wall, cpu = [w for w, _ in samples], [c for _, c in samples]
    return (f"wall p50 {pick(wall, 0.5):.1f} ms, p95 {pick(wall, 0.95):.1f} ms, max {max(wall):.1f} ms; "
            f"CPU p50 {pick(cpu, 0.5):.1f} ms, p95 {pick(cpu, 0.95):.1f} ms (load {os.getloadavg()[0]:.1f})")


def timed(function, texts, repeat):
    function(texts[0])
    samples = []
    for _ in range(repeat):
        for text in texts:
            started, started_cpu = time.perf_counter(), time.process_time()
            function(text)
            samples.append(((time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000))
    return samples


def intake_texts(rows):
    return [CONTEXT.format(district=DISTRICTS[i % len(DISTRICTS)], question=q) for i, (q, _) in enumerate(rows)]


def accuracy_lines(search, rows, keys, label):
    tuning, untouched = evaluation.halves(rows)
    out = []
    for part, name in ((rows, "all 100"), (tuning, "tuning half"), (untouched, "untouched half")):
        report = evaluation.evaluate(search, part, keys, name)
        out.append(f"  {label}, {name}: top-1 {report.top1 / report.rows:.0%}, top-3 {report.top3 / report.rows:.0%}")
    return out


def documents_with_generated(count):
    """(demo documents, demo + generated documents, {id: key}, {id: key of the topic a generated one restates})."""
    demo_docs, keys = evaluation.demo_documents()
    paths = evaluation.starter_catalog_paths()
    generated, topics = [], {}
    for i, (topic, a) in enumerate(generated_with_topics(count), start=len(demo_docs) + 1):
        generated.append(Document(i, a["title"], " ".join(a["keywords"]), a["body"],
                                  " ".join(paths.get(name, name) for name in a["catalog"])))
        topics[i] = topic
    return demo_docs, demo_docs + generated, keys, topics


# --- 1. the method in memory
def method_in_memory(args, rows):
    print(f"== 1. BM25F over bigrams, in memory ({args.count} generated + demo articles)")
    demo_docs, documents, keys, topics = documents_with_generated(args.count)
    builds, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        index = ArticleIndex(documents)
        builds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    matrix = index._weights
    print(f"  index build, {len(index)} articles: wall best {min(builds):.2f} s, worst {max(builds):.2f} s; "
          f"CPU best {min(cpu):.2f} s (load average now {os.getloadavg()[0]:.1f}) "
          f"(matrix {matrix.nnz} weights, {(matrix.data.nbytes + matrix.indices.nbytes) / 1e6:.0f} MB)")
    demo_index = ArticleIndex(demo_docs)
    top3 = lambda ix: (lambda q: [h.article_id for h in ix.search(q, limit=3)])  # noqa: E731
    print("\n".join(accuracy_lines(top3(demo_index), rows, keys, f"demo only ({len(demo_index)})")))
    print("\n".join(accuracy_lines(top3(index), rows, keys, f"with distractors ({len(index)}), strict")))
    print("\n".join(accuracy_lines(top3(index), rows, {**keys, **topics}, "same, a district variant of the "
                                                                            "expected topic counts")))
    questions, long_texts = [q for q, _ in rows], intake_texts(rows)
    print(f"  search (limit 10), 100 questions × {args.repeat}: "
          + quantiles(timed(lambda q: index.search(q, limit=10), questions, args.repeat)))
    print(f"  intake suggestion (limit 3), {len(long_texts[0])}-character descriptions × {args.repeat}: "
          + quantiles(timed(lambda q: index.search(q, limit=3), long_texts, args.repeat)))
    return documents, keys, topics


# --- 2. PostgreSQL full-text search on the same terms
def postgres_fts(args, rows, documents, keys, topics):
    from django.db import connection

    print(f"== 2. PostgreSQL full-text search (same bigrams, 'simple' config, GIN, ts_rank), {len(documents)} articles")
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("CREATE TEMP TABLE kb_fts (id bigint PRIMARY KEY, title text, keywords text, catalog text, "
                       "body text, tsv tsvector)")
        values = [(d.article_id, " ".join(index_terms(d.title)), " ".join(index_terms(d.keywords)),
                   " ".join(index_terms(d.catalog_words)), " ".join(index_terms(d.body))) for d in documents]
        for start in range(0, len(values), 2000):
            cursor.executemany("INSERT INTO kb_fts (id, title, keywords, catalog, body) VALUES (%s, %s, %s, %s, %s)",
                               values[start:start + 2000])
        cursor.execute("UPDATE kb_fts SET tsv = setweight(to_tsvector('simple', title), 'A') || "
                       "setweight(to_tsvector('simple', keywords), 'B') || "
                       "setweight(to_tsvector('simple', catalog), 'C') || setweight(to_tsvector('simple', body), 'D')")
        cursor.execute("CREATE INDEX kb_fts_tsv ON kb_fts USING gin (tsv)")
        cursor.execute("ANALYZE kb_fts")
        print(f"  build (terms in Python, insert, tsvector, GIN): {time.perf_counter() - started:.2f} s")

        def search(text, limit=3):
            terms = [t.replace("'", "") for t in weighted_query(text)[0]]
            if not terms:
                return []
            cursor.execute("SELECT id FROM kb_fts, to_tsquery('simple', %s) q WHERE tsv @@ q "
                           "ORDER BY ts_rank(tsv, q) DESC, id LIMIT %s", [" | ".join(terms), limit])
            return [row[0] for row in cursor.fetchall()]

        print("\n".join(accuracy_lines(search, rows, keys, f"with distractors ({len(documents)}), strict")))
        print("\n".join(accuracy_lines(search, rows, {**keys, **topics}, "same, a district variant counts")))
        questions, long_texts = [q for q, _ in rows], intake_texts(rows)
        print(f"  search (limit 10), 100 questions × {args.repeat}: "
              + quantiles(timed(lambda q: search(q, 10), questions, args.repeat)))
        print(f"  intake suggestion (limit 3), long descriptions × {args.repeat}: "
              + quantiles(timed(lambda q: search(q, 3), long_texts, args.repeat)))
        cursor.execute("DROP TABLE kb_fts")


# --- 3. the real path through the database
def real_path(args, rows):
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    vendor = connection.vendor
    setup_test_environment()
    if vendor == "sqlite":  # the run command's default is a file, not the test runner's in-memory database
        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.mkdtemp()) / "kb_bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _real_path(args, rows, vendor, call_command)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _real_path(args, rows, vendor, call_command):
    import io
    import json

    from demodata.users import seed_demo_users
    from dispatch.catalog.services import load_starter
    from dispatch.directory import load_directory
    from knowledge import selectors
    from knowledge.loading import load_published
    from knowledge.models import Article
    from knowledge.search import plain_text

    print(f"== 3. the real path on {vendor}: selectors through the database")
    load_directory()
    load_starter()
    users = {user.username: user for user in seed_demo_users()}
    load_published(json.loads(evaluation.ARTICLES_JSON.read_text(encoding="utf-8")))
    started = time.perf_counter()
    out = io.StringIO()
    call_command("generate_articles", count=args.count, stdout=out)
    print(f"  generate_articles --count {args.count}: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    index = selectors.article_index()
    print(f"  article_index() cold (read {len(index)} published versions + build): "
          f"{time.perf_counter() - started:.2f} s")
    keys = dict(Article.objects.filter(live_version__isnull=False).values_list("pk", "key"))
    suggest = lambda q: [row["article_id"] for row in selectors.suggest_for_intake(q, limit=3)]  # noqa: E731
    print("\n".join(accuracy_lines(suggest, rows, keys, f"suggest_for_intake, {len(index)} articles")))
    agent, questions, long_texts = users["agent"], [q for q, _ in rows], intake_texts(rows)
    for label, function, texts in (
            ("search_articles(agent, q) (limit 20, with snippets), 100 questions",
             lambda q: selectors.search_articles(agent, q), questions),
            ("suggest_for_intake(text) (limit 3, with snippets), long descriptions",
             lambda q: selectors.suggest_for_intake(q), long_texts)):
        plain_text.cache_clear()  # the first pass renders every article's Markdown; later passes hit the cache
        samples = timed(function, texts, args.repeat)
        print(f"  {label}: first pass {quantiles(samples[:len(texts)])}; all {args.repeat} passes {quantiles(samples)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5, help="passes over the 100 questions for latency")
    parser.add_argument("--skip-real", action="store_true", help="only the in-memory method and PostgreSQL FTS")
    parser.add_argument("--real-only", action="store_true", help="only part 3 on this process's database")
    args = parser.parse_args()
    rows = evaluation.read_questions()
    if args.real_only:
        real_path(args, rows)
        return
    from django.db import connection

    print(f"{os.cpu_count()} cores; {len(rows)} labelled questions")
    documents, keys, topics = method_in_memory(args, rows)
    if connection.vendor == "postgresql":
        postgres_fts(args, rows, documents, keys, topics)
    else:
        print("== 2. skipped: DATABASE_URL is not PostgreSQL")
    if args.skip_real:
        return
    if connection.vendor == "postgresql":
        real_path(args, rows)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    subprocess.run([sys.executable, __file__, "--real-only", "--count", str(args.count), "--repeat",
                    str(args.repeat)], env=env, check=True)


if __name__ == "__main__":
    main()
