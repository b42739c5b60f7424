"""Dispatch catalog: the starter catalog, import/export round trips, rejected files, selectors."""

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from core.errors import InvalidInput, NotFoundInScope
from dispatch.catalog import selectors
from dispatch.catalog.fileformat import COLUMNS, CSV, XLSX, write_table
from dispatch.catalog.services import import_catalog, load_starter, set_current
from dispatch.catalog.validation import CatalogFileError
from dispatch.choices import RequestType, Responsible, Tier, UnitKind
from dispatch.models import CatalogItem, CatalogVersion

HEADER = ",".join(COLUMNS)


def csv_file(*lines):
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


@pytest.fixture
def starter(directory):
    version, status = load_starter()
    assert status == "created"
    return version


def leaf(version, name, level2=None):
    query = CatalogItem.objects.filter(version=version, level=3, name=name)
    return (query.filter(parent__name=level2) if level2 else query).select_related("responsible_unit").get()


def test_starter_loads_as_the_current_version_with_rules_on_every_leaf(directory):
    call_command("load_catalog", stdout=io.StringIO())
    version = selectors.current_version()
    assert version.number == 1
    leaves = list(selectors.leaves(version))
    assert len(leaves) >= 517
    assert version.items.filter(level=1).count() == 15
    units = {unit.pk: unit for unit in directory.values()}
    for item in leaves:
        assert len(item.code) == 7 and item.code.startswith(item.parent.code)
        assert item.parent.level == 2 and item.parent.parent.level == 1
        assert item.default_tier in Tier.values and item.default_request_type in RequestType.values
        assert item.keywords
        if item.responsible == Responsible.UNIT:
            assert units[item.responsible_unit_id].kind in (UnitKind.DEPARTMENT, UnitKind.ENTERPRISE, UnitKind.CENTER)
        else:
            assert item.responsible == Responsible.STREET and item.responsible_unit_id is None


@pytest.mark.parametrize("name, level2, unit, tier", [
    ("自来水供应", None, "E001", "24h"),
    ("冬季采暖", None, "E002", "24h"),
    ("户内暖气不热", "供热采暖", "E002", "24h"),
    ("燃气供应", None, "E003", "24h"),
    ("电力供应", None, "E004", "24h"),
    ("治安案件", None, "D010", "7d"),
    ("违法停车", "停车管理", "D009", "7d"),
    ("职工医疗保险", None, "D016", "7d"),
    ("环境卫生", None, None, "7d"),
    ("违章建筑", None, None, "15d"),
    ("噪音污染", None, None, "7d"),
    ("物业收费", "物业管理", None, "7d"),
    ("垃圾分类投放", "垃圾分类", None, "7d"),
    ("安全隐患", "安全生产", None, "2h"),
])
def test_starter_names_the_responsible_unit_and_tier(starter, name, level2, unit, tier):
    item = CatalogItem.objects.filter(version=starter, level=3, name=name).select_related("responsible_unit")
    item = (item.filter(parent__name=level2) if level2 else item).first()
    assert (item.responsible_unit.code if item.responsible_unit else None) == unit
    assert item.default_tier == tier


def test_heating_keywords_include_the_words_citizens_use(starter):
    assert {"暖气不热", "供暖", "暖气"} <= set(leaf(starter, "冬季采暖").keywords.split("、"))


