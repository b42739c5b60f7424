"""Reads of the org directory that services, forms and the API share."""

from dispatch.errors import InvalidInput

from .choices import UnitKind
from .models import Unit


def units_by_codes(codes, field):
    """Unit codes from a form or the API → active Unit objects, naming the field on an unknown code."""
    codes = [c for c in codes if c]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes, is_active=True)}
    missing = [c for c in codes if c not in units]
    if missing:
        raise InvalidInput(f"未知的单位代码：{'、'.join(missing)}", field=field)
    return [units[c] for c in codes]


def districts():
    return Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code")


def streets_of(district_id):
    return Unit.objects.filter(kind=UnitKind.STREET, parent_id=district_id, is_active=True).order_by("code")


def handling_units():
    """Departments and enterprises a dispatcher or a whistle can name."""
    return Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.ENTERPRISE], is_active=True).order_by("code")
