"""The catalog suggester: a pure model object, trained from catalog leaves plus labelled texts.

Scoring a text x (TF-IDF over jieba words — cut with the catalog's own terms as words — and character bigrams
and trigrams: text.CatalogAnalyzer):
- leaf similarity: cosine of x with each leaf's centroid (its name, path and keywords, plus the closed tickets
  filed under it), a linear scorer kept as a sparse matrix so 2 395 leaves cost a few MB;
- first-level probability: a multinomial logistic regression (scikit-learn SGD) over the first-level
  categories, trained on the same documents plus texts labelled only with a first-level category; each first
  level weighs the same in training whatever its number of leaves and examples (城乡建设 has four times the leaves
  of 交通运输 and would otherwise swallow its complaints), and strong regularisation keeps the model from
  trusting the catalog's short documents word by word;
- leaf score = LEAF_WEIGHT × similarity + (1 − LEAF_WEIGHT) × P(first level of the leaf), in [0, 1];
- a readable text sharing no feature with the training data still gets leaves: the first levels' shares of the
  training documents, times (1 − LEAF_WEIGHT), so such scores stay low (never an empty suggestion).
No database access here: see training.py for the inputs and store.py for files and caching.
"""

from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.preprocessing import normalize as l2_normalize

from .text import CatalogAnalyzer, readable

MAX_FEATURES = 60_000
LEAF_WEIGHT = 0.6
LEVEL1_ALPHA = 1.5e-4  # SGD regularisation of the first-level model (measured: evaluate_suggester --cross-validate)
FORMAT = 3  # bumped whenever features or fields change: an older file is retrained


@dataclass(frozen=True)
class Leaf:
    id: int
    code: str
    name: str
    level1: str
    level2: str
    keywords: tuple = ()

    def documents(self):
        """What the catalog itself says about the leaf: its path with keywords, its name, each keyword."""
        words = " ".join(self.keywords)
        docs = [f"{self.level1} {self.level2} {self.name} {words}", f"{self.name} {self.name} {words}"]
        return docs + [kw for kw in self.keywords if len(kw) >= 2 and kw != self.name]


@dataclass
class Example:
    """A labelled text: `leaf` is an index into the leaf list; texts labelled only at first level give `level1`."""

    text: str
    leaf: int | None = None
    level1: str | None = None


@dataclass
class CatalogModel:
    leaves: list
    fingerprint: str
    vectorizer: TfidfVectorizer
    centroids: sparse.csc_matrix  # leaves × features
    level1_names: list
    leaf_level1: np.ndarray
    coef: np.ndarray | None
    intercept: np.ndarray | None
    fallback: np.ndarray | None = None  # leaf scores for a readable text the model knows no feature of
    trained_on: dict = field(default_factory=dict)
    format: int = FORMAT

    # --- scoring
    def features(self, text):
        """The text's TF-IDF row as (feature indices, values): the vectorizer's transform (sublinear tf × idf,
        L2-normalised) without its per-call overhead, which was most of a suggestion's time."""
        terms = self.vectorizer.analyzer(text)
        ids = np.fromiter(map(self.vectorizer.vocabulary_.get, terms, repeat(-1)), dtype=np.int64, count=len(terms))
        index, counts = np.unique(ids[ids >= 0], return_counts=True)
        values = (1 + np.log(counts.astype(np.float32))) * self.vectorizer.idf_[index].astype(np.float32)
        norm = np.linalg.norm(values)
        return index, (values / norm if norm else values)

    def vectorize(self, text):
        index, values = self.features(text)
        return sparse.csr_matrix((values, index, [0, len(index)]), shape=(1, len(self.vectorizer.vocabulary_)))

    def level1_probabilities(self, index, values):
        if self.coef is None:  # a catalog with a single first-level category
            return np.ones(len(self.level1_names), dtype=np.float32)
        logits = self.coef[:, index] @ values + self.intercept
        logits = np.exp(logits - logits.max())
        return logits / logits.sum()

    def leaf_scores(self, text, fallback=True):
        """Scores of every leaf in [0, 1]; None for a text with nothing to read (no character, letter, digit), and
        with fallback=False also for a text that shares no feature with the training data."""
        index, values = self.features(text)
        if not len(index):
            return self.fallback if fallback and readable(text) and self.fallback is not None else None
        similarity = self.centroids[:, index] @ values  # centroids are stored by column (feature)
        level1 = self.level1_probabilities(index, values)[self.leaf_level1]
        return LEAF_WEIGHT * similarity + (1 - LEAF_WEIGHT) * level1

    def top_leaves(self, text, k=3, fallback=True):
        """[(leaf index, score)] best first; empty for a text the model cannot read (see leaf_scores)."""
        scores = self.leaf_scores(text, fallback)
        if scores is None or k <= 0:
            return []
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(i), float(scores[i])) for i in best]

    def top_groups(self, text, key, k=3):
        """Distinct values of key(leaf) (e.g. its first level) ranked by their best leaf's score."""
        scores = self.leaf_scores(text)
        if scores is None:
            return []
        ranked, seen = [], set()
        for i in np.argsort(-scores, kind="stable"):
            group = key(self.leaves[i])
            if group not in seen:
                seen.add(group)
                ranked.append((group, float(scores[i])))
                if len(ranked) == k:
                    break
        return ranked


