"""Knowledge base writes: versions, the review workflow, who may do what, the audit trail, expiry."""

import datetime as dt

import pytest

from core.errors import InvalidInput, InvalidTransition, NotPermitted
from knowledge import services
from knowledge.choices import VersionStatus
from knowledge.models import ArticleEvent, IndexGeneration
from tests.knowledge_helpers import content, published_article

pytestmark = pytest.mark.django_db


def test_owner_writes_center_publishes_and_each_step_is_audited(users, catalog):
    article = published_article(users, catalog)
    live = article.live_version
    assert live.status == VersionStatus.PUBLISHED and live.number == 1
    assert live.published_by == users["dispatcher"]
    assert [e.action for e in ArticleEvent.objects.filter(article=article)] == ["create", "submit", "publish"]
    assert IndexGeneration.objects.get().generation >= 1


def test_editing_a_published_article_makes_a_new_version_while_agents_keep_the_old(users, catalog):
    article = published_article(users, catalog)
    services.edit_article(users["heating"], article.pk, content(title="供暖季起止时间（2026年修订）"))
    article.refresh_from_db()
    assert article.latest_version.number == 2 and article.latest_version.status == VersionStatus.DRAFT
    assert article.live_version.number == 1 and article.live_version.title == "供暖季起止时间"
    services.submit(users["heating"], article.pk)
    services.publish(users["admin"], article.pk)
    article.refresh_from_db()
    assert article.live_version.number == 2
    assert article.versions.get(number=1).status == VersionStatus.SUPERSEDED


def test_a_draft_is_rewritten_in_place_and_an_unchanged_edit_makes_nothing(users):
    article = services.create_article(users["heating"], content())
    services.edit_article(users["heating"], article.pk, content(body="新的正文"))
    services.edit_article(users["heating"], article.pk, content(body="新的正文"))
    assert article.versions.count() == 1 and article.versions.get().body == "新的正文"


def test_under_review_cannot_be_edited(users):
    article = services.create_article(users["heating"], content())
    services.submit(users["heating"], article.pk)
    with pytest.raises(InvalidTransition):
        services.edit_article(users["heating"], article.pk, content(body="x"))


def test_another_units_staff_cannot_write_and_agents_cannot_write(users):
    article = services.create_article(users["heating"], content())
    with pytest.raises(NotPermitted):
        services.edit_article(users["chengguan"], article.pk, content(body="x"))
    with pytest.raises(NotPermitted):
        services.create_article(users["agent"], content())
    with pytest.raises(NotPermitted):
        services.submit(users["wangjing"], article.pk)


def test_only_the_center_publishes_and_never_its_own_text(users):
    article = services.create_article(users["dispatcher"], content())
    services.submit(users["dispatcher"], article.pk)
    with pytest.raises(NotPermitted):
        services.publish(users["heating"], article.pk)
    with pytest.raises(NotPermitted):
        services.publish(users["dispatcher"], article.pk)
    services.publish(users["admin"], article.pk)


def test_send_back_needs_a_reason_and_returns_a_draft(users):
    article = services.create_article(users["heating"], content())
    services.submit(users["heating"], article.pk)
    with pytest.raises(InvalidInput):
        services.send_back(users["dispatcher"], article.pk, " ")
    services.send_back(users["dispatcher"], article.pk, "请补充文号")
    article.refresh_from_db()
    assert article.latest_version.status == VersionStatus.DRAFT
    assert ArticleEvent.objects.filter(article=article, action="send_back").get().note == "请补充文号"


def test_bad_fields_are_refused_before_anything_is_written(users):
    with pytest.raises(InvalidInput) as error:
        services.create_article(users["heating"], content(title=" ", valid_to=dt.date(2024, 1, 1)))
    assert error.value.field == "title"
    assert not ArticleEvent.objects.exists()


def test_withdraw_takes_the_article_out_and_expiry_does_too(users, catalog, now):
    article = published_article(users, catalog)
    services.withdraw(users["heating"], article.pk, "政策调整")
    article.refresh_from_db()
    assert article.live_version is None
    other = published_article(users, catalog, valid_to=dt.date.today() + dt.timedelta(days=1))
    assert services.expire_lapsed(now + dt.timedelta(days=3)) == 1
    other.refresh_from_db()
    assert other.live_version is None and other.latest_version.status == VersionStatus.EXPIRED
