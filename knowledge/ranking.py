"""The knowledge base's search engine: BM25F over Chinese character bigrams, in memory. Pure Python (numpy/scipy).

Why bigrams for the articles: segmenting 20 000 articles with jieba takes ~35 s on one core, counting their
character bigrams with numpy ~0.5 s, and a bigram index finds what a segmenter splits differently ("公积金提取"
vs "提取住房公积金"). The query goes through the catalog suggester's pipeline (hotline/suggest/text.py): jieba
words, stop words removed, then the bigrams of what is left, plus the words' general synonyms (synonyms.py) at a
lower weight. bench/knowledge.py measures this beside PostgreSQL full-text search.

Scoring (BM25F): per field f, tf_f normalised by the field's length (b_f); tf~ = Σ w_f · tf_f / norm_f;
score = Σ_terms q_t · idf_t · tf~ (k1 + 1) / (tf~ + k1). Title and keywords weigh most, then the catalog words.
The weights live in FIELDS below; the matrix of every (article, term) weight is computed once at build time, so
a search is one sparse product.
"""

import html
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import jieba
import numpy as np
from scipy import sparse

from hotline.suggest.text import STOP_WORDS, normalize

from .synonyms import SYNONYMS


@dataclass(frozen=True)
class Document:
    article_id: int
    title: str
    keywords: str  # space/comma separated
    body: str  # Markdown source
    catalog_words: str  # names of linked catalog leaves and their parents, space-joined


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float
    terms: tuple[str, ...]  # the query terms that matched this document (for highlighting)


# field: (weight, length normalisation b)
FIELDS = {"title": (4.0, 0.5), "keywords": (3.0, 0.3), "catalog_words": (1.5, 0.3), "body": (1.0, 0.75)}
K1 = 1.2
EXPANSION_WEIGHT = 0.5
# a hit weaker than this share of the best one is noise (a lone shared bigram), not an answer
RELATIVE_CUTOFF = 0.15

# What callers add around the question itself; the suggester's stop words plus spoken fillers.
QUESTION_STOP_WORDS = STOP_WORDS | frozenset(
    "咨询 想问 问问 问下 问一下 一下 知道 告诉 应该 需要 得 吗 呢 啊 吧 呀 哦 嗯 哪 哪个 哪些 多少 多久 几 怎样 "
    "怎么办 咋办 咋 啥 能不能 是不是 有没有 可不可以 行不行 要不要 我家 我们家 家里 自己 这种 这样 那么 一些 "
    "么 为啥 谁 您 麻烦 帮 帮忙 查 查查 下来 起来 之类 什么样 还是 然后 就是 "
    "这边 那边 里面 时候 以后 之后 今年 明年 去年 现在 马上 具体 一般 怎么样".split()
)

_CJK_FIRST, _CJK_LAST = 0x4E00, 0x9FFF
_CJK_SPAN = _CJK_LAST - _CJK_FIRST + 1
_WORD_BASE = _CJK_SPAN * _CJK_SPAN  # bigram keys are below this; Latin/digit words get keys from here on
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z]{2,}|\d{2,}")
_MARKDOWN = re.compile(r"[#>*_`|\[\]()!~-]+")


def fold(text):
    """The one normalisation of article and query text: NFKC (full-width → half-width) and lower case."""
    return unicodedata.normalize("NFKC", normalize(text))


def _bigrams(text):
    return [run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]


def query_terms(text: str) -> list[str]:
    """The segmented terms of a query: jieba words without stop words or stray punctuation, in order."""
    words = jieba.lcut(fold(text))
    return [w for w in words
            if w not in QUESTION_STOP_WORDS and (_CJK_RUN.search(w) or _LATIN.fullmatch(w))]


def _weighted_query(text):
    """{term: weight} to search for, and {term: display word}: bigrams of the kept words (also across adjacent
    kept words), Latin/digit words, and the synonyms' bigrams at EXPANSION_WEIGHT."""
    folded = fold(text)
    runs, current = [], []
    for word in jieba.lcut(folded):
        if word in QUESTION_STOP_WORDS or not _CJK_RUN.fullmatch(word):
            if current:
                runs.append("".join(current))
                current = []
            if _LATIN.fullmatch(word):
                runs.append(word)
            continue
        current.append(word)
    if current:
        runs.append("".join(current))
    weights, words = {}, []
    for run in runs:
        if _LATIN.fullmatch(run):
            weights[run] = 1.0
            words.append(run)
            continue
        words.append(run)
        for gram in _bigrams(run):
            weights[gram] = 1.0
    for phrase, expansion in SYNONYMS.items():
        if phrase in folded:
            for word in expansion.split():
                words.append(word)
                for gram in _bigrams(word):
                    weights.setdefault(gram, EXPANSION_WEIGHT)
    return weights, words


def _keys_of(texts, latin_vocab):
    """(rows, keys) of every term occurrence in the texts, and each text's length in terms. Vectorised: the
    texts are joined and read as code points; a bigram is two adjacent CJK code points of the same text."""
    texts = [fold(t) for t in texts]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = "\n".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)[: len(codes)]
    cjk = (codes >= _CJK_FIRST) & (codes <= _CJK_LAST)
    pair = cjk[:-1] & cjk[1:]
    keys = (codes[:-1][pair] - _CJK_FIRST) * _CJK_SPAN + (codes[1:][pair] - _CJK_FIRST)
    rows = owner[:-1][pair]
    latin_rows, latin_keys = [], []
    for row, text in enumerate(texts):
        for word in _LATIN.findall(text):
            latin_rows.append(row)
            latin_keys.append(_WORD_BASE + latin_vocab.setdefault(word, len(latin_vocab)))
    if latin_rows:
        rows = np.concatenate([rows, np.array(latin_rows, dtype=np.int64)])
        keys = np.concatenate([keys, np.array(latin_keys, dtype=np.int64)])
    term_lengths = np.bincount(rows, minlength=len(texts)).astype(np.float64)
    return rows, keys, term_lengths


