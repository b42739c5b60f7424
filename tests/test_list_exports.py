"""导出Excel: every list of orders exports all its pages with its filters, sort and search box, the caller masked as
the list shows it, each export recorded for the auditor (hotline/exports.py)."""

import datetime as dt
from io import BytesIO
from urllib.parse import parse_qs

import pytest
from django.db import connection
from openpyxl import load_workbook

from hotline import export_jobs, exports
from hotline.choices import ExportStatus
from hotline.models import ListExport, Ticket
from hotline.services import handling
from hotline.tasks import build_list_export
from hotline.views import lists

from .lifecycle_helpers import take_call, walk_to_completed
from .page_helpers import login, street_order

pytestmark = pytest.mark.django_db
PHONE, MASKED_PHONE = "13812341234", "138******34"
ADDRESS = "望京街道花家地小区3号楼"


def sheet(response):
    """(header, rows) of an .xlsx download."""
    assert response.status_code == 200, response.content[:500] if hasattr(response, "content") else response
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def numbers(response):
    return [t.number for t in response.context["tickets"]]


def export(client, path, **params):
    return client.get(path, {**params, "format": "xlsx"})


@pytest.fixture
def queue(users, directory, catalog, now):
    """Five orders awaiting dispatch: four sanitation at 望京 (one urgent, one naming a number), heating at 安定门."""
    at = now - dt.timedelta(days=3)
    tickets = [take_call(users, directory, catalog["sanitation"], content=f"楼下垃圾堆放第{i}天", now=at + dt.timedelta(
        hours=i)) for i in range(3)]
    tickets[0].content = "垃圾堆放，回电13900001111"
    Ticket.objects.filter(pk=tickets[0].pk).update(content=tickets[0].content, caller_name="张先生")
    tickets.append(take_call(users, directory, catalog["sanitation"], content="井盖丢失有人掉落危险", now=now,
                             urgency="urgent"))
    tickets.append(take_call(users, directory, catalog["heating"], street="110101004", content="暖气不热", now=now))
    return tickets


def test_the_dispatcher_exports_every_page_of_the_filtered_sorted_queue(client, users, queue, monkeypatch):
    monkeypatch.setattr(lists, "LIST_LIMIT", 2)
    login(client, users["dispatcher"])
    params = {"unit": "望京", "urgency": "normal", "sort": "-number", "q": "垃圾"}
    pages = [numbers(client.get("/center/queue/", {**params, "page": n})) for n in (1, 2)]
    header, rows = sheet(export(client, "/center/queue/", **params, page=2))  # the page number is not the export's
    assert [row["工单号"] for row in rows] == pages[0] + pages[1] and len(rows) == 3
    assert header[:3] == ["工单号", "受理时间", "状态"] and "电话" in header and "事发地址" in header
    first = rows[-1]  # the oldest: its caller named, a number in its content
    assert first["电话"] == MASKED_PHONE and first["诉求人"] == "张**"
    assert first["诉求内容"] == "垃圾堆放，回电139******11"
    assert first["事发地址"] == ADDRESS and first["状态"] == "已受理" and first["派单目录"] == "环境卫生"
    assert first["区"] == "朝阳区" and first["街乡镇"] == "望京街道" and isinstance(first["受理时间"], dt.datetime)
    record = ListExport.objects.get()
    assert (record.user, record.role, record.list_path, record.list_name, record.row_count) == (
        users["dispatcher"], "dispatcher", "/center/queue/", "派单队列", 3)
    assert parse_qs(record.query) == {key: [value] for key, value in params.items()}


