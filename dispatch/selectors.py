"""Reads of the org directory that services, forms and the API share."""

from django.db.models import Exists, OuterRef

from core.errors import InvalidInput

from .choices import UnitKind
from .models import Unit


def districts():
    return Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code")


def streets_of(district_id):
    return Unit.objects.filter(kind=UnitKind.STREET, parent_id=district_id, is_active=True).order_by("code")


def street_named(name, district=None, *, field="street"):
    """The active street/township called ``name`` (full name, else its short form: 望京) within ``district``
    (a Unit, its id, or None). None for a blank name. InvalidInput on ``field`` when no street fits, or when the
    name fits streets of several districts and no district says which one."""
    name = (name or "").strip()
    if not name:
        return None
    streets = Unit.objects.filter(kind=UnitKind.STREET, is_active=True).select_related("parent").order_by("code")
    matches = list(streets.filter(name=name)) or list(streets.filter(short_name=name))
    if not matches:
        raise InvalidInput(f"未找到街乡镇「{name}」，请从列表中选择", field=field)
    district_id = getattr(district, "pk", district)
    if district_id is not None:
        inside = [street for street in matches if street.parent_id == district_id]
        if not inside:
            district_name = getattr(district, "name", None) or Unit.objects.filter(pk=district_id).values_list(
                "name", flat=True).first() or "所选区"
            raise InvalidInput(f"{district_name}没有{name}（{name}在{_district_names(matches)}），"
                               "请重新选择区或街乡镇", field=field)
        matches = inside
    if len(matches) > 1:
        if district_id is None:
            raise InvalidInput(f"{name}在{_district_names(matches)}都有，请选择区", field=field)
        raise InvalidInput(f"{matches[0].parent.name}有多个{name}：{'、'.join(s.name for s in matches)}，"
                           "请填写全称", field=field)
    return matches[0]


def _district_names(streets):
    return "、".join(dict.fromkeys(street.parent.name for street in streets))


def likely_whistle_units(catalog_item):
    """The departments and enterprises the order's catalog leaf, or a leaf beside it (same parent), names as its unit:
    a 楼内供暖管道 order (the street's) suggests 热力集团 (the city heating leaf's). By code."""
    from .models import CatalogItem

    if catalog_item is None or catalog_item.parent_id is None:
        return Unit.objects.none()
    named = CatalogItem.objects.filter(parent_id=catalog_item.parent_id, responsible_unit=OuterRef("pk"))
    return Unit.objects.filter(Exists(named), kind__in=[UnitKind.DEPARTMENT, UnitKind.ENTERPRISE],
                               is_active=True).order_by("code")
