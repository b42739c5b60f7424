"""导出Excel in a real browser: a dispatcher filters the queue and downloads it; the auditor sees the record."""

import datetime as dt

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hotline import exports
from hotline.choices import ExportStatus
from hotline.models import ListExport
from hotline.tasks import build_list_export
from hotline.views import lists

from ..lifecycle_helpers import take_call
from .phone import assert_fits
from .test_heating_story import as_user
from .test_lists import DESK, PHONE, filter_by, rows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def number_of(row):
    return row.locator('td[data-label="工单号"]').inner_text().split()[0]


@pytest.fixture
def queue(demo_users, directory, catalog):
    """Five sanitation orders at 望京 await dispatch, one of them urgent, and a heating order at 安定门."""
    now = timezone.now()
    waiting = [take_call(demo_users, directory, catalog["sanitation"], content=f"楼下垃圾堆放第{i}天",
                         now=now - dt.timedelta(hours=i)) for i in range(4)]
    urgent = take_call(demo_users, directory, catalog["sanitation"], content="垃圾车占道井盖丢失", now=now,
                       urgency="urgent")
    heating = take_call(demo_users, directory, catalog["heating"], street="110101004", content="暖气不热", now=now)
    return {"waiting": waiting, "urgent": urgent, "heating": heating}


def test_the_dispatcher_exports_the_filtered_queue_and_the_auditor_sees_it(browser, live_server, queue, shots,
                                                                             monkeypatch, tmp_path):
    monkeypatch.setattr(lists, "LIST_LIMIT", 3)  # the list pages; the export has them all
    page = as_user(browser, live_server, "dispatcher")
    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/center/queue/")
    filter_by(page, 紧急程度="一般", 查找="垃圾")
    assert "共 4 条，第 1/2 页" in page.locator(".pager").first.inner_text()
    page.get_by_role("link", name="工单号").click()
    page.wait_for_load_state()
    shown = [number_of(rows(page).nth(i)) for i in range(rows(page).count())]
    page.get_by_role("link", name="下一页").click()
    page.wait_for_load_state()
    shown += [number_of(rows(page).nth(i)) for i in range(rows(page).count())]
    link = page.get_by_role("link", name="导出Excel")
    assert "format=xlsx" in link.get_attribute("href") and "sort=number" in link.get_attribute("href")
    shots(page, "export-queue-1440")
    page.set_viewport_size(PHONE)
    shots(page, "export-queue-390")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("派单队列-") and download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "queue.xlsx"
    download.save_as(saved)
    table = [list(row) for row in load_workbook(saved, read_only=True).active.iter_rows(values_only=True)]
    assert table[0][0] == "工单号" and [row[0] for row in table[1:]] == shown
    assert sorted(shown) == sorted(t.number for t in queue["waiting"])  # not the urgent one, not the heating one
    phones = {row[table[0].index("电话")] for row in table[1:]}
    assert phones == {"138******34"}
    page.context.close()

    auditor = as_user(browser, live_server, "auditor")
    auditor.set_viewport_size(DESK)
    auditor.get_by_role("link", name="导出记录").click()
    auditor.wait_for_load_state()
    record = auditor.locator("table.exports tbody tr").first.inner_text()
    assert "派单队列" in record and "派单员" in record and "4" in record.split()
    assert all(part in record for part in ("紧急程度：一般", "查找：垃圾", "排序：工单号"))
    shots(auditor, "export-audit-1440")
    auditor.set_viewport_size(PHONE)
    shots(auditor, "export-audit-390")
    auditor.context.close()


def test_a_longer_export_is_written_in_the_background_and_downloaded_from_my_exports(
        browser, live_server, queue, shots, monkeypatch, tmp_path):
    monkeypatch.setattr(exports, "SYNC_EXPORT_ROWS", 0)  # the live server runs in this process: every list is long
    page = as_user(browser, live_server, "dispatcher")
    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/center/queue/?q=垃圾")
    page.get_by_role("link", name="导出Excel").click()
    page.wait_for_load_state()
    assert page.url.endswith("/exports/")
    assert "已转入后台生成" in page.locator(".messages").inner_text()
    row = page.locator("table.my-exports tbody tr").first
    assert "排队中" in row.inner_text() and "生成后可下载" in row.inner_text()
    assert page.locator("#export-pending").is_visible()
    shots(page, "my-exports-queued-1440")
    page.set_viewport_size(PHONE)
    assert_fits(page, "我的导出（排队中）")
    shots(page, "my-exports-queued-390")

    export = ListExport.objects.get()
    assert build_list_export(export.pk) == ExportStatus.DONE  # what a reports worker runs
    page.get_by_role("link", name="下载").wait_for(timeout=12_000)  # the page refreshes itself every 5 s
    assert "已完成" in row.inner_text() and "5" in row.inner_text().split()
    assert page.locator("#export-pending").count() == 0
    assert_fits(page, "我的导出（已完成）")
    shots(page, "my-exports-done-390")
    page.set_viewport_size(DESK)
    shots(page, "my-exports-done-1440")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载").click()
    saved = tmp_path / "queue.xlsx"
    download_info.value.save_as(saved)
    assert download_info.value.suggested_filename.startswith("派单队列-")
    table = [list(row) for row in load_workbook(saved, read_only=True).active.iter_rows(values_only=True)]
    waiting = [*queue["waiting"], queue["urgent"]]
    assert sorted(row[0] for row in table[1:]) == sorted(t.number for t in waiting)
    page.context.close()