def test_loading_twice_creates_no_second_version(directory):
    call_command("load_catalog", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_catalog", stdout=out)
    assert "未改动" in out.getvalue()
    assert CatalogVersion.objects.count() == 1


def test_loading_the_starter_keeps_an_administrators_catalog(starter):
    own = import_catalog(csv_file("0101001,城乡建设,供水,停水,停水,unit,E001,24h,help"), make_current=True)
    assert load_starter() == (own, "kept")
    version, status = load_starter(force=True)
    assert status == "created" and version.number == 3 and selectors.current_version() == version


@pytest.mark.parametrize("fmt", [CSV, XLSX])
def test_export_then_import_round_trips_exactly(starter, fmt):
    exported = selectors.export_catalog(starter, fmt)
    copy = import_catalog(exported, filename=f"目录.{fmt}", label="副本")
    assert copy.number == 2 and not copy.is_current
    assert selectors.version_rows(copy) == selectors.version_rows(starter)
    assert copy.items.count() == starter.items.count()
    if fmt == CSV:
        assert selectors.export_catalog(copy, CSV) == exported


def test_bad_rows_are_all_reported_and_nothing_is_written(starter):
    versions, items = CatalogVersion.objects.count(), CatalogItem.objects.count()
    content = csv_file(
        "0101001,城乡建设,供水,停水,停水,unit,E001,24h,help",        # row 2: fine
        "0101002,城乡建设,供水,水压低,,unit,E001,3d,help",            # row 3: tier
        "0101003,城乡建设,供水,水质,,unit,E999,24h,help",             # row 4: unknown unit
        "0102001,城乡建设,环境,垃圾,,street,D001,7d,complaint",       # row 5: unit given for street
        "0101001,城乡建设,供水,停水2,,unit,E001,24h,help",            # row 6: duplicate code
        "0201001,城乡建设,供热,暖气,,unit,E002,24h,help",             # row 7: level1 with two prefixes
        "0103001,城乡建设,物业,,,street,,7d,complaint",               # row 8: empty level3
        "0104001,城乡建设,停车,乱停车,,street,,7d,吐槽",               # row 9: request type
        "0105001,城乡建设,燃气,停气,,unit,,24h,help",                 # row 10: unit missing
        "105001,城乡建设,燃气,漏气,,street,,2h,help",                 # row 11: code format
        "0106001,城乡建设,区属,区事项,,unit,110105,7d,help",           # row 12: a district is not a unit to name
        "0107001,城乡建设,其他,其他,,someone,,7d,help",               # row 13: responsible
    )
    with pytest.raises(CatalogFileError) as caught:
        import_catalog(content, filename="bad.csv", make_current=True)
    reported = {(error.row, error.column) for error in caught.value.errors}
    assert reported == {
        (3, "tier"), (4, "responsible_unit"), (5, "responsible_unit"), (6, "code"), (7, "level1"), (8, "level3"),
        (9, "request_type"), (10, "responsible_unit"), (11, "code"), (12, "responsible_unit"), (13, "responsible"),
    }
    assert "第3行 tier：响应级别必须是 2h/24h/7d/15d 之一" in caught.value.message
    assert "第6行 code：编码 0101001 与第2行重复" in caught.value.message
    assert "第4行 responsible_unit：找不到代码为 E999 的单位" in caught.value.message
    assert (CatalogVersion.objects.count(), CatalogItem.objects.count()) == (versions, items)
    assert selectors.current_version() == starter


def test_a_code_prefix_used_for_two_level2_names_is_rejected(directory):
    content = csv_file(
        "0101001,城乡建设,供水,停水,,unit,E001,24h,help", "0101002,城乡建设,供热,暖气,,unit,E002,24h,help"
    )
    with pytest.raises(CatalogFileError) as caught:
        import_catalog(content)
    assert [str(error) for error in caught.value.errors] == [
        "第3行 code：编码前缀 0101 在第2行属于二级分类“城乡建设/供水”，本行是“城乡建设/供热”"
    ]


def test_missing_columns_are_named(directory):
    content = b"code,level1,level2,level3,keywords,responsible,responsible_unit,request_type\n"
    with pytest.raises(CatalogFileError) as caught:
        import_catalog(content)
    assert [str(error) for error in caught.value.errors] == ["第1行 tier：缺少这一列"]
    assert not CatalogVersion.objects.exists()


def test_an_empty_file_is_rejected(directory):
    with pytest.raises(CatalogFileError, match="没有目录条目"):
        import_catalog(csv_file())


def test_excel_files_as_people_save_them_are_read(directory):
    """A GBK CSV from Chinese Excel, and an xlsx where Excel turned the code into a number."""
    gbk = csv_file("0101001,城乡建设,供水,停水,停水，没水,unit,E001,24h,求助").decode().encode("gb18030")
    version = import_catalog(gbk, filename="目录.csv")
    assert selectors.version_rows(version)[0]["keywords"] == "停水、没水"
    assert selectors.version_rows(version)[0]["request_type"] == "help"
    workbook = Workbook()
    workbook.active.append(list(COLUMNS))
    workbook.active.append([101001, "城乡建设", "供水", "停水", "", "unit", "E001", "24h", "help"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert selectors.version_rows(import_catalog(buffer.getvalue()))[0]["code"] == "0101001"


def test_making_a_version_current_leaves_exactly_one_current(starter):
    copy = import_catalog(selectors.export_catalog(starter))
    set_current(copy)
    assert list(CatalogVersion.objects.filter(is_current=True)) == [copy]
    assert selectors.current_version() == copy


def test_import_and_export_commands(starter, tmp_path):
    out = tmp_path / "目录.xlsx"
    call_command("export_catalog", "--out", str(out), stdout=io.StringIO())
    call_command("import_catalog", str(out), "--make-current", "--label", "二版", stdout=io.StringIO())
    assert selectors.current_version().label == "二版"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file("0101001,城乡建设,供水,停水,,unit,E001,1h,help"))
    with pytest.raises(Exception, match="第2行 tier"):
        call_command("import_catalog", str(bad), stdout=io.StringIO())


def test_search_finds_leaves_by_name_keyword_and_parent_names(starter):
    names = [item.name for item in selectors.search_leaves("暖气不热")]
    assert names[:2] == ["楼栋暖气不热", "户内暖气不热"]  # name matches first, then by code
    assert "冬季采暖" in names
    assert [item.name for item in selectors.search_leaves("户内 暖气")] == ["户内暖气不热"]
    assert "物业收费" in [item.name for item in selectors.search_leaves("物业费")]
    broad = selectors.search_leaves("城乡建设")
    assert len(broad) == 20 and all(item.parent.parent.name == "城乡建设" for item in broad)
    assert selectors.search_leaves("  ") == []


def test_get_leaf_by_code(starter):
    heating = leaf(starter, "冬季采暖")
    assert selectors.get_leaf(heating.code) == heating
    with pytest.raises(NotFoundInScope, match="没有编码为 0101 的三级条目"):
        selectors.get_leaf("0101")


def test_export_writes_the_file_columns(starter):
    text = selectors.export_catalog(starter, CSV).decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    assert write_table([], XLSX)[:2] == b"PK"


def test_admin_exports_a_version_and_makes_it_current(starter, admin_client):
    copy = import_catalog(selectors.export_catalog(starter))
    url = "/admin/dispatch/catalogversion/"
    response = admin_client.post(url, {"action": "export_xlsx", "_selected_action": [starter.pk]})
    assert response["Content-Disposition"] == 'attachment; filename="catalog_v1.xlsx"'
    assert selectors.version_rows(import_catalog(response.content)) == selectors.version_rows(starter)
    admin_client.post(url, {"action": "make_current", "_selected_action": [copy.pk]})
    assert selectors.current_version() == copy


def test_a_leaf_that_needs_an_on_site_photo_keeps_the_mark_through_export_and_import(starter):
    leaf = starter.items.filter(level=3).order_by("code").first()
    leaf.photo_required_to_complete = True
    leaf.save(update_fields=["photo_required_to_complete"])
    exported = selectors.export_catalog(starter, CSV)
    copy = import_catalog(exported)
    assert list(copy.items.filter(photo_required_to_complete=True).values_list("code", flat=True)) == [leaf.code]
    bad = exported.decode("utf-8-sig").replace(f",{leaf.dispatch_class},是", f",{leaf.dispatch_class},也许", 1)
    with pytest.raises(InvalidInput, match="办结须上传现场照片：填「是」或留空"):
        import_catalog(bad.encode("utf-8"))