def _key(term, latin_vocab):
    if _LATIN.fullmatch(term):
        index = latin_vocab.get(term)
        return None if index is None else _WORD_BASE + index
    return (ord(term[0]) - _CJK_FIRST) * _CJK_SPAN + (ord(term[1]) - _CJK_FIRST)


class ArticleIndex:
    """BM25F index of articles; build once (≈1 s for 20 000 articles), search in a few milliseconds."""

    def __init__(self, documents: Iterable[Document]):
        documents = list(documents)
        self.ids = np.array([d.article_id for d in documents], dtype=np.int64)
        self._row_of = {int(article_id): row for row, article_id in enumerate(self.ids)}
        self._latin = {}
        n = len(documents)
        fields = []
        for name, (weight, b) in FIELDS.items():
            texts = [getattr(d, name) or "" for d in documents]
            if name == "body":
                texts = [_MARKDOWN.sub(" ", t) for t in texts]
            rows, keys, lengths = _keys_of(texts, self._latin)
            fields.append((weight, b, rows, keys, lengths))
        all_keys = np.concatenate([f[3] for f in fields]) if n else np.zeros(0, dtype=np.int64)
        self._vocab = np.unique(all_keys)
        combined = sparse.csr_matrix((n, len(self._vocab)), dtype=np.float64)
        for weight, b, rows, keys, lengths in fields:
            if not len(rows):
                continue
            average = lengths.mean() or 1.0
            norm = 1 - b + b * lengths / average
            cols = np.searchsorted(self._vocab, keys)
            values = weight / norm[rows]
            combined = combined + sparse.csr_matrix((values, (rows, cols)), shape=combined.shape)
        combined = combined.tocsc()
        combined.sum_duplicates()
        df = np.diff(combined.indptr)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        tf = combined.data
        col_of_value = np.repeat(np.arange(len(self._vocab)), df)
        combined.data = idf[col_of_value] * tf * (K1 + 1) / (tf + K1)
        self._weights = combined  # CSC: a term's column is one slice

    def __len__(self):
        return len(self.ids)

    def _columns(self, weights):
        cols, qw, terms = [], [], []
        for term, weight in weights.items():
            key = _key(term, self._latin)
            if key is None:
                continue
            col = int(np.searchsorted(self._vocab, key))
            if col < len(self._vocab) and self._vocab[col] == key:
                cols.append(col)
                qw.append(weight)
                terms.append(term)
        return cols, np.array(qw), terms

    def search(self, text: str, *, limit: int = 10, allowed_ids: Collection[int] | None = None) -> list[Hit]:
        """Best first; allowed_ids restricts to those articles; empty or unreadable text → []."""
        if not text or not text.strip() or limit <= 0 or not len(self.ids):
            return []
        weights, words = _weighted_query(text)
        cols, qw, terms = self._columns(weights)
        if not cols:
            return []
        matrix = self._weights[:, cols]
        scores = matrix @ qw
        if allowed_ids is not None:
            rows = [self._row_of[i] for i in allowed_ids if i in self._row_of]
            mask = np.zeros(len(scores), dtype=bool)
            mask[rows] = True
            scores = np.where(mask, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if not len(positive):
            return []
        best_score = scores[positive].max()
        positive = positive[scores[positive] >= best_score * RELATIVE_CUTOFF]
        k = min(limit, len(positive))
        top = positive[np.argpartition(-scores[positive], k - 1)[:k]]
        top = top[np.lexsort((self.ids[top], -scores[top]))]
        matched = matrix[top].toarray() > 0  # rows: hits, columns: query terms
        return [
            Hit(int(self.ids[row]), round(float(scores[row]), 4), _display_terms(words, terms, matched[i]))
            for i, row in enumerate(top)
        ]


def _display_terms(words, terms, matched):
    """The query's words whose every bigram matched, then the matched bigrams no such word covers."""
    hit = {t for t, m in zip(terms, matched, strict=True) if m}
    out = []
    for word in words:
        grams = _bigrams(word) if _CJK_RUN.fullmatch(word) else [word]
        if grams and all(g in hit for g in grams) and word not in out:
            out.append(word)
    covered = "".join(out)
    out += [t for t in terms if t in hit and t not in covered and t not in out]
    return tuple(out)


def highlight(text: str, terms: Iterable[str], *, max_chars: int | None = None) -> str:
    """HTML-escaped text with each term wrapped in <mark>…</mark>; with max_chars, a snippet around the first
    match (… where cut)."""
    text = text or ""
    terms = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    marked = np.zeros(len(text) + 1, dtype=bool)
    if terms:
        pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
        for found in pattern.finditer(text):
            marked[found.start():found.end()] = True
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        first = int(np.argmax(marked)) if marked.any() else 0
        start = max(0, min(first - max_chars // 4, len(text) - max_chars))
        end = start + max_chars
    pieces, position = [], start
    while position < end:
        run_end = position
        while run_end < end and marked[run_end] == marked[position]:
            run_end += 1
        chunk = html.escape(text[position:run_end])
        pieces.append(f"<mark>{chunk}</mark>" if marked[position] else chunk)
        position = run_end
    return ("…" if start > 0 else "") + "".join(pieces) + ("…" if end < len(text) else "")

