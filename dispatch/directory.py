"""Loading the org directory: Beijing's districts and streets/townships plus city departments and enterprises."""

import csv
from pathlib import Path

from django.db import transaction

from .choices import DivisionKind, UnitKind
from .models import Unit

DATA_DIR = Path(__file__).resolve().parent / "data"
DIVISIONS_CSV = DATA_DIR / "beijing_divisions.csv"
CITY_UNITS_CSV = DATA_DIR / "city_units.csv"
CENTER_CODE = "C12345"

_DIVISION_UNIT_KIND = {
    "district": UnitKind.DISTRICT,
    "street": UnitKind.STREET,
    "town": UnitKind.STREET,
    "township": UnitKind.STREET,
    "area": UnitKind.STREET,
    "zone": UnitKind.ZONE,
}
_STREET_SUFFIXES = ("街道办事处", "地区办事处", "街道", "地区", "镇", "乡")


def short_form(name):
    """'望京街道' → '望京', '东小口镇' → '东小口'; names without a known suffix stay whole."""
    for suffix in _STREET_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _division_rows():
    with DIVISIONS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] != "city":
                yield row


def _directory_rows():
    """(code, fields) for every unit, parents before children; parent given as a code."""
    with CITY_UNITS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield row["code"], {"name": row["name"], "kind": row["kind"], "short_name": row["short_name"],
                                "division_kind": DivisionKind.NONE, "parent": None}
    for row in _division_rows():  # districts precede their streets in the file
        kind = _DIVISION_UNIT_KIND[row["kind"]]
        is_district = kind == UnitKind.DISTRICT
        yield row["code"], {
            "name": row["name"], "kind": kind,
            "short_name": row["name"] if is_district else short_form(row["name"]),
            "division_kind": DivisionKind.NONE if is_district else row["kind"],
            "parent": None if is_district else row["parent_code"],
        }


@transaction.atomic
def load_directory():
    """Create or update every unit from the bundled CSVs. Idempotent; returns (created, updated)."""
    units = {unit.code: unit for unit in Unit.objects.all()}
    created = updated = 0
    for code, fields in _directory_rows():
        parent_code = fields.pop("parent")
        fields["parent_id"] = units[parent_code].pk if parent_code else None
        unit = units.get(code)
        if unit is None:
            units[code] = Unit.objects.create(code=code, **fields)
            created += 1
            continue
        changed = [key for key, value in fields.items() if getattr(unit, key) != value]
        if changed:
            for key in changed:
                setattr(unit, key, fields[key])
            unit.save(update_fields=changed)
            updated += 1
    return created, updated