def test_phones_and_names_are_masked_for_every_role_addresses_as_the_list_shows_them(client, users, directory,
                                                                                     catalog, now):
    received = take_call(users, directory, catalog["sanitation"], content="垃圾满溢", now=now)
    handled = street_order(users, directory, catalog, now - dt.timedelta(days=8), content="垃圾堆放超期")
    handling.sign(users["wangjing"], handled.pk, now=now - dt.timedelta(days=8))
    done = street_order(users, directory, catalog, now - dt.timedelta(hours=6), content="垃圾已清")
    walk_to_completed(users, done, now=now - dt.timedelta(hours=6))
    Ticket.objects.update(caller_name="张先生")
    cases = [  # (user, list, the order, the address as the user sees it)
        ("agent", "/center/queue/", received, ADDRESS),  # the agent who took the call may reveal it: not here
        ("wangjing", "/work/?tab=overdue", handled, ADDRESS),  # the lead unit calls the caller: not from a list
        ("callback", "/callbacks/", done, ADDRESS),
        ("chaoyang", "/center/deadlines/", handled, "望京街道花家****"),  # a supervisor does not work on it
        ("chaoyang", "/district/tickets/", done, "望京街道花家****"),  # 本区工单
    ]
    for username, path, ticket, address in cases:
        login(client, users[username])
        _, rows = sheet(client.get(f"{path}{'&' if '?' in path else '?'}format=xlsx"))
        row = next(row for row in rows if row["工单号"] == ticket.number)
        assert (row["电话"], row["诉求人"], row["事发地址"]) == (MASKED_PHONE, "张**", address), username
        assert not any(PHONE in str(value) for value in row.values()), username
    assert ListExport.objects.count() == 5


def test_a_worklist_tab_and_the_deadlines_export_their_own_rows(client, users, directory, catalog, now):
    late = street_order(users, directory, catalog, now - dt.timedelta(days=8), content="垃圾一")
    fresh = street_order(users, directory, catalog, now, content="垃圾二")
    for ticket in (late, fresh):
        handling.sign(users["wangjing"], ticket.pk, now=now)
    elsewhere = take_call(users, directory, catalog["sanitation"], street="110101004", content="垃圾三", now=now,
                          then="dispatch")
    login(client, users["wangjing"])
    _, rows = sheet(export(client, "/work/", tab="in_progress"))
    assert {row["工单号"] for row in rows} == {late.number, fresh.number}
    _, overdue = sheet(export(client, "/work/", tab="in_progress", overdue="true"))
    assert [row["工单号"] for row in overdue] == [late.number] and overdue[0]["超期"] == "是"
    assert ListExport.objects.filter(list_name="工作台-办理中").count() == 2
    login(client, users["dispatcher"])
    page = [row.ticket.number for row in client.get("/center/deadlines/").context["rows"]]
    _, urged = sheet(export(client, "/center/deadlines/"))
    assert [row["工单号"] for row in urged] == page and page[0] == late.number  # soonest (here: past) first
    _, streets = sheet(export(client, "/center/deadlines/", unit="望京"))
    assert elsewhere.number in page and elsewhere.number not in [row["工单号"] for row in streets]
    _, at_andingmen = sheet(export(client, "/center/deadlines/", unit="安定门"))
    assert [row["工单号"] for row in at_andingmen] == [elsewhere.number]


def test_the_search_exports_its_matches_with_the_filters(client, users, queue):
    login(client, users["agent"])
    _, rows = sheet(export(client, "/tickets/", q="垃圾", sort="received"))
    assert [row["工单号"] for row in rows] == [t.number for t in queue[:3]]
    _, urgent = sheet(export(client, "/tickets/", urgency="urgent"))
    assert [row["工单号"] for row in urgent] == [queue[3].number]
    assert ListExport.objects.filter(list_name="查找结果").count() == 2


def test_each_list_offers_the_export_keeping_its_filters(client, users, queue):
    login(client, users["dispatcher"])
    html = client.get("/center/queue/", {"unit": "望京", "sort": "number", "page": 1}).content.decode()
    assert 'href="?unit=%E6%9C%9B%E4%BA%AC&amp;sort=number&amp;format=xlsx">导出Excel</a>' in html
    assert "导出Excel</a>" in client.get("/center/deadlines/").content.decode()
    assert "导出Excel</a>" not in client.get("/tickets/").content.decode()  # nothing searched yet: nothing to export
    assert "导出Excel</a>" in client.get("/tickets/", {"q": "垃圾"}).content.decode()
    login(client, users["callback"])
    assert "导出Excel</a>" in client.get("/callbacks/").content.decode()
    login(client, users["wangjing"])
    assert 'href="?tab=overdue&amp;format=xlsx"' in client.get("/work/", {"tab": "overdue"}).content.decode()
    login(client, users["dispatcher"])  # a list of extension requests, not of orders: no export
    assert "导出Excel</a>" not in client.get("/center/extensions/").content.decode()


