"""Maintenance: xlsx import all or nothing with per-row errors, export, the daily reminders, the demo loader."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from assessment.models import Notification, NotificationKind
from knowledge import services, transfer
from knowledge.choices import VersionStatus
from knowledge.models import Article
from knowledge.reminders import send_reminders
from tests.knowledge_helpers import published_article

pytestmark = pytest.mark.django_db
HEADER = ["编号", "维护单位代码", "标题", "正文", "关键词", "关联派单目录", "依据文件", "文号", "生效日期", "失效日期",
          "复审日期"]


def xlsx(*rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(key, title="供暖费缴纳", valid_from="2025-01-01", catalog="冬季采暖", owner=""):
    return [key, owner, title, "按供热单位通知缴纳。", "供暖费", catalog, "", "", valid_from, "", "2027-01-01"]


def test_import_creates_and_submits_every_row(users, catalog):
    created, updated = transfer.import_articles(users["heating"], xlsx(row("fee-1"), row("fee-2", "供暖报修")),
                                                submit=True)
    assert (created, updated) == (2, 0)
    assert set(Article.objects.values_list("latest_version__status", flat=True)) == {VersionStatus.REVIEW}
    assert set(Article.objects.values_list("owner__code", flat=True)) == {"E002"}


def test_one_bad_row_imports_nothing_and_every_problem_is_named_with_its_row(users, catalog):
    content = xlsx(row("ok-1"), row("bad-1", title="", valid_from="明天"), row("bad-2", catalog="不存在的条目"))
    with pytest.raises(transfer.ImportFailed) as error:
        transfer.import_articles(users["heating"], content)
    problems = error.value.errors
    assert any(p.startswith("第3行 标题") for p in problems) and any(p.startswith("第3行 生效日期") for p in problems)
    assert any(p.startswith("第4行 关联派单目录") and "不存在的条目" in p for p in problems)
    assert not Article.objects.exists()


def test_a_row_the_service_refuses_rolls_back_the_rows_before_it(users, catalog):
    other = services.create_article(users["chengguan"], {**row_content(), "title": "城管的条目"}, key="cg-1")
    with pytest.raises(transfer.ImportFailed) as error:
        transfer.import_articles(users["heating"], xlsx(row("new-1"), row("cg-1", "改别人的条目")))
    assert any("第3行" in p and "本单位" in p for p in error.value.errors)
    assert list(Article.objects.values_list("pk", flat=True)) == [other.pk]


def row_content():
    return {"title": "x", "body": "y", "valid_from": dt.date(2025, 1, 1)}


def test_export_reimports_as_a_new_version(users, catalog):
    article = published_article(users, catalog)
    data = transfer.export_xlsx(Article.objects.filter(pk=article.pk))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[2]][:3] == [article.key, "E002", "供暖季起止时间"]
    sheet["D2"] = "修改后的正文"
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    assert transfer.import_articles(users["heating"], buffer.getvalue()) == (0, 1)
    article.refresh_from_db()
    assert article.latest_version.number == 2 and article.live_version.number == 1


def test_reminders_tell_the_owner_once_and_expire_lapsed_articles(users, catalog, now):
    today = dt.date.today()
    published_article(users, catalog, title="复审到期", review_due=today - dt.timedelta(days=1))
    published_article(users, catalog, title="即将失效", valid_to=today + dt.timedelta(days=10))
    lapsed = published_article(users, catalog, title="已失效", valid_to=today + dt.timedelta(days=1))
    assert send_reminders(now + dt.timedelta(days=2)) == (1, 2)
    notes = Notification.objects.filter(recipient=users["heating"].unit)
    assert {n.kind for n in notes} == {NotificationKind.KB_REVIEW_DUE, NotificationKind.KB_EXPIRING}
    assert all(n.url.startswith("/knowledge/") for n in notes)
    lapsed.refresh_from_db()
    assert lapsed.live_version is None
    assert send_reminders(now + dt.timedelta(days=2)) == (0, 0)  # unread notices are not repeated


def test_demo_articles_load_idempotently_and_unknown_names_are_listed(tmp_path, directory):
    call_command("load_catalog", verbosity=0)
    out = io.StringIO()
    call_command("load_demo_articles", stdout=out)
    first = Article.objects.filter(live_version__isnull=False).count()
    assert first >= 60
    call_command("load_demo_articles", stdout=out)
    assert Article.objects.count() == first
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"key": "x-1", "title": "t", "body": "b", "owner": "NOPE", "catalog": ["无此条目"],
                                "valid_from": "2025-01-01"}]), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_demo_articles", str(bad))
    assert "NOPE" in str(error.value) and "无此条目" in str(error.value)
