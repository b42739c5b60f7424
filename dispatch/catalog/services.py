"""Writes to the dispatch catalog: import a file as a new version, make a version current, load the starter."""

from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max

from core.errors import InvalidInput
from dispatch.models import CatalogItem, CatalogVersion, Unit

from . import selectors
from .fileformat import read_table
from .validation import CatalogFileError, check_header, check_rows

STARTER_CSV = Path(__file__).resolve().parent.parent / "data" / "catalog_starter.csv"
STARTER_LABEL = "起步目录（北京12345分类 + 北京常见事项）"


def read_source(source, filename=""):
    """(bytes, filename) from a path, bytes or an uploaded file."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        return path.read_bytes(), filename or path.name
    if isinstance(source, bytes):
        return source, filename
    return source.read(), filename or getattr(source, "name", "") or ""


def parse_catalog(source, filename=""):
    """Checked LeafRows of a catalog file; raises CatalogFileError listing every bad row. Reads only."""
    content, filename = read_source(source, filename)
    header, rows = read_table(content, filename)
    errors = check_header(header)
    if errors:
        raise CatalogFileError(errors)
    unit_codes = {row.values.get("responsible_unit", "").strip() for row in rows} - {""}
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=unit_codes)}
    leaves, errors = check_rows(rows, units)
    if errors:
        raise CatalogFileError(errors)
    return leaves


def import_catalog(source, *, filename="", label="", make_current=False, created_by=None):
    """A new CatalogVersion built from a CSV/xlsx file (all rows or nothing); optionally made current."""
    leaves = parse_catalog(source, filename)
    with transaction.atomic():
        version = _new_version(label, created_by)
        _write_items(version, leaves)
        if make_current:
            set_current(version)
    return version


@transaction.atomic
def set_current(version):
    """Make `version` the one current catalog; new tickets pick leaves from it."""
    CatalogVersion.objects.select_for_update().filter(is_current=True).exclude(pk=version.pk).update(
        is_current=False
    )
    CatalogVersion.objects.filter(pk=version.pk).update(is_current=True)
    version.is_current = True
    return version


def load_starter(*, force=False):
    """Import the bundled starter catalog and make it current. Returns (version, status):
    'created'; 'unchanged' when the current version already has the starter's content; 'kept' when a
    different current version exists (an administrator's catalog is never replaced unless force=True)."""
    leaves = parse_catalog(STARTER_CSV)
    current = selectors.current_version()
    if current is not None:
        if selectors.version_rows(current) == [leaf.as_dict() for leaf in leaves]:
            return current, "unchanged"
        if not force:
            return current, "kept"
    return import_catalog(STARTER_CSV, label=STARTER_LABEL, make_current=True), "created"


def _new_version(label, created_by):
    number = (CatalogVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            return CatalogVersion.objects.create(number=number, label=label[:200], created_by=created_by)
    except IntegrityError:
        raise InvalidInput("另一个派单目录版本正在同时导入，请稍后重试", field="file") from None


def _write_items(version, leaves):
    """Three bulk inserts: level 1, level 2 (with parents), leaves (with parents and rules)."""
    units = dict(Unit.objects.filter(code__in={leaf.responsible_unit for leaf in leaves} - {""})
                 .values_list("code", "pk"))
    level1, level2 = {}, {}
    for leaf in leaves:
        level1.setdefault(leaf.code[:2], leaf.level1)
        level2.setdefault(leaf.code[:4], leaf.level2)
    parents = _bulk(version, 1, level1, {})
    parents = _bulk(version, 2, level2, parents)
    CatalogItem.objects.bulk_create(
        [
            CatalogItem(
                version=version, code=leaf.code, name=leaf.level3, level=3, parent_id=parents[leaf.code[:4]],
                keywords=leaf.keywords, responsible=leaf.responsible,
                responsible_unit_id=units.get(leaf.responsible_unit), default_tier=leaf.tier,
                default_request_type=leaf.request_type, dispatch_class=leaf.dispatch_class,
                photo_required_to_complete=leaf.photo_required == "是",
            )
            for leaf in leaves
        ],
        batch_size=1000,
    )


def _bulk(version, level, names_by_code, parent_ids):
    """Create the level-1 or level-2 nodes; returns {code: pk} for them."""
    items = CatalogItem.objects.bulk_create(
        [
            CatalogItem(version=version, code=code, name=name, level=level, parent_id=parent_ids.get(code[:2]))
            for code, name in sorted(names_by_code.items())
        ]
    )
    return {item.code: item.pk for item in items}
