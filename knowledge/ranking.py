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
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z]{2,}|\d{2,}")


def fold(text):
    """The one normalisation of article and query text: NFKC (full-width → half-width) and lower case."""
    return unicodedata.normalize("NFKC", normalize(text))


def _bigrams(text):
    return [run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]


def index_terms(text):
    """The terms the index holds for a text (its CJK bigrams, then Latin/digit words): what another engine is fed
    to be measured on the same terms (bench/knowledge.py)."""
    text = fold(text)
    return _bigrams(text) + _LATIN.findall(text)


def query_terms(text: str) -> list[str]:
    """The segmented terms of a query: jieba words without stop words or stray punctuation, in order."""
    words = jieba.lcut(fold(text))
    return [w for w in words
            if w not in QUESTION_STOP_WORDS and (_CJK_RUN.search(w) or _LATIN.fullmatch(w))]


def weighted_query(text):
    """({term: weight} to search for, [display words]): the bigrams of the kept words (also across adjacent kept
    words) and Latin/digit words at 1, the synonyms' bigrams at EXPANSION_WEIGHT; the words for highlighting."""
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


def _code_points(texts):
    """The texts joined as one array of code points, folded as `fold` folds the characters terms are made of
    (full-width ASCII to ASCII, upper to lower case), and the text each code point belongs to."""
    joined = "\x00".join(t.replace("\x00", "") for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int32)
    codes[(codes >= 0xFF01) & (codes <= 0xFF5E)] -= 0xFEE0
    codes[(codes >= 0x41) & (codes <= 0x5A)] += 0x20
    owner = np.cumsum(codes == 0, dtype=np.int32)  # a separator opens the next text
    return codes, owner


class _Field:
    """One field of every document: its bigrams (as pairs of CJK code points) and Latin/digit words, by row."""

    def __init__(self, texts, latin_vocab):
        codes, owner = _code_points(texts)
        cjk = (codes >= _CJK_FIRST) & (codes <= _CJK_LAST)
        pair = np.flatnonzero(cjk[:-1] & cjk[1:])
        self.first, self.second = codes[pair] - _CJK_FIRST, codes[pair + 1] - _CJK_FIRST
        self.chars = codes[cjk] - _CJK_FIRST
        self.rows = owner[pair]
        starts, words = [], []
        for found in _LATIN.finditer(codes.astype(np.uint32).tobytes().decode("utf-32-le")):
            starts.append(found.start())
            words.append(latin_vocab.setdefault(found.group(), len(latin_vocab)))
        self.latin_rows = owner[np.array(starts, dtype=np.int64)]
        self.latin = np.array(words, dtype=np.int64)
        self.lengths = (np.bincount(self.rows, minlength=len(texts))
                        + np.bincount(self.latin_rows, minlength=len(texts))).astype(np.float64)

    def keys(self, char_id, n_chars):
        """Term keys: char_id(a)·n + char_id(b) for a bigram ab, n² + word number for a Latin/digit word."""
        bigrams = char_id[self.first].astype(np.int64) * n_chars + char_id[self.second]
        return np.concatenate([self.rows, self.latin_rows]), np.concatenate([bigrams, n_chars * n_chars + self.latin])


class ArticleIndex:
    """BM25F index of articles: built in about a second for 20 000 articles, searched in milliseconds."""

    def __init__(self, documents: Iterable[Document]):
        documents = list(documents)
        n = len(documents)
        self.ids = np.array([d.article_id for d in documents], dtype=np.int64)
        self._row_of = {int(article_id): row for row, article_id in enumerate(self.ids)}
        self._latin = {}
        fields = [(weight, b, _Field([getattr(d, name) or "" for d in documents], self._latin))
                  for name, (weight, b) in FIELDS.items()]
        # number the CJK characters that occur, so that the bigram keys stay dense (≈ 4 000² instead of 21 000²)
        present = np.zeros(_CJK_SPAN, dtype=bool)
        for _, _, field in fields:
            present[field.chars] = True
        self._n_chars = int(present.sum())
        self._char_id = np.where(present, np.cumsum(present) - 1, -1).astype(np.int32)
        keyed = [(weight, b, field, *field.keys(self._char_id, self._n_chars)) for weight, b, field in fields]
        used = np.zeros(self._n_chars ** 2 + len(self._latin), dtype=bool)
        for *_, keys in keyed:
            used[keys] = True
        self._vocab = np.flatnonzero(used)  # sorted term keys; a term's column is its position here
        column_of = (np.cumsum(used, dtype=np.int32) - 1)
        del used
        combined = sparse.csr_matrix((n, len(self._vocab)), dtype=np.float64)
        for weight, b, field, rows, keys in keyed:
            if len(rows):
                norm = 1 - b + b * field.lengths / (field.lengths.mean() or 1.0)
                combined = combined + sparse.csr_matrix((weight / norm[rows], (rows, column_of[keys])),
                                                        shape=combined.shape)
        combined = combined.tocsc()  # term-major: a term's postings are one slice
        df = np.diff(combined.indptr)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        tf = combined.data
        combined.data = (np.repeat(idf, df) * tf * (K1 + 1) / (tf + K1)).astype(np.float32)
        self._weights = combined

    def _key(self, term):
        if _LATIN.fullmatch(term):
            index = self._latin.get(term)
            return None if index is None else self._n_chars ** 2 + index
        first, second = (self._char_id[ord(c) - _CJK_FIRST] for c in term)
        return None if first < 0 or second < 0 else int(first) * self._n_chars + int(second)

    def __len__(self):
        return len(self.ids)

    def _columns(self, weights):
        cols, qw, terms = [], [], []
        for term, weight in weights.items():
            key = self._key(term)
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
        weights, words = weighted_query(text)
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
    """HTML-escaped text with each term wrapped in <mark>…</mark> (overlapping or adjacent matches merged, case
    ignored); with max_chars, a snippet of that many characters around the first match (… where cut)."""
    text = text or ""
    spans = sorted(
        (found.start(), found.end())
        for term in {t for t in terms if t and t.strip()}
        for found in re.finditer(re.escape(term), text, re.IGNORECASE)
    )
    merged = []
    for begin, finish in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], finish)
        else:
            merged.append([begin, finish])
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        first = merged[0][0] if merged else 0
        start = max(0, min(first - max_chars // 4, len(text) - max_chars))
        end = start + max_chars
    pieces, position = [], start
    for begin, finish in merged:
        begin, finish = max(begin, start), min(finish, end)
        if begin >= finish:
            continue
        pieces.append(html.escape(text[position:begin]))
        pieces.append(f"<mark>{html.escape(text[begin:finish])}</mark>")
        position = finish
    pieces.append(html.escape(text[position:end]))
    return ("…" if start > 0 else "") + "".join(pieces) + ("…" if end < len(text) else "")