def test_a_bad_filter_exports_nothing_and_the_list_says_why_beside_the_field(client, users, queue):
    login(client, users["dispatcher"])
    response = export(client, "/center/queue/", received_from="昨天", unit="望京")
    assert response.status_code == 302 and "format" not in response["Location"]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "筛选条件有误，未导出（受理日期起：请输入日期" in html
    assert '<p class="error" role="alert">请输入日期（如 2026-11-01）' in html
    assert not ListExport.objects.exists()


def test_more_rows_than_the_limit_exports_nothing_and_says_so(client, users, queue, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 4)
    login(client, users["dispatcher"])
    refused = client.get("/center/queue/", {"format": "xlsx"}, follow=True)
    assert refused.status_code == 200 and "一次最多导出4条工单" in refused.content.decode()
    assert not ListExport.objects.exists()
    _, rows = sheet(export(client, "/center/queue/", unit="望京"))  # exactly the limit: exported
    assert len(rows) == 4


def test_who_may_not_see_a_list_may_not_export_it(client, users, queue):
    for username, path in (("wangjing", "/center/queue/"), ("leader", "/callbacks/"), ("agent", "/work/"),
                           ("auditor", "/center/deadlines/")):
        login(client, users[username])
        response = export(client, path)
        assert response.status_code == 403 and "无权访问" in response.content.decode(), username
    login(client, users["wangjing"])  # a street's search exports only its own orders: these wait for dispatch
    _, rows = sheet(export(client, "/tickets/", q="垃圾"))
    assert rows == []
    assert ListExport.objects.count() == 1


def test_text_that_looks_like_a_formula_stays_text(client, users, queue):
    Ticket.objects.filter(pk=queue[1].pk).update(content='=HYPERLINK("http://x.example","点我")')
    login(client, users["dispatcher"])
    response = export(client, "/center/queue/", q="HYPERLINK")
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    cell = book.active.cell(row=2, column=16)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_auditor_lists_the_exports_and_the_admin_only_reads_them(client, users, queue):
    login(client, users["dispatcher"])
    export(client, "/center/queue/", unit="望京", sort="-due")
    listing = login(client, users["auditor"]).get("/audit/exports/").content.decode()
    assert "派单队列" in listing and "承办单位或街乡镇：望京；排序：办结时限（降序）" in listing
    assert 'data-label="条数">4</td>' in listing
    assert "（dispatcher）" in listing and "导出记录</a>" in listing
    admin = login(client, users["admin"]).get("/admin/hotline/listexport/")
    assert admin.status_code == 200 and "/admin/hotline/listexport/add/" not in admin.content.decode()
    assert client.get("/admin/hotline/listexport/add/").status_code == 403
    for username in ("leader", "dispatcher", "wangjing"):
        assert login(client, users[username]).get("/audit/exports/").status_code == 403


def test_an_exports_query_count_does_not_grow_with_its_rows(client, users, directory, catalog, queue, now):
    from django.test.utils import CaptureQueriesContext

    login(client, users["dispatcher"])
    captured_sql = []

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _, rows = sheet(export(client, "/center/queue/", q="垃圾"))
        captured_sql[:] = captured.captured_queries
        return len(captured), len(rows)

    few = queries()
    for i in range(6):
        take_call(users, directory, catalog["sanitation"], content=f"垃圾满溢{i}", now=now)
    many = queries()
    # session, user, the name matches, whether it is short enough to write now, a savepoint, the count, the rows,
    # the record, the savepoint's release; PostgreSQL: the limit's estimate, the plan's, and the bitmap's work_mem
    expected = 12 if connection.vendor == "postgresql" else 9
    assert (few, many) == ((expected, 3), (expected, 9)), [q["sql"][:90] for q in captured_sql]


