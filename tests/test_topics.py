"""每月一题: who may pick, start, report and close; the FSM path with its audit trail; a report with a photo; the
weekly before/after aggregate against an independent count; the pages' scope and query counts."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput, InvalidInputs, InvalidTransition, NotFoundInScope, NotPermitted
from topics import selectors, services
from topics.models import TopicPhoto, TopicStatus

from .attachment_helpers import photo, text_as_jpg
from .page_helpers import login
from .topic_helpers import FATOU, HAIDIAN_STREET, WANGJING, new_topic, orders_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def test_only_the_city_leader_picks_a_topic(demo_users, directory, catalog):
    for name in ("dispatcher", "chaoyang", "wangjing", "chengguan", "admin"):
        with pytest.raises(NotPermitted):
            new_topic({**demo_users, "leader": demo_users[name]}, directory, catalog)
    topic = new_topic(demo_users, directory, catalog)
    assert topic.status == TopicStatus.DRAFT
    event = topic.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == ("create", "", "draft",
                                                                               demo_users["leader"])


def test_a_topic_names_every_wrong_field_at_once(demo_users, directory, catalog):
    today = timezone.localdate()
    with pytest.raises(InvalidInputs) as caught:
        services.create_topic(demo_users["leader"], month=today.replace(day=1), title=" ", goal="", lead_unit=None,
                              streets=[directory["110105"]], item_ids=[catalog["sanitation"].parent_id],
                              deadline=today - dt.timedelta(days=1))
    assert set(caught.value.field_errors) == {"title", "goal", "lead_unit", "streets", "catalog_items", "deadline"}
    assert "不是街乡镇" in caught.value.field_errors["streets"][0]


def test_start_report_close_path_with_audit_trail(demo_users, directory, catalog):
    topic = new_topic(demo_users, directory, catalog, streets=(WANGJING, FATOU))
    with pytest.raises(NotFoundInScope):  # a draft is the leader's until started
        services.report_progress(demo_users["wangjing"], topic.pk, text="已清理")
    with pytest.raises(InvalidTransition):
        services.close_topic(demo_users["leader"], topic.pk, summary="提前结题")
    with pytest.raises(NotPermitted):
        services.start_topic(demo_users["dispatcher"], topic.pk)
    services.start_topic(demo_users["leader"], topic.pk)
    with pytest.raises(InvalidTransition):
        services.start_topic(demo_users["leader"], topic.pk)
    services.report_progress(demo_users["wangjing"], topic.pk, text="清理了三处堆放点")
    services.report_progress(demo_users["chengguan"], topic.pk, text="牵头单位开展联合执法")
    with pytest.raises(NotFoundInScope):  # 热力集团 is neither the lead nor a street of the topic: not its topic
        services.report_progress(demo_users["heating"], topic.pk, text="无关")
    with pytest.raises(NotPermitted):  # the district sees its streets' topic but does not report for them
        services.report_progress(demo_users["chaoyang"], topic.pk, text="区里代报")
    with pytest.raises(NotPermitted):
        services.close_topic(demo_users["chaoyang"], topic.pk, summary="区里结题")
    services.close_topic(demo_users["leader"], topic.pk, summary="堆放点全部清理，诉求量下降六成")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.CLOSED and topic.summary.startswith("堆放点")
    trail = [(e.action, e.from_status, e.to_status, e.actor.username) for e in topic.events.all()]
    assert trail == [("create", "", "draft", "leader"), ("start", "draft", "in_progress", "leader"),
                     ("report", "in_progress", "in_progress", "wangjing"),
                     ("report", "in_progress", "in_progress", "chengguan"),
                     ("close", "in_progress", "closed", "leader")]
    with pytest.raises(InvalidTransition):
        services.report_progress(demo_users["wangjing"], topic.pk, text="结题后再报")


def test_a_report_keeps_its_photo_reencoded_and_a_bad_file_writes_nothing(demo_users, directory, catalog):
    topic = new_topic(demo_users, directory, catalog)
    services.start_topic(demo_users["leader"], topic.pk)
    with pytest.raises(InvalidInput) as caught:
        services.report_progress(demo_users["wangjing"], topic.pk, text="已清理", photos=[text_as_jpg()])
    assert caught.value.field == "photos"
    assert topic.reports.count() == 0 and topic.events.filter(action="report").count() == 0
    report = services.report_progress(demo_users["wangjing"], topic.pk, text="清理后现场",
                                      photos=[photo("清理后.jpg", gps=True)])
    stored = report.photos.get()
    assert default_storage.exists(stored.file.name) and default_storage.exists(stored.thumbnail.name)
    with default_storage.open(stored.file.name) as handle:
        assert b"TestPhone" not in handle.read()  # EXIF (with its GPS) dropped by the re-encode
    assert "照片 1 张" in topic.events.get(action="report").note


def test_photos_are_read_only_within_the_topic_scope(client, demo_users, directory, catalog):
    topic = new_topic(demo_users, directory, catalog)
    services.start_topic(demo_users["leader"], topic.pk)
    report = services.report_progress(demo_users["wangjing"], topic.pk, text="现场", photos=[photo()])
    item = report.photos.get()
    for name, status in (("wangjing", 200), ("leader", 200), ("chaoyang", 200), ("heating", 404)):
        login(client, demo_users[name])
        for url in (reverse("topics:photo", args=[item.pk]), reverse("topics:thumbnail", args=[item.pk])):
            response = client.get(url)
            assert response.status_code == status, (name, url)
            if status == 200:
                assert response["Content-Type"] == "image/jpeg"
                b"".join(response.streaming_content)
    assert TopicPhoto.objects.count() == 1


def test_weekly_volume_equals_an_independent_count(demo_users, directory, catalog):
    now = timezone.now()
    topic = new_topic(demo_users, directory, catalog, streets=(WANGJING, FATOU), now=now - dt.timedelta(days=30))
    services.start_topic(demo_users["leader"], topic.pk, now=now - dt.timedelta(days=21))
    times = [now - dt.timedelta(days=d, hours=h) for d in (2, 5, 9, 16, 23, 30, 40, 51, 58) for h in (1, 7)]
    wanted = orders_at(demo_users, directory, catalog["sanitation"], WANGJING, times)
    wanted += orders_at(demo_users, directory, catalog["sanitation"], FATOU, times[::3])
    orders_at(demo_users, directory, catalog["sanitation"], HAIDIAN_STREET, times)  # another street
    orders_at(demo_users, directory, catalog["policy"], WANGJING, times)  # another leaf
    topic = selectors.topic_for(demo_users["leader"], topic.pk)
    weeks = selectors.weekly_volume(topic, now=now)
    first, anchor, last = selectors.week_range(topic, now)
    assert weeks[0]["week"] == first and weeks[-1]["week"] == last and first.weekday() == 0
    assert len(weeks) == (last - first).days // 7 + 1 and sum(1 for w in weeks if not w["after"]) == 8
    for week in weeks:
        expected = sum(1 for t in wanted
                       if week["week"] <= timezone.localdate(t.received_at) < week["week"] + dt.timedelta(days=7))
        assert week["count"] == expected, week
    assert sum(w["count"] for w in weeks) == sum(
        1 for t in wanted if first <= timezone.localdate(t.received_at) < last + dt.timedelta(days=7))
    assert sum(w["count"] for w in weeks) > 0


def test_the_topic_page_shows_the_weekly_table_and_only_the_allowed_forms(client, demo_users, directory, catalog,
                                                                        django_assert_max_num_queries):
    topic = new_topic(demo_users, directory, catalog)
    services.start_topic(demo_users["leader"], topic.pk)
    services.report_progress(demo_users["wangjing"], topic.pk, text="现场已清理", photos=[photo()])
    url = reverse("topics:detail", args=[topic.pk])
    login(client, demo_users["wangjing"])
    page = client.get(url).content.decode()
    assert "现场已清理" in page and "报告进展" in page and "结题总结" not in page and 'class="weekly"' in page
    login(client, demo_users["leader"])
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    assert "结题总结" in page and "提交进展" not in page
    login(client, demo_users["heating"])
    assert client.get(url).status_code == 404
    assert topic.title not in client.get(reverse("topics:list")).content.decode()


def test_the_topic_list_query_count_does_not_grow(client, demo_users, directory, catalog, django_assert_num_queries):
    for _ in range(3):
        topic = new_topic(demo_users, directory, catalog)
        services.start_topic(demo_users["leader"], topic.pk)
    login(client, demo_users["wangjing"])
    with django_assert_num_queries(5):  # session, user, topics with their report counts, the bell, the header unit
        page = client.get(reverse("topics:list")).content.decode()
    assert page.count("垃圾堆放治理") == 3


def test_the_leader_picks_a_candidate_through_the_page(client, demo_users, directory, catalog):
    now = timezone.now()
    orders_at(demo_users, directory, catalog["sanitation"], WANGJING, [now - dt.timedelta(minutes=m) for m in (1, 2)])
    month = timezone.localdate(now).strftime("%Y-%m")
    login(client, demo_users["leader"])
    page = client.get(reverse("topics:new"), {"month": month, "item": catalog["sanitation"].pk}).content.decode()
    assert "环境卫生" in page and "望京街道" in page
    bad = client.post(f"{reverse('topics:new')}?month={month}", {"catalog_items": "x", "title": ""})
    assert bad.status_code == 400 and "请选择派单目录中的三级事项" in bad.content.decode()
    response = client.post(f"{reverse('topics:new')}?month={month}&item={catalog['sanitation'].pk}", {
        "catalog_items": str(catalog["sanitation"].pk), "title": "垃圾堆放治理", "goal": "下降一半",
        "lead_unit": "城管执法局", "streets": "望京街道",
        "deadline": f"{timezone.localdate() + dt.timedelta(days=30)}"})
    assert response.status_code == 302
    login(client, demo_users["wangjing"])
    assert client.get(response["Location"]).status_code == 404  # still a draft
