"""Units by what a person types: the pickers' search (name, short name or code) and the forms' reading of a unit
typed as a code, a name, a short name or a picked「名称（区）」."""

import re

from django.db.models import Case, IntegerField, Q, Value, When

from core.errors import InvalidInput

from .choices import UnitKind
from .models import Unit

# Which units each picker offers: the kinds a form's service accepts.
SCOPES = {
    "dispatch": (UnitKind.STREET, UnitKind.DISTRICT, UnitKind.DEPARTMENT, UnitKind.ENTERPRISE),
    "whistle": (UnitKind.STREET, UnitKind.DEPARTMENT, UnitKind.ENTERPRISE),
    "street": (UnitKind.STREET,),
    "any": (UnitKind.STREET, UnitKind.DISTRICT, UnitKind.DEPARTMENT, UnitKind.ENTERPRISE, UnitKind.ZONE),
}
SEARCH_LIMIT = 20
_WITH_DISTRICT = re.compile(r"^(?P<name>[^（(]+)[（(](?P<where>[^）)]+)[）)]$")
SEPARATORS = re.compile(r"[\s,，、;；]+")


def scoped_units(scope="dispatch"):
    return Unit.objects.filter(kind__in=SCOPES.get(scope, SCOPES["dispatch"]), is_active=True)


def search_units(text, scope="dispatch", limit=SEARCH_LIMIT):
    """Active units of the scope whose name, short name or code holds the text; exact hits first, then by code."""
    text = (text or "").strip()[:50]
    if not text:
        return []
    rank = Case(When(Q(code=text) | Q(name=text) | Q(short_name=text), then=Value(0)),
                When(Q(name__startswith=text) | Q(code__startswith=text), then=Value(1)),
                default=Value(2), output_field=IntegerField())
    units = (scoped_units(scope).filter(Q(name__contains=text) | Q(short_name__contains=text)
                                        | Q(code__startswith=text))
             .select_related("parent").annotate(rank=rank).order_by("rank", "code"))
    return list(units[:limit])


def district_name(unit):
    district = unit.district
    return district.name if district is not None and district.pk != unit.pk else ""


def picked_label(unit, names_shared):
    """What a picker writes into its input: the name, with the district when another unit has the same name."""
    where = district_name(unit) or unit.code
    return f"{unit.name}（{where}）" if names_shared else unit.name


def shared_names(units):
    """The names among ``units`` that more than one active unit carries (八里庄街道 in 朝阳区 and 海淀区)."""
    names = {u.name for u in units}
    counts = {}
    for name in Unit.objects.filter(name__in=names, is_active=True).values_list("name", flat=True):
        counts[name] = counts.get(name, 0) + 1
    return {name for name, count in counts.items() if count > 1}


def unit_from_text(text, *, field, label, scope="dispatch"):
    """The one active unit of the scope ``text`` names: its code, its name, its short name, or「名称（区或代码）」.
    None for a blank text; InvalidInput on ``field`` (the message names ``label``) when none or several fit."""
    text = (text or "").strip()
    if not text:
        return None
    units = scoped_units(scope).select_related("parent")
    by_code = units.filter(code=text).first()
    if by_code is not None:
        return by_code
    where = None
    match = _WITH_DISTRICT.match(text)
    if match:
        text, where = match["name"].strip(), match["where"].strip()
    matches = list(units.filter(name=text)) or list(units.filter(short_name=text))
    if where:
        matches = [u for u in matches if where in (district_name(u), u.code)]
    if not matches:
        raise InvalidInput(f"{label}：未找到单位「{text}」，请输入名称或代码后从列表中选择", field=field)
    if len(matches) > 1:
        options = "、".join(f"{u.name}（{district_name(u) or u.code}）" for u in matches)
        raise InvalidInput(f"{label}：「{text}」有多个单位（{options}），请从列表中选择带区名的一项", field=field)
    return matches[0]


def units_from_text(text, *, field, label, scope="dispatch"):
    """Several units typed into one picker, separated by 、，, or spaces (a「名称（区）」keeps its brackets)."""
    parts = [p for p in SEPARATORS.split((text or "").strip()) if p]
    units = [unit_from_text(part, field=field, label=label, scope=scope) for part in parts]
    return list(dict.fromkeys(units))