def queued_export(client, django_capture_on_commit_callbacks, path, **params):
    """An export of a list longer than a request writes: the record, queued once committed (the task not run)."""
    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = export(client, path, **params)
    assert response.status_code == 302 and response["Location"] == "/exports/"
    assert len(sent) == 1  # build_list_export.delay, on commit
    return ListExport.objects.get()


def test_a_longer_list_is_written_by_a_worker_and_downloaded_by_its_owner(client, users, queue, monkeypatch,
                                                                           django_capture_on_commit_callbacks):
    login(client, users["dispatcher"])
    _, written_at_once = sheet(export(client, "/center/queue/", unit="望京", sort="-number"))
    ListExport.objects.all().delete()
    monkeypatch.setattr(exports, "SYNC_EXPORT_ROWS", 0)  # every list is "longer"
    queued = queued_export(client, django_capture_on_commit_callbacks, "/center/queue/", unit="望京",
                           sort="-number")
    assert queued.status == ExportStatus.QUEUED and queued.row_count is None and not queued.file
    waiting = client.get("/exports/").content.decode()
    assert "排队中" in waiting and 'http-equiv="refresh"' in waiting and "生成后可下载" in waiting
    assert "条数较多，已转入后台生成" in waiting  # the message the redirect carried

    assert build_list_export(queued.pk) == ExportStatus.DONE
    assert build_list_export(queued.pk) is None  # a redelivered task finds it taken
    done = ListExport.objects.get()
    assert (done.status, done.row_count, done.list_name) == (ExportStatus.DONE, 4, "派单队列")
    page = client.get("/exports/").content.decode()
    assert "已完成" in page and f"/exports/{done.pk}/download/" in page and 'http-equiv="refresh"' not in page
    download = client.get(f"/exports/{done.pk}/download/")
    assert download["Content-Disposition"].lower().startswith("attachment; filename*=utf-8''%e6%b4%be%e5%8d%95")
    _, rows = sheet(download)
    assert rows == written_at_once and {row["电话"] for row in rows} == {MASKED_PHONE}

    for username in ("callback", "wangjing", "auditor"):  # the file is its owner's alone
        assert login(client, users[username]).get(f"/exports/{done.pk}/download/").status_code == 404
        assert "派单队列" not in client.get("/exports/").content.decode()
    assert 'data-label="条数">4</td>' in client.get("/audit/exports/").content.decode()


def test_a_queued_export_whose_owner_lost_the_list_fails_and_says_why(client, users, queue, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "SYNC_EXPORT_ROWS", 0)
    login(client, users["dispatcher"])
    queued = queued_export(client, django_capture_on_commit_callbacks, "/center/queue/")
    users["dispatcher"].role = "callback"
    users["dispatcher"].save(update_fields=["role"])
    assert build_list_export(queued.pk) == ExportStatus.FAILED
    failed = ListExport.objects.get()
    assert failed.error == export_jobs.NO_LONGER_ALLOWED and not failed.file and failed.row_count is None
    page = client.get("/exports/").content.decode()
    assert "失败" in page and export_jobs.NO_LONGER_ALLOWED in page and "下载</a>" not in page
    assert client.get(f"/exports/{failed.pk}/download/").status_code == 404


def test_a_queued_search_export_keeps_the_street_scope(client, users, directory, catalog, queue, now, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "SYNC_EXPORT_ROWS", 0)
    ours = street_order(users, directory, catalog, now, content="垃圾桶满溢")  # the queue's five wait for dispatch
    login(client, users["wangjing"])
    queued = queued_export(client, django_capture_on_commit_callbacks, "/tickets/", q="垃圾")
    assert build_list_export(queued.pk) == ExportStatus.DONE
    _, rows = sheet(client.get(f"/exports/{queued.pk}/download/"))
    assert [row["工单号"] for row in rows] == [ours.number]
