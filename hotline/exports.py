"""导出Excel of a list of orders: every page of the list as the user sees it (the same filtered, sorted queryset),
streamed row by row into an .xlsx temp file and sent from there, so that 100 000 rows never sit in memory.

Rows are read with ``.iterator(chunk_size=2000)`` as plain values (no model instances, no prefetch); XlsxWriter's
``constant_memory`` mode flushes each row to disk as it is written. The caller's number and name are masked for
everyone, numbers inside the content too, and the address is shown in full only where the user sees it on the page
(hotline/privacy.py): an export never reveals more than the list and the ticket page. Each export is recorded
(``ListExport``, hotline/services/exports.py) with who, which list, which filters and how many rows.

A list of up to SYNC_EXPORT_ROWS orders (counted) downloads at once (~0.13 ms a row to write: 2 000 rows stay
within a page's 300 ms). A longer one is queued: a reports worker writes it (write_queued_export, through the
list's own view: hotline/export_jobs.py) and its owner downloads it from 我的导出, so no request waits seconds for a
day's 7 500 rows."""

import tempfile

import xlsxwriter
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone

from assessment.clock.overdue import is_past
from core.errors import InvalidInput
from core.planner import estimated_rows
from dispatch.choices import RequestType, Tier

from . import privacy, text_search
from .choices import OPEN_STATUSES, Status, Urgency
from .models import ticket_number
from .services.exports import finish_list_export, queue_list_export, record_list_export

EXPORT_LIMIT = 100_000  # rows in one export; more: the user narrows the filters (README "Lists of orders")
SYNC_EXPORT_ROWS = 2_000  # more (counted to 2 001): written by a worker
CHUNK_SIZE = 2000
TOO_MANY = "一次最多导出{limit}条工单，当前列表有{limit}条以上，请缩小筛选范围（如受理日期、区或状态）后再导出"
COLUMNS = (  # (header, width)
    ("工单号", 16), ("受理时间", 17), ("状态", 10), ("紧急程度", 9), ("响应级别", 9), ("办结时限", 17), ("超期", 6),
    ("诉求类型", 9), ("派单目录", 22), ("区", 10), ("街乡镇", 14), ("事发地址", 30), ("承办单位", 22),
    ("诉求人", 9), ("电话", 14), ("诉求内容", 60),
)
FIELDS = ("pk", "received_at", "status", "urgency", "tier", "due_at", "request_type", "catalog_item__name",
          "district__name", "street__name", "address", "address_shown", "lead_unit__name", "caller_name",
          "caller_phone", "content")
LABELS = {name: dict(choices.choices) for name, choices in
          (("status", Status), ("urgency", Urgency), ("tier", Tier), ("request_type", RequestType))}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def export_rows(user, tickets, now, limit=None):
    """The cells of each order of the list, in the list's order, as the user may see them (the first ``limit``)."""
    tickets = tickets.prefetch_related(None)
    if "address_shown" not in tickets.query.annotations:  # a word search has annotated it already
        tickets = privacy.with_address_access(tickets, user)
    rows = tickets.values_list(*FIELDS)
    rows = rows if limit is None else rows[:limit]
    for (pk, received_at, status, urgency, tier, due_at, request_type, catalog, district, street, address,
         address_shown, lead_unit, caller_name, caller_phone, content) in rows.iterator(chunk_size=CHUNK_SIZE):
        overdue = status in OPEN_STATUSES and due_at is not None and is_past(due_at, now)
        yield (
            ticket_number(received_at, pk), _local(received_at), LABELS["status"].get(status, status),
            LABELS["urgency"].get(urgency, urgency), LABELS["tier"].get(tier, tier), _local(due_at),
            "是" if overdue else "", LABELS["request_type"].get(request_type, request_type), catalog, district,
            street or "", address if address_shown else privacy.mask_address(address), lead_unit or "",
            privacy.mask_name(caller_name), privacy.mask_phone(caller_phone), privacy.mask_numbers(content),
        )


