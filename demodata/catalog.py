"""Deterministic full-size catalog (Beijing has ~2 395 leaves) for tests and benchmarks: the starter catalog
plus variants of its leaves by aspect ('供暖费缴纳-办理进度'), added aspect by aspect in code order."""

from dispatch.catalog.fileformat import COLUMNS, KEYWORD_SEPARATOR, read_table, split_keywords
from dispatch.catalog.starter import STARTER_CSV

FULL_SIZE = 2395
# (aspect, request type of the variant, extra keyword)
ASPECTS = [
    ("办理进度", "consultation", "进度"),
    ("政策咨询", "consultation", "政策"),
    ("收费问题", "complaint", "收费"),
    ("服务态度", "complaint", "态度"),
    ("设施损坏", "help", "损坏"),
    ("违规行为", "report", "违规"),
    ("意见建议", "suggestion", "建议"),
    ("表扬", "praise", "表扬"),
]
_NOT_URGENT_TYPES = {"consultation", "suggestion", "praise"}


def starter_rows():
    _, rows = read_table(STARTER_CSV.read_bytes(), STARTER_CSV.name)
    return [{column: row.values.get(column, "") for column in COLUMNS} for row in rows]  # columns added later: blank


def generate_rows(leaves=FULL_SIZE):
    """`leaves` rows sorted by code: the first starter leaves, then variants until the count is reached."""
    base = starter_rows()
    if leaves <= len(base):
        return base[:leaves]
    variable = [row for row in base if row["level3"] != "其他"]
    most = len(base) + len(variable) * len(ASPECTS)
    if leaves > most:
        raise ValueError(f"最多能生成 {most} 个三级条目")
    next_seq = {}
    for row in base:
        next_seq[row["code"][:4]] = max(next_seq.get(row["code"][:4], 0), int(row["code"][4:]))
    rows = list(base)
    for aspect, request_type, keyword in ASPECTS:
        for row in variable:
            if len(rows) == leaves:
                return sorted(rows, key=lambda row: row["code"])
            rows.append(_variant(row, aspect, request_type, keyword, next_seq))
    return sorted(rows, key=lambda row: row["code"])


def _variant(row, aspect, request_type, keyword, next_seq):
    group = row["code"][:4]
    next_seq[group] += 1
    tier = "7d" if request_type in _NOT_URGENT_TYPES and row["tier"] in ("2h", "24h") else row["tier"]
    return {
        **row,
        "code": f"{group}{next_seq[group]:03d}",
        "level3": f"{row['level3']}-{aspect}",
        "keywords": KEYWORD_SEPARATOR.join(split_keywords(f"{row['keywords']}{KEYWORD_SEPARATOR}{keyword}")),
        "tier": tier,
        "request_type": request_type,
    }
