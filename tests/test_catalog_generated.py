"""The full-size (2 395 leaves) generated catalog imports with its level-1 and level-2 parents."""

import io

from django.core.management import call_command

from demodata.catalog import FULL_SIZE, generate_rows
from dispatch.catalog.fileformat import read_table
from dispatch.catalog.services import import_catalog
from dispatch.models import CatalogItem


def test_generated_full_size_catalog_imports(directory, tmp_path):
    out = tmp_path / "full.xlsx"
    call_command("generate_catalog", "--leaves", str(FULL_SIZE), "--out", str(out), stdout=io.StringIO())
    _, rows = read_table(out.read_bytes(), out.name)
    assert [row.values for row in rows] == generate_rows(FULL_SIZE)  # deterministic
    version = import_catalog(out)
    items = CatalogItem.objects.filter(version=version)
    assert items.filter(level=3).count() == FULL_SIZE
    assert items.filter(level=1).count() == len({row.values["level1"] for row in rows}) == 15
    assert items.filter(level=2).count() == len({row.values["code"][:4] for row in rows})
    assert not items.filter(level=3).exclude(parent__level=2).exists()
    assert not items.filter(level=2).exclude(parent__level=1).exists()
    assert not items.filter(level=1, parent__isnull=False).exists()
    for leaf in items.filter(level=3).select_related("parent__parent").order_by("?")[:50]:
        assert leaf.code.startswith(leaf.parent.code) and leaf.parent.code.startswith(leaf.parent.parent.code)
    assert len({row.values["level3"] for row in rows if row.values["level3"].endswith("-办理进度")}) > 400