def _counted_past_the_limit(tickets):
    """More than EXPORT_LIMIT orders, counted (at most EXPORT_LIMIT + 1 ids) before anything is written; not
    counted when the planner expects far fewer (a day's 7 500 were read twice, the count the slower). The rows stop
    at the limit either way (``_at_most``): a list the planner misjudged is refused as it passes it."""
    expected = estimated_rows(tickets.order_by().values("pk"))
    if expected is not None and expected <= EXPORT_LIMIT // 2:
        return False
    return tickets.order_by().values("pk")[:EXPORT_LIMIT + 1].count() > EXPORT_LIMIT


def _at_most(rows, limit):
    for count, row in enumerate(rows, start=1):
        if count > limit:
            rows.close()  # its server-side cursor closes inside the transaction, before it rolls back
            raise InvalidInput(TOO_MANY.format(limit=limit))
        yield row


def write_workbook(target, sheet_name, rows):
    """Writes the header and ``rows`` into ``target`` (a path or a binary file), one row to disk at a time;
    returns how many rows were written. Text stays text: a content starting with = is not a formula."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "default_date_format": "yyyy-mm-dd hh:mm",
                                        "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(sheet_name[:31])
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    for col, (header, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, bold)
    sheet.freeze_panes(1, 0)
    count, write, write_string = 0, sheet.write, sheet.write_string
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):  # write_row's cells, without its dispatch on each cell's type
            if value is None or value == "":
                continue  # left empty, as write_row leaves it
            if type(value) is str:
                write_string(count, col, value)
            else:
                write(count, col, value)
    sheet.autofilter(0, 0, max(count, 1), len(COLUMNS) - 1)
    book.close()
    return count


def _longer_than(tickets, rows):
    """The list has more than ``rows`` orders, counted to rows + 1 (the planner's estimate is no guide here: it
    expected 277 rows of a district's day that holds 7 478)."""
    return tickets.order_by().values("pk")[:rows + 1].count() > rows


def start_export(user, tickets, *, list_name, list_path, query, now=None):
    """A list's export: the .xlsx download at once (export_list) for up to SYNC_EXPORT_ROWS orders, else the queued
    ListExport (refused at once, like export_list, past EXPORT_LIMIT)."""
    if not _longer_than(tickets, SYNC_EXPORT_ROWS):
        return export_list(user, tickets, list_name=list_name, list_path=list_path, query=query, now=now)
    with transaction.atomic():
        text_search.tune_word_search()
        if _counted_past_the_limit(tickets):
            raise InvalidInput(TOO_MANY.format(limit=EXPORT_LIMIT))
        return queue_list_export(user, list_path=list_path, list_name=list_name, query=query, now=now)


def write_queued_export(export, tickets, now=None):
    """A queued export's workbook, written from the list as its owner sees it now and stored on the record."""
    now = now or timezone.now()
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        with transaction.atomic():  # one snapshot for the count and the rows
            text_search.tune_word_search()
            if _counted_past_the_limit(tickets):
                raise InvalidInput(TOO_MANY.format(limit=EXPORT_LIMIT))
            rows = export_rows(export.user, tickets, now, limit=EXPORT_LIMIT + 1)
            count = write_workbook(handle, export.list_name, _at_most(rows, EXPORT_LIMIT))
        handle.seek(0)
        return finish_list_export(export, handle, count)


def download_name(export):
    return f"{export.list_name}-{timezone.localtime(export.created_at):%Y%m%d-%H%M}.xlsx"


def export_list(user, tickets, *, list_name, list_path, query, now=None):
    """The whole list (every page) as an .xlsx download, recorded as the user's export. More than EXPORT_LIMIT
    orders: an InvalidInput saying so, and nothing is written or recorded."""
    now = now or timezone.now()
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # deleted when the response closes it
    try:
        with transaction.atomic():  # one snapshot: the count, the rows and their record
            text_search.tune_word_search()  # a word search's matches stay exact (hotline/text_search.py)
            if _counted_past_the_limit(tickets):
                raise InvalidInput(TOO_MANY.format(limit=EXPORT_LIMIT))
            rows = export_rows(user, tickets, now, limit=EXPORT_LIMIT + 1)
            count = write_workbook(handle, list_name, _at_most(rows, EXPORT_LIMIT))
            record_list_export(user, list_path=list_path, list_name=list_name, query=query, row_count=count,
                               now=now)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    filename = f"{list_name}-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