def fit(leaves, examples=(), fingerprint=""):
    """Train a CatalogModel on the leaves' own documents plus labelled examples (tickets, a training split)."""
    if not leaves:
        raise ValueError("派单目录没有三级条目，无法训练")
    docs, doc_leaf, doc_level1 = [], [], []
    for index, leaf in enumerate(leaves):
        for doc in leaf.documents():
            docs.append(doc)
            doc_leaf.append(index)
            doc_level1.append(leaf.level1)
    counts = {"catalog_documents": len(docs), "leaf_examples": 0, "level1_examples": 0}
    for example in examples:
        if example.leaf is not None:
            docs.append(example.text)
            doc_leaf.append(example.leaf)
            doc_level1.append(leaves[example.leaf].level1)
            counts["leaf_examples"] += 1
        elif example.level1:
            docs.append(example.text)
            doc_leaf.append(-1)
            doc_level1.append(example.level1)
            counts["level1_examples"] += 1
    terms = [term for leaf in leaves for term in (leaf.name, leaf.level2, *leaf.keywords)]
    vectorizer = TfidfVectorizer(analyzer=CatalogAnalyzer(terms), sublinear_tf=True, max_features=MAX_FEATURES,
                                 dtype=np.float32)
    matrix = vectorizer.fit_transform(docs)
    if hasattr(vectorizer, "stop_words_"):
        del vectorizer.stop_words_  # the dropped rare terms: only needed for introspection, and large
    level1_names = sorted({leaf.level1 for leaf in leaves} | set(doc_level1))
    position = {name: i for i, name in enumerate(level1_names)}
    labels = np.array([position[name] for name in doc_level1])
    coef, intercept = _fit_level1(matrix, labels, len(level1_names))
    return CatalogModel(
        leaves=list(leaves), fingerprint=fingerprint, vectorizer=vectorizer,
        centroids=_centroids(matrix, doc_leaf, len(leaves)), level1_names=level1_names,
        leaf_level1=np.array([position[leaf.level1] for leaf in leaves]), coef=coef, intercept=intercept,
        fallback=_fallback(labels, doc_leaf, [position[leaf.level1] for leaf in leaves], len(level1_names)),
        trained_on=counts,
    )


def _centroids(matrix, doc_leaf, n_leaves):
    rows = [(leaf, doc) for doc, leaf in enumerate(doc_leaf) if leaf >= 0]
    leaf_idx, doc_idx = zip(*rows, strict=True)
    membership = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (leaf_idx, doc_idx)), shape=(n_leaves, matrix.shape[0])
    )
    return l2_normalize(membership @ matrix).astype(np.float32).tocsc()


def _fallback(labels, doc_leaf, leaf_level1, n_classes):
    """Leaf scores without any known feature: the share of training documents of the leaf's first level, ties
    within a first level broken by the leaf's own document count (its closed tickets)."""
    level1_share = np.bincount(labels, minlength=n_classes) / len(labels)
    per_leaf = np.bincount([leaf for leaf in doc_leaf if leaf >= 0], minlength=len(leaf_level1))
    scores = (1 - LEAF_WEIGHT) * level1_share[leaf_level1] + 1e-4 * per_leaf / max(per_leaf.max(), 1)
    return scores.astype(np.float32)


def _fit_level1(matrix, labels, n_classes):
    if n_classes < 2:
        return None, None
    counts = np.bincount(labels, minlength=n_classes)
    balanced = len(labels) / (np.count_nonzero(counts) * np.maximum(counts, 1))  # every first level weighs the same
    classifier = SGDClassifier(loss="log_loss", alpha=LEVEL1_ALPHA, max_iter=25, tol=None, random_state=0)
    classifier.fit(matrix, labels, sample_weight=balanced[labels].astype(np.float64))
    coef = np.zeros((n_classes, matrix.shape[1]), dtype=np.float32)
    intercept = np.full(n_classes, -30.0, dtype=np.float32)  # a class without any document never wins
    binary = len(classifier.classes_) == 2
    coef[classifier.classes_] = _binary(classifier.coef_) if binary else classifier.coef_
    intercept[classifier.classes_] = _binary(classifier.intercept_) if binary else classifier.intercept_
    return coef, intercept


def _binary(values):
    """A two-class SGD model keeps one row (for class 1); expand it to one row per class."""
    values = np.asarray(values, dtype=np.float32).reshape(1, -1)
    return np.vstack([-values / 2, values / 2]).squeeze()
