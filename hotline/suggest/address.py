"""Free-text address → street/township: directory names, their short forms, admin aliases, past tickets.

Evidence, strongest first (a longer name found in the text hides the shorter names inside it):
- the full name of a street (望京街道)                               1.00
- an administrator's alias for a community or landmark (望京SOHO)    0.95
- the short form of a street (望京)                                  0.80
- words of earlier tickets' addresses at one street (花家地西里)      up to 0.70, by their share of tickets
A name that several streets share (八里庄街道 in 朝阳区 and 海淀区; 东风) offers all of them, its score split among
them, unless the text names the district of one (海淀区八里庄街道). A district named in the text (朝阳区 / 朝阳) adds
0.05 to its streets and halves the score of other districts' streets.
"""

import threading
import time
from collections import Counter, defaultdict

from dispatch.choices import UnitKind
from dispatch.models import AddressAlias, Unit
from hotline.models import Ticket

from .text import analyze

INDEX_TTL = 300  # seconds before aliases, streets and ticket addresses are read again
HISTORY_TICKETS = 50_000
HISTORY_MIN_TICKETS = 2  # a word must occur in at least this many earlier tickets' addresses
HISTORY_WEIGHT = 0.7
GENERIC_WORDS = frozenset(
    ("小区 社区 号楼 单元 楼下 门口 附近 对面 路口 大街 胡同 村 号院 家园 "
     "公寓 花园 东侧 西侧 南侧 北侧 北京市 北京 市辖区").split()
)

DISTRICT = "区"
FULL_NAME, SHORT_NAME, ALIAS = "街乡镇全称", "街乡镇简称", "地址别名"

_lock = threading.Lock()
_index = {"built": 0.0}


def _build_index():
    streets = {u.pk: u for u in Unit.objects.filter(kind=UnitKind.STREET, is_active=True).select_related("parent")}
    full, short = defaultdict(set), defaultdict(set)  # a name → every street called so (同名街乡镇)
    for street in streets.values():
        full[street.name].add(street.pk)
        if street.short_name and street.short_name != street.name and len(street.short_name) >= 2:
            short[street.short_name].add(street.pk)
    names = [(text, ids, 1.0, FULL_NAME) for text, ids in full.items()]  # (text, street ids, score, reason label)
    names += [(text, ids, 0.8, SHORT_NAME) for text, ids in short.items() if text not in full]
    names += [(a.alias, {a.street_id}, 0.95, ALIAS) for a in AddressAlias.objects.all() if a.street_id in streets]
    districts = {}
    for district in Unit.objects.filter(kind=UnitKind.DISTRICT, is_active=True):
        districts[district.name] = district.pk
        names.append((district.name, {district.pk}, 0.0, DISTRICT))  # so that 海淀区 does not read as 海淀街道
        if district.name.endswith("区") and len(district.name) > 2:
            districts.setdefault(district.name[:-1], district.pk)
    return {"built": time.monotonic(), "streets": streets, "names": sorted(names, key=lambda n: -len(n[0])),
            "districts": sorted(districts.items(), key=lambda d: -len(d[0])), "history": _history(streets)}


def _history(streets):
    """word → Counter(street id) over the addresses of recent tickets that have a street."""
    words = defaultdict(Counter)
    rows = Ticket.objects.filter(street__isnull=False).order_by("-received_at").values_list("address", "street_id")
    for address, street_id in rows[:HISTORY_TICKETS]:
        if street_id in streets:
            for word in {w for w in analyze(address) if not w.startswith("#") and len(w) >= 3}:
                words[word][street_id] += 1
    return {word: counts for word, counts in words.items()
            if sum(counts.values()) >= HISTORY_MIN_TICKETS and word not in GENERIC_WORDS}


def index():
    with _lock:
        if time.monotonic() - _index["built"] > INDEX_TTL:
            _index.clear()
            _index.update(_build_index())
        return _index


def clear_cache():
    with _lock:
        _index.clear()
        _index["built"] = 0.0


def _find_names(text, names):
    """Names found in text, longest first, skipping any that lie inside a longer one already found."""
    taken, found = [], []
    for name, ids, score, label in names:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(s <= start and end <= e for s, e in taken):
                taken.append((start, end))
                found.append((name, ids, score, label))
                break
            start = text.find(name, start + 1)
    return found


def _read(text, idx):
    """(street names found, ids of the districts named) in the text. A district's name inside a street's name
    ('朝阳门' names a street, not 朝阳区) does not count. A short form that is a district's and a street's (海淀:
    海淀区, 海淀街道) names the district, and the street too unless the text names another (海淀八里庄)."""
    found = _find_names(text, idx["names"])
    rest = text
    for name, *_ in found:
        rest = rest.replace(name, "|")
    districts = dict(idx["districts"])
    district_ids = {pk for name, pk in districts.items() if name in rest}
    district_ids |= {pk for _, ids, _, label in found if label == DISTRICT for pk in ids}
    both = [entry for entry in found if entry[3] == SHORT_NAME and entry[0] in districts]
    district_ids |= {districts[entry[0]] for entry in both}
    streets = [entry for entry in found if entry[3] != DISTRICT and entry not in both]
    return streets or both, district_ids


def guess_district(text):
    """The one district named in the text (全称 or 无「区」字的简称), else None (none, or several)."""
    text = (text or "").strip()
    if not text:
        return None
    _, district_ids = _read(text, index())
    return Unit.objects.get(pk=district_ids.pop()) if len(district_ids) == 1 else None


def resolve_address(text, limit=5):
    """Candidate streets for a free-text address: [(street Unit, score 0–1, reason)], best first. Streets sharing
    the name found are all offered, each with its district in the reason, unless a district named narrows them."""
    text = (text or "").strip()
    if not text:
        return []
    idx = index()
    found, district_ids = _read(text, idx)
    best = {}  # street id → (score, reason)

    def offer(street_id, score, reason):
        if street_id not in best or best[street_id][0] < score:
            best[street_id] = (score, reason)

    for name, ids, score, label in found:
        in_district = [pk for pk in ids if idx["streets"][pk].parent_id in district_ids] if district_ids else []
        chosen = sorted(in_district or ids, key=lambda pk: idx["streets"][pk].code)
        reason = f"{label}「{name}」"
        if len(chosen) > 1:
            reason += f"（{'、'.join(dict.fromkeys(idx['streets'][pk].parent.name for pk in chosen))}都有，请核对区）"
        for pk in chosen:
            offer(pk, score / len(chosen), reason)
    for word in (w for w in analyze(text) if w in idx["history"]):
        counts = idx["history"][word]
        total = sum(counts.values())
        for pk, n in counts.most_common(3):
            offer(pk, HISTORY_WEIGHT * n / total, f"历史工单地址「{word}」（{n}/{total}单）")
    ranked = []
    for pk, (score, reason) in best.items():
        street = idx["streets"][pk]
        if district_ids and street.parent_id not in district_ids:
            score, reason = score / 2, f"{reason}，但不在所述区内"
        elif district_ids:
            score, reason = min(1.0, score + 0.05), f"{reason}，区「{street.parent.name}」"
        ranked.append((street, round(score, 3), reason))
    ranked.sort(key=lambda r: (-r[1], r[0].code))
    return ranked[:limit]


def sole_street(ranked):
    """The best street of resolve_address's answer, or None when none, or when another ties with it (a name that
    streets of several districts share): a repeat search or a default must not pick one of them silently."""
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]
