"""Text features shared by the suggester: jieba words plus CJK character bigrams (and trigrams for the catalog)."""

import re
import threading

import jieba

jieba.setLogLevel(60)  # silence the dictionary-loading banner

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_READABLE = re.compile(r"[\u4e00-\u9fff]|[^\W_]")
_KEEP = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{2,}")
CATALOG_CHARS = 1500
CATALOG_WORD_CHARS = 800
_tokenizers = {}  # catalog terms → a jieba tokenizer that knows them (CatalogAnalyzer), oldest first
MAX_TOKENIZERS = 2  # the current catalog's and the one before (a switch), ~56 MB each
_tokenizers_lock = threading.Lock()
STOP_WORDS = frozenset(
    "的 了 是 在 我 我们 你 你们 他 她 它 有 和 与 及 或 就 都 也 还 被 把 对 向 从 让 给 这 那 这个 那个 一个 "
    "没有 不 请 请问 您好 你好 谢谢 希望 要求 问题 反映 情况 现在 目前 已经 一直 因为 所以 但是 如果 可以 能 "
    "什么 怎么 如何 为什么 哪里 市民 来电 来信 北京市 北京 其他 尽快 解决 处理 相关 部门".split()
)


def normalize(text):
    return (text or "").strip().lower()


def analyze(text):
    """Features of one text: jieba words (no stop words, no single non-CJK chars) and '#'-marked bigrams."""
    text = normalize(text)
    words = [w for w in jieba.lcut(text) if _KEEP.search(w) and w not in STOP_WORDS]
    bigrams = ["#" + run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]
    return words + bigrams


def catalog_features(text, tokenizer=jieba):
    """The catalog suggester's features: analyze()'s words and bigrams plus '$'-marked character trigrams (they keep
    a phrase that the word cut splits differently in a long complaint than in a short catalog name). A complaint
    puts its matter first, and the word cut is most of the cost: words come from the first CATALOG_WORD_CHARS
    characters, cut with the dictionary only (jieba's HMM guesses new words, mostly names), the n-grams from the
    first CATALOG_CHARS. Measured across folds: the same accuracy as the whole text, a bounded latency."""
    text = normalize(text)[:CATALOG_CHARS]
    words = [w for w in tokenizer.lcut(text[:CATALOG_WORD_CHARS], HMM=False)
             if _KEEP.search(w) and w not in STOP_WORDS]
    runs = _CJK_RUN.findall(text)
    return (words + ["#" + run[i:i + 2] for run in runs for i in range(len(run) - 1)]
            + ["$" + run[i:i + 3] for run in runs for i in range(len(run) - 2)])


class CatalogAnalyzer:
    """catalog_features() cut with a jieba dictionary that knows the catalog's own terms (leaf names, second-level
    names, keywords), so 公积金 or 出租车管理 is one word in a complaint as in the catalog (measured across folds:
    better first levels). It pickles as its terms only; the tokenizer (a copy of jieba's dictionary, ~56 MB) is
    built on first use, once per process for a set of terms, and never touches the jieba that analyze() uses."""

    TERM_FREQUENCY = 2000  # high enough for a catalog term to win the cut against its parts

    def __init__(self, terms):
        self.terms = tuple(sorted({term for term in terms if 2 <= len(term) <= 8}))

    def __call__(self, text):
        return catalog_features(text, self.tokenizer())

    def tokenizer(self):
        with _tokenizers_lock:
            tokenizer = _tokenizers.get(self.terms)
            if tokenizer is None:
                while len(_tokenizers) >= MAX_TOKENIZERS:  # the oldest catalog's: a model that needs it rebuilds it
                    _tokenizers.pop(next(iter(_tokenizers)))
                tokenizer = jieba.Tokenizer()
                for term in self.terms:
                    tokenizer.add_word(term, freq=self.TERM_FREQUENCY)
                _tokenizers[self.terms] = tokenizer
            return tokenizer

    def __getstate__(self):
        return {"terms": self.terms}

    def __setstate__(self, state):
        self.terms = state["terms"]


def readable(text):
    """Whether the text holds anything to read (a CJK character, a letter or a digit), not only punctuation."""
    return bool(_READABLE.search(text or ""))


def bigram_set(text):
    return {run[i:i + 2] for run in _CJK_RUN.findall(normalize(text)) for i in range(len(run) - 1)}


def similarity(a, b):
    """Dice coefficient of the two texts' CJK bigrams: 1.0 for the same wording, near 0 for unrelated texts."""
    sa, sb = bigram_set(a), bigram_set(b)
    if not sa or not sb:
        return 0.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))
