"""Accuracy and latency of the catalog suggester on any labelled CSV (columns: text, label).

A label may be a leaf code (0101001), a leaf path (城乡建设/供热采暖/户内暖气不热), a leaf name, or the name of a
second- or first-level category; each row is scored at its label's level: top-k means that the label is among
the k best distinct categories of that level (ranked by their best leaf). Nothing here knows any data set.
cross_validate() scores every row by a model trained without it (stratified k folds, repeated).
"""

import csv
import io
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from sklearn.model_selection import StratifiedKFold

from .catalog_model import Example

LEVEL_KEYS = {
    1: lambda leaf: leaf.level1,
    2: lambda leaf: (leaf.level1, leaf.level2),
    3: lambda leaf: leaf.code,
}


@dataclass
class Report:
    rows: int = 0
    unknown_labels: list = field(default_factory=list)
    hits: dict = field(default_factory=dict)  # k → rows with the label in the top k
    by_level: dict = field(default_factory=dict)  # level → rows
    latencies_ms: list = field(default_factory=list)
    empty: int = 0  # rows that got no suggestion at all
    confusion: Counter = field(default_factory=Counter)  # (first-level label, first-level top-1) → rows

    def merge(self, other):
        self.rows += other.rows
        self.unknown_labels += other.unknown_labels
        self.empty += other.empty
        self.latencies_ms += other.latencies_ms
        self.confusion.update(other.confusion)
        for k, hits in other.hits.items():
            self.hits[k] = self.hits.get(k, 0) + hits
        for level, n in other.by_level.items():
            self.by_level[level] = self.by_level.get(level, 0) + n
        return self

    def accuracy(self, k):
        return self.hits.get(k, 0) / self.rows if self.rows else 0.0

    def latency(self, quantile):
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]

    def lines(self):
        levels = "，".join(f"{level}级 {n} 条" for level, n in sorted(self.by_level.items()))
        out = [f"样本 {self.rows} 条（{levels or '无'}）；无法识别的标签 {len(self.unknown_labels)} 条"]
        out += [f"top-{k} 准确率：{self.accuracy(k):.1%}" for k in sorted(self.hits)]
        out.append(f"无推荐：{self.empty} 条")
        if self.latencies_ms:
            out.append(f"耗时：平均 {statistics.fmean(self.latencies_ms):.2f} ms，p50 {self.latency(0.5):.2f} ms，"
                       f"p95 {self.latency(0.95):.2f} ms，最大 {max(self.latencies_ms):.2f} ms")
        if self.unknown_labels:
            out.append("未识别的标签：" + "、".join(sorted(set(self.unknown_labels))[:10]))
        return out + self.confusion_lines()

    def confusion_lines(self):
        """Per first-level label: rows, how many ranked first, and what the others were taken for."""
        if not self.confusion:
            return []
        totals = Counter()
        for (label, _), n in self.confusion.items():
            totals[label] += n
        out = ["一级分类混淆（标签：条数，top-1 正确，误判为）："]
        for label, total in totals.most_common():
            right = self.confusion[(label, label)]
            wrong = sorted(((n, guess) for (truth, guess), n in self.confusion.items()
                            if truth == label and guess != label), reverse=True)
            taken = "、".join(f"{guess or '无推荐'} {n}" for n, guess in wrong) or "—"
            out.append(f"  {label}：{total} 条，正确 {right}（{right / total:.0%}），误判为 {taken}")
        return out


def read_csv_rows(source, columns):
    """The rows of a labelled CSV (dicts keyed by the stripped column names, values as written), from a path or
    text; UTF-8 (with or without BOM) or GB18030. ValueError when the header lacks one of ``columns``."""
    if hasattr(source, "read_bytes"):
        raw = source.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                source = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    reader = csv.DictReader(io.StringIO(source))
    if not reader.fieldnames or not set(columns) <= {name.strip() for name in reader.fieldnames}:
        raise ValueError(f"CSV 必须有 {' 和 '.join(columns)} 两列")
    return [{k.strip(): v for k, v in row.items() if k} for row in reader]


def read_labelled_csv(source):
    """[(text, label)] from a path or text (read_csv_rows); needs columns text, label."""
    rows = read_csv_rows(source, ("text", "label"))
    return [(row["text"].strip(), row["label"].strip()) for row in rows if row["text"] and row["label"]]


def label_resolver(leaves):
    """label → (level, key) for a model's leaves; None for a label the catalog does not know."""
    table = {}
    for leaf in leaves:
        table.setdefault(leaf.level1, (1, leaf.level1))
        table.setdefault(f"{leaf.level1}/{leaf.level2}", (2, (leaf.level1, leaf.level2)))
        table.setdefault(leaf.level2, (2, (leaf.level1, leaf.level2)))
        table[f"{leaf.level1}/{leaf.level2}/{leaf.name}"] = (3, leaf.code)
        table[leaf.code] = (3, leaf.code)
        table.setdefault(leaf.name, (3, leaf.code))
    return lambda label: table.get(label.replace(" / ", "/").strip())


def split(rows, train_fraction, seed=0):
    """A reproducible (train, test) split of the rows; every row lands in exactly one part."""
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    cut = int(len(rows) * train_fraction)
    return rows[:cut], rows[cut:]


def training_examples(rows, leaves):
    """Labelled rows as model examples: a leaf label teaches the leaf, a level-1 label the first level."""
    resolve, by_code = label_resolver(leaves), {leaf.code: i for i, leaf in enumerate(leaves)}
    examples = []
    for text, label in rows:
        level, key = resolve(label) or (None, None)
        if level == 3:
            examples.append(Example(text=text, leaf=by_code[key]))
        elif level in (1, 2):
            examples.append(Example(text=text, level1=key if level == 1 else key[0]))
    return examples


def evaluate(model, rows, ks=(1, 3)):
    """Report of model on rows [(text, label)]: top-k accuracy at each row's label level and latency per text."""
    resolve, report = label_resolver(model.leaves), Report(hits=dict.fromkeys(ks, 0))
    for text, label in rows:
        resolved = resolve(label)
        if resolved is None:
            report.unknown_labels.append(label)
            continue
        level, key = resolved
        started = time.perf_counter()
        ranked = [group for group, _ in model.top_groups(text, LEVEL_KEYS[level], max(ks))]
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        report.rows += 1
        report.by_level[level] = report.by_level.get(level, 0) + 1
        report.empty += not ranked
        if level == 1:
            report.confusion[(key, ranked[0] if ranked else None)] += 1
        for k in ks:
            report.hits[k] += key in ranked[:k]
    return report


def cross_validate(rows, train, folds=5, repeats=1, ks=(1, 3)):
    """Report over `repeats` stratified `folds`-fold splits of rows: each fold is scored by train(other folds'
    rows), a model that never saw it; every row is scored once per repeat. Raises ValueError on too few rows."""
    rows = list(rows)
    labels = [label for _, label in rows]
    if len(rows) < folds:
        raise ValueError(f"样本只有 {len(rows)} 条，不够分 {folds} 折")
    report = Report(hits=dict.fromkeys(ks, 0))
    for repeat in range(repeats):
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=repeat)
        for train_at, test_at in splitter.split(rows, labels):
            model = train([rows[i] for i in train_at])
            report.merge(evaluate(model, [rows[i] for i in test_at], ks))
    return report
